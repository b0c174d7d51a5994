"""ServiceNow's Table API (``/api/now/table/{table}``) and Batch API
(``/api/now/v1/batch``): reading, creating, patching and deleting records."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from .connection import MyitConnection
from .protocol import Answers, MyitError, answer_of, batch_request, json_of, message_of, next_offset

_BATCH_SIZE = 100  # requests in one Batch API call


class TableApi(MyitConnection):
    """The Table and Batch API calls of a ``MyitClient``."""

    def list(
        self,
        table: str,
        *,
        query: str = "",
        fields: Sequence[str] = (),
        page_size: int | None = None,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every record matching an encoded query (or the first ``limit``), page by page.

        Paging is ordered by ``sys_id`` (rows can otherwise be skipped or
        repeated) and follows the ``Link: rel="next"`` header.
        """
        ordered = f"{query}^ORDERBYsys_id" if query else "ORDERBYsys_id"
        params: dict[str, Any] = {
            "sysparm_query": ordered,
            "sysparm_limit": page_size or self.page_size,
            "sysparm_offset": 0,
        }
        if fields:
            params["sysparm_fields"] = ",".join(fields)
        while True:
            response = self._send("GET", f"/api/now/table/{table}", params=params)
            if response.status_code == 404:  # v1 answers an empty list with 404
                return
            rows = json_of(response).get("result", [])
            if limit is not None:
                rows = rows[:limit]
                limit -= len(rows)
            yield from rows
            offset = next_offset(response)
            if offset is None or limit == 0:
                return
            params = params | {"sysparm_offset": offset}

    def get(self, table: str, sys_id: str, *, fields: Sequence[str] = ()) -> dict[str, Any] | None:
        """One record, or None when it does not exist."""
        params = {"sysparm_fields": ",".join(fields)} if fields else {}
        response = self._send("GET", f"/api/now/table/{table}/{sys_id}", params=params)
        if response.status_code == 404:
            return None
        return json_of(response)["result"]

    def create(self, table: str, values: dict[str, Any]) -> dict[str, Any]:
        """Insert a record and return it as ServiceNow stored it."""
        response = self._send("POST", f"/api/now/table/{table}", json=values)
        if response.status_code == 404:
            message, detail = message_of(response)
            raise MyitError(message, status=404, detail=detail)
        return json_of(response)["result"]

    def patch(self, table: str, sys_id: str, values: dict[str, Any]) -> dict[str, Any]:
        """Change some fields of a record and return the record."""
        response = self._send("PATCH", f"/api/now/table/{table}/{sys_id}", json=values)
        if response.status_code == 404:
            raise MyitError(f"{table} {sys_id} no longer exists", status=404)
        return json_of(response)["result"]

    def delete(self, table: str, sys_id: str) -> bool:
        """Delete a record; False when it was already gone (so deleting twice is harmless)."""
        response = self._send("DELETE", f"/api/now/table/{table}/{sys_id}")
        return response.status_code != 404

    # -- Batch API ---------------------------------------------------------------

    def batch(self, requests: Sequence[tuple[str, str, str, dict[str, Any] | None]]) -> Answers:
        """Send Table API requests (method, table, sys_id, body) together; each one's answer.

        Through the Batch API (``POST /api/now/v1/batch``) where the instance
        answers it, else one by one. An answer is the record, or the
        ``MyitError`` that request met: one refused request does not stop
        the others.
        """
        answers: Answers = []
        for start in range(0, len(requests), _BATCH_SIZE):
            chunk = requests[start : start + _BATCH_SIZE]
            answers += self._batch(chunk) if self.batch_api else [self._one(*r) for r in chunk]
        return answers

    def _batch(self, chunk) -> Answers:
        request = batch_request(chunk)
        try:
            response = self._send("POST", "/api/now/v1/batch", json=request)
        except MyitError as error:
            if error.status != 400:
                raise
            response = None
        if response is None or response.status_code == 404:
            self.batch_api = False  # not offered here: one request each from now on
            return [self._one(*r) for r in chunk]
        served = {str(s.get("id")): s for s in response.json().get("serviced_requests", [])}
        return [
            answer_of(served.get(str(n)), method, table)
            for n, (method, table, _, _) in enumerate(chunk)
        ]

    def _one(self, method: str, table: str, sys_id: str, body) -> dict[str, Any] | MyitError:
        try:
            if method == "POST":
                return self.create(table, body or {})
            return self.patch(table, sys_id, body or {})
        except MyitError as error:
            if error.stops_run:
                raise
            return error
