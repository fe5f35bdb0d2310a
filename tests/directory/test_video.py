"""Showreel URLs: which video they name, and the private player addresses."""

import pytest

from directory.video import parse_video


@pytest.mark.parametrize(
    ("url", "provider", "video_id", "start"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ", 0),
        (
            "https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=1m5s",
            "youtube",
            "dQw4w9WgXcQ",
            65,
        ),
        ("https://youtu.be/dQw4w9WgXcQ?t=42", "youtube", "dQw4w9WgXcQ", 42),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ", 0),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ", 0),
        ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ", 0),
        ("https://vimeo.com/76979871", "vimeo", "76979871", 0),
        ("https://vimeo.com/channels/staffpicks/76979871", "vimeo", "76979871", 0),
        ("https://player.vimeo.com/video/76979871#t=30s", "vimeo", "76979871", 30),
    ],
)
def test_the_forms_people_paste_are_understood(url, provider, video_id, start):
    video = parse_video(url)
    assert (video.provider, video.id, video.start) == (provider, video_id, start)


@pytest.mark.parametrize(
    "url",
    [
        "",
        None,
        "https://example.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/@somechannel",
        "https://vimeo.com/about",
        "javascript:alert(1)//youtu.be/dQw4w9WgXcQ",
        "ftp://youtu.be/dQw4w9WgXcQ",
        "http://[::1",
    ],
)
def test_anything_else_is_not_a_video(url):
    assert parse_video(url) is None


def test_youtube_plays_from_the_privacy_enhanced_domain():
    video = parse_video("https://youtu.be/dQw4w9WgXcQ?t=10")
    assert video.embed_url.startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?")
    assert "autoplay=1" in video.embed_url and "start=10" in video.embed_url
    assert video.watch_url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10s"


def test_vimeo_plays_with_do_not_track():
    video = parse_video("https://vimeo.com/76979871")
    assert video.embed_url == "https://player.vimeo.com/video/76979871?autoplay=1&dnt=1"
    assert video.watch_url == "https://vimeo.com/76979871"
