"""Saved searches at /commissioners/searches/: save the directory's search, list, change, delete.

Every view about one search finds it among the signed-in commissioner's own
(:func:`own_search_or_404`): another person's search id is a 404. The
unsubscribe link of an alert email needs no sign-in: its signed token names
the search and its owner (``alerts.search_for_token``); GET shows a button
(mail scanners follow links, they do not press buttons), POST turns the
emails off.
"""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from django_ratelimit.decorators import ratelimit

from directory.models import DirectoryIndexPage
from members.views import too_many_requests

from . import alerts
from .forms import STALE_SEARCH, SavedSearchForm, version_of
from .models import SavedSearch
from .views import commissioner_required

# More than this is a mailing list of the whole directory.
MAX_SAVED_SEARCHES = 50


def own_search_or_404(request, search_id) -> SavedSearch:
    return get_object_or_404(SavedSearch, pk=search_id, owner=request.user)


def _edit_form(saved, data=None):
    return SavedSearchForm(data, instance=saved, auto_id=f"search-{saved.pk}-%s")


def _list(request, forms=None, status=200):
    searches = list(SavedSearch.objects.of(request.user))
    forms = forms or {}
    for saved in searches:
        saved.form = forms.get(saved.pk) or _edit_form(saved)
        saved.url = alerts.search_url(saved)
        saved.described = alerts.describe(saved.query_string)
    context = {
        "searches": searches,
        "active": "searches",
        "directory_url": DirectoryIndexPage.live_url(),
    }
    return render(request, "commissioners/saved_searches.html", context, status=status)


@commissioner_required
def saved_searches(request):
    return _list(request)


@commissioner_required
@ratelimit(key="user", rate="30/h", method="POST", block=False)
def save_search(request):
    """The directory's "Save this search" (a GET link with its parameters): name it, save it."""
    query_string = alerts.normalised_query_string(request.GET)
    form = SavedSearchForm(request.POST or None)
    context = {
        "form": form,
        "query_string": query_string,
        "described": alerts.describe(query_string),
        "search_link": alerts.search_url(SavedSearch(query_string=query_string)),
        "active": "searches",
    }
    if request.method != "POST":
        return render(request, "commissioners/save_search.html", context)
    if getattr(request, "limited", False):
        return too_many_requests(request, "saved searches")
    if SavedSearch.objects.of(request.user).count() >= MAX_SAVED_SEARCHES:
        form.add_error(None, f"You have {MAX_SAVED_SEARCHES} saved searches: delete one first.")
        return render(request, "commissioners/save_search.html", context, status=400)
    if not form.is_valid():
        return render(request, "commissioners/save_search.html", context, status=400)
    saved = form.save(commit=False)
    saved.owner = request.user
    saved.query_string = query_string
    saved.save()
    if saved.alerts_on:
        what = f"{saved.get_frequency_display().lower()}s of the companies that are new to it"
        messages.success(request, f"Search saved: {saved.name}. You will get {what}.")
    else:
        messages.success(request, f"Search saved: {saved.name}.")
    return redirect("commissioners:saved_searches")


@commissioner_required
@require_POST
def edit_search(request, search_id):
    """Rename a search or change how often it emails (from the list's form for it)."""
    with transaction.atomic():
        saved = own_search_or_404(request, search_id)
        saved = SavedSearch.objects.select_for_update().get(pk=saved.pk)
        form = _edit_form(saved, request.POST)
        if not form.is_valid():
            if not form.stale:
                return _list(request, {saved.pk: form}, status=400)
            # Keep what was typed, against the version now stored, and say why.
            data = request.POST.copy()
            data["version"] = version_of(saved)
            form = _edit_form(saved, data)
            form.is_valid()
            form.add_error(None, STALE_SEARCH)
            return _list(request, {saved.pk: form}, status=409)
        if not form.has_changed():
            messages.info(request, "Nothing changed.")
            return redirect("commissioners:saved_searches")
        form.save()
    messages.success(request, f"Search saved: {saved.name}, {saved.get_frequency_display()}.")
    return redirect(reverse("commissioners:saved_searches") + f"#search-{saved.pk}")


@commissioner_required
@require_POST
def delete_search(request, search_id):
    saved = own_search_or_404(request, search_id)
    saved.delete()
    messages.success(request, f"Search deleted: {saved.name}.")
    return redirect("commissioners:saved_searches")


@csrf_exempt  # the signed token is the credential; mail clients POST here (RFC 8058)
@ratelimit(key="ip", rate="30/h", method="POST", block=False)
def unsubscribe(request, token):
    """No sign-in: GET asks (a button), POST stops the emails of the search the token names."""
    try:
        saved = alerts.search_for_token(token)
    except alerts.BadToken as error:
        state = "expired" if error.expired else "invalid"
        status = 410 if error.expired else 400
        return render(
            request, "commissioners/unsubscribe_invalid.html", {"state": state}, status=status
        )
    if saved is None:
        return render(
            request, "commissioners/unsubscribe_invalid.html", {"state": "gone"}, status=404
        )
    if request.method == "POST":
        if getattr(request, "limited", False):
            return too_many_requests(request, "requests")
        SavedSearch.objects.filter(pk=saved.pk).update(frequency=SavedSearch.Frequency.NEVER)
        return render(request, "commissioners/unsubscribed.html", {"saved": saved})
    context = {"saved": saved}
    response = render(request, "commissioners/unsubscribe.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the path
    return response
