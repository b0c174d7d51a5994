"""Who may write what beyond the catalogue: every role against every write endpoint,
in its own delivery group and in another, asserted cell by cell.

The catalogue's own writes have their matrix in ``tests/catalogue/test_permissions.py``.
Every other write the OpenAPI document lists has its rows here, so a new
endpoint without a row fails ``test_the_table_covers_every_write_in_the_openapi_document``.
Each cell is tried through the API: an allowed role gets a success, a refused one
403 and nothing changed. How each write is set up is in ``matrix_setup.py``.
"""

from __future__ import annotations

import pytest

from ..catalogue.test_permissions import TABLE as CATALOGUE_TABLE
from ..conftest import ApiClient
from . import matrix_setup

pytestmark = pytest.mark.django_db

# "own" is the group the delivery member and the two managers work in; the outsider is a
# delivery member of "other". The specialist is a viewer who sits on the panel of every
# board and owns every action: the two rights that follow a person, not a role. The demoted
# is a viewer whom the other group still names as both its managers: a manager's rights
# go with the role, so every manager-only write of the other group refuses them.
ROLES = [
    "viewer",
    "delivery",
    "osr_manager",
    "live_services_manager",
    "admin",
    "outsider",
    "specialist",
    "demoted",
]

OWN_PEOPLE = {"delivery", "osr_manager", "live_services_manager", "admin"}
OWN_MANAGERS = {"osr_manager", "live_services_manager", "admin"}
OWN_OSR_MANAGER = {"osr_manager", "admin"}
OTHER_PEOPLE = {"outsider", "admin"}
ADMIN_ONLY = {"admin"}
PANEL = {"specialist"}
# A guide is approved by its group's OSR manager and live services manager themselves.
OWN_APPROVERS = {"osr_manager", "live_services_manager"}
NOBODY: set[str] = set()

TABLE: dict[tuple[str, str], set[str]] = {
    # Readiness: the team submits evidence; the group's OSR manager reviews and waives.
    ("POST /services/{slug}/evidence", "own"): OWN_PEOPLE,
    ("POST /services/{slug}/evidence", "other"): OTHER_PEOPLE,
    ("POST /evidence/{evidence_id}/verify", "own"): OWN_OSR_MANAGER,
    ("POST /evidence/{evidence_id}/verify", "other"): ADMIN_ONLY,
    ("POST /evidence/{evidence_id}/reject", "own"): OWN_OSR_MANAGER,
    ("POST /evidence/{evidence_id}/reject", "other"): ADMIN_ONLY,
    ("POST /services/{slug}/waivers", "own"): OWN_OSR_MANAGER,
    ("POST /services/{slug}/waivers", "other"): ADMIN_ONLY,
    # Campaigns: started by a group's OSR manager over their groups, closed by whoever
    # started them or an administrator. A team plans the date of its next phase.
    ("POST /campaigns", "own"): OWN_OSR_MANAGER,
    ("POST /campaigns", "other"): ADMIN_ONLY,
    ("POST /campaigns/{campaign_id}/close", "own"): OWN_OSR_MANAGER,
    ("POST /campaigns/{campaign_id}/close", "other"): ADMIN_ONLY,
    ("PUT /services/{slug}/phase-plan", "own"): OWN_PEOPLE,
    ("PUT /services/{slug}/phase-plan", "other"): OTHER_PEOPLE,
    # Imports write across groups: an administrator's, whichever group a row names.
    ("POST /import/backstage", "own"): ADMIN_ONLY,
    ("POST /import/backstage", "other"): ADMIN_ONLY,
    ("POST /import/csv", "own"): ADMIN_ONLY,
    ("POST /import/csv", "other"): ADMIN_ONLY,
    # Review boards: led by the group's OSR manager; the panel assesses; the chair (here
    # the group's OSR manager) records the outcome.
    ("POST /review-boards", "own"): OWN_OSR_MANAGER,
    ("POST /review-boards", "other"): ADMIN_ONLY,
    ("POST /review-boards/{board_id}/reschedule", "own"): OWN_OSR_MANAGER,
    ("POST /review-boards/{board_id}/reschedule", "other"): ADMIN_ONLY,
    ("POST /review-boards/{board_id}/cancel", "own"): OWN_OSR_MANAGER,
    ("POST /review-boards/{board_id}/cancel", "other"): ADMIN_ONLY,
    ("PUT /review-boards/{board_id}/notes", "own"): OWN_OSR_MANAGER,
    ("PUT /review-boards/{board_id}/notes", "other"): ADMIN_ONLY,
    # A service's team says its contacts are still right: whoever edits the service.
    ("POST /services/{key}/contacts/confirm", "own"): OWN_PEOPLE,
    ("POST /services/{key}/contacts/confirm", "other"): OTHER_PEOPLE,
    ("POST /review-boards/{board_id}/panel", "own"): OWN_OSR_MANAGER,
    ("POST /review-boards/{board_id}/panel", "other"): ADMIN_ONLY,
    ("POST /review-boards/{board_id}/agenda", "own"): OWN_OSR_MANAGER,
    ("POST /review-boards/{board_id}/agenda", "other"): ADMIN_ONLY,
    ("DELETE /review-boards/{board_id}/agenda/{slug}", "own"): OWN_OSR_MANAGER,
    ("DELETE /review-boards/{board_id}/agenda/{slug}", "other"): ADMIN_ONLY,
    ("POST /review-boards/{board_id}/agenda/{slug}/pack", "own"): OWN_OSR_MANAGER,
    ("POST /review-boards/{board_id}/agenda/{slug}/pack", "other"): ADMIN_ONLY,
    ("PUT /review-boards/{board_id}/agenda/{slug}/assessment", "own"): PANEL,
    ("PUT /review-boards/{board_id}/agenda/{slug}/assessment", "other"): PANEL,
    ("POST /review-boards/{board_id}/agenda/{slug}/outcome", "own"): OWN_OSR_MANAGER,
    ("POST /review-boards/{board_id}/agenda/{slug}/outcome", "other"): ADMIN_ONLY,
    # An action is closed by its owner or the group's managers.
    ("POST /actions/{action_id}/close", "own"): OWN_MANAGERS | PANEL,
    ("POST /actions/{action_id}/close", "other"): ADMIN_ONLY | PANEL,
    # Rehearsals, MyIT, code hosts, the change model and the operations profile: whoever
    # edits the service.
    ("POST /services/{slug}/rehearsals", "own"): OWN_PEOPLE,
    ("POST /services/{slug}/rehearsals", "other"): OTHER_PEOPLE,
    (
        "POST /services/{slug}/rehearsals/{rehearsal_id}/findings/{finding_id}/action",
        "own",
    ): OWN_PEOPLE,
    (
        "POST /services/{slug}/rehearsals/{rehearsal_id}/findings/{finding_id}/action",
        "other",
    ): OTHER_PEOPLE,
    ("POST /services/{slug}/myit/sync", "own"): OWN_PEOPLE,
    ("POST /services/{slug}/myit/sync", "other"): OTHER_PEOPLE,
    ("POST /services/{slug}/integrations", "own"): OWN_PEOPLE,
    ("POST /services/{slug}/integrations", "other"): OTHER_PEOPLE,
    ("DELETE /services/{slug}/integrations/{integration_id}", "own"): OWN_PEOPLE,
    ("DELETE /services/{slug}/integrations/{integration_id}", "other"): OTHER_PEOPLE,
    ("POST /services/{slug}/integrations/{integration_id}/secret", "own"): OWN_PEOPLE,
    ("POST /services/{slug}/integrations/{integration_id}/secret", "other"): OTHER_PEOPLE,
    ("POST /services/{slug}/changes", "own"): OWN_PEOPLE,
    ("POST /services/{slug}/changes", "other"): OTHER_PEOPLE,
    ("PUT /services/{slug}/change-model", "own"): OWN_PEOPLE,
    ("PUT /services/{slug}/change-model", "other"): OTHER_PEOPLE,
    ("PATCH /services/{slug}/operations-profile", "own"): OWN_PEOPLE,
    ("PATCH /services/{slug}/operations-profile", "other"): OTHER_PEOPLE,
    ("POST /services/{slug}/operations-guide/versions", "own"): OWN_PEOPLE,
    ("POST /services/{slug}/operations-guide/versions", "other"): OTHER_PEOPLE,
    ("POST /services/{slug}/operations-guide/versions/{number}/approve", "own"): OWN_APPROVERS,
    ("POST /services/{slug}/operations-guide/versions/{number}/approve", "other"): NOBODY,
    # The bulk export of every live service's approved guide belongs to no group.
    ("POST /operations-guides/exports", "-"): OWN_MANAGERS,
    # Everyone signed in chooses how they hear of each kind of notification: their own.
    ("PUT /me/notifications", "-"): set(ROLES),
    # A pipeline's pre-check before it deploys reads only: anyone signed in.
    ("POST /services/{slug}/precheck", "-"): set(ROLES),
}

CELLS = [
    pytest.param(endpoint, scope, role, role in allowed, id=f"{endpoint} [{scope}] {role}")
    for (endpoint, scope), allowed in TABLE.items()
    for role in ROLES
]


@pytest.fixture
def estate(users) -> matrix_setup.Estate:
    return matrix_setup.prepare(users)


def send(client: ApiClient, write: matrix_setup.Write):
    if write.method in ("patch", "delete"):
        # Like a careful client: these send back the ETag they read (If-Match).
        call = getattr(client, write.method)
        return call(write.path, write.body) if write.body is not None else call(write.path)
    return client._call(write.method, write.path, json=write.body)


@pytest.mark.parametrize("endpoint, scope, role, allowed", CELLS)
def test_role_may_or_may_not_write(estate, endpoint, scope, role, allowed):
    write = matrix_setup.write_for(endpoint, scope, estate)
    response = send(ApiClient(estate.user(role)), write)
    if allowed:
        assert 200 <= response.status_code < 300, response.content
        assert write.happened()
    else:
        assert response.status_code == 403, response.content
        assert response.json()["detail"]
        assert not write.happened()


# --- The table covers every write the API offers -----------------------------------------

_CATALOGUE_BASES = {
    "service": "/services",
    "component": "/components",
    "dependency": "/dependencies",
    "team": "/teams",
    "delivery-group": "/delivery-groups",
    "person": "/people",
    "supplier": "/suppliers",
    "contract": "/contracts",
    "external-system": "/external-systems",
}


def catalogue_writes() -> set[str]:
    """The writes whose cells are in the catalogue's own matrix."""
    writes = set()
    for kind, action, _ in CATALOGUE_TABLE:
        base = _CATALOGUE_BASES[kind]
        writes.add(
            {
                "create": f"POST {base}",
                "update": f"PATCH {base}/{{key}}",
                "delete": f"DELETE {base}/{{key}}",
                "move": f"POST {base}/{{key}}/phase",
            }[action]
        )
    return writes


def openapi_writes(api) -> set[str]:
    document = api("viewer").get("/api/v1/openapi.json").json()
    return {
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, operations in document["paths"].items()
        for method in operations
        if method in ("post", "put", "patch", "delete")
    }


def test_the_table_covers_every_write_in_the_openapi_document(api):
    offered = openapi_writes(api)
    catalogue = catalogue_writes()
    assert catalogue <= offered, "the catalogue matrix names writes the API no longer has"
    tabled = {endpoint for endpoint, _ in TABLE}
    assert sorted(offered - catalogue - tabled) == [], "writes without a row in TABLE"
    assert sorted(tabled - offered) == [], "rows for writes the API no longer has"
    assert tabled == set(matrix_setup.WRITES)


def test_every_group_write_has_a_row_for_its_own_group_and_another():
    for endpoint, scope in TABLE:
        if scope != "-":
            assert (endpoint, "own") in TABLE and (endpoint, "other") in TABLE, endpoint
