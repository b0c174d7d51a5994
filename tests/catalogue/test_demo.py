"""``osr demo``: a realistic estate, loaded once however often it runs.

The catalogue's facts are checked on the catalogue alone (``load_estate``); what the
whole story shows (evidence, boards, MyIT, changes, guides, each role's work) on the
whole demo, loaded once for ``TestWhatGoodLooksLike``.
"""

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Q
from django.test import Client, TestCase
from django.utils import timezone

from osr.catalogue import demo, models
from osr.catalogue.choices import IN_DEVELOPMENT, Phase, SupportHours, TeamKind
from osr.catalogue.contacts import unconfirmed
from osr.core.notifications.models import Notification
from osr.devtools.choices import ChangeStatus
from osr.devtools.models import ChangeRequest, Integration
from osr.graph.incidents import recent_changes
from osr.guides.models import GuideVersion, OperationsProfile
from osr.myit.choices import SyncStatus
from osr.myit.models import MyitRecord, SyncRun
from osr.readiness.choices import EvidenceStatus, Status
from osr.readiness.demo import FULLY_READY
from osr.readiness.models import Evidence, RequirementEvent, Waiver
from osr.readiness.services import awaiting_verification, portfolio, readiness_of
from osr.reviews.choices import ActionStatus, Outcome
from osr.reviews.models import Action, Decision, Rehearsal, ReviewBoard

pytestmark = pytest.mark.django_db

# The catalogue's own models, each valid by its model.
CATALOGUE = [
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
]
COUNTED = [
    *CATALOGUE,
    Evidence,
    Waiver,
    RequirementEvent,
    ReviewBoard,
    Action,
    Rehearsal,
    SyncRun,
    MyitRecord,
    Integration,
    ChangeRequest,
    OperationsProfile,
    GuideVersion,
    Notification,
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
    demo.load_estate(today=timezone.localdate())


def test_running_the_demo_twice_changes_nothing(settings):
    settings.DEBUG = True
    first = run_demo()
    after_first = counts()
    second = run_demo()
    assert counts() == after_first
    assert "objects added" in first and "(0 objects added)" in second
    assert "demo-delivery" in first and "existed already" in second


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
    for model in CATALOGUE:
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


def test_outside_development_it_loads_the_estate_without_accounts(settings):
    settings.DEBUG = False
    out = run_demo()
    assert models.Service.objects.exists()
    # The people of the demo's history sign in only through single sign-on.
    assert not any(user.has_usable_password() for user in User.objects.all())
    assert "No demo accounts" in out


class TestWhatGoodLooksLike(TestCase):
    """The whole demo, loaded once with the development accounts, read by every test."""

    @classmethod
    def setUpTestData(cls):
        demo.load_demo(today=timezone.localdate(), accounts=True)

    def setUp(self):
        self.today = timezone.localdate()

    def test_a_live_service_is_fully_ready(self):
        service = models.Service.objects.get(slug=FULLY_READY)
        evaluation = readiness_of(service, today=self.today)
        assert service.phase == Phase.LIVE and evaluation.percent == 100
        assert all(gate.satisfied for gate in evaluation.gates)

    def test_evidence_is_in_every_state(self):
        states = set(Evidence.objects.values_list("status", flat=True))
        assert states == set(EvidenceStatus.values)
        rejected = Evidence.objects.filter(status=EvidenceStatus.REJECTED)
        assert all(evidence.review_note for evidence in rejected)
        assert Waiver.objects.filter(expires_on__isnull=True).exists()
        soon = self.today + dt.timedelta(days=30)
        assert Waiver.objects.filter(expires_on__gt=self.today, expires_on__lte=soon).exists()
        expiring = [
            result
            for _loaded, evaluation in portfolio(models.Service.objects.all(), today=self.today)
            for result in evaluation.requirements
            if result.status == Status.MET and result.expires_on and result.expires_on <= soon
        ]
        assert expiring

    def test_boards_decided_green_and_amber_and_the_amber_one_set_actions(self):
        assert {d.outcome for d in Decision.objects.all()} == {Outcome.GREEN, Outcome.AMBER}
        actions = Action.objects.filter(decision__outcome=Outcome.AMBER)
        assert actions.filter(status=ActionStatus.CLOSED).exists()
        open_actions = actions.filter(status=ActionStatus.OPEN)
        assert open_actions.filter(due_on__lt=self.today).count() == 1
        assert open_actions.filter(due_on__gte=self.today).exists()

    def test_a_board_is_scheduled_with_a_service_on_its_agenda(self):
        coming = ReviewBoard.objects.filter(starts_at__gt=timezone.now())
        assert coming.filter(agenda__isnull=False).exists()
        assert ReviewBoard.objects.filter(starts_at__lt=timezone.now()).count() >= 2

    def test_live_services_rehearsed_incidents_and_changes(self):
        assert {r.kind for r in Rehearsal.objects.all()} == {"incident", "change"}
        assert not Rehearsal.objects.exclude(service__phase=Phase.LIVE).exists()

    def test_one_guide_is_approved_and_another_awaits_its_live_services_manager(self):
        assert GuideVersion.objects.filter(
            service__slug=FULLY_READY, approved_at__isnull=False
        ).exists()
        assert GuideVersion.objects.filter(
            osr_manager_approved_at__isnull=False,
            live_services_manager_approved_at__isnull=True,
            approved_at__isnull=True,
        ).exists()

    def test_every_live_service_was_synced_to_myit(self):
        live = models.Service.objects.filter(phase=Phase.LIVE)
        synced = SyncRun.objects.filter(status=SyncStatus.SUCCEEDED, finished_at__lt=timezone.now())
        assert set(live) <= {run.service for run in synced.select_related("service")}
        assert MyitRecord.objects.filter(service__slug=FULLY_READY, key="service").exists()

    def test_deployments_from_a_code_host_raised_changes_in_myit(self):
        raised = ChangeRequest.objects.filter(status=ChangeStatus.RAISED, host="github")
        assert raised.count() >= 3
        assert all(change.myit_number.startswith("CHG") for change in raised)
        assert raised.filter(service__phase__in=IN_DEVELOPMENT).exists()

    def test_only_a_few_services_changed_in_the_last_fortnight(self):
        since = timezone.now() - dt.timedelta(days=14)
        every = models.Service.objects.values_list("pk", flat=True)
        changed = {pk for pk, changes in recent_changes(every, since=since).items() if changes}
        changed |= set(
            ChangeRequest.objects.filter(received_at__gte=since).values_list("service", flat=True)
        )
        assert 1 <= len(changed) <= 4

    def test_the_history_is_dated_before_today(self):
        today = Q(timestamp__date__gte=self.today)
        assert not LogEntry.objects.filter(today).exists()
        assert not Evidence.objects.filter(submitted_at__date__gte=self.today).exists()

    def test_most_teams_confirmed_their_contacts_in_the_last_six_months(self):
        services = models.Service.objects.exclude(phase=Phase.RETIRED)
        assert not services.filter(contacts_confirmed_on__isnull=True).exists()
        assert 1 <= unconfirmed(services, self.today).count() <= 6

    def test_its_notifications_are_recorded_as_delivered_when_they_were_sent(self):
        assert Notification.objects.filter(kind="evidence_submitted").exists()
        assert not Notification.objects.exclude(status="sent").exists()
        assert not Notification.objects.filter(created_at__date__gte=self.today).exists()

    def test_each_role_has_an_account_with_its_work_waiting(self):
        for role, username, *_rest in demo.DEMO_ACCOUNTS:
            user = User.objects.get(username=username)
            assert list(user.groups.values_list("name", flat=True)) == [role]
            assert Client().login(username=username, password=f"demo-{role}")
        delivery = User.objects.get(username="delivery").person
        team_services = models.Service.objects.filter(delivery_team__members=delivery)
        assert team_services.filter(phase__in=IN_DEVELOPMENT).count() >= 2
        assert Evidence.objects.filter(
            service__in=team_services, status=EvidenceStatus.REJECTED
        ).exists()
        assert Action.objects.filter(owner=delivery, status=ActionStatus.OPEN).exists()
        osr_manager = User.objects.get(username="osr_manager")
        count, _rows = awaiting_verification(osr_manager)
        assert count >= 3
        soon = self.today + dt.timedelta(days=30)
        assert Waiver.objects.filter(
            service__delivery_group__osr_manager=osr_manager.person, expires_on__lte=soon
        ).exists()
        farming = models.DeliveryGroup.objects.get(slug="farming-and-countryside")
        assert farming.osr_manager.user.username == "osr_manager"
        manager = User.objects.get(username="live_services_manager")
        assert farming.live_services_manager.user == manager
        assert GuideVersion.objects.filter(
            service__delivery_group=farming, live_services_manager_approved_at__isnull=True
        ).exists()
        assert models.DeliveryGroup.objects.get(slug="trade-and-borders").gaps
