"""``osr boards list|reschedule|cancel|notes``: review boards from the command line.

``list`` prints what the API lists. The others change a board as its page does,
checked by the same forms and rules; ``--by`` names the person the audit trail
and the board's history record.
"""

import datetime as dt
import json

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone

from osr.core.audit import AttributedCommand
from osr.core.refusals import invalid
from osr.reviews import services
from osr.reviews.api_schemas import BoardOut
from osr.reviews.forms import RescheduleForm
from osr.reviews.models import ReviewBoard


def acting_user(username: str | None):
    """The user the audit trail names for the command's writes (None: the system)."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user ‘{username}’")
    return user


class Command(AttributedCommand):
    help = "List review boards; reschedule or cancel one; record or correct its notes."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        listing = actions.add_parser("list", help="List upcoming (or past) review boards")
        listing.add_argument("--past", action="store_true", help="Past boards, latest first")
        listing.add_argument("--json", action="store_true", help="Print JSON as the API does")
        move = actions.add_parser("reschedule", help="Move a board that has not met")
        move.add_argument("board", type=int, metavar="ID")
        move.add_argument("--date", required=True, help="the new date, YYYY-MM-DD")
        move.add_argument("--time", help="the new start, HH:MM; unchanged by default")
        move.add_argument("--place", help="the new place; unchanged by default")
        move.add_argument("--call-link", help="the new call link; unchanged by default")
        move.add_argument("--reason", default="", help="why: the teams and panel are told")
        cancel = actions.add_parser("cancel", help="Cancel a board that has not met")
        cancel.add_argument("board", type=int, metavar="ID")
        cancel.add_argument("--reason", default="", help="why: the teams and panel are told")
        notes = actions.add_parser(
            "notes", help="Record or correct the notes and attendance of a board that has met"
        )
        notes.add_argument("board", type=int, metavar="ID")
        notes.add_argument("--notes", help="the notes; unchanged by default")
        notes.add_argument(
            "--attended",
            type=int,
            nargs="*",
            metavar="PERSON_ID",
            help="the panel members who attended (people's ids); unchanged by default",
        )
        notes.add_argument("--reason", default="", help="why, once recorded: a correction")
        for sub in (move, cancel, notes):
            sub.add_argument("--by", help="the username the audit trail names")

    def acting_user(self, options):
        return acting_user(options.get("by"))

    def handle(self, *args, **options):
        if options["action"] == "list":
            self.list(options)
            return
        board = ReviewBoard.objects.filter(pk=options["board"]).first()
        if board is None:
            raise CommandError(f"No review board {options['board']}")
        by, today = acting_user(options.get("by")), timezone.localdate()
        if options["action"] == "reschedule":
            change = self.reschedule(board, options, by=by, today=today)
        elif options["action"] == "cancel":
            change = services.cancel_board(board, reason=options["reason"], by=by, today=today)
        else:
            panel = list(board.panel.all())
            attended = options["attended"]
            if attended is None:
                attended = [m.person_id for m in panel if m.attended]
            change = services.record_board_notes(
                board,
                notes=board.notes if options["notes"] is None else options["notes"],
                attended=set(attended),
                reason=options["reason"],
                by=by,
                today=today,
            )
        if change is None:
            self.stdout.write(f"{board}: nothing changed")
        else:
            done = f"{change.get_kind_display()}: {board}"
            self.stdout.write(f"{done} ({change.now})" if change.now else done)

    def reschedule(self, board: ReviewBoard, options: dict, *, by, today: dt.date):
        board.refuse_unless_to_come("rescheduled", today)
        local = timezone.localtime(board.starts_at)
        data = {
            "day": options["date"],
            "time": options["time"] or local.strftime("%H:%M"),
            "place": board.place if options["place"] is None else options["place"],
            "call_link": board.call_link if options["call_link"] is None else options["call_link"],
            "reason": options["reason"],
        }
        form = RescheduleForm(data, board=board)
        if not form.is_valid():
            names = {"day": "--date", "time": "--time", "call_link": "--call-link"}
            raise CommandError(
                "; ".join(
                    f"{names.get(name, '--' + name)}: {' '.join(messages)}"
                    for name, messages in invalid(form).errors.items()
                )
            )
        cleaned = form.cleaned_data
        return services.reschedule_board(
            board,
            starts_at=cleaned["starts_at"],
            place=cleaned.get("place", ""),
            call_link=cleaned.get("call_link", ""),
            reason=cleaned.get("reason", ""),
            by=by,
            today=today,
        )

    def list(self, options):
        when = "past" if options["past"] else "upcoming"
        boards = list(services.boards(when=when, today=timezone.localdate()))
        if options["json"]:
            rows = [BoardOut.model_validate(b).model_dump(mode="json") for b in boards]
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        if not boards:
            self.stdout.write(f"No {when} review boards.")
            return
        for board in boards:
            when_text = timezone.localtime(board.starts_at).strftime("%Y-%m-%d %H:%M")
            where = board.place or board.call_link
            cancelled = "  CANCELLED" if board.cancelled else ""
            self.stdout.write(
                f"{board.pk:>5}  {when_text}  {board.delivery_group.name}  "
                f"chair {board.chair.name}  {where}{cancelled}"
            )
            for item in board.agenda.all():
                outcome = item.in_force[0].outcome if item.in_force else "not decided"
                self.stdout.write(f"       - {item.service.name} ({item.service.slug}): {outcome}")
