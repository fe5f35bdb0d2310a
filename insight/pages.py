"""The public "cluster in numbers" page (``/cluster-in-numbers/`` in the demo).

Editors place it under the home page and write its introduction; the figures
are the site's own (``insight.numbers``), drawn as SVG on the server
(``insight.charts``), each with its table and a CSV download at
``csv/<chart>/`` (Wagtail's page URLs have no dots, so the file's name,
``<chart>.csv``, comes in the download's header).
"""

from __future__ import annotations

import csv

from django.http import Http404, HttpResponse

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.privacy import CachedPrivacyMixin

from . import charts
from .numbers import SUPPRESS_BELOW, SUPPRESSED, cluster_figures

# Text a spreadsheet would run as a formula if a cell started with it.
FORMULA_START = ("=", "+", "-", "@")


def csv_cell(value) -> str:
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


class ClusterNumbersPage(CachedPrivacyMixin, RoutablePageMixin, Page):
    """Members by sector, department and place, a map, growth, projects and searches."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        app_label = "insight"
        verbose_name = "cluster in numbers page"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        base = self.get_url(request) or self.url or "/"
        context["charts"] = [
            {"figure": figure, "drawn": charts.drawn(figure), "csv_url": f"{base}csv/{slug}/"}
            for slug, figure in cluster_figures().items()
        ]
        context["suppress_below"] = SUPPRESS_BELOW
        context["suppressed"] = SUPPRESSED
        return context

    @path("")
    def index(self, request):
        return self.render(request)

    @path("csv/<slug:chart>/", name="csv")
    def chart_csv(self, request, chart: str):
        """One chart's figures as CSV: the rows it draws (suppressed counts left out)."""
        figure = cluster_figures().get(chart)
        if figure is None:
            raise Http404("No such chart.")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{figure.slug}.csv"'
        writer = csv.writer(response)
        header = [figure.label_heading, figure.count_heading]
        if figure.kind == "map":
            header += ["Longitude", "Latitude"]
        writer.writerow(header)
        for row in figure.shown_rows:
            cells = [csv_cell(row.label), row.count]
            if figure.kind == "map":
                cells += [row.lon, row.lat]
            writer.writerow(cells)
        return response
