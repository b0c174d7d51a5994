"""``osr campaigns list|start|show|remind|close``: readiness campaigns from the command line."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from osr.catalogue.models import DeliveryGroup
from osr.core.refusals import Refusal
from osr.readiness import campaigns
from osr.readiness.models import Campaign


class Command(BaseCommand):
    help = "List, start, show, remind the teams of, or close readiness campaigns."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{list,start,show,remind,close}"
        )
        actions.add_parser("list", help="every campaign, the latest first")
        start = actions.add_parser("start", help="start a campaign")
        start.add_argument("requirement", help="the requirement ID, e.g. PUB-3")
        start.add_argument("--title", required=True)
        start.add_argument("--by", required=True, help="the username starting it")
        start.add_argument("--target", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
        start.add_argument("--group", action="append", default=[], help="a delivery group's slug")
        start.add_argument("--phase", action="append", default=[], help="a phase in scope")
        start.add_argument("--critical-only", action="store_true")
        start.add_argument("--reason", default="")
        for name, text in (("show", "a campaign's services"), ("close", "close a campaign")):
            sub = actions.add_parser(name, help=text)
            sub.add_argument("id", type=int)
            if name == "close":
                sub.add_argument("--by", required=True, help="the username closing it")
                sub.add_argument("--note", default="")
        remind = actions.add_parser("remind", help="send today's reminders now")
        remind.add_argument("id", type=int, nargs="?", help="one campaign; every open one if none")

    def handle(self, *args, action: str, **options):
        today = timezone.localdate()
        try:
            run = {
                "list": self._list,
                "start": self._start,
                "show": self._show,
                "remind": self._remind,
                "close": self._close,
            }[action]
            run(options, today)
        except Refusal as refusal:
            raise CommandError(refusal.message) from refusal

    def _campaign(self, pk: int) -> Campaign:
        campaign = Campaign.objects.prefetch_related("groups").filter(pk=pk).first()
        if campaign is None:
            raise CommandError(f"No campaign {pk}")
        return campaign

    def _user(self, username: str):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user ‘{username}’")
        return user

    def _list(self, options, today):
        for c in Campaign.objects.all():
            state = "open" if c.is_open else "closed"
            self.stdout.write(
                f"{c.pk:>4}  {c.requirement_id:<6} by {c.target_date}  {state:<6}  {c.title}"
            )

    def _start(self, options, today):
        groups = list(DeliveryGroup.objects.filter(slug__in=options["group"]))
        unknown = sorted(set(options["group"]) - {g.slug for g in groups})
        if unknown:
            raise CommandError(f"No delivery group ‘{unknown[0]}’")
        campaign = campaigns.start_campaign(
            title=options["title"],
            requirement_id=options["requirement"],
            target_date=options["target"],
            groups=groups,
            phases=options["phase"],
            critical_only=options["critical_only"],
            reason=options["reason"],
            by=self._user(options["by"]),
            today=today,
        )
        self.stdout.write(f"Started campaign {campaign.pk}: {campaign.title}")

    def _show(self, options, today):
        campaign = self._campaign(options["id"])
        current = campaigns.standings(campaign, today=today)
        met = sum(s.meets for s in current)
        self.stdout.write(
            f"{campaign.title}: {met} of {len(current)} services meet {campaign.requirement_id}"
        )
        for s in current:
            mark = "meets" if s.meets else s.result.status
            self.stdout.write(f"  {s.loaded.facts.slug:<45} {s.loaded.group_slug:<30} {mark}")

    def _remind(self, options, today):
        if options["id"] is None:
            result = campaigns.send_campaign_reminders(today=today)
            self.stdout.write(
                f"Reminded the teams of {result['campaigns']} campaigns "
                f"({result['notifications']} notifications)"
            )
            return
        campaign = self._campaign(options["id"])
        if not campaign.is_open:
            raise CommandError(f"Campaign {campaign.pk} is closed")
        told = campaigns.remind(campaign, today=today)
        self.stdout.write(f"Reminded the teams of campaign {campaign.pk} ({told} notifications)")

    def _close(self, options, today):
        campaign = campaigns.close_campaign(
            self._campaign(options["id"]),
            by=self._user(options["by"]),
            note=options["note"],
            today=today,
        )
        figures = campaign.closing_figures
        self.stdout.write(
            f"Closed campaign {campaign.pk}: "
            f"{figures['meeting']} of {figures['in_scope']} services met it"
        )
