"""oEmbed replaced at the network boundary: recorded answers instead of the internet.

Wagtail's real ``OEmbedFinder`` runs unchanged: it picks the provider's
endpoint, builds the request and parses the answer. Only the transport is
swapped: every ``requests`` session gets an adapter that answers oEmbed
endpoint calls from ``tests/showcase/oembed/`` (keyed by the video URL) and
refuses anything else, so a test can never reach the internet by accident.
``calls`` records each request, so tests can assert *when* the video site
would have been contacted (on save, never on render).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import BaseAdapter

RECORDINGS = Path(__file__).parent / "oembed"


class RecordedOEmbedAdapter(BaseAdapter):
    def __init__(self):
        super().__init__()
        self.index = json.loads((RECORDINGS / "recordings.json").read_text())
        self.calls: list[str] = []

    def send(self, request, **kwargs):
        self.calls.append(request.url)
        parts = urlsplit(request.url)
        video_url = parse_qs(parts.query).get("url", [""])[0]
        if "oembed" not in parts.path:
            raise requests.ConnectionError(f"Tests may not reach the internet: {request.url}")
        recording = self.index.get(video_url, {"status": 404, "file": None})
        response = requests.Response()
        response.status_code = recording["status"]
        response.url = request.url
        response.request = request
        response.headers["Content-Type"] = "application/json"
        body = (RECORDINGS / recording["file"]).read_bytes() if recording["file"] else b"Not Found"
        response._content = body
        response.encoding = "utf-8"
        return response

    def close(self):
        pass


@contextlib.contextmanager
def recorded_oembed():
    """Within this block every ``requests`` call is answered by the recordings."""
    adapter = RecordedOEmbedAdapter()
    original = requests.Session.get_adapter
    requests.Session.get_adapter = lambda self, url: adapter
    try:
        yield adapter
    finally:
        requests.Session.get_adapter = original
