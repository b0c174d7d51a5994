"""Campaigns: started by an OSR manager over their groups, a burn-up that moves as evidence is
verified, reminders to the teams, a closing report; and requirements that come into force later."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from osr.catalogue.models import Service
from osr.core.notifications.models import Notification
from osr.readiness import campaigns
from osr.readiness.models import Campaign, Evidence
from osr.readiness.services import readiness_of, verify_evidence

from ..factories import ServiceFactory, TeamFactory
from .test_gates import PB_GATE, meet
from .test_portfolio import queries
from .timeline import catalogued, evidenced, policy_file, requirement_yaml

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def date_fields(name: str, value: dt.date) -> dict:
    return {f"{name}-day": value.day, f"{name}-month": value.month, f"{name}-year": value.year}


def start(by, **overrides) -> Campaign:
    values = {
        "title": "Dashboards everywhere",
        "requirement_id": "PUB-3",
        "target_date": TODAY() + dt.timedelta(days=60),
        "phases": ["public_beta", "live"],
        "by": by,
        "today": TODAY(),
    }
    return campaigns.start_campaign(**(values | overrides))


@pytest.fixture
def estate(users):
    """Three services of the manager's group in public beta or live, one in alpha; one elsewhere."""
    team = TeamFactory(delivery_group=users.own, contact_email="team@defra.example")
    made = {
        slug: catalogued(
            120, slug=slug, name=slug.title(), delivery_group=users.own, phase=phase,
            delivery_team=team,
        )
        for slug, phase in [("floods", "public_beta"), ("rivers", "live"), ("coasts", "live"),
                            ("ponds", "alpha")]
    }  # fmt: skip
    made["moors"] = catalogued(120, slug="moors", delivery_group=users.other, phase="live")
    evidenced(made["rivers"], "PUB-3", submitted=50, verified=45)
    return made


def test_an_osr_manager_starts_a_campaign_from_the_page(users, page, estate):
    client = page("osr_manager")
    form = client.get("/readiness/campaigns/new").content.decode()
    assert "Farming and countryside" in form and "Environment" not in form  # only their groups
    answer = client.post(
        "/readiness/campaigns/new",
        {
            "title": "Dashboards everywhere",
            "requirement_id": "PUB-3",
            **date_fields("target_date", TODAY() + dt.timedelta(days=60)),
            "groups": ["farming"],
            "phases": ["public_beta", "live"],
            "reason": "Incidents were found by users first",
        },
    )
    campaign = Campaign.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/readiness/campaigns/{campaign.pk}"
    html = client.get(answer["Location"]).content.decode()
    assert "1 of 3 services meet it" in html
    assert "Farming and countryside; public beta, live" in html
    for slug in ("floods", "rivers", "coasts"):
        assert f"/services/{slug}/readiness/PUB-3" in html
    assert "/services/ponds/" not in html and "/services/moors/" not in html
    assert "Dashboards everywhere" in client.get("/readiness/campaigns").content.decode()


def test_a_campaign_with_a_past_date_shows_the_error_and_keeps_what_was_typed(page, estate):
    answer = page("osr_manager").post(
        "/readiness/campaigns/new",
        {
            "title": "Late already",
            "requirement_id": "PUB-3",
            **date_fields("target_date", TODAY() - dt.timedelta(days=1)),
            "groups": ["farming"],
        },
    )
    html = answer.content.decode()
    assert answer.status_code == 422
    assert "There is a problem" in html and "The target date must be in the future" in html
    assert 'value="Late already"' in html
    assert not Campaign.objects.exists()


def test_only_administrators_start_a_campaign_over_every_group(users, page, estate):
    answer = page("osr_manager").post(
        "/readiness/campaigns/new",
        {
            "title": "Everyone",
            "requirement_id": "PUB-3",
            **date_fields("target_date", TODAY() + dt.timedelta(days=30)),
        },
    )
    assert answer.status_code == 422
    assert "Choose the delivery groups the campaign covers" in answer.content.decode()
    assert page("delivery").get("/readiness/campaigns/new").status_code == 403
    campaign = start(users.admin)
    assert campaign.groups.count() == 0
    assert {s.loaded.facts.slug for s in campaigns.standings(campaign, today=TODAY())} == {
        "floods", "rivers", "coasts", "moors"
    }  # fmt: skip


def test_the_burn_up_moves_as_evidence_is_verified(users, page, estate):
    campaign = start(users.osr_manager, groups=[users.own])
    client = page("osr_manager")
    assert "1 of 3 services meet it" in client.get(campaign.get_absolute_url()).content.decode()
    submitted = evidenced(estate["floods"], "PUB-3", submitted=3)
    assert "1 of 3 services meet it" in client.get(campaign.get_absolute_url()).content.decode()
    verify_evidence(submitted, by=users.osr_manager)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "2 of 3 services meet it" in html
    today_row = html.split('id="chart-campaign-burn-up"', 1)[1].split("</tbody>")[0]
    assert today_row.rstrip().endswith("</tr>")
    assert (
        '<td class="govuk-table__cell govuk-table__cell--numeric" data-value="2">2</td>'
        in today_row
    )


def test_the_burn_up_is_read_from_the_snapshots_since_the_campaign_started(users, estate):
    from osr.readiness.history import record_snapshots

    campaign = start(users.osr_manager, groups=[users.own])
    Campaign.objects.filter(pk=campaign.pk).update(
        started_at=timezone.now() - dt.timedelta(days=30)
    )
    evidenced(estate["coasts"], "PUB-3", submitted=20, verified=15)
    record_snapshots([TODAY() - dt.timedelta(days=n) for n in (28, 21, 14, 7)])
    campaign.refresh_from_db()
    current = campaigns.standings(campaign, today=TODAY())
    points = campaigns.burn_up(campaign, today=TODAY(), current=current)
    assert [(p.meeting, p.in_scope) for p in points] == [(1, 3), (1, 3), (2, 3), (2, 3), (2, 3)]


def test_the_campaign_page_loads_in_a_fixed_number_of_queries(users, page, estate):
    campaign = start(users.osr_manager, groups=[users.own])
    client = page("viewer")
    client.get(campaign.get_absolute_url())  # the session's first request reads a little more
    few = queries(lambda: client.get(campaign.get_absolute_url()))
    for n in range(8):
        ServiceFactory(slug=f"more-{n}", delivery_group=users.own, phase="live")
    assert queries(lambda: client.get(campaign.get_absolute_url())) == few


def test_teams_not_meeting_it_are_reminded_once_a_week(users, estate):
    start(users.osr_manager, groups=[users.own])
    told = campaigns.send_campaign_reminders(today=TODAY())
    assert told == {"campaigns": 1, "notifications": 2}  # floods and coasts, not rivers
    subjects = sorted(Notification.objects.values_list("subject", flat=True))
    assert subjects[0].startswith("Coasts: meet PUB-3 by ")
    assert set(Notification.objects.values_list("kind", flat=True)) == {"campaign_reminder"}
    assert campaigns.send_campaign_reminders(today=TODAY() + dt.timedelta(days=3))["campaigns"] == 0
    assert campaigns.send_campaign_reminders(today=TODAY() + dt.timedelta(days=7))["campaigns"] == 1


def test_closing_keeps_the_report(users, page, estate):
    campaign = start(users.osr_manager, groups=[users.own])
    client = page("osr_manager")
    answer = client.post(f"/readiness/campaigns/{campaign.pk}/close", {"note": "Good progress"})
    assert answer.status_code == 302
    evidenced(estate["floods"], "PUB-3", submitted=1, verified=0)  # after closing: not counted
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "Closing report" in html and "1 of 3 services met PUB-3, by the target date" in html
    assert "Floods (Farming and countryside): not started" in html
    assert page("delivery").post(f"/readiness/campaigns/{campaign.pk}/close").status_code == 403


def test_the_api_starts_shows_and_closes_a_campaign(users, api, estate):
    client = api("osr_manager")
    body = {
        "title": "Dashboards",
        "requirement": "PUB-3",
        "target_date": str(TODAY() + dt.timedelta(days=30)),
        "groups": ["farming"],
        "phases": ["public_beta", "live"],
    }
    answer = client.post("/api/v1/campaigns", body)
    assert answer.status_code == 201, answer.json()
    shown = answer.json()
    assert [(s["service"], s["meets"]) for s in shown["services"]] == [
        ("coasts", False), ("floods", False), ("rivers", True)
    ]  # fmt: skip
    assert shown["burn_up"][-1] == {"day": str(TODAY()), "meeting": 1, "in_scope": 3}
    refused = client.post("/api/v1/campaigns", body | {"requirement": "XX-1", "groups": ["nope"]})
    assert refused.status_code == 422 and "groups" in refused.json()["errors"]
    refused = client.post("/api/v1/campaigns", body | {"requirement": "XX-1"})
    assert refused.status_code == 422 and "requirement_id" in refused.json()["errors"]
    assert client.post("/api/v1/campaigns", body | {"groups": ["environment"]}).status_code == 403
    listed = client.get("/api/v1/campaigns").json()
    assert listed["count"] == 1
    closed = client.post(f"/api/v1/campaigns/{shown['id']}/close", {"note": ""})
    assert closed.status_code == 200 and closed.json()["closing_figures"]["meeting"] == 1
    assert client.post(f"/api/v1/campaigns/{shown['id']}/close", {}).status_code == 409


def test_the_command_starts_shows_reminds_and_closes(users, estate):
    out = io.StringIO()
    target = str(TODAY() + dt.timedelta(days=30))
    call_command("campaigns", "start", "PUB-3", "--title", "Dashboards", "--by", "osr_manager",
                 "--target", target, "--group", "farming", "--phase", "live",
                 stdout=out)  # fmt: skip
    campaign = Campaign.objects.get()
    call_command("campaigns", "show", str(campaign.pk), stdout=out)
    call_command("campaigns", "remind", str(campaign.pk), stdout=out)
    call_command("campaigns", "close", str(campaign.pk), "--by", "osr_manager", stdout=out)
    text = out.getvalue()
    assert "Dashboards: 1 of 2 services meet PUB-3" in text
    assert f"Closed campaign {campaign.pk}: 1 of 2 services met it" in text
    with pytest.raises(CommandError, match="No delivery group ‘nowhere’"):
        call_command("campaigns", "start", "PUB-3", "--title", "X", "--by", "osr_manager",
                     "--target", target, "--group", "nowhere")  # fmt: skip
    with pytest.raises(CommandError, match="You may not start campaign"):
        call_command("campaigns", "start", "PUB-3", "--title", "X", "--by", "delivery",
                     "--target", target, "--group", "farming")  # fmt: skip


# Requirements with an effective date: shown as coming, blocking nothing before it.


@pytest.fixture
def coming_policy(settings, tmp_path):
    """The policy with AS-9 in the public beta gate, in force 30 days from today."""
    effective = TODAY() + dt.timedelta(days=30)
    extra = requirement_yaml("AS-9", "before-public-beta", effective_from=effective.isoformat())
    settings.OSR_POLICY_FILE = policy_file(tmp_path, version="2027.1", extra=extra)
    return effective


def test_a_requirement_not_yet_in_force_is_shown_as_coming_but_blocks_nothing(
    users, page, coming_policy
):
    service = ServiceFactory(slug="flood", delivery_group=users.own, phase="private_beta")
    meet(service, *PB_GATE)
    evaluation = readiness_of(service, today=TODAY())
    coming = evaluation.requirement("AS-9")
    assert coming.coming and coming.status == "not_started"
    assert coming.reason.startswith(f"Comes into force on {coming_policy:%-d %B %Y}")
    assert evaluation.ready
    html = page("delivery").get("/services/flood/readiness").content.decode()
    assert 'id="requirement-AS-9"' in html and "Coming" in html
    service.move_to("public_beta", by=users.delivery)  # not refused
    assert Service.objects.get(pk=service.pk).phase == "public_beta"


def test_from_its_date_the_requirement_blocks_its_gate(users, coming_policy):
    service = ServiceFactory(slug="flood", delivery_group=users.own, phase="private_beta")
    meet(service, *PB_GATE)
    later = readiness_of(service, today=coming_policy)
    assert [b.requirement_id for b in later.blockers] == ["AS-9"]
    assert not later.requirement("AS-9").coming
    assert later.percent < 100


def test_the_campaign_page_says_when_its_requirement_comes_into_force(users, page, coming_policy):
    ServiceFactory(slug="flood", delivery_group=users.own, phase="private_beta")
    campaign = start(users.osr_manager, groups=[users.own], requirement_id="AS-9", phases=[])
    html = page("viewer").get(campaign.get_absolute_url()).content.decode()
    assert f"from {coming_policy:%-d %B %Y}: until then it is shown to teams as coming" in html
    assert "Coming" in html
    assert Evidence.objects.count() == 0


def test_the_campaign_list_and_its_endpoint_load_in_a_fixed_number_of_queries(users, page, api):
    client, token = page("viewer"), api("viewer")
    start(users.osr_manager, groups=[users.own])
    few_page = queries(lambda: client.get("/readiness/campaigns"))
    few_api = queries(lambda: token.get("/api/v1/campaigns"))
    for n in range(6):
        start(users.admin, title=f"Campaign {n}", groups=[users.own, users.other])
    assert queries(lambda: client.get("/readiness/campaigns")) == few_page
    assert queries(lambda: token.get("/api/v1/campaigns")) == few_api
    assert token.get("/api/v1/campaigns").json()["count"] == 7
