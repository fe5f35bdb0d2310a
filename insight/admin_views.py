"""The editors' search report in the Wagtail admin (Reports › Searches), with CSV export,
and its summary on the admin's dashboard.

Only people with the ``insight.view_searchevent`` permission see it: Wagtail's
Editors and Moderators groups (migration 0002) and superusers; a member
signed in to the member area never does.
"""

from __future__ import annotations

import csv
import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import AdminDateInput

from directory.search.models import SearchPin

from . import search_actions
from .models import SkillsGap
from .reporting import FEW_RESULTS, few_results, filters_used, searches_between, weekly

PERMISSION = "insight.view_searchevent"
DEFAULT_DAYS = 30
PAGE_SIZE = 50


def can_view(user) -> bool:
    return user.is_active and user.has_perm(PERMISSION)


class SearchReportForm(forms.Form):
    start = forms.DateField(label="From", required=False, widget=AdminDateInput)
    end = forms.DateField(label="To", required=False, widget=AdminDateInput)
    results = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "Every search"),
            ("few", f"No or few results (on average {FEW_RESULTS} or fewer)"),
        ],
    )

    def range(self) -> tuple[datetime.date, datetime.date]:
        """The dates asked for, or the last ``DEFAULT_DAYS``; never reversed."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or end - datetime.timedelta(days=DEFAULT_DAYS - 1)
        return (start, end) if start <= end else (end, start)


def search_report(request):
    if not can_view(request.user):
        raise PermissionDenied
    form = SearchReportForm(request.GET or None)
    start, end = form.range()
    rows = searches_between(start, end)
    only_few = form.is_bound and form.is_valid() and form.cleaned_data["results"] == "few"
    if only_few:
        rows = few_results(rows)
    if request.GET.get("export") == "csv":
        return _csv(rows, start, end)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("p"))
    gaps = list(SkillsGap.objects.all())
    _annotate(page.object_list, gaps)
    query = request.GET.copy()
    query.pop("p", None)
    query["export"] = "csv"
    return TemplateResponse(
        request,
        "insight/search_report.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "page": page,
            "total_searches": sum(row.searches for row in rows),
            "filters_used": filters_used(rows),
            "weeks": weekly(start, end),
            "can_add_synonym": can_add_synonym(request.user),
            "can_pin": search_actions.can_pin(request.user),
            "can_mark_gap": search_actions.can_mark_gap(request.user),
            "can_act": can_add_synonym(request.user)
            or search_actions.can_pin(request.user)
            or search_actions.can_mark_gap(request.user),
            "skills_gaps": gaps,
            "can_remove_gap": request.user.has_perm("insight.delete_skillsgap"),
            "few_results": FEW_RESULTS,
            "only_few": only_few,
            "csv_query": query.urlencode(),
            "other_params": _without(request.GET, "p"),
        },
    )


def _annotate(rows, gaps) -> None:
    """Give each row of the page its skills gap and its editors' picks (two queries)."""
    gap_by_text = {gap.text: gap for gap in gaps}
    pins: dict[str, list] = {}
    texts = {row.text for row in rows if row.text}
    for pin in SearchPin.objects.filter(text__in=texts).select_related("company"):
        pins.setdefault(pin.text, []).append(pin)
    for row in rows:
        row.skills_gap = gap_by_text.get(row.text) if row.text else None
        row.pins = pins.get(row.text, [])


def _without(params, name: str) -> str:
    params = params.copy()
    params.pop(name, None)
    return params.urlencode()


def _csv(rows, start, end) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="searches-{start}-to-{end}.csv"'
    writer = csv.writer(response)
    writer.writerow(["search", "filters", "near", "searches", "found nothing", "mean results"])
    for row in rows:
        writer.writerow(
            [
                _spreadsheet_safe(row.label),
                row.filters,
                row.near,
                row.searches,
                row.no_results,
                f"{row.mean_results:.1f}",
            ]
        )
    return response


def _spreadsheet_safe(value: str) -> str:
    # Search text is typed by anyone: a cell starting with = + - @ would be a
    # formula in a spreadsheet (CSV injection), so it is quoted as text.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class SearchesPanel(Component):
    """The dashboard's view of the report: the last 30 days' top searches and gaps."""

    name = "insight_searches"
    template_name = "insight/searches_panel.html"
    order = 140  # above the editors' own work (moderation, locks, edits)
    shown = 5

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        end = timezone.localdate()
        rows = searches_between(end - datetime.timedelta(days=DEFAULT_DAYS - 1), end)
        context.update(
            top=rows[: self.shown],
            gaps=few_results(rows)[: self.shown],
            days=DEFAULT_DAYS,
            report_url=reverse("insight_searches"),
        )
        return context


# --- acting on a search that found nothing: a synonym --------------------------

SYNONYM_PERMISSION = "directory_search.add_synonym"


def can_add_synonym(user) -> bool:
    return can_view(user) and user.has_perm(SYNONYM_PERMISSION)


class AddSynonymForm(forms.Form):
    search = forms.CharField(label="Commissioners searched for", max_length=100)
    means = forms.CharField(
        label="Which means",
        max_length=150,
        help_text="Words members use for it, e.g. “aerial filming”. Separate several with commas.",
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        from directory.search.models import Synonym

        terms = ", ".join(
            part.strip() for part in [data["search"], *data["means"].split(",")] if part.strip()
        )
        synonym = Synonym(terms=terms, one_way=True)
        try:
            synonym.full_clean()
        except forms.ValidationError as error:
            raise forms.ValidationError(
                [message for messages in error.message_dict.values() for message in messages]
            ) from error
        data["synonym"] = synonym
        return data


def add_synonym(request):
    """A one-way synonym from a search's words: that search then finds what members call it."""
    if not can_add_synonym(request.user):
        raise PermissionDenied
    form = AddSynonymForm(request.POST or None, initial={"search": request.GET.get("q", "")[:100]})
    if request.method == "POST" and form.is_valid():
        synonym = form.cleaned_data["synonym"]
        synonym.save()
        messages.success(
            request, f"A search for “{synonym.term_list[0]}” now also looks for {synonym.terms}."
        )
        return redirect("insight_searches")
    return TemplateResponse(request, "insight/add_synonym.html", {"form": form})
