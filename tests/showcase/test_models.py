"""Project rules, the page tree, and videos: fetched on save, never on render."""

import io

from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile

from wagtail.embeds.models import Embed
from wagtail.images import get_image_model

import pytest
from PIL import Image as PILImage

from showcase.models import ProjectAward, ProjectCredit, ProjectPage, ShowcaseIndexPage
from tests.directory.factories import company, home_page
from tests.showcase.factories import project, showcase_index
from tests.worker import committed

pytestmark = pytest.mark.django_db

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
VIMEO = "https://vimeo.com/76979871"


def poster_image(title="Poster", colour=(176, 32, 58)):
    buffer = io.BytesIO()
    PILImage.new("RGB", (1280, 720), colour).save(buffer, "PNG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name=f"{title.replace(' ', '-')}.png")
    )


def test_page_tree_rules():
    assert ShowcaseIndexPage.parent_page_types == ["cms.HomePage"]
    home = home_page()
    assert ShowcaseIndexPage.can_create_at(home)
    index = showcase_index()
    assert not ShowcaseIndexPage.can_create_at(home)  # only one showcase
    assert ProjectPage.can_create_at(index)
    assert not ProjectPage.can_create_at(home)
    assert ProjectPage.subpage_types == []


def test_video_must_be_youtube_or_vimeo():
    page = ProjectPage(
        title="Reel", slug="reel", year=2024, video_url="https://example.com/reel.mp4"
    )
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "video_url" in error.value.message_dict


def test_year_at_most_a_year_ahead():
    page = ProjectPage(title="Reel", slug="reel", year=2100)
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "year" in error.value.message_dict


def test_a_company_listed_twice_is_refused():
    kiln = company("Kiln Light")
    with pytest.raises(ValidationError) as error:
        project("Twice", companies=[(kiln, "Animation"), (kiln, "Grading")])
    assert "twice" in str(error.value)


def test_saving_fetches_the_embed_once_through_wagtail(oembed, django_capture_on_commit_callbacks):
    kiln = company("Kiln Light")
    with django_capture_on_commit_callbacks(execute=True):
        page = project("Showreel", companies=[kiln], video_url=YOUTUBE)
    embed = Embed.objects.get(url=YOUTUBE)
    assert embed.provider_name == "YouTube"
    assert embed.thumbnail_url.startswith("https://i.ytimg.com/")
    calls = [call for call in oembed.calls if "youtube.com/oembed" in call]
    assert len(calls) == 1  # saved twice (draft, publish), asked once
    assert page.embed == embed


def test_an_unreachable_or_private_video_does_not_block_saving(
    oembed, django_capture_on_commit_callbacks
):
    kiln = company("Kiln Light")
    with django_capture_on_commit_callbacks(execute=True):
        page = project(
            "Private", companies=[kiln], video_url="https://www.youtube.com/watch?v=PRIVATEVIDE"
        )
    assert page.live
    assert any("PRIVATEVIDE" in call for call in oembed.calls)  # asked, refused (401)
    assert page.embed is None
    assert page.video is not None  # the facade still works from the URL alone


def test_rendering_contacts_no_video_site(client, oembed):
    kiln = company("Kiln Light")
    page = project("Showreel", companies=[kiln], video_url=VIMEO)
    before = len(oembed.calls)
    html = client.get(page.url).content.decode()
    assert len(oembed.calls) == before
    # The facade is a link until clicked: no iframe, no thumbnail from the video site.
    assert "<iframe" not in html
    assert "vimeocdn.com" not in html
    assert "player.vimeo.com" in html or "vimeo.com/76979871" in html


def test_youtube_plays_from_the_privacy_domain(client):
    page = project("Showreel", companies=[company("Kiln Light")], video_url=YOUTUBE)
    html = client.get(page.url).content.decode()
    assert "youtube-nocookie.com/embed/dQw4w9WgXcQ" in html
    assert "i.ytimg.com" not in html


def _media(html: str) -> str:
    """The video/poster area of a project page."""
    return html.split('class="project__media"', 1)[1].split('class="project__layout"', 1)[0]


def test_poster_is_the_projects_image_else_a_local_poster(client):
    kiln = company("Kiln Light")
    with_image = project("With poster", companies=[kiln], video_url=YOUTUBE, poster=poster_image())
    media = _media(client.get(with_image.url).content.decode())
    assert "/media/images/" in media
    without = project("No poster", companies=[company("Potbank")], video_url=YOUTUBE)
    media = _media(client.get(without.url).content.decode())
    assert "/media/images/" not in media and "i.ytimg.com" not in media
    assert "video-facade__poster--drawn" in media  # the facade draws a local poster


def test_project_page_shows_its_details(client):
    kiln = company("Kiln Light")
    page = project(
        "Clay Hearts",
        companies=[(kiln, "Stop-motion animation")],
        client="BBC Three",
        synopsis="<p>A love story in clay.</p>",
        tags=["stop-motion"],
    )
    page.awards.add(ProjectAward(kind="win", name="Annecy", category="Graduation film", year=2024))
    page.credits.add(ProjectCredit(role="Director", name="Ada Clay"))
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    for text in (
        "BBC Three",
        "A love story in clay.",
        "Stop-motion animation",
        "Winner",
        "Annecy",
        "Ada Clay",
        "stop-motion",
    ):
        assert text in html


def test_project_page_describes_itself_to_search_engines(client):
    import json
    import re

    kiln = company("Kiln Light")
    page = project(
        "Clay </script> Hearts",
        companies=[(kiln, "Animation")],
        client="BBC Three",
        tags=["stop-motion"],
    )
    html = client.get(page.url).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "CreativeWork"
    assert data["name"] == "Clay </script> Hearts"
    assert data["creator"] == [
        {"@type": "Organization", "name": "Kiln Light", "url": kiln.get_full_url()}
    ]
    assert data["keywords"] == "stop-motion"
    assert "video" not in data


def test_json_ld_describes_the_video_from_the_stored_embed(
    client, django_capture_on_commit_callbacks
):
    import json
    import re

    with django_capture_on_commit_callbacks(execute=True):
        page = project("Showreel", companies=[company("Kiln Light")], video_url=YOUTUBE)
    html = client.get(page.url).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    video = json.loads(block)["video"]
    assert video["name"] == "Kiln Light — showreel 2025"  # from the recorded oEmbed answer
    assert video["embedUrl"].startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    assert video["thumbnailUrl"] == "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"
    # ...and the only mention of the thumbnail is in that data block, never an <img>.
    assert html.count("i.ytimg.com") == 1


def test_project_page_query_count_does_not_grow_with_its_content(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(page):
        client.get(page.url)  # warm caches (site root, renditions)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page.url).status_code == 200
        return len(captured)

    small = project("Small", companies=[company("Solo")], sectors=["Film"], skills=["Edit"])
    big = project(
        "Big",
        companies=[(company(f"Studio {n}"), f"Role {n}") for n in range(6)],
        sectors=[f"Genre {n}" for n in range(6)],
        skills=[f"Craft {n}" for n in range(6)],
        tags=[f"tag-{n}" for n in range(6)],
    )
    for n in range(6):
        big.awards.add(ProjectAward(name=f"Festival {n}"))
        big.credits.add(ProjectCredit(role=f"Role {n}", name=f"Person {n}"))
    big.save_revision().publish()
    assert queries_for(big) == queries_for(small)


@committed
def test_the_editors_save_only_queues_the_video_lookup_for_the_worker(oembed, task_worker):
    kiln = company("Kiln Light")
    page = project("Queued reel", companies=[kiln], video_url=YOUTUBE)
    assert oembed.calls == []  # nothing asked during the save
    assert page.embed is None
    assert task_worker.queued("fetch_video_embed").exists()
    task_worker.run()
    assert [call for call in oembed.calls if "youtube.com/oembed" in call]
    assert Embed.objects.get(url=YOUTUBE).provider_name == "YouTube"
