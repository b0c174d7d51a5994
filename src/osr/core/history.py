"""The audit trail as people read it.

django-auditlog keeps each change as column names mapped to ``[old, new]``
strings: a foreign key is an id, a boolean ``"True"``, a choice its stored
value. This module turns a page of entries into labels, names, links and
GOV.UK dates. It knows no app: models are found through the content types and
the app registry, so every app's audited models read the same way.

Related objects are looked up for the whole page at once, one query per kind
of object, so a page costs the same whatever the number of entries on it.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
import typing
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst

from .forms import DayMonthYearField

NOT_RECORDED = "Not recorded"
EMPTY = "(empty)"
ACTIONS = {0: "Created", 1: "Changed", 2: "Deleted", 3: "Viewed"}

# What auditlog or Django write when an object has no name of its own: the
# default ``Model object (pk)`` and a related manager's ``app.Model.None``.
_NAMELESS = re.compile(r"^(\w+ object \(.*\)|\w+\.\w+\.None)$")
# Words a verbose name made from a column name leaves in lower case.
_ACRONYMS = {"url": "URL", "urls": "URLs", "id": "ID", "api": "API", "osr": "OSR", "myit": "MyIT"}
_WORD = re.compile(r"\b[a-z]+\b")


def day(value: dt.date | None) -> str:
    """A date as GOV.UK writes it: 5 March 2026."""
    return f"{value.day} {value:%B %Y}" if value else ""


def moment(value: dt.datetime | None) -> str:
    """A date and time as GOV.UK writes it: 5 March 2026 at 2:30pm."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    if value.minute == 0 and value.hour in (0, 12):
        return f"{day(value.date())} at {'midnight' if value.hour == 0 else 'midday'}"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{day(value.date())} at {hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


@dataclass(frozen=True)
class Shown:
    """One value as shown: its text, and where it lives when it still does."""

    text: str
    href: str = ""
    missing: bool = False  # nothing recorded, shown in secondary text


@dataclass
class Change:
    label: str
    before: Shown | None = None
    after: Shown | None = None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class Entry:
    """One audit entry, ready for a page."""

    entry: LogEntry
    when: str
    action: str
    kind: str
    name: str
    href: str
    history_href: str
    actor: Shown
    changes: list[Change]


def label(model: type[models.Model] | None, name: str) -> str:
    """The field's own label (its verbose name), or the column name made readable."""
    found = _field(model, name)
    text = getattr(found, "verbose_name", None) or name.removesuffix("_id").replace("_", " ")
    return capfirst(_WORD.sub(lambda m: _ACRONYMS.get(m[0], m[0]), str(text)))


def link_of(obj: models.Model | None) -> str:
    url = getattr(obj, "get_absolute_url", None)
    return url() if callable(url) else ""


def kind_of(model: type[models.Model] | None, fallback: str = "") -> str:
    return capfirst(str(model._meta.verbose_name)) if model else capfirst(fallback)


def name_of(obj: models.Model | None, recorded: str, kind: str, pk: str) -> str:
    """The object's name now, else as recorded, else its kind and number."""
    for text in (str(obj) if obj is not None else "", recorded or ""):
        if text and not _NAMELESS.match(text):
            return text
    return f"{kind} {pk}".strip()


def _person_rel():
    """The one-to-one from a user to the record of the person they are, if an app has one.

    A person's full name lives there; core finds the relation through the
    registry rather than naming the app that holds it.
    """
    for relation in get_user_model()._meta.related_objects:
        if relation.one_to_one and any(
            f.name == "name" for f in relation.related_model._meta.concrete_fields
        ):
            return relation
    return None


def person_relation() -> str | None:
    relation = _person_rel()
    return relation.get_accessor_name() if relation else None


def _with_people(users: Iterable) -> None:
    """Read the person record of every user not yet read with theirs, in one query."""
    relation = _person_rel()
    if relation is None:
        return
    unread = {user.pk: user for user in users if user and not relation.is_cached(user)}
    if not unread:
        return
    people = relation.related_model._default_manager.filter(
        **{f"{relation.field.name}__in": list(unread)}
    )
    found = {getattr(person, relation.field.attname): person for person in people}
    for pk, user in unread.items():
        relation.set_cached_value(user, found.get(pk))


def full_name(user) -> str:
    if user is None:
        return "System"
    accessor = person_relation()
    person = getattr(user, accessor, None) if accessor else None
    return (
        getattr(person, "name", "") or user.get_full_name() or user.get_username()
    ).strip() or user.get_username()


def actor_of(user) -> Shown:
    if user is None:
        return Shown("System", missing=True)
    accessor = person_relation()
    person = getattr(user, accessor, None) if accessor else None
    return Shown(full_name(user), link_of(person))


def entries(queryset: models.QuerySet) -> models.QuerySet:
    """Entries with what every row shows about its actor and kind read in the same query."""
    accessor = person_relation()
    joins = ["actor", "content_type"] + ([f"actor__{accessor}"] if accessor else [])
    return queryset.select_related(*joins).order_by("-timestamp", "-id")


def _joins(model: type[models.Model], depth: int = 2, prefix: str = "") -> list[str]:
    """Foreign keys to follow when loading ``model``, two steps deep.

    A name or a link often reads a related object (a requirement's link names
    its service's slug), so those are loaded in the same query.
    """
    paths = []
    for f in model._meta.concrete_fields:
        if f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is not model:
            path = f"{prefix}{f.name}"
            paths.append(path)
            if depth > 1 and f.related_model is not None:
                paths += _joins(f.related_model, depth - 1, f"{path}__")  # type: ignore[arg-type]
    return paths


def _load(wanted: dict[type[models.Model], set]) -> dict[type[models.Model], dict]:
    """Each kind of object asked for, read once, by primary key."""
    found: dict[type[models.Model], dict] = {}
    for model, pks in wanted.items():
        keys = set()
        for pk in pks:
            try:
                keys.add(model._meta.pk.to_python(pk))
            except Exception:  # noqa: BLE001 - a malformed stored id names nothing
                continue
        rows = model._default_manager.select_related(*_joins(model)).filter(pk__in=keys)
        found[model] = {str(obj.pk): obj for obj in rows} if keys else {}
    return found


def _field(model: type[models.Model] | None, name: str):
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


def _is_nothing(value) -> bool:
    return value is None or value == "None"


def _shown(f, value, objects: dict) -> Shown:
    """One stored value as text, according to the field it was stored from."""
    if _is_nothing(value):
        return Shown(NOT_RECORDED, missing=True)
    text = str(value)
    if text == "":
        return Shown(EMPTY, missing=True)
    if f is None:
        return Shown(text)
    if f.is_relation and f.related_model is not None:
        obj = objects.get(f.related_model, {}).get(text)
        kind = kind_of(f.related_model)
        if obj is None:
            return Shown(f"{kind} {text} (since deleted)")
        return Shown(name_of(obj, "", kind, text), link_of(obj))
    if isinstance(f, models.BooleanField):
        return Shown({"True": "Yes", "False": "No"}.get(text, text))
    if f.choices:
        return Shown(str({str(k): v for k, v in f.flatchoices}.get(text, text)))
    if isinstance(f, models.JSONField):
        return _listed(text)
    if isinstance(f, models.DateTimeField):
        parsed = parse_datetime(text)
        return Shown(moment(parsed) if parsed else text)
    if isinstance(f, models.DateField):
        parsed_day = parse_date(text[:10])
        return Shown(day(parsed_day) if parsed_day else text)
    return Shown(text)


def _listed(text: str) -> Shown:
    """A stored list (JSON, or Python's own spelling of one) as its items, comma separated."""
    value = None
    for parse in (json.loads, ast.literal_eval):
        try:
            value = parse(text)
            break
        except (ValueError, SyntaxError):
            continue
    if isinstance(value, list | tuple):
        return Shown(", ".join(str(v) for v in value)) if value else Shown(EMPTY, missing=True)
    return Shown(text)


def _changes(entry: LogEntry, model, objects: dict) -> list[Change]:
    rows = []
    for name, change in (entry.changes_dict or {}).items():
        f = _field(model, name)
        if f is not None and (getattr(f, "primary_key", False) or not f.concrete):
            # The object's own number says nothing the heading does not, and a
            # reverse relation's stored value names nothing.
            continue
        text = label(model, name)
        if isinstance(change, dict) and change.get("type") == "m2m":
            names = [str(o) for o in change.get("objects", [])]
            adding = change.get("operation") == "add"
            rows.append(
                Change(text, added=names if adding else [], removed=[] if adding else names)
            )
        elif isinstance(change, list | tuple) and len(change) == 2:
            before, after = change
            rows.append(Change(text, _shown(f, before, objects), _shown(f, after, objects)))
    return rows


def _wanted(page: Sequence[LogEntry]) -> dict[type[models.Model], set]:
    """Every object the page names, by kind: the entries' own, and those their fields point to."""
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for entry in page:
        model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
        if model is None:
            continue
        wanted[model].add(entry.object_pk)
        for name, change in (entry.changes_dict or {}).items():
            f = _field(model, name)
            if f is None or not f.is_relation or f.many_to_many or f.related_model is None:
                continue
            if isinstance(change, list | tuple):
                wanted[f.related_model].update(str(v) for v in change if not _is_nothing(v) and v)
    return wanted


def history_url(content_type: ContentType, pk: str) -> str:
    """The page of one object's whole history."""
    return reverse("core:object_audit", args=[content_type.app_label, content_type.model, pk])


def describe(page: Iterable[LogEntry]) -> list[Entry]:
    """A page of entries, read for people, in one query per kind of object named."""
    page = list(page)
    _with_people(entry.actor for entry in page)
    objects = _load(_wanted(page))
    shown = []
    for entry in page:
        # Read from the content types' cache, so entries read without theirs cost nothing more.
        content_type = ContentType.objects.get_for_id(entry.content_type_id)
        model = content_type.model_class()
        obj = objects.get(model, {}).get(str(entry.object_pk)) if model else None
        kind = kind_of(model, content_type.model)
        shown.append(
            Entry(
                entry=entry,
                when=moment(entry.timestamp),
                action=ACTIONS.get(entry.action, ""),
                kind=kind,
                name=name_of(obj, entry.object_repr, kind, entry.object_pk),
                href=link_of(obj),
                history_href=history_url(content_type, entry.object_pk),
                actor=actor_of(entry.actor),
                changes=_changes(entry, model, objects),
            )
        )
    return shown


class Filters(forms.Form):
    """What narrows the trail: the kind of object, its name, who changed it and when."""

    kind = forms.ChoiceField(label="Kind of object", required=False)
    q = forms.CharField(label="Name of object", required=False, max_length=200)
    person = forms.ChoiceField(label="Changed by", required=False)
    since = DayMonthYearField(label="From", required=False)
    until = DayMonthYearField(label="To", required=False)

    def __init__(self, data, *, one_object: bool = False):
        super().__init__(data)
        if one_object:
            # One object's history needs no kind or name to narrow it.
            del self.fields["kind"], self.fields["q"]
        else:
            kinds = ContentType.objects.get_for_models(*auditlog.get_models()).items()
            kind = typing.cast(forms.ChoiceField, self.fields["kind"])
            kind.choices = [("", "")] + sorted(
                ((f"{ct.app_label}.{ct.model}", kind_of(model)) for model, ct in kinds),
                key=lambda choice: choice[1],
            )
        actors = get_user_model()._default_manager.filter(
            pk__in=LogEntry.objects.exclude(actor=None).values("actor_id")
        )
        accessor = person_relation()
        if accessor:
            actors = actors.select_related(accessor)
        person = typing.cast(forms.ChoiceField, self.fields["person"])
        person.choices = [("", "")] + sorted(
            ((str(user.pk), full_name(user)) for user in actors), key=lambda choice: choice[1]
        )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.data if name != "page")

    def apply(self, queryset: models.QuerySet) -> models.QuerySet:
        """The entries that match what was asked; all of them while the filters are invalid."""
        if not self.is_valid():
            return queryset
        chosen = self.cleaned_data
        if chosen.get("kind"):
            app_label, model = chosen["kind"].split(".", 1)
            queryset = queryset.filter(content_type__app_label=app_label, content_type__model=model)
        if chosen.get("q"):
            queryset = queryset.filter(object_repr__icontains=chosen["q"].strip())
        if chosen.get("person"):
            queryset = queryset.filter(actor_id=chosen["person"])
        if chosen.get("since"):
            queryset = queryset.filter(timestamp__gte=_start_of(chosen["since"]))
        if chosen.get("until"):
            queryset = queryset.filter(timestamp__lt=_start_of(chosen["until"] + dt.timedelta(1)))
        return queryset


def _start_of(value: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(value, dt.time.min))
