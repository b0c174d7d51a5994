"""An import's forms check exactly as the catalogue's own forms do: the same errors, the
same cleaned values, the same changed fields, whether or not a field is disabled."""

from __future__ import annotations

import gc

import pytest

from osr.catalogue.forms import DependencyForm, ServiceForm
from osr.catalogue.models import DeliveryGroup, ExternalSystem, Service, Team
from osr.core.resources import form_data_of
from osr.graph import importing
from osr.graph.preloaded import Lookups, checked_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate():
    group = DeliveryGroup.objects.create(name="Farming", slug="farming")
    other = DeliveryGroup.objects.create(name="Marine", slug="marine")
    Team.objects.create(name="Grants", slug="grants", delivery_group=group)
    Team.objects.create(name="Fish", slug="fish", delivery_group=other)
    service = Service.objects.create(name="Apply", slug="apply", delivery_group=group)
    Service.objects.create(name="Pay", slug="pay", delivery_group=group)
    ExternalSystem.objects.create(name="GOV.UK Notify", slug="notify")
    return service


def outcome(form) -> tuple:
    valid = form.is_valid()
    errors = {name: list(messages) for name, messages in form.errors.items()}
    cleaned = {
        name: getattr(value, "pk", value)
        for name, value in form.cleaned_data.items()
        if not isinstance(value, list) or all(isinstance(item, str) for item in value)
    }
    return valid, errors, cleaned, list(form.changed_data)


SERVICES = [
    {"name": "Claim", "slug": "claim", "delivery_group": "farming", "delivery_team": "grants"},
    {"name": "Claim", "slug": "claim", "delivery_group": "farming", "delivery_team": "fish"},
    {"name": "", "slug": "apply", "delivery_group": "nowhere", "critical": True},
    {"name": "Claim", "slug": "claim", "delivery_group": "farming", "repository_urls": "nope"},
    {
        "name": "Claim",
        "slug": "claim",
        "delivery_group": "farming",
        "support_contact_email": "help@defra.example",
        "repository_urls": ["https://example.org/claim"],
    },
]


@pytest.mark.parametrize("values", SERVICES)
def test_a_new_service_is_checked_as_its_form_checks_it(estate, values):
    base = form_data_of(ServiceForm, Service())
    data = base | values
    plain = ServiceForm(data=data, initial=base)
    checked = checked_form(ServiceForm, Lookups(), data=data, initial=base)
    assert outcome(checked) == outcome(plain)


@pytest.mark.parametrize(
    "values",
    [
        {"name": "Apply for grants"},
        {"slug": "renamed", "description": "Now described"},  # the slug is disabled
        {"delivery_team": "fish", "support_contact_email": "not an address"},
        {"delivery_group": "marine"},
    ],
)
def test_a_changed_service_is_checked_as_its_form_checks_it(estate, values):
    base = form_data_of(ServiceForm, estate)
    data = base | values
    plain = ServiceForm(data=data, instance=Service.objects.get(pk=estate.pk), initial=base)
    checked = checked_form(
        ServiceForm,
        Lookups(),
        data=data,
        instance=Service.objects.get(pk=estate.pk),
        initial=base,
    )
    assert outcome(checked) == outcome(plain)


@pytest.mark.parametrize(
    "values",
    [
        {"from_service": "apply", "to_service": "pay", "kind": "runtime_api"},
        {"from_service": "apply", "to_service": "apply", "kind": "runtime_api"},
        {"from_service": "apply", "to_service": "pay", "to_external": "notify"},
        {"from_service": "apply", "to_service": "gone", "kind": "runtime_api"},
        {"from_service": "", "to_external": "notify", "kind": "no such kind"},
    ],
)
def test_a_dependency_is_checked_as_its_form_checks_it(estate, values):
    base = form_data_of(DependencyForm, DependencyForm._meta.model())
    data = base | values
    plain = DependencyForm(data=data, initial=base)
    checked = checked_form(DependencyForm, Lookups(), data=data, initial=base)
    assert outcome(checked) == outcome(plain)


def test_an_import_puts_the_collector_back_as_it_was(estate):
    before = gc.get_threshold()
    seen = []

    def work(writer):
        seen.append(gc.get_threshold())
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        importing.run(work, by=None, apply=True)
    assert seen[0][0] >= importing.IMPORT_COLLECTION_THRESHOLD
    assert gc.get_threshold() == before
