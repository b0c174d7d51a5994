"""What an audit entry's seal covers and how it is hashed.

The spelling hashed is fixed for good: every seal ever written is checked against
it again by ``osr audit verify``. ``canonical`` defines it. ``spelt`` gives the same
text through the json module's C encoder, which is several times quicker over
the tens of thousands of entries a catalogue import seals at once, and leaves
the rare value the encoder would spell otherwise (a number with trailing zeros,
a fraction, a key that is not text) to ``canonical``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from decimal import Decimal
from ipaddress import ip_address

from django.contrib.contenttypes.models import ContentType

GENESIS = "0" * 64


def canonical(value) -> str:
    """``value`` as JSON with one spelling: keys sorted, no spaces, ASCII, numbers
    in their shortest decimal form (PostgreSQL's jsonb may respell 1e+100)."""
    if type(value) is str:  # most of what is sealed: asked first
        return _string(value)
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int | float | Decimal):
        return _decimal(repr(value) if isinstance(value, float) else value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        items = sorted((str(key), item) for key, item in value.items())
        return "{" + ",".join(f"{_string(key)}:{canonical(item)}" for key, item in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(canonical(item) for item in value) + "]"
    raise TypeError(f"Cannot seal a {type(value).__name__}")


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=True)


def _decimal(number) -> str:
    return str(Decimal(number).normalize())


_ENCODER = json.JSONEncoder(ensure_ascii=True, sort_keys=True, separators=(",", ":"))
_ascii = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]
_SCALARS = frozenset({str, bool, type(None)})
_DIGITS = 10**27  # a decimal keeps 28 digits: longer numbers are rounded


def spelt(value) -> str:
    """``canonical(value)``, spelt by the C encoder wherever it spells alike: a value
    whose mappings' keys are all text, and whose numbers are whole and end in no
    zero (``canonical`` writes 10 as 1E+1)."""
    kind = type(value)
    if kind is str:
        return _ascii(value)
    if value is None:
        return "null"
    if kind is int and _plain(value):
        return str(value)
    if (kind is dict or kind is list) and _plain(value):
        return _ENCODER.encode(value)
    return canonical(value)


def _plain(value) -> bool:
    """Whether the encoder spells ``value`` as ``canonical`` does."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is int:
        return (value % 10 != 0 or value == 0) and -_DIGITS < value < _DIGITS
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or (type(item) is not str and not _plain(item)):
                return False
        return True
    if kind is list or kind is tuple:
        return all(type(item) is str or _plain(item) for item in value)
    return isinstance(value, str)  # a choice's value is a subclass, encoded as its text


def entry_content(entry, content_type: str, actor_pk=None) -> dict:
    """What an entry's seal covers, read the same way from a new entry and a stored one.

    ``content_type`` is ``app_label.model`` rather than an id, so that a restored
    database whose content types were renumbered still verifies.
    """
    actor = entry.actor_id if actor_pk is None else actor_pk
    return {
        "content_type": content_type,
        "object_pk": _text(entry.object_pk),
        "object_id": _number(entry.object_id),
        "object_repr": _text(entry.object_repr),
        "action": _number(entry.action),
        "changes": entry.changes,
        "changes_text": _text(entry.changes_text),
        "serialized_data": entry.serialized_data,
        "additional_data": entry.additional_data,
        "actor": _number(actor),
        "actor_email": _text(entry.actor_email),
        "timestamp": entry.timestamp.astimezone(UTC).isoformat(timespec="microseconds"),
        "cid": _text(entry.cid),
        "remote_addr": _address(entry.remote_addr),
        "remote_port": _number(entry.remote_port),
    }


def digest(content: dict, sequence: int, prev_hash: str) -> str:
    """The hash of a sealed entry: its content, its place and its predecessor."""
    # ``canonical`` of {"entry": content, "prev_hash": …, "sequence": …}, its two
    # outer mappings spelt here (their keys are text) and their values by ``spelt``.
    entry = ",".join(f"{_ascii(str(key))}:{spelt(content[key])}" for key in sorted(content))
    sealed = f'{{"entry":{{{entry}}},"prev_hash":{spelt(prev_hash)},"sequence":{spelt(sequence)}}}'
    return hashlib.sha256(sealed.encode("ascii")).hexdigest()


def label(content_type_id) -> str:
    """A content type as ``app_label.model``, from the cache of content types."""
    content_type = ContentType.objects.get_for_id(content_type_id)
    return f"{content_type.app_label}.{content_type.model}"


def _text(value):
    return None if value is None else str(value)


def _number(value):
    return None if value in (None, "") else int(value)


def _address(value):
    if value in (None, ""):
        return None
    try:
        return str(ip_address(str(value)))
    except ValueError:
        return str(value)
