"""A service with everything its operations guide needs, and helpers to read renderings."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from osr.catalogue.models import Dependency, ExternalSystem, Supplier
from osr.guides.models import OperationsProfile

from ..factories import (
    ComponentFactory,
    ContractFactory,
    PersonFactory,
    ServiceFactory,
    TeamFactory,
)
from ..readiness.factories import EvidenceFactory

TODAY = dt.date(2026, 3, 5)

PROFILE = {
    "review_cycle_months": 6,
    "business_processes": "Paying farmers\nChecking claims",
    "environment_urls": "Production: https://pay.example.gov.uk\nTest: https://test.pay.example",
    "outage_impact": "Farmers cannot claim payments; claims queue up within an hour",
    "support_tiers": "First line: Defra service desk\nSecond line: the delivery team",
    "out_of_hours_cover": "The on-call engineer, 18:00 to 08:00 and weekends",
    "on_call": "Weekly rota of four engineers",
    "availability_target": Decimal("99.9"),
    "slos": "99% of claims submitted within 2 seconds",
    "measured_how": "Synthetic checks every minute, reported monthly",
    "supplier_targets": "Hosting: 99.95% monthly",
    "health_checks": "/health on every component",
    "alerting": "PagerDuty to the on-call engineer",
    "severities": "P1: service down\nP2: degraded",
    "escalation_path": "On-call engineer, then the live services manager",
    "communications": "Status page and the Defra incident channel within 15 minutes",
    "post_incident_reviews": "Within five working days",
    "release_frequency": "Weekly",
    "standard_changes": "Dependency updates",
    "known_errors": "Slow search after midnight: rebuild the index",
    "rto": dt.timedelta(hours=4),
    "rpo": dt.timedelta(minutes=15),
    "disaster_definition": "Loss of the production region",
    "recovery_invoked_by": "The live services manager",
    "recovery_steps": "Fail over the database\nRedeploy to the second region",
    "backup_arrangements": "Nightly snapshots kept 35 days",
    "last_dr_test": dt.date(2026, 1, 20),
    "load_tested_to": "2,000 claims a minute",
    "scaling": "Horizontally, on the Core Delivery Platform",
    "access_arrangements": "Production access through privileged access management",
    "last_penetration_test": dt.date(2025, 11, 3),
    "personal_data_held": "Names, addresses and bank details of farmers",
    "dpia_status": "completed",
    "knowledge_transfer": "Runbook walk-through with the service desk",
    "early_life_support": "Delivery team on hand for six weeks after go-live",
}


def make_complete_service(
    group, *, name="Pay farmers", slug="pay-farmers", components=2, dependencies=2, critical=False
):
    """A service in ``group`` whose guide is complete on ``TODAY``."""
    team = TeamFactory(delivery_group=group, contact_email="team@defra.example")
    service = ServiceFactory(
        name=name,
        slug=slug,
        delivery_group=group,
        delivery_team=team,
        phase="public_beta",
        critical=critical,
        critical_reason="Pays farmers" if critical else "",
        support_hours="24_7" if critical else "business_hours",
        description="Pays farmers their grants",
        user_needs_summary="Farmers need to be paid on time",
        technical_solution_summary="A web application and an API on CDP",
        service_owner=PersonFactory(name="Owner Person"),
        data_owner=PersonFactory(name="Data Owner"),
        dashboard_urls=["https://grafana.example/pay"],
        runbook_urls=["https://runbooks.example/pay"],
        myit_record_url="https://myit.example/pay",
    )
    supplier, _ = Supplier.objects.get_or_create(name="Hosting Ltd", slug="hosting-ltd")
    made = [
        ComponentFactory(
            service=service,
            name=f"Component {n:02d}",
            supplier=supplier,
            support_group="Pay support",
        )
        for n in range(components)
    ]
    ContractFactory(supplier=supplier, reference=f"CON-{slug}").components.add(*made)
    for n in range(dependencies):
        Dependency.objects.create(
            from_service=service,
            to_external=ExternalSystem.objects.get_or_create(
                name=f"Upstream {n:02d}", slug=f"upstream-{n}"
            )[0],
            description=f"Claims stop if upstream {n:02d} fails",
        )
    OperationsProfile.objects.create(service=service, **PROFILE)
    EvidenceFactory(
        service=service,
        requirement_id="LD-1",
        status="verified",
        pack_version="2.1",
        pack_date=dt.date(2026, 2, 1),
        reviewed_at=timezone.now(),
    )
    EvidenceFactory(
        service=service,
        requirement_id="PB-4",
        status="verified",
        attestation="Standard, normal and emergency routes",
        evidence_date=dt.date(2026, 2, 10),
        reviewed_at=timezone.now(),
    )
    return service


@pytest.fixture
def complete_service(users):
    return make_complete_service(users.own)


def words(text: str) -> str:
    """Text with all whitespace removed, to compare renderings that wrap lines differently."""
    return re.sub(r"\s+", "", text)


def docx_text(content: bytes):
    from docx import Document

    return Document(io.BytesIO(content))


def pdf_reader(content: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(content))
