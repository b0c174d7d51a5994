"""Factories for the catalogue, used by tests and benchmarks."""

import datetime as dt

import factory
from django.contrib.auth.models import User

from osr.catalogue import models
from osr.catalogue.choices import ComponentKind, Hosting


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@defra.example")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda p: f"{p.name.lower().replace(' ', '.')}@defra.example")


class DeliveryGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DeliveryGroup
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Delivery group {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Team

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")
    delivery_group = factory.SubFactory(DeliveryGroupFactory)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Service

    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    delivery_group = factory.SubFactory(DeliveryGroupFactory)
    support_contact_email = "support@defra.example"


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Supplier

    name = factory.Sequence(lambda n: f"Supplier {n}")
    slug = factory.Sequence(lambda n: f"supplier-{n}")


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Component

    service = factory.SubFactory(ServiceFactory)
    name = factory.Sequence(lambda n: f"Component {n}")
    kind = ComponentKind.WEB_APPLICATION
    hosting = Hosting.CDP


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Contract

    supplier = factory.SubFactory(SupplierFactory)
    reference = factory.Sequence(lambda n: f"CON-{n:05d}")
    start_date = dt.date(2025, 1, 1)
    end_date = dt.date(2027, 12, 31)


class ExternalSystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ExternalSystem

    name = factory.Sequence(lambda n: f"External system {n}")
    slug = factory.Sequence(lambda n: f"external-{n}")


class DependencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Dependency

    from_service = factory.SubFactory(ServiceFactory)
    to_service = factory.SubFactory(ServiceFactory)
