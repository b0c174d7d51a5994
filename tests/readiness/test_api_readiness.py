"""GET /api/v1/services/{slug}/readiness: exactly the documented shape."""

import pytest

from ..factories import ServiceFactory
from .factories import EvidenceFactory

pytestmark = pytest.mark.django_db


def test_the_answer_has_exactly_the_documented_shape(api, users):
    service = ServiceFactory(slug="flood", delivery_group=users.own, phase="private_beta")
    EvidenceFactory(service=service, requirement_id="PB-4", evidence_date="2026-01-02")
    body = api("viewer").get("/api/v1/services/flood/readiness").json()
    assert set(body) == {
        "phase",
        "policy_version",
        "next_phase",
        "ready_for_next_phase",
        "percent",
        "requirements",
        "blockers",
    }
    assert body["phase"] == "private_beta" and body["next_phase"] == "public_beta"
    assert body["policy_version"] == "2026.1"
    assert body["ready_for_next_phase"] is False
    assert isinstance(body["percent"], int)
    assert len(body["requirements"]) == 19
    pb4 = next(r for r in body["requirements"] if r["id"] == "PB-4")
    assert set(pb4) == {"id", "title", "gate", "status", "reason", "coming", "evidence"}
    assert pb4["gate"] == "before-public-beta" and pb4["status"] == "submitted"
    assert pb4["evidence"][0]["evidence_date"] == "2026-01-02"
    assert [b["id"] for b in body["blockers"]] == ["PB-1", "PB-2", "PB-3", "PB-4"]
    assert set(body["blockers"][0]) == {"id", "reason"}


def test_unknown_service_is_not_found_and_sign_in_is_required(api, users):
    assert api("viewer").get("/api/v1/services/nowhere/readiness").status_code == 404
    assert api().get("/api/v1/readiness").status_code == 401


def test_the_openapi_document_describes_the_readiness_endpoints(api, users):
    paths = api("viewer").get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/services/{slug}/readiness",
        "/api/v1/services/{slug}/evidence",
        "/api/v1/evidence/{evidence_id}/verify",
        "/api/v1/evidence/{evidence_id}/reject",
        "/api/v1/services/{slug}/waivers",
        "/api/v1/readiness",
    ]:
        assert path in paths
    body = paths["/api/v1/services/{slug}/evidence"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body)
