"""Shortlists at /shortlist/: the button, the lists, notes, sharing, CSV, and one brief to many.

Every view about a list finds it among the signed-in commissioner's own
(:func:`own_list_or_404`): another person's list id is a 404, as is a share
token that was revoked or never existed.
"""

import csv

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from cms.csrf import same_origin
from directory.contact_privacy import visible_contact
from directory.forms import EnquiryForm
from directory.models import listed_q
from directory.profile import enquiry_rate_limited, save_enquiry

from . import shortlists
from .forms import BriefRecipientsForm, ShortlistNameForm, ShortlistNoteForm, ShortlistRenameForm
from .models import Shortlist, ShortlistEntry, is_commissioner
from .views import commissioner_required

# One brief reaches at most this many companies: more is a mailing list.
MAX_BRIEF_COMPANIES = 20


def own_list_or_404(request, list_id) -> Shortlist:
    return get_object_or_404(Shortlist, pk=list_id, owner=request.user)


def entries_of(shortlist):
    return list(
        shortlist.entries.filter(listed_q("company__"))
        .select_related("company", "company__place")
        .order_by("added_at", "pk")
    )


def _back(request, company_id=None) -> str:
    """Where the button was pressed (the Referer, when it is this site), at the company's card."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = referer.split("#", 1)[0]
    else:
        target = reverse("shortlist:home")
    return f"{target}#shortlist-{company_id}" if company_id else target


def shortlist_home(request):
    """The visitor's shortlist: a commissioner's lists, or the session's companies."""
    if is_commissioner(request.user):
        lists = Shortlist.objects.of(request.user).annotate(size=Count("entries"))
        if not lists:
            Shortlist.default_for(request.user)
            lists = Shortlist.objects.of(request.user).annotate(size=Count("entries"))
        context = {"lists": lists, "new_list_form": ShortlistNameForm()}
        return render(request, "commissioners/shortlist_lists.html", context)
    context = {"companies": shortlists.session_companies(request)}
    return render(request, "commissioners/shortlist_session.html", context)


@csrf_exempt  # the button sits on pages the page cache keeps: checked by origin instead
@require_POST
def toggle(request):
    """The shortlist button: add the company, or take it off again (works without JavaScript)."""
    if not same_origin(request):
        return HttpResponse("The form was sent from another site.", status=403)
    company = shortlists.listed_company_or_404(request.POST.get("company"))
    shortlist = None
    if request.POST.get("list") and is_commissioner(request.user):
        shortlist = own_list_or_404(request, _int_or_404(request.POST["list"]))
    added = shortlists.toggle(request, company, shortlist)
    where = shortlist.name if shortlist else "your shortlist"
    if added:
        messages.success(request, f"{company.title} is on {where}.")
    else:
        messages.success(request, f"{company.title} is off {where}.")
    if shortlist is not None:
        return redirect("shortlist:detail", shortlist.pk)
    return redirect(_back(request, company.pk))


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such list") from None


@commissioner_required
@require_POST
def new_list(request):
    form = ShortlistNameForm(request.POST)
    if not form.is_valid():
        lists = Shortlist.objects.of(request.user).annotate(size=Count("entries"))
        context = {"lists": lists, "new_list_form": form}
        return render(request, "commissioners/shortlist_lists.html", context, status=400)
    shortlist = form.save(commit=False)
    shortlist.owner = request.user
    shortlist.save()
    messages.success(request, f"New list: {shortlist.name}.")
    return redirect("shortlist:detail", shortlist.pk)


@commissioner_required
def detail(request, list_id):
    shortlist = own_list_or_404(request, list_id)
    entries = entries_of(shortlist)
    for entry in entries:
        # One form per company on the page: ids of their own, the same field name.
        entry.note_form = ShortlistNoteForm(instance=entry, auto_id=f"note-{entry.company_id}-%s")
        entry.note_form.fields["note"].label = f"Private note on {entry.company.title}"
    share_url = (
        request.build_absolute_uri(reverse("shortlist:shared", args=[shortlist.share_token]))
        if shortlist.share_token
        else ""
    )
    context = {
        "shortlist": shortlist,
        "entries": entries,
        "share_url": share_url,
        "other_lists": Shortlist.objects.of(request.user).exclude(pk=shortlist.pk),
    }
    return render(request, "commissioners/shortlist_detail.html", context)


@commissioner_required
@require_POST
def note(request, list_id, company_id):
    shortlist = own_list_or_404(request, list_id)
    entry = get_object_or_404(ShortlistEntry, shortlist=shortlist, company_id=company_id)
    form = ShortlistNoteForm(request.POST, instance=entry)
    if not form.is_valid():
        messages.error(request, f"The note on {entry.company.title}: {form.errors['note'][0]}")
        return redirect("shortlist:detail", shortlist.pk)
    if form.has_changed():
        form.save()
        messages.success(request, f"Note on {entry.company.title} saved.")
    else:
        messages.info(request, "Nothing changed.")
    return redirect(reverse("shortlist:detail", args=[shortlist.pk]) + f"#shortlist-{company_id}")


@commissioner_required
@require_POST
def remove(request, list_id, company_id):
    shortlist = own_list_or_404(request, list_id)
    entry = get_object_or_404(ShortlistEntry, shortlist=shortlist, company_id=company_id)
    entry.delete()
    messages.success(request, f"{entry.company.title} is off {shortlist.name}.")
    return redirect("shortlist:detail", shortlist.pk)


RENAMED_MEANWHILE = (
    "The list was renamed meanwhile (in another window?), so nothing was saved. "
    "Its name now is above; your new name is kept below: send it again to keep yours."
)


@commissioner_required
def rename(request, list_id):
    shortlist = own_list_or_404(request, list_id)
    form = ShortlistRenameForm(request.POST or None, instance=shortlist)
    context = {"shortlist": shortlist, "form": form}
    if request.method != "POST":
        return render(request, "commissioners/shortlist_rename.html", context)
    if form.is_stale():
        messages.error(request, RENAMED_MEANWHILE)
        data = request.POST.copy()
        data["based_on"] = form.saved_name  # sending it again now renames
        shortlist.name = form.saved_name
        again = ShortlistRenameForm(data, instance=shortlist)
        context = {"shortlist": shortlist, "form": again, "stale": True}
        return render(request, "commissioners/shortlist_rename.html", context, status=409)
    if not form.is_valid():
        shortlist.name = form.saved_name  # the page's heading: the name it still has
        return render(request, "commissioners/shortlist_rename.html", context, status=400)
    if not form.has_changed():
        messages.info(request, "Nothing changed.")
        return redirect("shortlist:detail", shortlist.pk)
    form.save()
    messages.success(request, f"Renamed: {form.saved_name} is now {shortlist.name}.")
    return redirect("shortlist:detail", shortlist.pk)


@commissioner_required
def delete_list(request, list_id):
    """Asks first (GET), deletes on the confirming POST."""
    shortlist = own_list_or_404(request, list_id)
    if shortlist.is_default:
        messages.error(request, "Your default list stays; remove its companies instead.")
        return redirect("shortlist:detail", shortlist.pk)
    if request.method != "POST":
        size = shortlist.entries.filter(listed_q("company__")).count()
        context = {"shortlist": shortlist, "size": size}
        return render(request, "commissioners/shortlist_delete.html", context)
    shortlist.delete()
    messages.success(request, f"List deleted: {shortlist.name}.")
    return redirect("shortlist:home")


@commissioner_required
@require_POST
def share(request, list_id):
    shortlist = own_list_or_404(request, list_id)
    shortlist.share()
    messages.success(request, "Anyone with the link can now see this list (not your notes).")
    return redirect("shortlist:detail", shortlist.pk)


@commissioner_required
@require_POST
def revoke(request, list_id):
    shortlist = own_list_or_404(request, list_id)
    shortlist.revoke_share()
    messages.success(request, "The share link no longer works.")
    return redirect("shortlist:detail", shortlist.pk)


@require_GET
def shared(request, token):
    """A shared list, read only: the companies, never the owner's notes."""
    shortlist = Shortlist.objects.filter(share_token=token).first() if token else None
    if shortlist is None:
        raise Http404("This list is not shared (any more).")
    context = {"shortlist": shortlist, "entries": entries_of(shortlist)}
    response = render(request, "commissioners/shortlist_shared.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the path
    return response


@commissioner_required
@require_GET
def export_csv(request, list_id):
    shortlist = own_list_or_404(request, list_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = slugify(shortlist.name) or "shortlist"
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow(["Company", "Profile", "Place", "Website", "Email", "Phone", "Note"])
    for entry in entries_of(shortlist):
        company = entry.company
        # Only the details this commissioner may see (a company may show them to nobody).
        contact = visible_contact(company, request.user)
        writer.writerow(
            [
                _cell(company.title),
                request.build_absolute_uri(company.url or ""),
                _cell(company.place.name if company.place else ""),
                _cell(company.website),
                _cell(contact.email),
                _cell(contact.phone),
                _cell(entry.note),
            ]
        )
    return response


def _cell(value) -> str:
    """No spreadsheet formulas from a cell that someone else typed."""
    value = str(value or "")
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@commissioner_required
def brief(request, list_id):
    """One enquiry to every company on the list: one Enquiry each, each mailed only its own."""
    shortlist = own_list_or_404(request, list_id)
    entries = entries_of(shortlist)[:MAX_BRIEF_COMPANIES]
    companies = [entry.company for entry in entries]
    profile = getattr(request.user, "commissioner", None)
    initial = {
        "name": request.user.get_full_name(),
        "email": request.user.email,
        "organisation": profile.organisation if profile else "",
    }
    form = EnquiryForm(request.POST or None, initial=initial)
    recipients = BriefRecipientsForm(request.POST or None, companies=companies)
    context = {
        "shortlist": shortlist,
        "companies": companies,
        "form": form,
        "recipients": recipients,
    }
    if request.method != "POST":
        return render(request, "commissioners/brief.html", context)
    if form.is_bot:
        return redirect("shortlist:detail", shortlist.pk)  # as if it went; nothing kept
    if not companies:
        messages.error(request, "There is nobody on this list to send a brief to.")
        return redirect("shortlist:detail", shortlist.pk)
    if enquiry_rate_limited(request):
        return render(
            request, "commissioners/brief.html", {**context, "rate_limited": True}, status=429
        )
    # Both forms checked, so one answer lists every mistake.
    if not (form.is_valid() & recipients.is_valid()):
        return render(request, "commissioners/brief.html", context, status=400)
    chosen = recipients.chosen()
    with transaction.atomic():  # every company's enquiry and email, or none
        for company in chosen:
            save_enquiry(form, company)
    names = ", ".join(company.title for company in chosen)
    count = f"{len(chosen)} compan{'y' if len(chosen) == 1 else 'ies'}"
    messages.success(request, f"Your brief went to {count}: {names}.")
    return redirect("shortlist:detail", shortlist.pk)
