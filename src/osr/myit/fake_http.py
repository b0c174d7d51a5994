"""The HTTP side of the fake ServiceNow: a threaded server on keep-alive connections."""

from __future__ import annotations

import json
import secrets
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol


class Answering(Protocol):  # what the handler needs of the fake
    def handle(self, method: str, url: str, headers: dict[str, str], body: bytes): ...


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # A client that gave up on a slow answer closes the connection: expected here.
        pass


class MyitRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real instance does
    # Headers and body go out as two writes: without this, Nagle's algorithm and
    # the client's delayed acknowledgement hold each answer back for ~40 ms.
    disable_nagle_algorithm = True
    service: Answering

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, extra, payload = self.service.handle(self.command, self.path, headers, body)
        data = json.dumps(payload).encode() if payload is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        # A real instance sets a session cookie; OSR must never send it back.
        self.send_header("Set-Cookie", f"JSESSIONID={secrets.token_hex(8)}; Path=/; HttpOnly")
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests count instead
        pass
