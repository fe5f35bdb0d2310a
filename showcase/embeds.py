"""Project videos: parsed by the directory's video module, described by Wagtail embeds.

Privacy rule: a visitor's browser makes no request to the video site until
they press play. So the oEmbed answer (title, thumbnail URL, size) is fetched
server-side by the background worker after an editor saves a project
(``fetch_video_embed``, so a slow provider never holds the editor's request)
and kept in Wagtail's ``Embed`` table; pages read it from there
(``stored()``) and never call the finder.
The thumbnail URL is stored but not shown: hot-linking it would tell the video
site who looks at our pages, and copying the image would make us host a picture
we did not choose. Projects show their own poster image, or a poster drawn
locally from the title, until the visitor chooses to play.
"""

from __future__ import annotations

import logging

from django.core.cache import cache

from wagtail.embeds.embeds import get_embed, get_embed_hash
from wagtail.embeds.exceptions import EmbedException
from wagtail.embeds.models import Embed

from django_tasks import task

from cms.page_cache import generation
from directory.video import parse_video

logger = logging.getLogger(__name__)


def parse(url: str):
    """The directory's ``Video`` (provider, id, privacy ``embed_url``, ``watch_url``) or None."""
    return parse_video(url)


def fetch(url: str) -> Embed | None:
    """Ask the provider (through Wagtail's finders) and store the answer; None if it fails.

    A provider outage or a private video must not stop an editor saving: the
    page still plays through the facade, which needs only the URL.
    """
    try:
        return get_embed(url)
    except EmbedException as error:
        logger.warning("No oEmbed answer for %s: %s", url, error)
        return None


@task()
def fetch_video_embed(url: str) -> bool:
    """The worker's job after a project is saved: fetch and store its video's description."""
    return fetch(url) is not None


NO_EMBED = "none"  # cached for a video with no stored answer (None reads as a miss)


def stored(url: str) -> Embed | None:
    """The stored oEmbed answer for ``url``, without any network request.

    Kept in the cache under the page cache's generation, which a stored
    answer replaces (``ShowcaseConfig.ready``), as it does every publish.
    """
    key = f"showcase:embed:{generation()}:{get_embed_hash(url)}"
    embed = cache.get(key)
    if embed is None:
        embed = Embed.objects.filter(hash=get_embed_hash(url)).first()
        cache.set(key, NO_EMBED if embed is None else embed, 60 * 60)
    return None if embed == NO_EMBED else embed
