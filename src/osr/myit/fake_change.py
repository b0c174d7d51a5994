"""The fake ServiceNow's Change Management API (``/api/sn_chg_rest/change``).

As documented: ``/normal`` and ``/emergency`` build from the default model of
their type, whatever ``chg_model`` says; only ``POST /change`` honours a model
named (or given by sys_id) in ``chg_model``, refusing one the instance does not
have. A standard change takes its template's values, and of the fields sent
only those the template sets: the others are dropped and listed in
``__meta.ignoredFields``. The answer is a list holding the change, each field a
``{"value", "display_value"}`` pair.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .fake_tables import EncodedQuery

if TYPE_CHECKING:
    from .fake import FakeServiceNow

DEFAULT_MODELS = {"normal": "Normal", "emergency": "Emergency", "standard": "Standard"}
SEEDED_MODELS = [("Normal", "normal"), ("Standard", "standard"), ("Emergency", "emergency")]


def seed_models(fake: FakeServiceNow, *extra: tuple[str, str]) -> None:
    """The change models an instance has out of the box (and DevOps, which MyIT uses)."""
    for name, kind in [*SEEDED_MODELS, ("DevOps", "normal"), *extra]:
        fake.seed("chg_model", name=name, type=kind, active="true")


def change_api(fake: FakeServiceNow, rest: list[str], values: dict[str, Any]):
    """Create a change: (status, headers, body)."""
    from .fake_rest import ServiceNowError

    sent = {k: str(v) for k, v in values.items()}
    if rest[:1] == ["standard"] and len(rest) == 2:
        template = fake._find("std_change_record_producer", rest[1])
        if template is None or template[1].get("active", "true") == "false":
            raise ServiceNowError(404, "Standard change template not found", rest[1])
        preset = _template_values(template[1].get("template", ""))
        applied = preset | {k: v for k, v in sent.items() if k in preset}
        applied |= {"type": "standard", "std_change_producer_version": rest[1]}
        applied["chg_model"] = DEFAULT_MODELS["standard"]
    elif rest in (["normal"], ["emergency"]):
        applied = {k: v for k, v in sent.items() if k != "chg_model"}
        applied |= {"type": rest[0], "chg_model": DEFAULT_MODELS[rest[0]]}
    elif rest == []:
        wanted = sent.get("chg_model") or DEFAULT_MODELS["normal"]
        model = _model(fake, wanted)
        if model is None:
            raise ServiceNowError(400, f"Invalid change model: {wanted}", "No such active model")
        applied = sent | {"type": model.get("type", "normal"), "chg_model": model["name"]}
    else:
        raise ServiceNowError(400, "Requested URI does not represent any resource")
    known = fake.schema.known("change_request")
    writable = {
        k: v
        for k, v in applied.items()
        if k in known and fake.schema.field_allowed("change_request", "write", k)
    }
    writable.setdefault("state", "-2" if writable["type"] == "standard" else "-5")
    ignored = sorted(k for k in sent if k not in writable or writable[k] != sent[k])
    record = fake._insert("change_request", writable)
    shown = fake._out("change_request", record, [], "all")["result"]
    result = {k: {"value": v["value"], "display_value": v["display_value"]} if isinstance(v, dict)
              else {"value": v, "display_value": v} for k, v in shown.items()}  # fmt: skip
    result["__meta"] = {"ignoredFields": ignored}
    return 200, {}, {"result": [result]}


def _model(fake: FakeServiceNow, wanted: str) -> dict | None:
    for row in fake.table("chg_model").select(EncodedQuery()):
        if row.get("active", "true") != "false" and wanted in (row["sys_id"], row.get("name")):
            return row
    return None


def _template_values(encoded: str) -> dict[str, str]:
    """A template's field values, kept as ServiceNow keeps them: ``field=value^field=value``."""
    pairs = [part.partition("=") for part in encoded.split("^") if "=" in part]
    return {name: value for name, _, value in pairs if name}
