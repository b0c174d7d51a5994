"""``osr policy show`` prints the active readiness policy; ``osr policy check FILE`` checks one;
``osr policy diff OLD NEW`` says what changed and which services newly fall short, by group."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from osr.readiness.checks import registered_checks
from osr.readiness.policy import Policy, PolicyError, active_policy, load_policy
from osr.readiness.policy_diff import policy_diff


class Command(BaseCommand):
    help = "Show the active readiness policy, or check a policy file."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{show,check,diff}")
        actions.add_parser("show", help="print the active policy")
        check = actions.add_parser("check", help="validate a policy file")
        check.add_argument("file", help="the policy YAML file")
        diff = actions.add_parser("diff", help="compare two policy files")
        diff.add_argument("old", help="the policy in force (YAML)")
        diff.add_argument("new", help="the policy to compare it with (YAML)")

    def handle(self, *args, action: str, **options):
        if action == "show":
            self.show(active_policy())
            return
        if action == "diff":
            self.diff(self.load(options["old"]), self.load(options["new"]))
            return
        try:
            policy = load_policy(options["file"], known_checks=registered_checks())
        except PolicyError as error:
            for line in error.lines:
                self.stderr.write(line)
            count = len(error.lines)
            problems = f"{count} problem{'s' if count != 1 else ''}"
            raise CommandError(f"{options['file']} is not a valid policy: {problems}") from error
        self.stdout.write(
            f"{options['file']}: valid policy version {policy.version} with "
            f"{len(policy.requirements)} requirements in {len(policy.gates)} gates"
        )

    def load(self, path: str) -> Policy:
        try:
            return load_policy(path, known_checks=registered_checks())
        except PolicyError as error:
            raise CommandError(f"{path} is not a valid policy: {error.lines[0]}") from error

    def diff(self, old: Policy, new: Policy) -> None:
        out = self.stdout.write
        found = policy_diff(old, new, today=timezone.localdate())
        out(f"From version {found.old_version} to {found.new_version}")
        if not found.changes:
            out("No gate or requirement changed")
        for change in found.changes:
            out(f"  {change.kind} {change.what} {change.id}: {change.title}")
            for detail in change.details:
                out(f"      {detail}")
        out("")
        out(f"Services newly falling short of their next gate: {found.short_count}")
        for group, services in found.short_by_group.items():
            out(f"  {group}")
            for service in services:
                out(f"    {service.slug}: {', '.join(service.newly_blocking)}")

    def show(self, policy: Policy) -> None:
        out = self.stdout.write
        out(f"{policy.name}, version {policy.version} (sha256 {policy.digest})")
        out(f"File: {policy.source or settings.OSR_POLICY_FILE}")
        checks = registered_checks()
        for gate in policy.gates:
            when = f"before {gate.before}" if gate.before else f"when {gate.trigger}"
            out("")
            out(f"{gate.title} [{gate.id}, {when}]")
            for r in policy.in_gate(gate.id):
                out(f"  {r.id:<6} {r.title}")
                details = [f"from {r.applies.from_phase}", f"verified by {r.verified_by}"]
                if r.applies.critical:
                    details.append("critical services only")
                if r.applies.uses_live_data:
                    details.append("services using live data only")
                if r.check:
                    state = " (manual until its app provides it)" if checks[r.check].pending else ""
                    details.append(f"check {r.check}{state}")
                if r.effective_from:
                    details.append(f"in force from {r.effective_from.isoformat()}")
                if r.valid_for_months:
                    details.append(f"valid {r.valid_for_months} months")
                out(f"         {'; '.join(details)}")
                out(f"         evidence: {r.evidence.asks_for}")
        out("")
        out("Automatic checks known:")
        for name, check in sorted(checks.items()):
            out(f"  {name}{' (pending)' if check.pending else ''}: {check.description}")
