"""The demo's operations guides: the fully ready service's, approved by its group's two
managers; another live service's, approved by the OSR manager and awaiting the live
services manager; and a third, just generated, awaiting both.

The last step of the demo, since a guide is built from every other part of it. Each
profile is saved through its form, as the profile's pages save it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from osr.catalogue.demo import register_demo_step
from osr.catalogue.demo_history import History
from osr.catalogue.models import Service

from .forms import ProfileForm
from .models import GuideVersion, OperationsProfile
from .services import approve_version, generate_version, profile_of, save_profile

APPROVED = "sustainable-farming-incentive"
AWAITING = "annual-health-and-welfare-review"
# Generated days ago and approved by nobody yet: work on both managers' home pages.
NEW = "apply-for-an-animal-movement-licence"

PROFILE = {
    "review_cycle_months": 6,
    "business_processes": "Applying for an SFI agreement\nChoosing actions for land parcels\n"
    "Quarterly payments",
    "environment_urls": "Production: https://apply-sfi.defra.example\n"
    "Test: https://apply-sfi.test.cdp.defra.example",
    "outage_impact": "Farmers cannot apply or see their agreements; quarterly payments are "
    "delayed if the outage spans a payment run",
    "support_tiers": "First line: the RPA helpline\nSecond line: Farming service support\n"
    "Third line: the farming schemes team",
    "out_of_hours_cover": "Not needed: the service is not critical; payment runs are watched "
    "by the on-call engineer",
    "on_call": "Weekly rota of four engineers during payment runs",
    "availability_target": Decimal("99.5"),
    "slos": "99% of pages answered within 2 seconds\nApplications acknowledged within a minute",
    "measured_how": "Synthetic checks every minute on the Core Delivery Platform, reported monthly",
    "supplier_targets": "Core Delivery Platform: 99.9% monthly",
    "health_checks": "/health on the web app and the agreements API",
    "alerting": "Grafana alerts to the team's Slack channel and the on-call engineer",
    "severities": "P1: no one can apply or payments fail\nP2: degraded\nP3: a minor fault",
    "escalation_path": "On-call engineer, then the delivery manager, then the live services "
    "manager",
    "communications": "RPA helpline and the Defra incident channel within 15 minutes",
    "post_incident_reviews": "Within five working days, shared with the RPA",
    "release_frequency": "Weekly, on Tuesdays",
    "standard_changes": "Content changes\nDependency updates",
    "known_errors": "Land parcel map slow after a Rural Payments release: clear the tile cache",
    "rto": dt.timedelta(hours=4),
    "rpo": dt.timedelta(minutes=15),
    "disaster_definition": "Loss of the platform's primary region",
    "recovery_invoked_by": "The live services manager",
    "recovery_steps": "Restore the agreements database from its snapshot\n"
    "Redeploy the service to the second region",
    "backup_arrangements": "Hourly snapshots kept 35 days",
    "load_tested_to": "3,000 applications an hour",
    "scaling": "Horizontally on the Core Delivery Platform",
    "access_arrangements": "Production access through the platform's privileged access",
    "personal_data_held": "Names, addresses and land of farmers and land managers",
    "dpia_status": "completed",
    "knowledge_transfer": "Runbook walk-through with Farming service support",
    "early_life_support": "The delivery team supported the service for six weeks after go-live",
}


def load(history: History) -> None:
    """Write the operations profiles, then generate the guides from the whole estate."""
    _write_profiles(history)
    _generate_guides(history)


def _write_profiles(history: History) -> None:
    for slug, days_ago in ((APPROVED, 50), (AWAITING, 35), (NEW, 20)):
        service = Service.objects.select_related("service_owner").get(slug=slug)
        if OperationsProfile.objects.filter(service=service).exists():
            continue
        values = PROFILE | {
            "last_dr_test": history.day(-days_ago - 40),
            "last_penetration_test": history.day(-days_ago - 90),
        }
        form = ProfileForm(data=values, instance=profile_of(service))
        if not form.is_valid():
            raise ValueError(f"Demo profile of {slug} is invalid: {form.errors.as_text()}")
        by = history.user_of(service.service_owner)
        with history.at(history.moment(-days_ago, 14), by=by):
            save_profile(form, by=by)
        history.added += 1


def _generate_guides(history: History) -> None:
    """Generate each guide, and record its managers' approvals."""
    for slug, days_ago, approvers in (
        (APPROVED, 25, ("osr_manager", "live_services_manager")),
        (AWAITING, 8, ("osr_manager",)),
        (NEW, 3, ()),
    ):
        service = Service.objects.select_related(
            "service_owner", "delivery_group__osr_manager", "delivery_group__live_services_manager"
        ).get(slug=slug)
        if GuideVersion.objects.filter(service=service).exists():
            continue
        owner = history.user_of(service.service_owner)
        generated = history.moment(-days_ago, 10)
        with history.at(generated, by=owner):
            version = generate_version(service, by=owner, today=history.today)
        history.date(version, generated_at=generated)
        for step, role in enumerate(approvers, start=1):
            by = history.user_of(getattr(service.delivery_group, role))
            approved = history.moment(-days_ago + step, 15)
            with history.at(approved, by=by):
                approve_version(version, by=by)
            fields = {f"{role}_approved_at": approved}
            if len(approvers) == 2 and step == 2:
                fields["approved_at"] = approved
            history.date(GuideVersion.objects.filter(pk=version.pk), **fields)
        history.added += 1


def register() -> None:
    """Add this part of the demo estate; called from ``AppConfig.ready``."""
    register_demo_step(60, "guides", load)
