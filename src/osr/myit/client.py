"""The one place OSR talks to MyIT, Defra's ServiceNow instance.

ServiceNow's Table API (``/api/now/table/{table}``), Batch API
(``/api/now/v1/batch``) and Change Management API (``/api/sn_chg_rest/change``),
over httpx, with Basic or OAuth (client credentials or password grant). Server
errors are retried a bounded number of times; what still fails raises
``MyitError`` carrying ServiceNow's own message.

Rate limits are ServiceNow's hourly rules: the client counts what it sends
against ``X-RateLimit-Limit`` and, at the limit or on a 429 whose wait is
longer than a retry's, pauses until ``X-RateLimit-Reset`` (or ``Retry-After``),
says so through ``on_pause``, and resumes.

Credentials are read from settings (the environment or ``*_FILE`` secrets) and
never logged: log lines name the method, table and status only.

The Change Management calls are here; the Table and Batch API calls are in
``table_api.py``, and authentication, retries and pacing in ``connection.py``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .protocol import (
    Credentials,
    MyitError,
    MyitNotConfigured,
    MyitUnavailable,
    change_of,
    escape,
    json_of,
    message_of,
    plain_value,
    query_prefix,
)
from .table_api import TableApi

__all__ = [
    "Credentials",
    "MyitClient",
    "MyitError",
    "MyitNotConfigured",
    "MyitUnavailable",
    "escape",
    "query_prefix",
]


class MyitClient(TableApi):
    """A ServiceNow REST client: Table API and Change Management API."""

    _models: dict[str, dict[str, Any]] | None = None  # change models, read once per client

    @classmethod
    def from_settings(cls, **overrides: Any) -> MyitClient:
        """A client configured from ``OSR_MYIT_*`` settings."""
        credentials = Credentials(
            username=settings.OSR_MYIT_USERNAME,
            password=settings.OSR_MYIT_PASSWORD,
            client_id=settings.OSR_MYIT_CLIENT_ID,
            client_secret=settings.OSR_MYIT_CLIENT_SECRET,
        )
        options = {
            "timeout": settings.OSR_MYIT_TIMEOUT_SECONDS,
            "max_attempts": settings.OSR_MYIT_MAX_ATTEMPTS,
        } | overrides
        return cls(settings.OSR_MYIT_URL, credentials, **options)

    def __repr__(self) -> str:
        return f"MyitClient({self.base_url})"

    def __enter__(self) -> MyitClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- Change Management API ---------------------------------------------

    def create_change(
        self,
        kind: str,
        values: dict[str, Any],
        *,
        template_sys_id: str = "",
        model: str = "",
    ) -> dict[str, Any]:
        """Raise a change: ``normal``, ``emergency`` or ``standard``, in a named model.

        A standard change is created from its approved template, which takes
        only the template's fields; the fields ServiceNow reports as ignored
        (the description, CI, correlation id...) are then patched onto the
        change. A change model named by ``model`` (or a ``chg_model`` value)
        is raised through ``POST /change``, the one route that honours it,
        once checked against the instance's models. The answer's
        ``{"value", "display_value"}`` pairs are flattened to their values.
        """
        values = dict(values)
        model = model or str(values.pop("chg_model", "") or "")
        if kind == "standard":
            if not template_sys_id:
                raise MyitError("a standard change needs a template")
            path = f"/api/sn_chg_rest/change/standard/{template_sys_id}"
        elif kind in ("normal", "emergency"):
            path = f"/api/sn_chg_rest/change/{kind}"
            if model:
                values["chg_model"] = self._change_model(model)["sys_id"]
                path = "/api/sn_chg_rest/change"
        else:
            raise ValueError(f"unknown change model {kind!r}")
        response = self._send("POST", path, json=values)
        if response.status_code == 404:
            message, detail = message_of(response)
            raise MyitError(message, status=404, detail=detail)
        change = change_of(json_of(response)["result"])
        left_out = {
            name: value
            for name, value in values.items()
            if name != "chg_model" and str(change.get(name, "")) != str(value)
        }
        if left_out and change.get("sys_id"):
            change |= self.patch("change_request", change["sys_id"], left_out)
            change = {key: plain_value(value) for key, value in change.items()}
        return change

    def _change_model(self, name: str) -> dict[str, Any]:
        """The instance's change model of a name (or sys_id), read once per client."""
        if self._models is None:
            found = self.list("chg_model", query="active=true", fields=["sys_id", "name", "type"])
            self._models = {}
            for row in found:
                self._models[str(row.get("name", ""))] = row
                self._models[str(row["sys_id"])] = row
        if name not in self._models:
            names = sorted({str(m.get("name", "")) for m in self._models.values()} - {""})
            raise MyitError(
                f"MyIT has no change model {name!r}",
                detail=f"its models are {', '.join(names) or 'none'}",
            )
        return self._models[name]
