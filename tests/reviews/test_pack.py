"""The board pack: assembled from OSR, refreshable until the outcome, a page and a PDF."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from osr.catalogue.models import Dependency
from osr.core.refusals import Refusal
from osr.reviews import services
from osr.reviews.pack import SECTIONS, assemble_pack

from ..factories import ComponentFactory, ContractFactory, ServiceFactory, SupplierFactory
from ..readiness.factories import EvidenceFactory
from .factories import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(held, today):
    service = held.service
    supplier = SupplierFactory(name="Acme Hosting")
    web = ComponentFactory(
        service=service, name="Permits web", supplier=supplier, support_group="Waste L2"
    )
    ContractFactory(
        supplier=supplier,
        reference="CON-ACME-1",
        start_date=today - dt.timedelta(days=100),
        end_date=today + dt.timedelta(days=100),
    ).components.add(web)
    live = ServiceFactory(name="Customer accounts", phase="live")
    beta = ServiceFactory(name="Payments beta", phase="public_beta")
    Dependency.objects.create(from_service=service, to_service=live, carries_live_data=True)
    Dependency.objects.create(from_service=service, to_service=beta)
    EvidenceFactory(
        service=service,
        requirement_id="PB-4",
        attestation="Standard changes through the pipeline; normal changes through CAB",
        evidence_date=today - dt.timedelta(days=3),
    )
    ActionFactory(service=service, description="Agree the RTO with the business")
    return held


def test_the_pack_holds_every_section(estate, today):
    pack = assemble_pack(estate.service, today=today)
    assert pack["service"]["name"] == "Waste permits"
    assert pack["readiness"]["target_phase"] == "Live"
    assert "LV-5" in {b["id"] for b in pack["readiness"]["blockers"]}
    assert pack["components"][0]["name"] == "Permits web"
    assert [d["service"] for d in pack["dependencies"]] == ["Customer accounts"]
    assert pack["suppliers"] == [
        {
            "name": "Acme Hosting",
            "contracts": [
                {
                    "reference": "CON-ACME-1",
                    "start": (today - dt.timedelta(days=100)).isoformat(),
                    "end": (today + dt.timedelta(days=100)).isoformat(),
                    "current": True,
                }
            ],
        }
    ]
    assert pack["support"]["support_groups"] == ["Waste L2"]
    assert pack["change"]["evidence"]["attestation"].startswith("Standard changes")
    assert pack["change"]["status"] == "Submitted"
    assert [a["description"] for a in pack["actions"]] == ["Agree the RTO with the business"]


def test_the_pack_is_refreshed_until_the_outcome_is_recorded(estate, users, today):
    services.refresh_pack(estate.item, by=users.osr_manager, today=today)
    assert estate.item.pack["components"][0]["name"] == "Permits web"
    ComponentFactory(service=estate.service, name="Permits API")
    services.refresh_pack(estate.item, by=users.osr_manager, today=today)
    estate.item.refresh_from_db()
    assert len(estate.item.pack["components"]) == 2

    services.record_outcome(
        estate.board,
        estate.service,
        outcome="green",
        summary="Good",
        conditions=[],
        by=users.osr_manager,
        today=today,
    )
    estate.item.refresh_from_db()
    with pytest.raises(Refusal, match="kept as the board saw it"):
        services.refresh_pack(estate.item, by=users.osr_manager, today=today)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pack_downloads_as_a_pdf_with_its_sections(estate, users, today, page):
    services.refresh_pack(estate.item, by=users.osr_manager, today=today)
    response = page("viewer").get(f"{estate.item.get_absolute_url()}/pack.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Waste permits" in text
    for _key, heading in SECTIONS:
        assert heading in text, heading
    assert "Customer accounts" in text and "CON-ACME-1" in text


def test_the_pack_page_shows_the_same_sections(estate, users, today, page):
    services.refresh_pack(estate.item, by=users.osr_manager, today=today)
    response = page("viewer").get(estate.item.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    for _key, heading in SECTIONS:
        assert heading in body, heading
    assert "Agree the RTO with the business" in body
