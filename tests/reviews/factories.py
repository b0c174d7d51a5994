"""Factories for review boards, their agenda, decisions, actions and rehearsals."""

import datetime as dt

import factory
from django.utils import timezone

from osr.reviews import models

from ..factories import DeliveryGroupFactory, PersonFactory, ServiceFactory


class ReviewBoardFactory(factory.django.DjangoModelFactory):
    """A board that met yesterday unless told otherwise (scheduling itself refuses the past)."""

    class Meta:
        model = models.ReviewBoard

    delivery_group = factory.SubFactory(DeliveryGroupFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    place = "Seacole Building, room 2.14"
    chair = factory.SubFactory(PersonFactory)


class PanelMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PanelMember

    board = factory.SubFactory(ReviewBoardFactory)
    person = factory.SubFactory(PersonFactory)
    specialism = "Security"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AgendaItem

    board = factory.SubFactory(ReviewBoardFactory)
    service = factory.SubFactory(ServiceFactory)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Action

    service = factory.SubFactory(ServiceFactory)
    source = "condition"
    description = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SubFactory(PersonFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))


class RehearsalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Rehearsal

    service = factory.SubFactory(ServiceFactory)
    kind = "incident"
    held_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    scenario = "The database fails over"
    participants = "Ada\nGrace"
    outcome = "Restored in 12 minutes"
