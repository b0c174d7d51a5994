"""Small pieces every section builder uses."""

from __future__ import annotations

from ..choices import SECTIONS
from ..document import NOT_RECORDED, Section
from ..profile import PART_FOR_SECTION

_KEYS = {number: key for number, key, _title in SECTIONS}
_TITLES = {number: title for number, _key, title in SECTIONS}


def section(number: int) -> Section:
    """An empty section ``number``, editable from its profile part where it has one."""
    return Section(number, _KEYS[number], _TITLES[number], edit=PART_FOR_SECTION.get(number, ""))


def text(value) -> str:
    """A value as the guide writes it; nothing written reads ‘Not recorded’."""
    if value is None:
        return NOT_RECORDED
    value = str(value).strip()
    return value or NOT_RECORDED


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def person(who) -> str:
    """A person's name with their email address, where known."""
    if who is None:
        return NOT_RECORDED
    return f"{who.name} ({who.email})" if who.email else who.name


def written(section: Section, profile: dict, *names_and_labels: tuple[str, str, str]) -> None:
    """Add written fields as facts; each one left blank is missing, with the message given."""
    for name, label, missing in names_and_labels:
        value = profile.get(name)
        section.facts.append((label, text(value)))
        if missing and (value is None or not str(value).strip()):
            section.missing.append(missing)


def url_list(urls) -> str:
    return "\n".join(u for u in (urls or []) if u) or NOT_RECORDED
