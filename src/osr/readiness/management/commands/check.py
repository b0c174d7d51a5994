"""``osr check <manifest.yaml> [--phase P]``: readiness as code, offline.

Reads a service manifest kept in a team's repository (OSR's own format or a
Backstage ``catalog-info.yaml`` with OSR annotations, see docs/manifest.md),
and says whether the service may enter the phase, without the database.
Exits 0 when it may, 1 listing the blockers when it may not, 2 with
line-numbered errors for a bad manifest.

Without a manifest this is Django's own ``check`` of the project, unchanged.
"""

import datetime as dt
from pathlib import Path

from django.core.management.base import CommandError
from django.core.management.commands.check import Command as SystemCheckCommand

from osr.catalogue.choices import PHASE_ORDER, Phase
from osr.readiness.checks import registered_checks
from osr.readiness.engine import evaluate
from osr.readiness.manifest import ManifestError, parse_manifest
from osr.readiness.policy import active_policy

MANIFEST_SUFFIXES = (".yaml", ".yml")


class Command(SystemCheckCommand):
    help = (
        "Check a service manifest's readiness for a phase, offline: "
        "osr check <manifest.yaml> [--phase P]. Without a manifest, Django's system checks."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--phase", choices=PHASE_ORDER, help="the phase to enter")
        parser.add_argument(
            "--on",
            type=dt.date.fromisoformat,
            help="evaluate as on this date (YYYY-MM-DD); today by default",
        )

    def handle(self, *app_labels, **options):
        manifests = [label for label in app_labels if label.endswith(MANIFEST_SUFFIXES)]
        if not manifests:
            return super().handle(*app_labels, **options)
        if len(app_labels) != 1:
            raise CommandError("Check one manifest at a time", returncode=2)
        return self.check_manifest(Path(manifests[0]), options["phase"], options["on"])

    def check_manifest(self, path: Path, phase: str | None, on: dt.date | None) -> None:
        today = on or dt.date.today()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}", returncode=2) from error
        policy = active_policy()
        try:
            manifest = parse_manifest(
                text,
                source=str(path),
                requirement_ids={r.id for r in policy.requirements},
                today=today,
            )
        except ManifestError as error:
            for line in error.lines:
                self.stderr.write(line)
            count = len(error.lines)
            raise CommandError(
                f"{path} is not a valid manifest: {count} problem{'s' if count != 1 else ''}",
                returncode=2,
            ) from error
        evaluation = evaluate(
            policy,
            manifest.service,
            manifest.evidence,
            manifest.waivers,
            today,
            checks=registered_checks(),
            target_phase=phase,
        )
        service, target = manifest.service, evaluation.target_phase
        if target is None:
            self.stdout.write(f"{service.name} is retired: there is no phase after it")
            return
        label = Phase(target).label.lower()
        if evaluation.ready:
            self.stdout.write(
                f"{service.name} may enter {label} "
                f"(policy {evaluation.policy_version}, {evaluation.percent}% complete)"
            )
            return
        self.stdout.write(
            f"{service.name} may not enter {label} (policy {evaluation.policy_version}):"
        )
        for blocker in evaluation.blockers:
            self.stdout.write(f"  {blocker.requirement_id}: {blocker.reason}")
        count = len(evaluation.blockers)
        raise CommandError(
            f"{service.slug} may not enter {target}: {count} blocker{'s' if count != 1 else ''}",
            returncode=1,
        )
