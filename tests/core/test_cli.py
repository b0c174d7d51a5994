"""The ``osr`` commands: users, tokens and services, their output and their errors."""

import io
import json
import sys

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from osr.catalogue.models import DeliveryGroup, Person
from osr.core.models import ApiToken, hash_token

from ..factories import DeliveryGroupFactory, PersonFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def farming(db):
    return DeliveryGroupFactory(name="Farming and countryside", slug="farming")


# osr users create


def test_users_create_gives_role_person_and_group_membership(farming):
    out = run("users", "create", "jo", "--role", "delivery", "--group", "farming",
              "--email", "jo@defra.example")  # fmt: skip
    user = User.objects.get(username="jo")
    assert "Created user jo" in out
    assert list(user.groups.values_list("name", flat=True)) == ["delivery"]
    assert not user.has_usable_password()
    person = Person.objects.get(user=user)
    assert (person.name, person.email) == ("jo", "jo@defra.example")
    assert list(farming.members.all()) == [person]
    farming.refresh_from_db()
    assert farming.osr_manager is None and farming.live_services_manager is None


def test_users_create_names_the_person_by_full_name(farming):
    run("users", "create", "jo", "--role", "viewer", "--first-name", "Jo", "--last-name", "Bloggs")
    assert Person.objects.get(user__username="jo").name == "Jo Bloggs"


@pytest.mark.parametrize("role", ["osr_manager", "live_services_manager"])
def test_users_create_assigns_a_manager_to_their_groups(farming, role):
    other = DeliveryGroupFactory(slug="trade")
    run("users", "create", "jo", "--role", role, "--group", "farming", "--group", "trade")
    person = Person.objects.get(user__username="jo")
    for group in (farming, other):
        group.refresh_from_db()
        assert getattr(group, role) == person
        assert person in group.members.all()


def test_users_create_makes_an_admin_staff_and_superuser(db):
    run("users", "create", "root", "--role", "admin")
    user = User.objects.get(username="root")
    assert user.is_staff and user.is_superuser


def test_users_create_reads_the_password_from_stdin(farming, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse battery\nnot this\n"))
    run("users", "create", "jo", "--role", "viewer", "--password-stdin")
    user = User.objects.get(username="jo")
    assert user.check_password("correct horse battery")
    assert Client().login(username="jo", password="correct horse battery")


def test_users_create_is_audited(farming):
    run("users", "create", "jo", "--role", "osr_manager", "--group", "farming")
    person = Person.objects.get(user__username="jo")
    assert LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.CREATE).exists()
    changed = {name for e in LogEntry.objects.get_for_object(farming) for name in e.changes_dict}
    assert {"osr_manager", "members"} <= changed


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--role", "boss"], "", "Unknown role 'boss'"),
        (["--role", "delivery", "--group", "nowhere"], "", "Unknown delivery group: nowhere"),
        (["--role", "viewer", "--password-stdin"], "\n", "The password is empty"),
        (["--role", "viewer", "--password-stdin"], "", "The password is empty"),
        (["--role", "viewer", "--email", "not-an-email"], "", "is not an email address"),
    ],
)
def test_users_create_refuses_bad_input_and_saves_nothing(
    farming, monkeypatch, args, stdin, message
):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    with pytest.raises(CommandError, match=message) as refused:
        run("users", "create", "jo", "--group", "farming", *args)
    assert "\n" not in str(refused.value)
    assert not User.objects.filter(username="jo").exists()
    assert not Person.objects.exists()
    assert not farming.members.exists()


def test_users_create_refuses_a_taken_username(farming):
    UserFactory(username="jo")
    with pytest.raises(CommandError, match="A user named 'jo' already exists"):
        run("users", "create", "jo", "--role", "viewer", "--group", "farming")
    assert User.objects.filter(username="jo").count() == 1
    assert not Person.objects.exists()


def test_users_create_refuses_an_invalid_username(db):
    with pytest.raises(CommandError, match="Username 'no spaces'"):
        run("users", "create", "no spaces", "--role", "viewer")
    assert not User.objects.exists()


def test_users_create_saves_nothing_when_a_step_fails_midway(farming, monkeypatch):
    def fail(user, role):
        raise RuntimeError("role store unavailable")

    monkeypatch.setattr("osr.core.accounts.assign_role", fail)
    with pytest.raises(RuntimeError):
        run("users", "create", "jo", "--role", "osr_manager", "--group", "farming")
    assert not User.objects.exists()
    assert not Person.objects.exists()
    farming.refresh_from_db()
    assert farming.osr_manager is None


# osr token create


def test_token_create_prints_a_token_that_signs_in_to_the_api(db):
    UserFactory(username="robot")
    run("users", "create", "reader", "--role", "viewer")
    out = run("token", "create", "reader")
    token = out.strip()
    assert out == token + "\n"
    assert ApiToken.objects.get(key_hash=hash_token(token)).user == User.objects.get(
        username="reader"
    )
    response = Client().get("/api/v1/services", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.content


def test_token_create_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        run("token", "create", "ghost")
    assert not ApiToken.objects.exists()


def test_token_create_refuses_an_inactive_user(db):
    UserFactory(username="gone", is_active=False)
    with pytest.raises(CommandError, match="inactive"):
        run("token", "create", "gone")
    assert not ApiToken.objects.exists()


# osr services


@pytest.fixture
def estate(users):
    owner = PersonFactory(name="Colin Fairbairn")
    return [
        ServiceFactory(name="Rural Payments", slug="rural-payments", delivery_group=users.own,
                       phase="live", critical=True, critical_reason="Pays farmers",
                       service_owner=owner),
        ServiceFactory(name="Waste tracking", slug="waste-tracking", delivery_group=users.other,
                       phase="private_beta", uses_live_data=True),
        ServiceFactory(name="Flood alerts", slug="flood-alerts", delivery_group=users.other,
                       phase="alpha", description="Warns of flooding"),
    ]  # fmt: skip


def test_services_list_prints_a_table(estate):
    lines = run("services", "list").splitlines()
    assert lines[0].split() == ["Name", "Slug", "Group", "Phase", "Critical", "Live", "data"]
    assert [line.split("  ")[0] for line in lines[1:]] == [
        "Flood alerts",
        "Rural Payments",
        "Waste tracking",
    ]
    rural = next(line for line in lines if line.startswith("Rural Payments"))
    assert rural.split() == ["Rural", "Payments", "rural-payments", "Farming", "and",
                             "countryside", "live", "yes", "no"]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "slugs"),
    [
        (["--phase", "live"], ["rural-payments"]),
        (["--phase", "live", "--phase", "alpha"], ["flood-alerts", "rural-payments"]),
        (["--group", "environment"], ["flood-alerts", "waste-tracking"]),
        (["--q", "flooding"], ["flood-alerts"]),
        (["--group", "farming", "--phase", "alpha"], []),
    ],
)
def test_services_list_filters_as_the_api_does(estate, api, args, slugs):
    listed = json.loads(run("services", "list", "--json", *args))
    assert [service["slug"] for service in listed] == slugs


def test_services_list_json_matches_the_api(estate, api):
    from_api = api("viewer").get("/api/v1/services").json()["results"]
    assert json.loads(run("services", "list", "--json")) == from_api


def test_services_list_says_when_nothing_matches(estate):
    assert run("services", "list", "--q", "nothing like this").strip() == "No services match."


def test_services_list_refuses_an_unknown_group(estate):
    with pytest.raises(CommandError, match="--group 'nowhere'"):
        run("services", "list", "--group", "nowhere")


def test_services_list_refuses_an_unknown_phase(estate):
    with pytest.raises(CommandError, match="invalid choice"):
        run("services", "list", "--phase", "beta")


def test_services_list_queries_do_not_grow_with_the_list(users):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            run("services", "list", "--json")
            run("services", "list")
        return len(captured)

    ServiceFactory.create_batch(2, delivery_group=users.own, service_owner=PersonFactory())
    few = queries()
    ServiceFactory.create_batch(20, delivery_group=users.other, service_owner=PersonFactory())
    assert queries() == few


def test_services_show_json_matches_the_api(estate, api):
    from_api = api("viewer").get("/api/v1/services/rural-payments").json()
    assert json.loads(run("services", "show", "rural-payments", "--json")) == from_api


def test_services_show_prints_readable_fields(estate):
    out = run("services", "show", "rural-payments")
    assert "Rural Payments" in out
    assert "Colin Fairbairn" in out
    assert DeliveryGroup.objects.get(slug="farming").name in out
    assert "Critical reason" in out and "Pays farmers" in out


def test_services_show_refuses_an_unknown_slug(estate):
    with pytest.raises(CommandError, match="No service with slug 'nowhere'"):
        run("services", "show", "nowhere")


def test_a_refused_operation_is_one_line_and_a_non_zero_exit(monkeypatch):
    from osr import cli
    from osr.catalogue.management.commands.services import Command
    from osr.core.refusals import NotFound

    def refuse(self, *args, **options):
        raise NotFound("No service flood-warnings")

    monkeypatch.setattr(Command, "handle", refuse)
    monkeypatch.setattr(sys, "argv", ["osr", "services", "show", "flood-warnings"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == "osr: No service flood-warnings"
