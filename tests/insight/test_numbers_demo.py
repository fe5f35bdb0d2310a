"""``seed_demo`` places the cluster in numbers page, and every chart on it has figures."""

import io

from django.core.management import call_command

import pytest

from insight import numbers
from insight.models import ClusterNumbersPage

pytestmark = pytest.mark.django_db


def test_seed_demo_shows_every_chart_with_figures(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()
    call_command("seed_demo", "--companies", "60", stdout=out)
    page = ClusterNumbersPage.objects.live().get()
    assert page.url == "/cluster-in-numbers/"
    assert "/cluster-in-numbers/" in out.getvalue()

    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    figures = numbers.cluster_figures()
    empty = [slug for slug, figure in figures.items() if not figure.shown_rows]
    assert empty == []
    assert "No figure here is large enough to show yet." not in html
    for slug, figure in figures.items():
        lines = client.get(f"{page.url}csv/{slug}/").content.decode().splitlines()
        assert len(lines) == 1 + len(figure.shown_rows) > 1, slug
    # Both kinds of search figure come from the demo's history.
    assert len(figures["searched"].shown_rows) >= 5
    assert figures["not-found"].shown_rows

    call_command("seed_demo", "--companies", "60", stdout=io.StringIO())
    assert ClusterNumbersPage.objects.count() == 1
