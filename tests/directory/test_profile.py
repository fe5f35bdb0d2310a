"""A company's public profile: everything it shows, privately loaded video, fixed queries."""

import json
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

import pytest

from directory.models import CompanyGalleryImage, CompanyPage

from .factories import PlaceFactory, SkillFactory, SkillGroupFactory, company

pytestmark = pytest.mark.django_db

VIDEO_HOSTS = re.compile(r"youtube|youtu\.be|vimeo|ytimg", re.IGNORECASE)


def make_image(title, description=""):
    return Image.objects.create(
        title=title, description=description, file=get_test_image_file(f"{title}.png")
    )


@pytest.fixture
def leek():
    return PlaceFactory(name="Leekton", slug="leekton", latitude=53.1, longitude=-2.02)


@pytest.fixture
def clay_pixel(leek):
    post = SkillGroupFactory(name="Post-production", slug="post-production")
    return company(
        "Clay Pixel Studio",
        skills=[
            SkillFactory(name="Colour grading", slug="colour-grading", group=post),
            SkillFactory(name="Online editing", slug="online-editing", group=post),
        ],
        sectors=["Advertising", "Music video"],
        place=leek,
        credits=3,
        strapline="Grading and finishing for adverts and music videos",
        about="<p>We grade and finish commercials, music videos and short films "
        "from our suite in Leek.</p>",
        website="https://claypixel.example",
        email="studio@claypixel.example",
        phone="01538 000000",
        # Shown to everyone, as the company chose (tests/directory/test_contact_privacy.py).
        email_visibility="everyone",
        phone_visibility="everyone",
        year_founded=2014,
        size_band="2-9",
        service_area="national",
        linkedin_url="https://www.linkedin.com/company/claypixel",
        showreel_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        verified=True,
        logo=make_image("Clay Pixel logo", "Clay Pixel Studio logo: a pixel made of clay"),
    )


def test_profile_shows_every_part_of_the_company(client, clay_pixel):
    response = client.get(clay_pixel.url)
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        '<h1 class="company-hero__name">Clay Pixel Studio</h1>',
        "Verified member",
        "Grading and finishing for adverts and music videos",
        "We grade and finish commercials",
        "Post-production",
        "Colour grading",
        "Online editing",
        "Advertising",
        "Music video",
        "Based in Leekton, Staffordshire",
        "Works across the UK",
        "2–9 people",
        "2014",
        "mailto:studio@claypixel.example",
        "tel:01538000000",
        "https://www.linkedin.com/company/claypixel",
        "Clay Pixel Studio production 0",
        "Clay Pixel Studio production 2",
        'alt="Clay Pixel Studio logo: a pixel made of clay"',
        'id="enquiry"',
    ]:
        assert text in html, text
    # Skills link to the directory filtered by them.
    assert "/directory/?skill=colour-grading" in html


def test_credits_appear_in_the_editors_order(client, clay_pixel):
    html = client.get(clay_pixel.url).content.decode()
    positions = [html.index(f"Clay Pixel Studio production {n}") for n in range(3)]
    assert positions == sorted(positions)


def test_schema_org_organization(client, clay_pixel):
    html = client.get(clay_pixel.url).content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "Organization"
    assert data["name"] == "Clay Pixel Studio"
    assert data["url"] == "https://claypixel.example"
    assert data["address"]["addressLocality"] == "Leekton"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 53.1, "longitude": -2.02}
    assert sorted(data["knowsAbout"]) == ["Colour grading", "Online editing"]
    assert data["logo"].startswith("http://testserver/")


def test_json_ld_cannot_break_out_of_its_script(client, leek):
    page = company("Evil </script><script>alert(1)</script> Ltd", slug="evil", place=leek)
    html = client.get(page.url).content.decode()
    assert "</script><script>alert(1)" not in html


def test_showreel_makes_no_request_to_the_video_site_before_play(client, clay_pixel):
    html = client.get(clay_pixel.url).content.decode()
    assert "data-video-facade" in html
    assert "<iframe" not in html
    # Nothing the browser loads by itself (src=, srcset=, stylesheet href=) names a video site.
    loaded = re.findall(r'(?:src|srcset)="([^"]*)"', html)
    loaded += re.findall(r'<link[^>]+href="([^"]*)"', html)
    assert not [url for url in loaded if VIDEO_HOSTS.search(url)]
    # The player address (used only on click) is the privacy-enhanced one.
    assert 'data-embed-url="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?' in html
    # Without JavaScript the play control is a plain link to the video.
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html


def test_lapsed_member_has_left_the_directory(client, leek, clay_pixel):
    grading, editing = list(clay_pixel.skills.all())
    page = company(
        "Gone Films",
        place=leek,
        skills=[grading],
        membership_status="lapsed",
        email="studio@gone.example",
        strapline="Colour for drama",
    )
    response = client.get(page.url)
    assert response.status_code == 410  # gone, not missing: old links explain why
    html = response.content.decode()
    assert "Gone Films is no longer a member" in html
    assert '<meta name="robots" content="noindex">' in html
    # Old links lead on to members who do the same work ...
    assert f'href="/directory/?skill={grading.slug}"' in html
    assert editing.name not in html
    # ... and nothing of the former member's profile is published.
    assert "studio@gone.example" not in html and "Colour for drama" not in html
    assert "application/ld+json" not in html
    # Search engines are not sent there any more.
    sitemap = client.get("/sitemap.xml").content.decode()
    assert clay_pixel.slug in sitemap and page.slug not in sitemap


def test_draft_company_is_not_public(client, leek):
    page = company("Secret Films", place=leek, live=False)
    assert client.get(f"/directory/{page.slug}/").status_code == 404


def test_related_members_share_skills_and_are_listed(client, leek, clay_pixel):
    grading, editing = list(clay_pixel.skills.all())
    both = company("Both Skills Ltd", skills=[grading, editing], place=leek)
    one = company("One Skill Ltd", skills=[grading], place=leek)
    company("Lapsed Grader", skills=[grading, editing], place=leek, membership_status="lapsed")
    company("Draft Grader", skills=[grading, editing], place=leek, live=False)
    company("Unrelated Ltd", skills=["Puppetry"], place=leek)
    response = client.get(clay_pixel.url)
    related = [c.title for c in response.context["related_companies"]]
    assert related == [both.title, one.title]
    assert "2 shared skills" in response.content.decode()


def test_showreel_must_be_youtube_or_vimeo(leek):
    page = CompanyPage(title="X", slug="x", showreel_url="https://example.com/reel.mp4")
    with pytest.raises(Exception) as error:
        page.full_clean()
    assert "showreel_url" in str(error.value)


def _queries_for(client, url):
    client.get(url)  # renditions are made on the first view
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_profile_query_count_does_not_grow_with_skills_credits_or_gallery(client, leek):
    small = company(
        "Small Ltd",
        skills=["Skill A"],
        sectors=["Film"],
        place=leek,
        credits=1,
        logo=make_image("small logo"),
    )
    company("Neighbour Ltd", skills=["Skill A"], place=leek, logo=make_image("n logo"))
    big = company(
        "Big Ltd",
        skills=[f"Skill {c}" for c in "ABCDEFGHIJKL"],
        sectors=["Film", "Games", "Advertising", "Corporate"],
        place=leek,
        credits=9,
        logo=make_image("big logo"),
    )
    for n in range(2):
        company(
            f"Neighbour {n}",
            skills=["Skill B", "Skill C"],
            place=leek,
            logo=make_image(f"logo {n}"),
        )
    for n in range(4):
        CompanyGalleryImage.objects.create(
            company=big, image=make_image(f"still {n}"), sort_order=n
        )
    CompanyGalleryImage.objects.create(company=small, image=make_image("small still"))
    assert _queries_for(client, big.url) == _queries_for(client, small.url)
