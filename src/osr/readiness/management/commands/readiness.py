"""``osr readiness <slug> [--phase P] [--json]``: may the service enter the phase?

Exits 0 when it may, 1 with every blocker listed when it may not, so that a
delivery pipeline can use it as a step; 2 when the service or phase is unknown.

``osr readiness refresh`` re-evaluates every service and stores its result for
the portfolio: run it after deploying a new policy or a new release of OSR.
"""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from osr.catalogue.choices import PHASE_ORDER, Phase
from osr.catalogue.models import Service
from osr.readiness.api import ReadinessOut, readiness_shown
from osr.readiness.engine import Evaluation
from osr.readiness.results import current_evaluation, refresh_all
from osr.readiness.services import readiness_of


class Command(BaseCommand):
    help = "Say whether a service may enter a phase (by default its next), listing what blocks it."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the service's slug, or ‘refresh’ to re-evaluate all")
        parser.add_argument("--phase", choices=PHASE_ORDER, help="the phase to enter")
        parser.add_argument("--json", action="store_true", help="answer in JSON")
        parser.add_argument(
            "--on",
            type=dt.date.fromisoformat,
            help="evaluate as on this date (YYYY-MM-DD); today by default",
        )

    def handle(self, *args, **options):
        slug, phase, on = options["slug"], options["phase"], options["on"]
        if slug == "refresh":
            count = refresh_all(today=on or timezone.localdate())
            self.stdout.write(f"Stored the readiness of {count} service{'s' if count != 1 else ''}")
            return
        service = Service.objects.filter(slug=slug).first()
        if service is None:
            raise CommandError(f"No service with the slug ‘{slug}’", returncode=2)
        today = on or timezone.localdate()

        def readiness(target_phase: str | None) -> Evaluation:
            # Today's readiness for the next phase is stored; another day or phase is evaluated.
            if target_phase is None and on is None:
                return current_evaluation(service, today=today)
            return readiness_of(service, today=today, target_phase=target_phase)

        evaluation = readiness(phase)
        target = evaluation.target_phase
        if options["json"]:
            shown = readiness_shown(service, evaluation if phase is None else readiness(None))
            body = ReadinessOut.model_validate(shown).model_dump()
            body |= {
                "service": service.slug,
                "target_phase": target,
                "ready": evaluation.ready,
                "blockers": [
                    {"id": b.requirement_id, "reason": b.reason} for b in evaluation.blockers
                ],
            }
            self.stdout.write(json.dumps(body, indent=2, default=str))
        elif target is None:
            self.stdout.write(f"{service.name} is retired: there is no phase after it")
        elif evaluation.ready:
            self.stdout.write(
                f"{service.name} may enter {Phase(target).label.lower()} "
                f"(policy {evaluation.policy_version}, {evaluation.percent}% complete)"
            )
        else:
            self.stdout.write(
                f"{service.name} may not enter {Phase(target).label.lower()} "
                f"(policy {evaluation.policy_version}):"
            )
            for blocker in evaluation.blockers:
                self.stdout.write(f"  {blocker.requirement_id}: {blocker.reason}")
        if not evaluation.ready:
            count = len(evaluation.blockers)
            raise CommandError(
                f"{slug} may not enter {target}: {count} blocker{'s' if count != 1 else ''}",
                returncode=1,
            )
