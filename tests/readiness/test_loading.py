"""Reading the evaluation's inputs: few queries for one service, the same number for many,
each check's loader read once, and suppliers with the contracts that cover them."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from osr.catalogue.models import PhaseChange, Service
from osr.devtools.models import Integration
from osr.myit.models import MyitSnapshot
from osr.myit.readiness_checks import CHECKS as MYIT_CHECKS
from osr.readiness.facts import SupplierFacts
from osr.readiness.loading import load, load_one
from osr.reviews.models import Decision
from osr.reviews.readiness_checks import BOARD_PASSED, REHEARSALS

from ..factories import ComponentFactory, ContractFactory, ServiceFactory, SupplierFactory
from ..reviews.factories import AgendaItemFactory, RehearsalFactory
from .factories import EvidenceFactory, WaiverFactory

pytestmark = pytest.mark.django_db


def add_services(group, count):
    """Services with something for every query of the load to read."""
    for _ in range(count):
        service = ServiceFactory(delivery_group=group, phase="alpha")
        PhaseChange.objects.create(service=service, from_phase="discovery", to_phase="alpha")
        EvidenceFactory(service=service, requirement_id="LD-1")
        WaiverFactory(service=service)
        supplier = SupplierFactory()
        component = ComponentFactory(service=service, supplier=supplier)
        ContractFactory(supplier=supplier).components.add(component)
        MyitSnapshot.objects.create(service=service, held={"service": {}})
        Integration.objects.create(service=service, host="github", name="waste-permits")
        RehearsalFactory(service=service)
        item = AgendaItemFactory(service=service)
        Decision.objects.create(item=item, outcome="green", summary="Passed")


def load_counted(services):
    with CaptureQueriesContext(connection) as captured:
        loaded = load(services)
    return loaded, captured.captured_queries


def test_one_service_loads_in_ten_queries_and_a_batch_in_the_same_number(users):
    add_services(users.own, 1)
    service = Service.objects.get()
    with CaptureQueriesContext(connection) as one:
        (loaded,) = [load_one(service)]
    assert len(one) <= 10
    assert loaded.evidence and loaded.waivers and loaded.facts.suppliers
    assert loaded.facts.entered.keys() == {"alpha"}
    assert loaded.facts.extra[BOARD_PASSED].decisions and loaded.facts.extra[REHEARSALS]

    add_services(users.own, 2)
    few, few_queries = load_counted(Service.objects.order_by("id"))
    add_services(users.own, 27)
    many, many_queries = load_counted(Service.objects.order_by("id"))
    assert len(few) == 3 and len(many) == 30
    assert len(few_queries) == len(many_queries) == len(one)
    # A page of a larger portfolio, named by its ids, reads the same number again.
    page, page_queries = load_counted(Service.objects.order_by("id")[10:20])
    assert len(page) == 10 and len(page_queries) == len(one)


def test_a_loader_shared_by_several_checks_is_read_once(users):
    add_services(users.own, 2)
    loaded, queries = load_counted(Service.objects.order_by("id"))
    assert sum('"myit_myitsnapshot"' in query["sql"] for query in queries) == 1
    for item in loaded:
        # Each MyIT check finds the snapshot under its own name.
        assert all(item.facts.extra[name]["held"] == {"service": {}} for name in MYIT_CHECKS)


def test_suppliers_carry_the_contracts_covering_any_component_of_the_service(users):
    service = ServiceFactory(delivery_group=users.own)
    other_service = ServiceFactory(delivery_group=users.own)
    hosting, support = SupplierFactory(name="Hosting Ltd"), SupplierFactory(name="Support plc")
    hosted = ComponentFactory(service=service, supplier=hosting)
    in_house = ComponentFactory(service=service, supplier=None)
    ComponentFactory(service=service, supplier=support)
    elsewhere = ComponentFactory(service=other_service, supplier=support)
    # Support's contract for this service covers the in-house component and the hosted one.
    ContractFactory(
        supplier=support, start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31)
    ).components.add(in_house, hosted)
    ContractFactory(
        supplier=support, start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31)
    ).components.add(elsewhere)
    ContractFactory(
        supplier=hosting, start_date=dt.date(2024, 1, 1), end_date=dt.date(2027, 1, 1)
    ).components.add(hosted, in_house)

    by_id = {item.service_id: item.facts.suppliers for item in load(Service.objects.all())}
    assert by_id[service.pk] == (
        SupplierFacts("Hosting Ltd", ((dt.date(2024, 1, 1), dt.date(2027, 1, 1)),)),
        SupplierFacts("Support plc", ((dt.date(2025, 1, 1), dt.date(2025, 12, 31)),)),
    )
    assert by_id[other_service.pk] == (
        SupplierFacts("Support plc", ((dt.date(2026, 1, 1), dt.date(2026, 12, 31)),)),
    )
