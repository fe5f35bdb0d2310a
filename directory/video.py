"""Showreels and project videos: which video a URL names, and how to play it privately.

The site never makes a visitor's browser talk to YouTube or Vimeo until the
visitor asks to play (see ``templates/components/video_facade.html``). This module
only parses URLs, so it needs no network: pages show a local poster and a
link, and the player's address (YouTube's privacy-enhanced domain, Vimeo with
do-not-track) is swapped in on click.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
YOUTUBE_SHORT_HOSTS = {"youtu.be", "www.youtu.be"}
YOUTUBE_NOCOOKIE_HOSTS = {"youtube-nocookie.com", "www.youtube-nocookie.com"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^\d{5,12}$")
START_TIME = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")


@dataclass(frozen=True)
class Video:
    provider: str  # "youtube" | "vimeo"
    id: str
    start: int = 0  # seconds into the video, from ?t= or #t=

    @property
    def provider_label(self) -> str:
        return {"youtube": "YouTube", "vimeo": "Vimeo"}[self.provider]

    @property
    def embed_url(self) -> str:
        """The player, loaded only after the visitor presses play, so it autoplays."""
        if self.provider == "youtube":
            params = {"autoplay": 1, "rel": 0, "modestbranding": 1}
            if self.start:
                params["start"] = self.start
            return f"https://www.youtube-nocookie.com/embed/{self.id}?{urlencode(params)}"
        suffix = f"#t={self.start}s" if self.start else ""
        return f"https://player.vimeo.com/video/{self.id}?autoplay=1&dnt=1{suffix}"

    @property
    def watch_url(self) -> str:
        """Where the no-JavaScript link goes: the video on its own site."""
        if self.provider == "youtube":
            start = f"&t={self.start}s" if self.start else ""
            return f"https://www.youtube.com/watch?v={self.id}{start}"
        return f"https://vimeo.com/{self.id}"


def parse_video(url: str | None) -> Video | None:
    """The YouTube or Vimeo video that ``url`` names, or None for anything else.

    Accepts the forms people paste: watch pages, short links, embeds, shorts,
    Vimeo pages and players, with or without a start time.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"}:
        return None
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    query = parse_qs(parts.query)
    start = _start_seconds((query.get("t") or query.get("start") or [""])[0] or parts.fragment)

    if host in YOUTUBE_SHORT_HOSTS and segments:
        return _youtube(segments[0], start)
    if host in YOUTUBE_HOSTS | YOUTUBE_NOCOOKIE_HOSTS:
        if segments[:1] == ["watch"] or parts.path in {"", "/"}:
            return _youtube((query.get("v") or [""])[0], start)
        if len(segments) >= 2 and segments[0] in {"embed", "shorts", "live", "v"}:
            return _youtube(segments[1], start)
        return None
    if host in VIMEO_HOSTS:
        # vimeo.com/123, vimeo.com/channels/staffpicks/123, player.vimeo.com/video/123
        for segment in reversed(segments):
            if VIMEO_ID.match(segment):
                return Video("vimeo", segment, start)
        return None
    return None


def _youtube(video_id: str, start: int) -> Video | None:
    return Video("youtube", video_id, start) if YOUTUBE_ID.match(video_id or "") else None


def _start_seconds(value: str) -> int:
    value = (value or "").removeprefix("t=").strip().lower()
    match = START_TIME.match(value) if value else None
    if not match:
        return 0
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds
