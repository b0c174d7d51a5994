"""What differs between two guides, section by section, line by line."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from .document import Guide, Section
from .render_md import section_lines


@dataclass
class SectionChange:
    """A section that differs: its lines removed (‘-’) and added (‘+’), in order."""

    number: int
    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


def _as_written(text: str) -> str:
    return text


def _content(section: Section) -> list[str]:
    # The heading is the same in both; blank lines only separate. The lines are shown as
    # text, not read as Markdown, so what was written is not escaped.
    lines = section_lines(section, escape=_as_written)
    return [line for line in lines[1:] if line.strip()]


def compare(old: Guide, new: Guide) -> list[SectionChange]:
    """The sections of ``new`` that differ from ``old``, with what changed in each."""
    changes = []
    for before, after in zip(old.sections, new.sections, strict=True):
        a, b = _content(before), _content(after)
        if a == b:
            continue
        change = SectionChange(after.number, after.title)
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            change.lines += [("-", line) for line in a[i1:i2]]
            change.lines += [("+", line) for line in b[j1:j2]]
        changes.append(change)
    return changes
