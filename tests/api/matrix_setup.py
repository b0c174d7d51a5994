"""What each write of the authorisation matrix needs, and how to tell whether it happened.

``write_for(endpoint, scope, estate)`` sets up the target of one write in the
``own`` or ``other`` delivery group (or in none, scope ``-``) and describes the
request with a valid body, so that an allowed role succeeds and a refused one
can be checked to have changed nothing.

The estate is the ``users`` fixture plus what the matrix adds: the other group
gets an OSR manager and a live services manager of its own (people without an
account), and a ``specialist`` (a viewer) sits on the panel of every board and
owns every action, so that the two rights that follow a person rather than a
role, assessing and closing one's own action, are tried too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from osr.catalogue.models import Service
from osr.devtools import services as devtools_services
from osr.devtools.models import ChangeModel, ChangeRequest, Integration
from osr.graph.csv_io import COLUMNS
from osr.guides import services as guides_services
from osr.guides.models import GuideExport, GuideVersion, OperationsProfile
from osr.myit.models import SyncRun
from osr.readiness.models import Campaign, Evidence, PhasePlan, Waiver
from osr.reviews.choices import Criterion
from osr.reviews.models import (
    Action,
    AgendaItem,
    Assessment,
    Decision,
    Finding,
    Rehearsal,
    ReviewBoard,
)

from ..conftest import Users, make_user
from ..factories import PersonFactory, ServiceFactory
from ..readiness.factories import EvidenceFactory
from ..reviews.factories import (
    ActionFactory,
    AgendaItemFactory,
    PanelMemberFactory,
    RehearsalFactory,
    ReviewBoardFactory,
)


@dataclass
class Estate:
    """The test users, and what the matrix adds to them."""

    users: Users
    specialist: object  # a viewer on every board's panel, owning every action
    demoted: object  # a viewer still named as both managers of the other group

    def user(self, role: str):
        if role in ("specialist", "demoted"):
            return getattr(self, role)
        return self.users.by_role(role)

    def group(self, scope: str):
        return self.users.other if scope == "other" else self.users.own


def prepare(users: Users) -> Estate:
    """Give the other group managers of its own: one person, once both managers and since
    moved to the viewer role, whom the group still names (the demoted); add the specialist."""
    demoted = make_user("demoted", "viewer")
    users.other.osr_manager = users.other.live_services_manager = demoted.person
    users.other.save()
    users.other.members.add(demoted.person)
    return Estate(users=users, specialist=make_user("specialist", "viewer"), demoted=demoted)


@dataclass
class Write:
    """One attempted write: the request, and how to tell whether it happened."""

    method: str
    path: str
    body: dict | None
    happened: Callable[[], bool]


def _exists(model, **lookup) -> Callable[[], bool]:
    return lambda: model.objects.filter(**lookup).exists()


def _gone(obj) -> Callable[[], bool]:
    return lambda: not type(obj).objects.filter(pk=obj.pk).exists()


def _now_has(obj, field: str, value) -> Callable[[], bool]:
    return lambda: getattr(type(obj).objects.get(pk=obj.pk), field) == value


def _service(group) -> Service:
    return ServiceFactory(slug="target", name="Target", delivery_group=group, phase="private_beta")


def _today() -> dt.date:
    return timezone.localdate()


# --- Readiness ------------------------------------------------------------------------


def submit_evidence(estate: Estate, group) -> Write:
    service = _service(group)
    body = {"requirement": "AS-1", "attestation": "User needs are written up"}
    return Write(
        "post", "/api/v1/services/target/evidence", body, _exists(Evidence, service=service)
    )


def verify_evidence(estate: Estate, group) -> Write:
    evidence = EvidenceFactory(service=_service(group), requirement_id="AS-1")
    path = f"/api/v1/evidence/{evidence.pk}/verify"
    return Write("post", path, {"note": "Good"}, _now_has(evidence, "status", "verified"))


def reject_evidence(estate: Estate, group) -> Write:
    evidence = EvidenceFactory(service=_service(group), requirement_id="AS-1")
    path = f"/api/v1/evidence/{evidence.pk}/reject"
    return Write("post", path, {"reason": "Out of date"}, _now_has(evidence, "status", "rejected"))


def waive_requirement(estate: Estate, group) -> Write:
    service = _service(group)
    body = {"requirement": "AS-5", "reason": "Governance is run by the programme"}
    return Write("post", "/api/v1/services/target/waivers", body, _exists(Waiver, service=service))


def start_campaign(estate: Estate, group) -> Write:
    body = {
        "title": "Dashboards everywhere",
        "requirement": "AS-1",
        "target_date": (_today() + dt.timedelta(days=60)).isoformat(),
        "groups": [group.slug],
    }
    return Write("post", "/api/v1/campaigns", body, _exists(Campaign, groups=group))


def close_campaign(estate: Estate, group) -> Write:
    # The own group's campaign was started by its OSR manager; the other's by someone
    # without an account here, so only an administrator may close it.
    starter = estate.users.osr_manager if group == estate.users.own else None
    campaign = Campaign.objects.create(
        title="Dashboards", requirement_id="AS-1", target_date=_today(), started_by=starter
    )
    campaign.groups.add(group)
    path = f"/api/v1/campaigns/{campaign.pk}/close"
    return Write("post", path, {"note": "Done"}, lambda: bool(_reloaded(campaign).closed_at))


def _reloaded(obj):
    return type(obj).objects.get(pk=obj.pk)


def plan_phase(estate: Estate, group) -> Write:
    service = _service(group)
    body = {"planned_on": (_today() + dt.timedelta(days=90)).isoformat()}
    return Write(
        "put", "/api/v1/services/target/phase-plan", body, _exists(PhasePlan, service=service)
    )


# --- Graph: imports (a service of the group) ------------------------------------------


def import_backstage(estate: Estate, group) -> Write:
    content = (
        "apiVersion: backstage.io/v1alpha1\n"
        "kind: Component\n"
        "metadata:\n"
        "  name: imported\n"
        "  title: Imported\n"
        "spec:\n"
        "  type: service\n"
        "  lifecycle: experimental\n"
        f"  owner: group:{group.slug}\n"
    )
    body = {"files": [{"name": "catalog-info.yaml", "content": content}], "apply": True}
    return Write("post", "/api/v1/import/backstage", body, _exists(Service, slug="imported"))


def import_csv(estate: Estate, group) -> Write:
    row = {column: "" for column in COLUMNS} | {
        "slug": "imported",
        "name": "Imported",
        "delivery_group": group.slug,
        "phase": "discovery",
        "support_hours": "business_hours",
    }
    content = ",".join(COLUMNS) + "\n" + ",".join(row[c] for c in COLUMNS) + "\n"
    body = {"content": content, "apply": True}
    return Write("post", "/api/v1/import/csv", body, _exists(Service, slug="imported"))


# --- Review boards ----------------------------------------------------------------------


def _board(estate: Estate, group, *, held: bool) -> ReviewBoard:
    """A board of the group, chaired by its OSR manager, with the specialist on the panel."""
    days = -1 if held else 5
    board = ReviewBoardFactory(
        delivery_group=group,
        chair=group.osr_manager,
        starts_at=timezone.now() + dt.timedelta(days=days),
    )
    PanelMemberFactory(board=board, person=estate.specialist.person, specialism="Architecture")
    return board


def _on_agenda(estate: Estate, group, *, held: bool) -> AgendaItem:
    board = _board(estate, group, held=held)
    return AgendaItemFactory(board=board, service=_service(group))


def schedule_board(estate: Estate, group) -> Write:
    body = {
        "delivery_group": group.slug,
        "starts_at": (timezone.now() + dt.timedelta(days=5)).isoformat(),
        "place": "Seacole Building",
        "chair": group.osr_manager.pk,
    }
    return Write("post", "/api/v1/review-boards", body, _exists(ReviewBoard, delivery_group=group))


def add_panel_member(estate: Estate, group) -> Write:
    board = _board(estate, group, held=False)
    person = PersonFactory(name="Sam Security")
    body = {"person": person.pk, "specialism": "Security"}
    return Write(
        "post",
        f"/api/v1/review-boards/{board.pk}/panel",
        body,
        lambda: board.panel.filter(person=person).exists(),
    )


def reschedule_board(estate: Estate, group) -> Write:
    board = _board(estate, group, held=False)
    later = timezone.now() + dt.timedelta(days=9)
    body = {"starts_at": later.isoformat(), "reason": "The chair is away"}
    return Write(
        "post",
        f"/api/v1/review-boards/{board.pk}/reschedule",
        body,
        lambda: ReviewBoard.objects.get(pk=board.pk).starts_at.date() == later.date(),
    )


def cancel_board(estate: Estate, group) -> Write:
    board = _board(estate, group, held=False)
    return Write(
        "post",
        f"/api/v1/review-boards/{board.pk}/cancel",
        {"reason": "Nothing is ready for review"},
        lambda: ReviewBoard.objects.get(pk=board.pk).status == "cancelled",
    )


def record_board_notes(estate: Estate, group) -> Write:
    board = _board(estate, group, held=True)
    return Write(
        "put",
        f"/api/v1/review-boards/{board.pk}/notes",
        {"notes": "Quorate; the panel met in full", "attended": [], "reason": ""},
        lambda: ReviewBoard.objects.get(pk=board.pk).notes == "Quorate; the panel met in full",
    )


def confirm_contacts(estate: Estate, group) -> Write:
    service = _service(group)
    return Write(
        "post",
        "/api/v1/services/target/contacts/confirm",
        {},
        lambda: Service.objects.get(pk=service.pk).contacts_confirmed_on is not None,
    )


def add_to_agenda(estate: Estate, group) -> Write:
    board = _board(estate, group, held=False)
    service = _service(group)
    return Write(
        "post",
        f"/api/v1/review-boards/{board.pk}/agenda",
        {"service": "target"},
        _exists(AgendaItem, board=board, service=service),
    )


def remove_from_agenda(estate: Estate, group) -> Write:
    item = _on_agenda(estate, group, held=False)
    path = f"/api/v1/review-boards/{item.board_id}/agenda/target"
    return Write("delete", path, None, _gone(item))


def refresh_pack(estate: Estate, group) -> Write:
    item = _on_agenda(estate, group, held=False)
    return Write(
        "post",
        f"/api/v1/review-boards/{item.board_id}/agenda/target/pack",
        {},
        lambda: AgendaItem.objects.get(pk=item.pk).pack_assembled_at is not None,
    )


def save_assessment(estate: Estate, group) -> Write:
    item = _on_agenda(estate, group, held=True)
    ratings = {c.value: {"rating": "green", "comment": "Fine"} for c in Criterion}
    return Write(
        "put",
        f"/api/v1/review-boards/{item.board_id}/agenda/target/assessment",
        {"ratings": ratings, "submit": True},
        _exists(Assessment, item=item),
    )


def record_outcome(estate: Estate, group) -> Write:
    item = _on_agenda(estate, group, held=True)
    return Write(
        "post",
        f"/api/v1/review-boards/{item.board_id}/agenda/target/outcome",
        {"outcome": "green", "summary": "Ready to go live"},
        _exists(Decision, item=item),
    )


def close_action(estate: Estate, group) -> Write:
    action = ActionFactory(service=_service(group), owner=estate.specialist.person)
    return Write(
        "post",
        f"/api/v1/actions/{action.pk}/close",
        {"note": "Done"},
        _now_has(action, "status", "closed"),
    )


def record_rehearsal(estate: Estate, group) -> Write:
    service = _service(group)
    body = {
        "kind": "incident",
        "held_on": _today().isoformat(),
        "scenario": "The database fails over",
        "participants": ["Ada", "Grace"],
        "outcome": "Recovered in 12 minutes",
        "findings": ["The runbook is out of date"],
    }
    return Write(
        "post", "/api/v1/services/target/rehearsals", body, _exists(Rehearsal, service=service)
    )


def raise_finding_action(estate: Estate, group) -> Write:
    rehearsal = RehearsalFactory(service=_service(group))
    finding = Finding.objects.create(rehearsal=rehearsal, description="The runbook is stale")
    body = {
        "owner": estate.specialist.person.pk,
        "due_on": (_today() + dt.timedelta(days=7)).isoformat(),
    }
    return Write(
        "post",
        f"/api/v1/services/target/rehearsals/{rehearsal.pk}/findings/{finding.pk}/action",
        body,
        _exists(Action, finding=finding),
    )


# --- MyIT and developer tooling ---------------------------------------------------------


def sync_to_myit(estate: Estate, group) -> Write:
    service = _service(group)
    return Write("post", "/api/v1/services/target/myit/sync", {}, _exists(SyncRun, service=service))


def link_code_host(estate: Estate, group) -> Write:
    service = _service(group)
    return Write(
        "post",
        "/api/v1/services/target/integrations",
        {"host": "gitlab", "name": "target"},
        _exists(Integration, service=service),
    )


def unlink_code_host(estate: Estate, group) -> Write:
    integration, _ = devtools_services.create_integration(
        _service(group), host="github", name="target", component=None, by=None
    )
    path = f"/api/v1/services/target/integrations/{integration.public_id}"
    return Write("delete", path, None, _gone(integration))


def rotate_code_host_secret(estate: Estate, group) -> Write:
    integration, _ = devtools_services.create_integration(
        _service(group), host="github", name="target", component=None, by=None
    )
    path = f"/api/v1/services/target/integrations/{integration.public_id}/secret"
    rotated = _exists(Integration, pk=integration.pk, previous_secret_until__isnull=False)
    return Write("post", path, {}, rotated)


def set_change_model(estate: Estate, group) -> Write:
    service = _service(group)
    return Write(
        "put",
        "/api/v1/services/target/change-model",
        {"route": "normal"},
        _exists(ChangeModel, service=service, route="normal"),
    )


# --- Operations guides ------------------------------------------------------------------


def change_profile(estate: Estate, group) -> Write:
    service = _service(group)
    return Write(
        "patch",
        "/api/v1/services/target/operations-profile",
        {"scaling": "Horizontally"},
        _exists(OperationsProfile, service=service, scaling="Horizontally"),
    )


def generate_guide(estate: Estate, group) -> Write:
    service = _service(group)
    return Write(
        "post",
        "/api/v1/services/target/operations-guide/versions",
        {},
        _exists(GuideVersion, service=service),
    )


def approve_guide(estate: Estate, group) -> Write:
    version = guides_services.generate_version(_service(group), by=None, today=_today())

    def approved_by_anyone() -> bool:
        version.refresh_from_db()
        return bool(version.osr_manager_approved_at or version.live_services_manager_approved_at)

    path = f"/api/v1/services/target/operations-guide/versions/{version.number}/approve"
    return Write("post", path, {}, approved_by_anyone)


def export_guides(estate: Estate, group) -> Write:
    return Write(
        "post", "/api/v1/operations-guides/exports", {"formats": ["docx"]}, _exists(GuideExport)
    )


def choose_notifications(estate: Estate, group) -> Write:
    from osr.core.notifications.models import NotificationPreference

    return Write(
        "put",
        "/api/v1/me/notifications",
        {"preferences": {"evidence_rejected": "digest"}},
        _exists(NotificationPreference, kind="evidence_rejected", frequency="digest"),
    )


def raise_change(estate: Estate, group) -> Write:
    _service(group)
    body = {"summary": "Deploy target 2.0"}
    return Write("post", "/api/v1/services/target/changes", body, _exists(ChangeRequest))


def precheck(estate: Estate, group) -> Write:
    _service(group)
    # A pre-check writes nothing: its answer is all that happens.
    return Write("post", "/api/v1/services/target/precheck", {}, lambda: True)


WRITES: dict[str, Callable[[Estate, object], Write]] = {
    "POST /services/{slug}/evidence": submit_evidence,
    "POST /evidence/{evidence_id}/verify": verify_evidence,
    "POST /evidence/{evidence_id}/reject": reject_evidence,
    "POST /services/{slug}/waivers": waive_requirement,
    "POST /campaigns": start_campaign,
    "POST /campaigns/{campaign_id}/close": close_campaign,
    "PUT /services/{slug}/phase-plan": plan_phase,
    "POST /import/backstage": import_backstage,
    "POST /import/csv": import_csv,
    "POST /review-boards": schedule_board,
    "POST /review-boards/{board_id}/panel": add_panel_member,
    "POST /review-boards/{board_id}/reschedule": reschedule_board,
    "POST /review-boards/{board_id}/cancel": cancel_board,
    "PUT /review-boards/{board_id}/notes": record_board_notes,
    "POST /services/{key}/contacts/confirm": confirm_contacts,
    "POST /review-boards/{board_id}/agenda": add_to_agenda,
    "DELETE /review-boards/{board_id}/agenda/{slug}": remove_from_agenda,
    "POST /review-boards/{board_id}/agenda/{slug}/pack": refresh_pack,
    "PUT /review-boards/{board_id}/agenda/{slug}/assessment": save_assessment,
    "POST /review-boards/{board_id}/agenda/{slug}/outcome": record_outcome,
    "POST /actions/{action_id}/close": close_action,
    "POST /services/{slug}/rehearsals": record_rehearsal,
    "POST /services/{slug}/rehearsals/{rehearsal_id}/findings/{finding_id}/action": (
        raise_finding_action
    ),
    "POST /services/{slug}/myit/sync": sync_to_myit,
    "POST /services/{slug}/integrations": link_code_host,
    "DELETE /services/{slug}/integrations/{integration_id}": unlink_code_host,
    "POST /services/{slug}/integrations/{integration_id}/secret": rotate_code_host_secret,
    "PUT /services/{slug}/change-model": set_change_model,
    "PATCH /services/{slug}/operations-profile": change_profile,
    "POST /services/{slug}/operations-guide/versions": generate_guide,
    "POST /services/{slug}/operations-guide/versions/{number}/approve": approve_guide,
    "POST /operations-guides/exports": export_guides,
    "PUT /me/notifications": choose_notifications,
    "POST /services/{slug}/precheck": precheck,
    "POST /services/{slug}/changes": raise_change,
}


def write_for(endpoint: str, scope: str, estate: Estate) -> Write:
    """Set up what the write needs in the scope's group and describe it."""
    return WRITES[endpoint](estate, estate.group(scope))


__all__ = ["Estate", "Write", "WRITES", "prepare", "write_for"]
