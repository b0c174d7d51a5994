"""The demo's review boards and rehearsals.

Two boards have met: farming's, green for the Sustainable Farming Incentive and
amber for Countryside Stewardship Higher Tier (whose conditions became actions:
one closed, one open, one overdue), and the Environment Agency's, green for
Apply for an environmental permit. Farming's next board is scheduled. Live
services rehearsed incidents and changes with the service desk.
"""

from __future__ import annotations

from osr.catalogue.demo import register_demo_step
from osr.catalogue.demo_history import History
from osr.catalogue.models import DeliveryGroup, Person, Service

from .board_rules import Condition
from .models import Action, AgendaItem, Rehearsal, ReviewBoard
from .services import (
    add_panel_member,
    add_to_agenda,
    close_action,
    record_outcome,
    record_rehearsal,
    schedule_board,
)

# (group, days from today, place, panel (name, specialism), [(service, outcome, summary,
# [(condition, owner, due in days from the board, closed days after the board)])])
BOARDS = [
    ("farming-and-countryside", -75, "Room 3B, Seacole Building, London",
     [("Paul Stevens", "Service desk"), ("Neil Armitage", "Infrastructure and hosting"),
      ("Joanne Fletcher", "Security")],
     [("sustainable-farming-incentive", "green",
       "Ready to operate: support, monitoring and recovery rehearsed with the service desk.",
       []),
      ("countryside-stewardship-higher-tier", "amber",
       "Approved for public beta, on conditions about monitoring and recovery.",
       [("Add alerting on failed agreement submissions to the on-call rota", "Emma Holt",
         30, 20),
        ("Run a disaster recovery test of the agreements database", "Sam Okafor", 100, None),
        ("Publish the support model to the Rural Payments service desk", "Owen Griffiths",
         60, None)])]),
    ("environment-agency-digital", -120, "Horizon House, Bristol",
     [("Karen Walsh", "Service desk"), ("Neil Armitage", "Security")],
     [("apply-for-an-environmental-permit", "green",
       "Support and recovery are in place for public beta.", [])]),
]  # fmt: skip

# (group, days from today, call link, services on the agenda)
UPCOMING = [
    ("farming-and-countryside", 12, "https://teams.defra.example/osr-board-farming",
     ["apply-for-a-farming-grant"]),
]  # fmt: skip

# (service, kind, days ago, scenario, participants, outcome, findings)
REHEARSALS = [
    ("sustainable-farming-incentive", "incident", 95,
     "The agreements API stops answering during the quarterly payment run",
     "Owen Griffiths\nEmma Holt\nPaul Stevens", "Restored in 38 minutes from the runbook",
     ["The runbook did not say who tells the payment hub team"]),
    ("sustainable-farming-incentive", "change", 60,
     "An emergency fix to the agreements API deployed out of hours",
     "Owen Griffiths\nPaul Stevens", "Change raised and approved in MyIT within 20 minutes", []),
    ("sign-up-for-flood-warnings", "incident", 140,
     "The warning dispatcher queue backs up during a flood event",
     "Rachel Ndlovu\nIan Cartwright\nKaren Walsh", "Dispatcher scaled out; warnings delayed "
     "12 minutes", []),
    ("ipaffs", "change", 200, "A standard change to the notification web app",
     "Lucy Chambers\nMartin Kowalski", "Deployed without downtime", []),
]  # fmt: skip


def load(history: History) -> None:
    """Write the boards and rehearsals, unless the estate has them already."""
    people = {p.name: p for p in Person.objects.all()}
    services = {
        s.slug: s
        for s in Service.objects.select_related("delivery_group__osr_manager", "service_owner")
    }
    if not ReviewBoard.objects.exists():
        for board in BOARDS:
            _held(history, people, services, *board)
        for upcoming in UPCOMING:
            _upcoming(history, services, *upcoming)
    if not Rehearsal.objects.exists():
        for rehearsal in REHEARSALS:
            _rehearsal(history, people, services, *rehearsal)


def _held(history: History, people, services, slug, offset, place, panel, agenda) -> None:
    group = DeliveryGroup.objects.select_related("osr_manager").get(slug=slug)
    chair = group.osr_manager
    chairing = history.user_of(chair)
    scheduled = history.moment(offset - 21, 10)
    with history.at(scheduled, by=chairing):
        board = schedule_board(
            {"delivery_group": group, "starts_at": history.moment(offset, 10), "place": place,
             "chair": chair},
            by=chairing,
        )  # fmt: skip
        for name, specialism in panel:
            add_panel_member(board, people[name], specialism, by=chairing)
        for service_slug, *_rest in agenda:
            item = add_to_agenda(
                board, services[service_slug], by=chairing, today=history.day(offset - 21)
            )
            history.date(item, pack_assembled_at=scheduled)
    decided = history.moment(offset, 15)
    for service_slug, outcome, summary, conditions in agenda:
        with history.at(decided, by=chairing):
            decision = record_outcome(
                board,
                services[service_slug],
                outcome=outcome,
                summary=summary,
                conditions=[
                    Condition(
                        text,
                        _owner(people, owner, services[service_slug]).pk,
                        history.day(offset + due),
                    )
                    for text, owner, due, _closed in conditions
                ],
                by=chairing,
                today=history.day(offset),
            )
        history.date(decision, decided_at=decided)
        actions = Action.objects.filter(decision=decision).order_by("pk")
        for action, (_text, owner, _due, closed) in zip(actions, conditions, strict=True):
            if closed is not None:
                closing = history.moment(offset + closed, 16)
                by = history.user_of(_owner(people, owner, services[service_slug]))
                with history.at(closing, by=by):
                    close_action(action, by=by, note="Alerts go to the on-call rota in PagerDuty")
                history.date(action, closed_at=closing)
    history.added += 1


def _owner(people, name: str, service) -> Person:
    """The person named; the delivery demo account (Sam Okafor) exists only in development,
    and elsewhere the service's owner takes its action."""
    return people.get(name) or service.service_owner


def _upcoming(history: History, services, slug, offset, call_link, agenda) -> None:
    group = DeliveryGroup.objects.select_related("osr_manager").get(slug=slug)
    chairing = history.user_of(group.osr_manager)
    scheduled = history.moment(-18, 11)
    with history.at(scheduled, by=chairing):
        board = schedule_board(
            {"delivery_group": group, "starts_at": history.moment(offset, 10),
             "call_link": call_link, "chair": group.osr_manager},
            by=chairing,
        )  # fmt: skip
        for service_slug in agenda:
            add_to_agenda(board, services[service_slug], by=chairing, today=history.day(-18))
    history.date(AgendaItem.objects.filter(board=board), pack_assembled_at=scheduled)
    history.added += 1


def _rehearsal(history, people, services, slug, kind, days_ago, scenario, who, outcome, findings):
    service = services[slug]
    by = history.user_of(people[who.split("\n")[0]])
    when = history.moment(-days_ago + 1, 12)
    data = {
        "kind": kind,
        "held_on": history.day(-days_ago),
        "scenario": scenario,
        "participants": who,
        "outcome": outcome,
    }
    with history.at(when, by=by):
        record_rehearsal(service, data, findings, by=by)
    history.added += 1


def register() -> None:
    """Add this part of the demo estate; called from ``AppConfig.ready``."""
    register_demo_step(30, "reviews", load)
