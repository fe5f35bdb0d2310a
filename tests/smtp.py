"""Mail at the network boundary: Django's real SMTP backend against 127.0.0.1.

The ``smtp`` fixture points ``EMAIL_BACKEND`` at Django's SMTP backend and
starts with the server *down* (a port nobody listens on, so connecting is
refused at once). ``smtp.up()`` starts a minimal SMTP server on 127.0.0.1 that
accepts every message and keeps it in ``smtp.messages``; ``smtp.down()`` points
back at the closed port. Nothing inside Django is patched.
"""

from __future__ import annotations

import email
import socket
import socketserver
import threading

import pytest


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 for smtplib: greet, accept everything, keep DATA."""

    def reply(self, line: bytes) -> None:
        self.wfile.write(line + b"\r\n")

    def handle(self) -> None:
        self.reply(b"220 fake-smtp ready")
        data, lines = False, []
        while line := self.rfile.readline():
            if data:
                if line.rstrip(b"\r\n") == b".":
                    self.server.messages.append(email.message_from_bytes(b"".join(lines)))
                    data, lines = False, []
                    self.reply(b"250 queued")
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line[:4].upper()
            if verb == b"DATA":
                data = True
                self.reply(b"354 end with <CRLF>.<CRLF>")
            elif verb == b"QUIT":
                self.reply(b"221 bye")
                return
            else:  # EHLO, HELO, MAIL, RCPT, RSET, NOOP
                self.reply(b"250 ok")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again on leaving: connections are refused


class SMTP:
    def __init__(self, settings):
        self.settings = settings
        self.server: _Server | None = None
        self.messages: list[email.message.Message] = []
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 3
        self.down()

    def down(self) -> None:
        self.stop()
        self.settings.EMAIL_PORT = _closed_port()

    def up(self) -> None:
        if self.server is None:
            self.server = _Server(("127.0.0.1", 0), _SMTPHandler)
            self.server.messages = self.messages
            threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.settings.EMAIL_PORT = self.server.server_address[1]

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def smtp(settings):
    """A real SMTP connection to 127.0.0.1, down until ``smtp.up()``."""
    switch = SMTP(settings)
    yield switch
    switch.stop()
