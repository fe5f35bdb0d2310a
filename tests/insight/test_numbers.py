"""The cluster in numbers (``insight.numbers``, ``insight.pages``): figures, suppression, CSV.

The expectations are counted here from the fixture's own specification
(``MEMBERS``, ``PROJECT_YEARS``, ``SEARCHES``), the way a reader would count
them, not copied from what the code answers.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET
from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from directory.models import CompanyPage, Place
from insight import charts, numbers
from insight.models import ClusterNumbersPage, DailySearchCount, SearchEvent
from insight.numbers import SUPPRESS_BELOW, SUPPRESSED
from tests.directory.factories import SectorFactory, SkillFactory, SkillGroupFactory, company
from tests.directory.factories import home_page as make_home
from tests.showcase.factories import project

pytestmark = pytest.mark.django_db

URL = "/cluster-in-numbers/"

# (name, sectors, skills, town slug, months since joining, listed)
MEMBERS = [
    (
        "Kiln Animation",
        ["Film work", "Games work"],
        ["Our 2d animation", "Our stop motion"],
        "hanley",
        30,
        True,
    ),
    ("Glaze Grade", ["Film work"], ["Our colour grading"], "hanley", 26, True),
    ("Saggar Sound", ["Film work", "Advertising work"], ["Our sound design"], "hanley", 20, True),
    ("Marl Pictures", ["Film work"], ["Our 2d animation"], "hanley", 14, True),
    ("Bottle Oven VFX", ["Games work"], ["Our compositing"], "leek", 9, True),
    (
        "Clay Loop",
        ["Film work", "Games work"],
        ["Our stop motion", "Our sound design"],
        "leek",
        5,
        True,
    ),
    ("Potbank Post", ["Advertising work"], ["Our colour grading"], "leek", 2, True),
    ("Trent Drone", ["Documentary work"], ["Our compositing"], "stafford", 1, True),
    (
        "Lapsed Ltd",
        ["Documentary work", "Advertising work"],
        ["Our sound design"],
        "stafford",
        12,
        False,
    ),
]
GROUPS = {
    "Our 2d animation": "Animation dept",
    "Our stop motion": "Animation dept",
    "Our colour grading": "Post dept",
    "Our compositing": "Post dept",
    "Our sound design": "Sound dept",
}
PROJECT_YEARS = [2022, 2022, 2022, 2023, 2024, 2024, 2024, 2024]
# (text, total found, times searched, folded)
SEARCHES = [
    ("animation", 4, 7, False),
    ("drone filming", 0, 5, False),
    ("drone filming", 0, 2, True),  # folded days count too
    ("colour grading", 2, 4, False),
    ("puppeteer", 0, 3, False),
    ("kiln animation", 1, 2, False),  # searched fewer than 3 times: never shown
    ("jo@example.com", 0, 5, False),  # personal: never shown even if stored
    ("07700 900123 camera", 0, 4, False),
]
PERSONAL = ["jo@example.com", "07700 900123", "enquiries@kiln.example", "01782 123456"]


def suppressed(count: int) -> int | None:
    return count if count >= SUPPRESS_BELOW else None


def listed():
    return [m for m in MEMBERS if m[5]]


def months_ago(months: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=30.5 * months)


@pytest.fixture
def cluster():
    home = make_home()
    for skill, group in GROUPS.items():
        SkillFactory(name=skill, group=SkillGroupFactory(name=group))
    for name, sectors, skills, town, joined, is_listed in MEMBERS:
        company(
            name,
            sectors=[SectorFactory(name=s) for s in sectors],
            skills=[SkillFactory(name=s) for s in skills],
            place=Place.objects.get(slug=town),
            joined_at=months_ago(joined),
            email="enquiries@kiln.example",
            phone="01782 123456",
            membership_status="active" if is_listed else "lapsed",
        )
    for n, year in enumerate(PROJECT_YEARS):
        project(f"Project {n}", year=year)
    now = timezone.now()
    for text, total, times, folded in SEARCHES:
        if folded:
            DailySearchCount.objects.create(
                day=timezone.localdate() - datetime.timedelta(days=120),
                source="page",
                text=text,
                searches=times,
                no_results=times if total == 0 else 0,
                results_sum=total * times,
            )
            continue
        for k in range(times):
            SearchEvent.objects.create(
                at=now - datetime.timedelta(days=k + 1), source="page", text=text, total=total
            )
    SearchEvent.objects.create(at=now, source="page", text="", redacted=True, total=0)
    page = ClusterNumbersPage(title="The cluster in numbers", slug="cluster-in-numbers")
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def rows(figure) -> dict[str, int | None]:
    return {row.label: row.count for row in figure.rows}


def expected_by(key) -> dict[str, int | None]:
    counts = Counter(value for member in listed() for value in key(member))
    return {label: suppressed(n) for label, n in counts.items()}


def test_members_by_sector_department_and_place_are_counted_from_listed_members(cluster):
    figures = numbers.build_figures()
    assert rows(figures["sectors"]) == expected_by(lambda m: m[1])
    # A member with two skills of one department counts once in it.
    assert rows(figures["departments"]) == expected_by(lambda m: {GROUPS[s] for s in m[2]})
    by_town = expected_by(lambda m: [Place.objects.get(slug=m[3]).name])
    assert rows(figures["places"]) == by_town
    assert rows(figures["map"]) == by_town
    # Largest first.
    shown = [row.count for row in figures["sectors"].shown_rows]
    assert shown == sorted(shown, reverse=True)


def month_number(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def expected_membership():
    joined = [
        month_number(timezone.localdate(c.joined_at))
        for c in CompanyPage.objects.filter(membership_status="active", live=True)
    ]
    today = month_number(timezone.localdate())
    months = 1 if today - min(joined) < 24 else 3  # by quarter once two years old
    periods = range(min(joined) - min(joined) % months, today + 1, months)
    return [suppressed(sum(j < p + months for j in joined)) for p in periods], months


def test_membership_over_time_is_cumulative_by_quarter(cluster):
    figure = numbers.build_figures()["membership"]
    expected, months = expected_membership()
    assert months == 3  # the fixture's first member joined 30 months ago
    assert [row.count for row in figure.rows] == expected
    today = timezone.localdate()
    assert figure.rows[-1].label == f"{today.year} Q{(today.month - 1) // 3 + 1}"
    assert figure.rows[-1].count == len(listed())


def test_a_young_cluster_grows_by_month(cluster):
    for n, member in enumerate(CompanyPage.objects.order_by("pk")):
        CompanyPage.objects.filter(pk=member.pk).update(joined_at=months_ago(n % 5))
    figure = numbers.build_figures()["membership"]
    expected, months = expected_membership()
    assert months == 1
    assert [row.count for row in figure.rows] == expected
    assert figure.rows[-1].label == timezone.localdate().strftime("%b %Y")


def test_showcase_projects_per_year(cluster):
    figure = numbers.build_figures()["projects"]
    assert rows(figure) == {
        str(year): suppressed(n) for year, n in sorted(Counter(PROJECT_YEARS).items())
    }


def public_search_counts():
    searched, found = Counter(), Counter()
    for text, total, times, _folded in SEARCHES:
        if "@" in text or re.search(r"\d{5}\s?\d{6}", text):
            continue
        searched[text] += times
        found[text] += total * times
    return searched, found


def test_most_searched_and_not_found_keep_only_public_texts_searched_three_times(cluster):
    figures = numbers.build_figures()
    searched, found = public_search_counts()
    often = {text: n for text, n in searched.items() if n >= SUPPRESS_BELOW}
    assert rows(figures["searched"]) == often
    # The skills gaps: words that found no member any time they were searched.
    gaps = {t: n for t, n in often.items() if not found[t]}
    assert rows(figures["not-found"]) == gaps
    assert {"drone filming", "puppeteer"} == set(gaps)
    assert "colour grading" not in gaps  # found two members
    labels = [row.label for row in figures["searched"].rows]
    assert labels == sorted(often, key=lambda t: (-often[t], t))
    assert "kiln animation" not in labels  # searched twice
    assert "" not in labels  # the redacted search


@pytest.fixture
def page_html(cluster, client):
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def svgs(html: str) -> list[ET.Element]:
    return [
        ET.fromstring(match)  # noqa: S314 - the site's own page, in a test
        for match in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
        if 'class="chart' in match
    ]


SVG = "{http://www.w3.org/2000/svg}"


def test_each_chart_is_accessible_svg_with_its_table_and_csv_link(page_html):
    figures = numbers.build_figures()
    drawn = svgs(page_html)
    assert len(drawn) == len(figures)
    for svg in drawn:
        assert svg.get("role") == "img"
        assert re.fullmatch(r"0 0 \d+ \d+", svg.get("viewBox"))
        assert svg.get("width") is None and svg.get("height") is None  # scales to its column
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert svg.get("aria-labelledby") == title.get("id")
        assert svg.get("aria-describedby") == desc.get("id")
        assert title.text and desc.text
        assert svg.find(f".//{SVG}script") is None
    for slug, figure in figures.items():
        assert f'href="/cluster-in-numbers/csv/{slug}/"' in page_html
        for row in figure.rows:
            assert f'<th scope="row">{row.label}</th><td class="numeric">{row.shown_as}</td>' in (
                page_html
            ), (slug, row)
    assert "<script" not in page_html.split("<main", 1)[-1].split("</main>", 1)[0]


def drawn_labels(svg: ET.Element) -> set[str]:
    return {el.text for el in svg.iter(f"{SVG}title") if el.text and ":" in el.text}


def test_counts_below_three_are_suppressed_in_chart_table_csv_and_map(page_html, client):
    figures = numbers.build_figures()
    by_id = {
        svg.find(f"{SVG}title").get("id").removesuffix("-title"): svg for svg in svgs(page_html)
    }
    small = 0
    for slug, figure in figures.items():
        csv_rows = list(csv.reader(io.StringIO(client.get(f"{URL}csv/{slug}/").content.decode())))
        csv_labels = {line[0] for line in csv_rows[1:]}
        drawn = drawn_labels(by_id[slug]) if slug in by_id else set()
        for row in figure.rows:
            if row.count is None:
                small += 1
                assert row.label not in csv_labels
                assert not any(label.startswith(f"{row.label}:") for label in drawn)
                assert f'<th scope="row">{row.label}</th><td class="numeric">{SUPPRESSED}</td>' in (
                    page_html
                )
            else:
                assert f"{row.label}: {row.count}" in drawn
                assert [row.label, str(row.count)] == next(
                    line[:2] for line in csv_rows if line[0] == row.label
                )
        # No count below three anywhere in the CSV.
        assert all(int(line[1]) >= SUPPRESS_BELOW for line in csv_rows[1:])
    assert small >= 4  # the fixture has small sectors, a small town, small years
    # The map draws no dot for Stafford (one listed member) and says so in the table.
    assert rows(figures["map"])["Stafford"] is None
    assert not any(t.startswith("Stafford:") for t in drawn_labels(by_id["map"]))


def test_csv_downloads(cluster, client):
    for slug, figure in numbers.build_figures().items():
        response = client.get(f"{URL}csv/{slug}/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"] == f'attachment; filename="{slug}.csv"'
        lines = list(csv.reader(io.StringIO(response.content.decode())))
        assert lines[0][:2] == [figure.label_heading, figure.count_heading]
        assert [line[0] for line in lines[1:]] == [row.label for row in figure.shown_rows]
    map_csv = list(csv.reader(io.StringIO(client.get(f"{URL}csv/map/").content.decode())))
    hanley = Place.objects.get(slug="hanley")
    assert ["Hanley", "4", str(hanley.longitude), str(hanley.latitude)] in map_csv
    assert client.get(f"{URL}csv/nothing-here/").status_code == 404
    assert client.get(f"{URL}csv/").status_code == 404


def test_csv_cells_never_start_a_formula():
    from insight.pages import csv_cell

    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_cell("animation") == "animation"


def test_no_personal_data_on_the_page_or_in_any_csv(page_html, client):
    texts = [page_html] + [
        client.get(f"{URL}csv/{slug}/").content.decode() for slug in numbers.build_figures()
    ]
    for text in texts:
        for personal in PERSONAL:
            assert personal not in text
        for name, *_ in MEMBERS:
            assert name not in text  # companies are counted, never named


def test_figures_are_kept_and_the_page_writes_nothing(cluster, client):
    client.get(URL)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
        assert client.get(f"{URL}csv/sectors/").status_code == 200
    statements = [q["sql"] for q in captured.captured_queries]
    assert not [s for s in statements if re.match(r"\s*(INSERT|UPDATE|DELETE)", s, re.I)]
    # The figures' grouped queries are not run again while they are kept.
    assert not [s for s in statements if "insight_searchevent" in s]


def test_publishing_a_member_refreshes_the_figures(cluster, client):
    before = rows(numbers.cluster_figures()["places"])
    for n in range(SUPPRESS_BELOW):
        company(f"New Stafford member {n}", place=Place.objects.get(slug="stafford"))
    after = rows(numbers.cluster_figures()["places"])
    assert before["Stafford"] is None
    assert after["Stafford"] == 1 + SUPPRESS_BELOW


def test_an_empty_cluster_shows_empty_charts_without_error(client):
    home = make_home()
    page = ClusterNumbersPage(title="Numbers", slug="cluster-in-numbers")
    home.add_child(instance=page)
    page.save_revision().publish()
    html = client.get(URL).content.decode()
    assert "No figure here is large enough to show yet." in html
    assert client.get(f"{URL}csv/sectors/").content.decode().strip() == "Sector,Members"


def test_the_map_projects_towns_inside_the_county_outline():
    county = next(shape for shape in charts.outline() if shape["role"] == "county")
    project = charts.Projection([county["ring"]])
    ring = [project(*point) for point in county["ring"]]

    def inside(x, y):
        crossings = False
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                crossings = not crossings
        return crossings

    for place in Place.objects.all():
        assert inside(*project(place.longitude, place.latitude)), place.name
    xs = [x for x, _ in ring]
    assert min(xs) == charts.MAP_PAD and max(xs) == pytest.approx(charts.MAP_WIDTH - charts.MAP_PAD)


def test_nice_steps():
    for most in (1, 3, 7, 12, 45, 60, 130, 999):
        step = charts.nice_step(most)
        assert str(step).strip("0") in ("1", "2", "5")
        assert 2 <= -(-most // step) <= 8 or most < 4


def test_map_labels_cover_no_other_label_or_dot():
    places = list(Place.objects.all())
    figure = numbers.Figure(
        "map",
        "Where members are",
        "map",
        "Town",
        "Members",
        [numbers.Row(p.name, 3 + n % 7, p.longitude, p.latitude) for n, p in enumerate(places)],
    )
    drawn = charts.town_map(figure)
    assert len(drawn["dots"]) == len(places)
    dots = [
        (d["x"] - d["r"], d["y"] - d["r"], d["x"] + d["r"], d["y"] + d["r"]) for d in drawn["dots"]
    ]
    labels = []
    for dot in drawn["dots"]:
        if "text_x" not in dot:
            continue
        width = charts.LABEL_CHAR * len(f"{dot['label']} {dot['count']}")
        left = dot["text_x"] if dot["anchor"] == "start" else dot["text_x"] - width
        labels.append((left, dot["y"] - 9, left + width, dot["y"] + 9))
    assert labels, "some towns are labelled"
    for n, box in enumerate(labels):
        assert box[0] >= 0 and box[2] <= charts.MAP_WIDTH
        assert not any(charts._overlap(box, other) for other in labels[:n] + labels[n + 1 :])
        assert not any(charts._overlap(box, dot) for dot in dots)
