"""A local Microsoft Teams incoming webhook that checks each message as Teams documents it.

A message must be ``{"type": "message", "attachments": [...]}`` with exactly one
attachment of content type ``application/vnd.microsoft.card.adaptive`` whose
content is an Adaptive Card (``"type": "AdaptiveCard"``, version 1.4 or
earlier, a ``body`` of elements each with a ``type``). A valid message is kept
in ``cards`` and answered 200 with ``1``, as Teams answers; anything else is
answered 400 with the reason. ``status`` makes it fail, as a throttled or
removed webhook does.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ADAPTIVE = "application/vnd.microsoft.card.adaptive"


def problem_with(message) -> str | None:
    """Why Teams would refuse the message, or None."""
    if not isinstance(message, dict) or message.get("type") != "message":
        return 'the message must be an object with "type": "message"'
    attachments = message.get("attachments")
    if not isinstance(attachments, list) or len(attachments) != 1:
        return "the message must carry exactly one attachment"
    attachment = attachments[0]
    if attachment.get("contentType") != ADAPTIVE:
        return f"the attachment's contentType must be {ADAPTIVE}"
    card = attachment.get("content")
    if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
        return 'the attachment\'s content must be an object with "type": "AdaptiveCard"'
    if card.get("version") not in ("1.0", "1.1", "1.2", "1.3", "1.4"):
        return "the card's version must be 1.4 or earlier"
    body = card.get("body")
    if not isinstance(body, list) or not body or not all("type" in e for e in body):
        return "the card's body must be a list of elements, each with a type"
    for action in card.get("actions", []):
        if action.get("type") == "Action.OpenUrl" and not action.get("url", "").startswith("http"):
            return "an Action.OpenUrl needs an absolute url"
    return None


class FakeTeams:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.fake = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhookb2/channel-1"
        self.cards: list[dict] = []
        self.refused: list[str] = []
        self.status = 200

    def __enter__(self) -> FakeTeams:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        fake: FakeTeams = self.server.fake  # type: ignore[attr-defined]
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Type", "").split(";")[0] != "application/json":
            return self.answer(400, "Content-Type must be application/json")
        if fake.status != 200:
            return self.answer(fake.status, "Too many requests")
        try:
            message = json.loads(raw)
        except ValueError:
            return self.answer(400, "not JSON")
        problem = problem_with(message)
        if problem:
            fake.refused.append(problem)
            return self.answer(400, problem)
        fake.cards.append(message["attachments"][0]["content"])
        self.answer(200, "1")

    def answer(self, status: int, text: str) -> None:
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass
