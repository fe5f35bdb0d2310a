"""The public cluster in numbers page, in headless Chromium: desktop, phone and no JavaScript.

A board member reads the charts, opens a chart's table and downloads its CSV;
axe-core checks the page at both sizes; on a phone nothing is wider than the
screen; with JavaScript off every chart is still drawn.
"""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from insight import numbers
from tests.insight.test_numbers import cluster  # noqa: F401 (a fixture)

URL = "/cluster-in-numbers/"
pytestmark = pytest.mark.usefixtures("cluster")


def test_a_reader_sees_every_chart_opens_a_table_and_downloads_its_csv(page, axe_check, screenshot):
    figures = numbers.build_figures()
    page.goto(URL)
    page.get_by_role("heading", name="The cluster in numbers", level=1).wait_for()
    for figure in figures.values():
        expect(page.get_by_role("img", name=figure.title, exact=True)).to_be_visible()
    axe_check(page, "cluster-numbers-desktop")
    screenshot(page, "cluster-numbers-desktop")

    sectors = figures["sectors"]
    page.get_by_text(f"{sectors.title}: the figures as a table").click()
    table = page.get_by_role("table", name=sectors.title)
    expect(table).to_be_visible()
    first = sectors.rows[0]
    expect(table.get_by_role("row", name=f"{first.label} {first.shown_as}")).to_be_visible()
    axe_check(page, "cluster-numbers-table-open")

    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download “{sectors.title}” as CSV").click()
    assert download.value.suggested_filename == "sectors.csv"
    lines = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert [line[0] for line in lines[1:]] == [row.label for row in sectors.shown_rows]


def test_on_a_phone_the_charts_fit_the_screen(phone_page, axe_check, screenshot):
    phone_page.goto(URL)
    phone_page.get_by_role("heading", name="The cluster in numbers", level=1).wait_for()
    width = phone_page.evaluate("() => document.documentElement.clientWidth")
    assert phone_page.evaluate("() => document.documentElement.scrollWidth") <= width
    widths = phone_page.locator("svg.chart").evaluate_all(
        "charts => charts.map(c => c.getBoundingClientRect().width)"
    )
    assert len(widths) == len(numbers.build_figures())
    assert all(0 < w <= width for w in widths)
    axe_check(phone_page, "cluster-numbers-phone")
    screenshot(phone_page, "cluster-numbers-phone")


def test_without_javascript_every_chart_and_table_is_there(new_context, screenshot):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(URL)
    figures = numbers.build_figures()
    for figure in figures.values():
        expect(page.get_by_role("img", name=figure.title, exact=True)).to_be_visible()
    page.get_by_text("Members by place: the figures as a table").click()  # <details>, no script
    expect(page.get_by_role("table", name="Members by place")).to_be_visible()
    screenshot(page, "cluster-numbers-no-js")
