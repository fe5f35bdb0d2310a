"""Every form we wrote, submitted exactly as it rendered, changes nothing.

Each case opens a page as the person who uses it, reads the form back from
the HTML (every input, ticked box, selected option, textarea and hidden field,
formset management forms included) and posts just that. An edit form must
leave the page as it was, with no new revision; a form that creates something
must answer its empty self with a clear message, store nothing and never 500.

``test_every_form_has_a_round_trip`` fails when a form class appears in our
apps without a case here, and each case checks that its page really builds
the forms it claims to cover.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urldefrag

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from wagtail.contrib.forms.models import FormMixin, FormSubmission
from wagtail.models import Page, Revision, WorkflowState

import pytest

from cms.models import ContactPage
from commissioners.forms import (
    BecomeCommissionerForm,
    BriefRecipientsForm,
    CommissionerSignupForm,
    SavedSearchForm,
    ShortlistNameForm,
    ShortlistNoteForm,
    ShortlistRenameForm,
)
from commissioners.models import Commissioner, SavedSearch, Shortlist
from commissioners.views import ResendForm
from directory.forms import EnquiryForm, ProductionMergeForm
from directory.models import Enquiry, Production
from directory.search.models import SearchPin, Synonym
from insight.admin_views import AddSynonymForm, SearchReportForm
from insight.models import SkillsGap
from insight.search_actions import PinCompanyForm, SkillsGapForm
from members.forms import (
    AvailabilityForm,
    CompanyProfileForm,
    ContactVisibilityForm,
    GalleryFormSet,
    GalleryRowForm,
    HoneypotMixin,
    InviteForm,
    JoinForm,
    LiveSettingsForm,
    MemberLoginForm,
    MemberPageForm,
    MemberPasswordResetForm,
    NewPasswordMixin,
)
from members.models import Invitation
from members.notifications import QueuedPasswordResetForm
from members.projects import AwardRowForm, ProjectForm
from tests.cms.factories import contact_page
from tests.commissioners.factories import commissioner
from tests.form_html import rendered_form
from tests.members.factories import editor, member, rich_company, rich_project
from tests.showcase.factories import showcase_index

pytestmark = pytest.mark.django_db

OUR_PACKAGES = ("cms", "directory", "showcase", "insight", "members", "commissioners")
# Classes that are parts of the forms above, not forms anyone opens by themselves.
PARTS = {
    HoneypotMixin: "a mixin of MemberPasswordResetForm",
    MemberPasswordResetForm: "the base of QueuedPasswordResetForm (its email goes to the outbox)",
    NewPasswordMixin: "the password fields of JoinForm and CommissionerSignupForm",
    MemberPageForm: "the base of CompanyProfileForm and ProjectForm",
    LiveSettingsForm: "the base of AvailabilityForm and ContactVisibilityForm",
    GalleryRowForm: "a gallery row of the profile and project forms",
    GalleryFormSet: "the gallery of the profile and project forms",
    AwardRowForm: "an award row of the project form",
    SearchReportForm: "the search report's date range: a GET form that stores nothing",
}


def signed_in(person):
    browser = Client()
    browser.force_login(person)
    return browser


def page_state(page):
    """Everything a save could change about ``page``: its content, live and pending, and history.

    A row that is not a page (a skills gap's note, a shortlist's note) is
    compared column by column.
    """
    if not isinstance(page, Page):
        return type(page).objects.filter(pk=page.pk).values().get()
    page = type(page).objects.get(pk=page.pk)
    return {
        "live": page.serializable_data(),
        "working": page.get_latest_revision_as_object().serializable_data(),
        "revisions": list(page.revisions.values_list("pk", flat=True)),
        "workflows": WorkflowState.objects.for_instance(page).count(),
    }


def stored():
    """What the create forms could store or send."""
    return {
        "enquiries": Enquiry.objects.count(),
        "productions": Production.objects.count(),
        "submissions": FormSubmission.objects.count(),
        "invitations": Invitation.objects.count(),
        "users": get_user_model().objects.count(),
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "mail": len(mail.outbox),
        "synonyms": Synonym.objects.count(),
        "pins": SearchPin.objects.count(),
        "skills gaps": SkillsGap.objects.count(),
        "commissioners": Commissioner.objects.count(),
        "shortlists": Shortlist.objects.count(),
        "saved searches": SavedSearch.objects.count(),
    }


@dataclass
class Case:
    covers: tuple  # the form classes (or form pages) the page renders
    field: str  # a field name that picks the form out of the page
    # Makes the data; returns (browser, url, the page an edit form edits or None).
    open: Callable


def _profile():
    studio = rich_company()
    return signed_in(member(studio)), reverse("members:edit_profile", args=[studio.pk]), studio


def _profile_pending():
    """The profile while the member's own change waits for review: the form starts from it."""
    browser, url, studio = _profile()
    data = rendered_form(browser.get(url).content.decode(), containing="base_revision").data()
    data["strapline"] = "A change waiting for review"
    assert browser.post(url, data).status_code == 302
    return browser, url, studio


def _profile_with_availability():
    """The profile page's availability form, holding a date that has passed since it was
    given (it must save unchanged as it was, not be refused as a past day)."""
    browser, url, studio = _profile()
    type(studio).objects.filter(pk=studio.pk).update(
        availability="from",
        availability_date=datetime.date(2026, 1, 5),
        availability_confirmed_at=timezone.now() - datetime.timedelta(days=3),
        email_visibility="nobody",
        phone_visibility="everyone",
    )
    return browser, url, studio


def _on_own_page(opened, url_name):
    browser, _url, studio = opened
    return browser, reverse(url_name, args=[studio.pk]), studio


def _project():
    studio = rich_company()
    film = rich_project(studio)
    url = reverse("members:project_edit", args=[studio.pk, film.pk])
    return signed_in(member(studio)), url, film


def _new_project():
    showcase_index()
    studio = rich_company()
    return signed_in(member(studio)), reverse("members:project_new", args=[studio.pk]), None


def _team():
    studio = rich_company()
    return signed_in(member(studio)), reverse("members:team", args=[studio.pk]), None


def _join():
    invitation, token = Invitation.create(
        email="new.person@example.com", company=rich_company(), role="editor"
    )
    return Client(), reverse("members:accept_invitation", args=[token]), None


def _enquiry():
    return Client(), rich_company().url, None


def _merge_productions():
    """An editor merging a duplicate production: posted as rendered, no duplicate is chosen."""
    kept = Production.objects.resolve("Brick Lane North", 2024)
    Production.objects.resolve("Brik Lane North", 2024)
    url = reverse("wagtailsnippets_directory_production:merge", args=[kept.pk])
    return signed_in(editor()), url, None


def _contact():
    return Client(), contact_page().url, None


def _editor():
    from tests.insight.test_report import user

    rich_company()
    return signed_in(user("round-trip-editor", groups=["Editors"]))


def _skills_gap_note():
    gap = SkillsGap.objects.create(text="drone", note="Nobody flies drones here yet.")
    return _editor(), "/admin/reports/searches/skills-gap/?q=drone", gap


def _become():
    return signed_in(member(rich_company())), reverse("commissioners:become"), None


def _new_shortlist():
    person = commissioner()
    Shortlist.default_for(person)
    return signed_in(person), reverse("shortlist:home"), None


def _shortlisted(note=""):
    person = commissioner()
    shortlist = Shortlist.default_for(person)
    shortlist.add(rich_company())
    entry = shortlist.entries.get()
    entry.note = note
    entry.save()
    return person, shortlist, entry


def _note():
    person, shortlist, entry = _shortlisted("Strong on drama; ask about rates")
    return signed_in(person), reverse("shortlist:detail", args=[shortlist.pk]), entry


def _rename_shortlist():
    person, shortlist, _ = _shortlisted()
    return signed_in(person), reverse("shortlist:rename", args=[shortlist.pk]), shortlist


def _brief():
    person, shortlist, _ = _shortlisted()
    return signed_in(person), reverse("shortlist:brief", args=[shortlist.pk]), None


def _save_search():
    url = reverse("commissioners:save_search") + "?q=drone&verified=1"
    return signed_in(commissioner()), url, None


def _saved_search():
    person = commissioner()
    saved = SavedSearch.objects.create(owner=person, name="Drones", query_string="q=drone")
    return signed_in(person), reverse("commissioners:saved_searches"), saved


CASES = {
    "member profile": Case((CompanyProfileForm, GalleryRowForm), "base_revision", _profile),
    "member profile with a pending change": Case(
        (CompanyProfileForm, GalleryRowForm), "base_revision", _profile_pending
    ),
    "member availability": Case((AvailabilityForm,), "available_from", _profile_with_availability),
    "member contact privacy": Case(
        (ContactVisibilityForm,), "email_visibility", _profile_with_availability
    ),
    "member availability page": Case(
        (AvailabilityForm,),
        "available_from",
        lambda: _on_own_page(_profile_with_availability(), "members:edit_availability"),
    ),
    "member contact privacy page": Case(
        (ContactVisibilityForm,),
        "email_visibility",
        lambda: _on_own_page(_profile_with_availability(), "members:edit_contact_visibility"),
    ),
    "project": Case((ProjectForm, AwardRowForm, GalleryRowForm), "base_revision", _project),
    "new project": Case((ProjectForm,), "title", _new_project),
    "team invite": Case((InviteForm,), "email", _team),
    "invitation join": Case((JoinForm,), "first_name", _join),
    "enquiry on a company page": Case((EnquiryForm,), "message", _enquiry),
    "contact page": Case((ContactPage,), "your_name", _contact),
    "merge productions (admin)": Case((ProductionMergeForm,), "duplicate", _merge_productions),
    "sign in": Case(
        (MemberLoginForm,), "username", lambda: (Client(), reverse("members:login"), None)
    ),
    "add a synonym from the search report": Case(
        (AddSynonymForm,),
        "means",
        lambda: (_editor(), "/admin/reports/searches/add-synonym/?q=drone", None),
    ),
    "pin a company for a search": Case(
        (PinCompanyForm,),
        "company",
        lambda: (_editor(), "/admin/reports/searches/pin/?q=drone", None),
    ),
    "mark a skills gap": Case(
        (SkillsGapForm,),
        "note",
        lambda: (_editor(), "/admin/reports/searches/skills-gap/?q=drone", None),
    ),
    "a skills gap's note": Case((SkillsGapForm,), "note", _skills_gap_note),
    "password reset": Case(
        (QueuedPasswordResetForm,),
        "email",
        lambda: (Client(), reverse("members:password_reset"), None),
    ),
    "commissioner sign-up": Case(
        (CommissionerSignupForm,),
        "first_name",
        lambda: (Client(), reverse("commissioners:sign_up"), None),
    ),
    "commissioner details for a member": Case((BecomeCommissionerForm,), "role", _become),
    "new confirmation link": Case(
        (ResendForm,),
        "email",
        lambda: (Client(), reverse("commissioners:resend_verification"), None),
    ),
    "commissioner sign in": Case(
        (MemberLoginForm,), "username", lambda: (Client(), reverse("commissioners:login"), None)
    ),
    "commissioner password reset": Case(
        (QueuedPasswordResetForm,),
        "email",
        lambda: (Client(), reverse("commissioners:password_reset"), None),
    ),
    "new shortlist": Case((ShortlistNameForm,), "name", _new_shortlist),
    "shortlist note": Case((ShortlistNoteForm,), "note", _note),
    "rename a shortlist": Case((ShortlistRenameForm,), "based_on", _rename_shortlist),
    "one brief to a shortlist": Case((EnquiryForm, BriefRecipientsForm), "message", _brief),
    "save a search": Case((SavedSearchForm,), "name", _save_search),
    "a saved search's name and emails": Case((SavedSearchForm,), "name", _saved_search),
}


@pytest.fixture
def built_forms(monkeypatch):
    """The classes of the forms built while the test runs."""
    seen = set()
    original = forms.BaseForm.__init__

    def recording(self, *args, **kwargs):
        seen.add(type(self))
        original(self, *args, **kwargs)

    monkeypatch.setattr(forms.BaseForm, "__init__", recording)
    return seen


def first_error(response):
    """The first error message of the bound form that the response rendered."""
    for context in response.context:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm) and value.is_bound and value.errors:
                return next(iter(value.errors.values()))[0]
    return None


@pytest.mark.parametrize("name", CASES)
def test_a_form_submitted_as_rendered_changes_nothing(name, built_forms, settings):
    settings.RATELIMIT_ENABLE = False
    case = CASES[name]
    browser, url, page = case.open()
    before = page_state(page) if page else stored()
    built_forms.clear()

    response = browser.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    form = rendered_form(html, containing=case.field)
    for covered in case.covers:
        if issubclass(covered, Page):
            assert isinstance(response.context["page"], covered)
            assert isinstance(response.context["form"], forms.BaseForm)
        else:
            # Row forms are subclasses that modelcluster makes for each formset.
            built = any(issubclass(made, covered) for made in built_forms)
            assert built, f"{url} did not build a {covered.__name__}"
    assert not form.file_inputs or form.enctype == "multipart/form-data"

    action = urldefrag(form.action or url).url
    response = browser.post(action, form.data())
    assert response.status_code < 500
    if page is not None:
        assert response.status_code == 302, first_error(response)
        assert page_state(page) == before
        assert "Nothing changed" in browser.get(response.url).content.decode()
    else:
        assert response.status_code in (200, 400), response.status_code
        message = first_error(response)
        assert message, "an empty form was accepted"
        assert escape(message) in response.content.decode()
        assert stored() == before


def our_form_classes():
    """Every form class (and form-builder page) defined in our apps."""
    found = set()
    for package_name in OUR_PACKAGES:
        package = importlib.import_module(package_name)
        for module_info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if any(part in module_info.name for part in (".migrations", ".settings", ".wsgi")):
                continue
            module = importlib.import_module(module_info.name)
            for _name, value in inspect.getmembers(module, inspect.isclass):
                if value.__module__ == module.__name__ and issubclass(
                    value, forms.BaseForm | forms.BaseFormSet
                ):
                    found.add(value)
    found.update(
        model
        for model in apps.get_models()
        if issubclass(model, FormMixin) and model.__module__.split(".")[0] in OUR_PACKAGES
    )
    return found


def test_every_form_has_a_round_trip():
    covered = {form for case in CASES.values() for form in case.covers}
    missing = our_form_classes() - covered - set(PARTS)
    assert not missing, f"add a round-trip case to CASES for {sorted(c.__name__ for c in missing)}"
    assert covered | set(PARTS) <= our_form_classes()
