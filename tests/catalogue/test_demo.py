"""``osr demo``: a realistic estate, loaded once however often it runs."""

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from osr.catalogue import demo, models
from osr.catalogue.choices import IN_DEVELOPMENT, Phase, SupportHours, TeamKind

pytestmark = pytest.mark.django_db

COUNTED = [
    models.Person,
    models.DeliveryGroup,
    models.Team,
    models.Service,
    models.PhaseChange,
    models.Supplier,
    models.Component,
    models.Contract,
    models.ExternalSystem,
    models.Dependency,
    LogEntry,
    User,
]


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def estate(db):
    run_demo()


def test_running_the_demo_twice_changes_nothing(settings):
    settings.DEBUG = True
    first = run_demo()
    after_first = counts()
    second = run_demo()
    assert counts() == after_first
    assert "objects added" in first and "(0 objects added)" in second
    assert "existed already" in second


def test_the_estate_looks_like_a_portfolio(estate):
    assert 25 <= models.Service.objects.count() <= 40
    assert set(models.Service.objects.values_list("phase", flat=True)) == set(Phase.values)
    assert models.DeliveryGroup.objects.count() >= 4
    assert models.Service.objects.filter(slug="ipaffs", phase="live", critical=True).exists()
    for group in models.DeliveryGroup.objects.all():
        assert group.services.exists(), group


def test_exactly_one_group_lacks_a_live_services_manager(estate):
    gaps = {g.slug: g.gaps for g in models.DeliveryGroup.objects.all() if g.gaps}
    assert gaps == {"trade-and-borders": ["No live services manager"]}


def test_the_estate_has_expired_and_current_contracts(estate):
    today = timezone.localdate()
    contracts = models.Contract.objects.prefetch_related("components")
    assert any(c.end_date < today for c in contracts)
    assert any(c.is_current(today) for c in contracts)
    assert all(c.components.exists() for c in contracts)


def test_services_in_development_depend_on_live_services(estate):
    into_live = models.Dependency.objects.filter(
        from_service__phase__in=IN_DEVELOPMENT, to_service__phase=Phase.LIVE
    )
    assert into_live.exists()
    assert into_live.filter(carries_live_data=True).exists()
    assert models.Dependency.objects.filter(to_external__slug="govuk-notify").count() >= 5


def test_critical_services_give_reasons_and_some_have_round_the_clock_support(estate):
    critical = models.Service.objects.filter(critical=True)
    assert critical.exists()
    assert all(service.critical_reason for service in critical)
    assert critical.filter(support_hours=SupportHours.ALWAYS).exists()
    assert not models.Service.objects.filter(critical=False, critical_reason__gt="").exists()


def test_services_using_live_data_say_which_and_since_when(estate):
    using = models.Service.objects.filter(uses_live_data=True)
    assert using.filter(phase__in=IN_DEVELOPMENT).exists()
    for service in using:
        assert service.live_data_sources and service.live_data_since, service
    assert not models.Service.objects.filter(
        uses_live_data=False, live_data_since__isnull=False
    ).exists()


def test_each_service_has_one_phase_change_recording_its_phase(estate):
    for service in models.Service.objects.prefetch_related("phase_changes"):
        changes = list(service.phase_changes.all())
        assert [(c.from_phase, c.to_phase) for c in changes] == [("", service.phase)]
        assert changes[0].changed_at.date() == service.phase_since


def test_phases_were_entered_before_today(estate):
    today = timezone.localdate()
    assert not models.Service.objects.filter(phase_since__gt=today).exists()
    assert models.Service.objects.filter(phase_since__lt=today - dt.timedelta(days=365)).exists()


def test_teams_of_both_kinds_have_people(estate):
    for kind in TeamKind.values:
        teams = models.Team.objects.filter(kind=kind)
        assert teams.exists()
        assert all(team.members.exists() for team in teams)
    assert all(s.delivery_team.delivery_group_id == s.delivery_group_id
               for s in models.Service.objects.select_related("delivery_team"))  # fmt: skip


def test_components_vary_in_kind_and_hosting(estate):
    components = models.Component.objects.all()
    assert len({c.kind for c in components}) >= 5
    assert len({c.hosting for c in components}) >= 4
    assert components.filter(supplier__isnull=False).exists()


def test_every_demo_object_is_valid_by_its_model(estate):
    for model in COUNTED[:-2]:
        for obj in model.objects.all():
            obj.full_clean()


def test_the_data_refers_only_to_what_it_defines():
    people = {name for name, _title in demo.PEOPLE}
    services = {spec["slug"] for spec in demo.SERVICES}
    externals = {slug for slug, _name, _url in demo.EXTERNAL_SYSTEMS}
    assert not services & externals
    assert len(services) == len(demo.SERVICES)
    for spec in demo.SERVICES:
        assert spec["owner"] in people and spec["team"] in demo.GROUP_OF_TEAM
        for target, *_rest in spec.get("depends_on", []):
            assert target in services | externals and target != spec["slug"]


def test_in_development_it_creates_an_account_for_each_role(settings):
    settings.DEBUG = True
    out = run_demo()
    for role, username, *_rest in demo.DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert f"demo-{role}" in out
        assert Client().login(username=username, password=f"demo-{role}")
        assert models.Person.objects.filter(user=user).exists()
    farming = models.DeliveryGroup.objects.get(slug="farming-and-countryside")
    assert farming.osr_manager.user.username == "osr_manager"
    assert farming.live_services_manager.user.username == "live_services_manager"
    assert farming.members.filter(user__username="delivery").exists()
    assert models.DeliveryGroup.objects.get(slug="trade-and-borders").gaps


def test_outside_development_it_loads_the_estate_without_accounts(settings):
    settings.DEBUG = False
    out = run_demo()
    assert models.Service.objects.exists()
    assert not User.objects.exists()
    assert "No demo accounts" in out
