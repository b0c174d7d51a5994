"""The service operations guide as plain data: the one model every rendering is made from.

A guide is 19 sections in order. A section holds facts (a label and a value),
then tables, and knows what it is missing: a section with nothing missing is
complete. A version stores ``Guide.to_dict()``; every format renders from
``Guide.from_dict()`` of it, so an approved version reads the same for ever.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .choices import REQUIRED_WHEN_CRITICAL

SCHEMA = 1
NOT_RECORDED = "Not recorded"


@dataclass
class Table:
    """A table of a section: a caption, column headings and rows of text."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    empty: str = "None recorded"  # said instead of the table when it has no rows


@dataclass
class Section:
    """One numbered section of the guide and what it still lacks."""

    number: int
    key: str
    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    # Where the team fills in what is missing: a profile section key, or "" for the catalogue.
    edit: str = ""

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def anchor(self) -> str:
        return f"section-{self.number}"


@dataclass
class Control:
    """Document control: which version this is and who approved it when (not hashed)."""

    version: int | None = None  # None: a preview of the guide as it would be generated now
    status: str = "Preview"
    generated_at: str = ""
    generated_by: str = ""
    approvals: list[tuple[str, str, str]] = field(default_factory=list)  # role, who, when
    approved_at: str = ""


@dataclass
class Guide:
    """The whole document for one service."""

    service_slug: str
    service_name: str
    delivery_group: str
    critical: bool
    assembled_on: str  # the day it was assembled, ISO format
    sections: list[Section]
    control: Control = field(default_factory=Control)
    schema: int = SCHEMA

    @property
    def title(self) -> str:
        return f"{self.service_name}: service operations guide"

    @property
    def complete(self) -> bool:
        return all(section.complete for section in self.sections)

    @property
    def incomplete(self) -> list[Section]:
        return [section for section in self.sections if not section.complete]

    def section(self, number: int) -> Section:
        return self.sections[number - 1]

    def critical_incomplete(self) -> list[str]:
        """The sections a critical service must have complete before approval, still lacking."""
        if not self.critical:
            return []
        return [self.section(n).heading for n in REQUIRED_WHEN_CRITICAL if self.missing_in(n)]

    def missing_in(self, number: int) -> list[str]:
        return self.section(number).missing

    def fingerprint(self) -> str:
        """A hash of what the guide was built from: equal hashes, nothing changed."""
        return fingerprint_of(self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Guide:
        sections = [
            Section(
                number=s["number"],
                key=s["key"],
                title=s["title"],
                facts=[(label, value) for label, value in s["facts"]],
                tables=[Table(**t) for t in s["tables"]],
                missing=list(s["missing"]),
                edit=s.get("edit", ""),
            )
            for s in data["sections"]
        ]
        control = data.get("control") or {}
        return cls(
            service_slug=data["service_slug"],
            service_name=data["service_name"],
            delivery_group=data["delivery_group"],
            critical=data["critical"],
            assembled_on=data["assembled_on"],
            sections=sections,
            control=Control(
                **{
                    **control,
                    "approvals": [tuple(a) for a in control.get("approvals", [])],
                }
            ),
            schema=data.get("schema", SCHEMA),
        )

    def with_control(self, control: Control) -> Guide:
        return replace(self, control=control)


def fingerprint_of(data: dict[str, Any]) -> str:
    """The hash of a stored guide's sections: the control block and the date are left out."""
    hashed = {"sections": data["sections"], "critical": data["critical"]}
    canonical = json.dumps(hashed, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# Characters no format can carry: the C0 and C1 controls but tab and the line breaks,
# lone surrogates and the two non-characters XML refuses. Word's XML refuses most of them
# outright; the rest print as boxes or nothing at all.
_LINE_BREAKS = re.compile(r"\r\n|[\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def printable(value: str) -> str:
    """Text any format can hold: every kind of line break made a newline, other control
    characters removed, tabs kept."""
    return _UNPRINTABLE.sub("", _LINE_BREAKS.sub("\n", value))


def _printable_data(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: _printable_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_printable_data(item) for item in value]
    return value


def printable_guide(guide: Guide) -> Guide:
    """The guide with ``printable`` text throughout: what every renderer starts from, so that
    nothing written into OSR, however it got there, can break a document."""
    return Guide.from_dict(_printable_data(guide.to_dict()))


def control_facts(guide: Guide) -> list[tuple[str, str]]:
    """Document control's facts that come from the version, shown before the section's own."""
    control = guide.control
    facts = [
        ("Version", str(control.version) if control.version else "Not yet generated"),
        ("Document status", control.status),
    ]
    if control.generated_at:
        facts.append(("Generated", f"{control.generated_at} by {control.generated_by or 'OSR'}"))
    facts.append(("Built from what OSR held on", day_text(guide.assembled_on)))
    for role, who, when in control.approvals:
        facts.append((f"Approved by the {role}", f"{who} on {when}"))
    if control.approved_at:
        facts.append(("Approved on", control.approved_at))
    return facts


def rendered_sections(guide: Guide) -> list[Section]:
    """The sections as every format shows them: document control leads with the version's facts."""
    first = guide.sections[0]
    shown = replace(first, facts=control_facts(guide) + list(first.facts))
    return [shown, *guide.sections[1:]]


def day_text(value: dt.date | str | None) -> str:
    """A date as GOV.UK writes it: 5 March 2026."""
    if not value:
        return NOT_RECORDED
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.day} {value:%B %Y}"


def lines(value: str) -> list[str]:
    """The non-empty lines of a written answer."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def summary_text(guide: Guide) -> str:
    """What every rendering says first about how complete the guide is."""
    incomplete = guide.incomplete
    if not incomplete:
        return f"Complete: all {len(guide.sections)} sections are complete."
    numbers = ", ".join(str(s.number) for s in incomplete)
    plural = "s are" if len(incomplete) != 1 else " is"
    return f"Incomplete: {len(incomplete)} section{plural} incomplete ({numbers})."


def status_text(section: Section) -> str:
    return "Complete" if section.complete else "Incomplete. Missing:"
