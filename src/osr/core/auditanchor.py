"""Anchors: the audit chain's head, recorded outside the database.

A chain verifies from its own seals, so someone able to rewrite the database
could truncate it, or recompute every seal after an edit, and it would still
verify. An anchor, the head's sequence number and hash at a moment, kept where
the database's writers cannot reach, catches both: the chain must still hold
the anchored entry, with the same hash. ``osr audit anchor`` (run daily by the
worker) appends one to ``OSR_AUDIT_ANCHOR_FILE`` and writes it to the log;
``osr audit verify`` checks against the file's latest anchor.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .auditchain import GENESIS, HEAD
from .models import AuditChainHead

log = logging.getLogger("osr.audit")

_HASH = re.compile(r"^[0-9a-f]{64}$")


class AnchorFileError(ValueError):
    """An anchor file that cannot be read as anchors."""


@dataclass(frozen=True)
class Anchor:
    """The chain's head as it was at a moment: ``sequence`` and its ``hash``."""

    sequence: int
    hash: str
    at: dt.datetime | None = None

    def line(self) -> str:
        at = (self.at or timezone.now()).astimezone(dt.UTC).isoformat(timespec="seconds")
        return json.dumps({"at": at, "sequence": self.sequence, "hash": self.hash})

    def __str__(self) -> str:
        return f"{self.sequence}:{self.hash}"


def anchor_file() -> Path:
    """Where anchors are appended (``OSR_AUDIT_ANCHOR_FILE``)."""
    return Path(settings.OSR_AUDIT_ANCHOR_FILE)


def current_head() -> Anchor:
    """The chain's head now (sequence 0 and the genesis hash before the first entry)."""
    head = AuditChainHead.objects.filter(pk=HEAD).values_list("sequence", "hash").first()
    sequence, hashed = head or (0, GENESIS)
    return Anchor(sequence, hashed, timezone.now())


def record(path: Path | None = None) -> Anchor:
    """Append the chain's head to the anchor file and write it to the log."""
    anchor = current_head()
    path = path or anchor_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as stream:
        stream.write(anchor.line() + "\n")
        stream.flush()
        os.fsync(stream.fileno())
    log.info(
        "audit chain anchor %s:%s",
        anchor.sequence,
        anchor.hash,
        extra={"anchor_sequence": anchor.sequence, "anchor_hash": anchor.hash},
    )
    return anchor


def latest(path: Path | None = None) -> Anchor | None:
    """The last anchor in a file, or None when the file does not exist or holds none."""
    path = path or anchor_file()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    for number in range(len(lines), 0, -1):
        if lines[number - 1].strip():
            return _parse(lines[number - 1], f"{path}:{number}")
    return None


def _parse(line: str, where: str) -> Anchor:
    try:
        found = json.loads(line)
        sequence, hashed = found["sequence"], found["hash"]
        at = dt.datetime.fromisoformat(found["at"]) if found.get("at") else None
    except (ValueError, KeyError, TypeError) as error:
        raise AnchorFileError(f"{where}: not an audit anchor") from error
    if not isinstance(sequence, int) or sequence < 0 or not _HASH.match(str(hashed)):
        raise AnchorFileError(f"{where}: not an audit anchor")
    return Anchor(sequence, hashed, at)


def anchor_daily(*, today: dt.date) -> dict[str, object]:
    """Record an anchor (a daily job of the worker's schedule)."""
    anchor = record()
    return {"sequence": anchor.sequence, "hash": anchor.hash, "file": str(anchor_file())}
