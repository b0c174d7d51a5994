"""Optimistic concurrency: ETags on API objects and version tokens on edit forms.

A client (or a page) says which version it changed; a write against any other
version is refused, so two people editing at once never silently overwrite
each other. The check and the write happen under the row's lock, in one
transaction.
"""

import hashlib
import json
import re
from typing import Any

from django.core import signing

from .refusals import Refusal


class PreconditionRequired(Refusal):
    """A PATCH or DELETE without ``If-Match``: answered 428."""

    status = 428
    detail = "Send the object's current ETag in If-Match (read it with GET first)"


class PreconditionFailed(Refusal):
    """``If-Match`` names a version that is no longer current: answered 412."""

    status = 412
    detail = "The object has changed since you read it; read it again and retry"

    def __init__(self, current: str):
        super().__init__()
        self.current = current

    def headers(self) -> dict[str, str]:
        return {"ETag": self.current}


def etag_of(representation: dict[str, Any]) -> str:
    """A strong ETag for what the API shows of an object."""
    canonical = json.dumps(representation, sort_keys=True, default=str, separators=(",", ":"))
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


STRONG_ETAG = re.compile(r'"[^"]*"')


def check_if_match(header: str | None, current: str) -> None:
    """Refuse a write unless ``If-Match`` names the current version by its strong ETag.

    ``*`` (any version) and weak tags (``W/"..."``, "about the same") would skip
    the lost-update check, so they are refused like a missing header.
    """
    if not header:
        raise PreconditionRequired
    offered = {part.strip() for part in header.split(",")}
    # Anything but quoted tags (``*``, weak ``W/`` tags, text) names no version to check.
    if not all(STRONG_ETAG.fullmatch(tag) for tag in offered):
        raise PreconditionRequired(
            {"If-Match": ["Send the strong ETag you read, not * or a weak W/ tag"]}
        )
    if current not in offered:
        raise PreconditionFailed(current)


SALT = "osr.edit-form-version"


def version_token(values: dict[str, Any]) -> str:
    """A signed snapshot of the values an edit form started from."""
    return signing.dumps(json.loads(json.dumps(values, default=str)), salt=SALT, compress=True)


def changed_meanwhile(token: str, current: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The fields someone else changed since the form was shown, or None if the token is bad."""
    try:
        original = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    now = json.loads(json.dumps(current, default=str))
    return [
        {"field": name, "before": original.get(name), "after": value}
        for name, value in now.items()
        if original.get(name) != value
    ]


def edit_conflict(request, form, current: dict[str, Any]) -> list[dict[str, Any]] | None:
    """What someone else changed since this edit form was shown, labelled as the form labels it.

    ``current`` is what the object holds now, in the same shape as when the
    form was shown (``version_token(current)`` went into its ``_version``).
    """
    token = request.POST.get("_version") if request.method == "POST" else None
    if not token:
        return None
    changed = changed_meanwhile(token, current)
    for change in changed or []:
        field = form.fields.get(change["field"])
        change["label"] = (field.label if field and field.label else change["field"]).capitalize()
    return changed or None
