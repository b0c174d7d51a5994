"""A local mail server that can be down: enough SMTP for Django's backend to deliver to it.

``with FakeSmtp() as server:`` serves on 127.0.0.1; while ``server.down`` is
set it refuses every connection with 421, as a mail server being restarted
does. Each message accepted is kept in ``server.messages`` as
``(recipients, parsed message)``.
"""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading


class FakeSmtp:
    def __init__(self):
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Session)
        self.server.daemon_threads = True
        self.server.fake = self  # type: ignore[attr-defined]
        self.port = self.server.server_address[1]
        self.down = False
        self.refused = 0
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    def __enter__(self) -> FakeSmtp:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Session(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        fake: FakeSmtp = self.server.fake  # type: ignore[attr-defined]
        if fake.down:
            fake.refused += 1
            self.reply("421 fake.example Service not available")
            return
        self.reply("220 fake.example ESMTP")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 fake.example")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.partition(":")[2].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                parsed = email.message_from_bytes(data, policy=email.policy.default)
                fake.messages.append((recipients, parsed))  # type: ignore[arg-type]
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:  # RSET, NOOP and the like
                self.reply("250 OK")
