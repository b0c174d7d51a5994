"""A Backstage catalogue backend on 127.0.0.1, speaking its entities API as documented.

``GET /api/catalog/entities/by-query``: ``limit`` (default 20) and, after the first
page, only ``cursor`` (with ``limit``); an answer is ``{"items", "totalItems",
"pageInfo": {"nextCursor"?, "prevCursor"?}}``. Each entity carries what the catalogue
adds (``metadata.uid``, ``metadata.etag``, ``relations``, ``status``). With a token
configured, a request without it is refused 401 in Backstage's error shape; a cursor
the backend did not give is refused 400 (``InputError``).
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

PATH = "/api/catalog/entities/by-query"


def entities_of(directory: Path) -> list[dict]:
    """Every entity of a directory's descriptor files, as the catalogue would hold it."""
    found = []
    for path in sorted([*directory.rglob("*.yaml"), *directory.rglob("*.yml")]):
        for document in yaml.safe_load_all(path.read_text()):
            if isinstance(document, dict):
                found.append(document)
    return found


def served(entity: dict) -> dict:
    """An entity as the catalogue serves it: with its own metadata, relations and status."""
    metadata = {"namespace": "default", **entity["metadata"]}
    metadata |= {"uid": str(uuid.uuid4()), "etag": uuid.uuid4().hex}
    ref = f"{entity['kind'].lower()}:{metadata['namespace']}/{metadata['name']}"
    return entity | {
        "metadata": metadata,
        "relations": [{"type": "ownedBy", "targetRef": "group:default/somebody"}],
        "status": {"items": [{"type": "backstage.io/catalog-processing", "level": "info",
                              "message": f"{ref} processed", "error": None}]},
    }  # fmt: skip


class FakeBackstage:
    def __init__(self, entities: list[dict], *, token: str | None = None):
        self.entities = [served(e) for e in entities]
        self.token = token
        self.requests: list[dict] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeBackstage:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                fake.answer(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        self.requests.append(query)
        if url.path != PATH:
            return self.error(handler, 404, "NotFoundError", f"No route for {url.path}")
        if self.token and handler.headers.get("Authorization") != f"Bearer {self.token}":
            return self.error(handler, 401, "AuthenticationError", "Missing credentials")
        limit = int(query.get("limit", 20))
        start = 0
        if "cursor" in query:
            try:
                start = json.loads(base64.b64decode(query["cursor"]))["offset"]
            except (ValueError, KeyError, TypeError):
                return self.error(
                    handler, 400, "InputError", "Malformed cursor, could not be parsed"
                )
        items = self.entities[start : start + limit]
        page_info = {}
        if start + limit < len(self.entities):
            page_info["nextCursor"] = base64.b64encode(
                json.dumps({"offset": start + limit}).encode()
            ).decode()
        if start:
            page_info["prevCursor"] = base64.b64encode(
                json.dumps({"offset": max(0, start - limit)}).encode()
            ).decode()
        body = {"items": items, "totalItems": len(self.entities), "pageInfo": page_info}
        self.send(handler, 200, body)

    def error(self, handler, status: int, name: str, message: str) -> None:
        body = {
            "error": {"name": name, "message": message},
            "request": {"method": "GET", "url": handler.path},
            "response": {"statusCode": status},
        }
        self.send(handler, status, body)

    @staticmethod
    def send(handler, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
