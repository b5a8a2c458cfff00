"""A local Slack-like webhook and a local SMTP server, on 127.0.0.1, for the delivery tests.

The SMTP server speaks just enough of RFC 5321 for smtplib: EHLO with AUTH
PLAIN (no STARTTLS), AUTH, MAIL, RCPT, DATA, RSET, NOOP, QUIT. Both record
what they received and can be told to fail.
"""

from __future__ import annotations

import base64
import json
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class WebhookRequest:
    path: str
    content_type: str
    payload: dict


class _WebhookHandler(BaseHTTPRequestHandler):
    server: WebhookServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append(
            WebhookRequest(self.path, self.headers["Content-Type"], json.loads(body))
        )
        answer = b"ok" if self.server.status == 200 else b"server error"
        self.send_response(self.server.status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the default prints each request line to stderr."""


class WebhookServer(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _WebhookHandler)
        self.requests: list[WebhookRequest] = []
        self.status = 200

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_to: list[str]
    message: EmailMessage


@dataclass
class SmtpState:
    messages: list[ReceivedMail] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    reject_data: bool = False
    # A careless server that quotes the credentials back in its refusal.
    reject_auth_echoing_it: bool = False


class _SmtpHandler(socketserver.StreamRequestHandler):
    server: SmtpServer

    def _reply(self, *lines: str) -> None:
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode())
        self.wfile.flush()

    def handle(self) -> None:
        state = self.server.state
        self._reply("220 127.0.0.1 test SMTP ready")
        mail_from, rcpt_to = "", []
        while line := self.rfile.readline():
            command = line.decode().rstrip("\r\n")
            verb, _, argument = command.partition(" ")
            verb = verb.upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250-127.0.0.1", "250-AUTH PLAIN", "250 8BITMIME")
            elif verb == "AUTH":
                _, _, encoded = argument.partition(" ")
                _, user, password = base64.b64decode(encoded).decode().split("\0")
                state.logins.append((user, password))
                if state.reject_auth_echoing_it:
                    self._reply(f"535 5.7.8 Authentication failed for {user}:{password}")
                else:
                    self._reply("235 2.7.0 Authentication successful")
            elif verb == "MAIL":
                mail_from, rcpt_to = argument.split(":", 1)[1].strip("<> "), []
                self._reply("250 OK")
            elif verb == "RCPT":
                rcpt_to.append(argument.split(":", 1)[1].strip("<> "))
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                if state.reject_data:
                    self._reply("554 5.0.0 Transaction failed")
                    continue
                message = message_from_bytes(data, policy=policy.default)
                state.messages.append(ReceivedMail(mail_from, rcpt_to, message))
                self._reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")


class SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.state = SmtpState()

    @property
    def port(self) -> int:
        return self.server_address[1]


@contextmanager
def serving(server: socketserver.BaseServer) -> Iterator[socketserver.BaseServer]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
