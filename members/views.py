"""The member area at /members/: sign-in, invitations, dashboard, profile editing.

Every view about a company goes through ``membership_or_404`` first.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from django_ratelimit.decorators import ratelimit

from directory.models import CompanyPage

from . import freshness
from .changes import (
    STALE,
    change_status,
    preview_response,
    submit_changes,
    why_not_editable,
    working_copy,
    working_revision,
)
from .forms import (
    AvailabilityForm,
    CompanyProfileForm,
    ContactVisibilityForm,
    InviteForm,
    JoinForm,
    MemberLoginForm,
)
from .models import CompanyMembership, Invitation
from .notifications import QueuedPasswordResetForm, invite
from .permissions import companies_for, membership_or_404
from .uploads import described_image


def too_many_requests(request, what):
    return render(request, "members/throttled.html", {"what": what}, status=429)


# --- signing in and out, password reset -------------------------------------


@method_decorator(ratelimit(key="ip", rate="30/10m", method="POST", block=False), name="dispatch")
class MemberLoginView(auth_views.LoginView):
    """Django's login; django-axes locks a username out after repeated failures.

    The per-address rate limit on top slows down guessing across many usernames.
    """

    template_name = "members/login.html"
    authentication_form = MemberLoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            return too_many_requests(request, "sign-in attempts")
        return super().post(request, *args, **kwargs)


class MemberLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("members:login")


@method_decorator(ratelimit(key="ip", rate="5/h", method="POST", block=False), name="dispatch")
@method_decorator(
    ratelimit(key="post:email", rate="3/h", method="POST", block=False), name="dispatch"
)
class MemberPasswordResetView(auth_views.PasswordResetView):
    template_name = "members/password_reset.html"
    email_template_name = "members/emails/password_reset.txt"
    subject_template_name = "members/emails/password_reset_subject.txt"
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("members:password_reset_done")

    def post(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            return too_many_requests(request, "password reset requests")
        return super().post(request, *args, **kwargs)


class MemberPasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "members/password_reset_done.html"


@method_decorator(ratelimit(key="ip", rate="10/h", method="POST", block=False), name="dispatch")
class MemberPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "members/password_reset_confirm.html"
    success_url = reverse_lazy("members:password_reset_complete")

    def post(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            return too_many_requests(request, "password changes")
        return super().post(request, *args, **kwargs)


class MemberPasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "members/password_reset_complete.html"


# --- invitations --------------------------------------------------------------


@ratelimit(key="ip", rate="20/h", method="POST", block=False)
def accept_invitation(request, token):
    """Join a company from an invitation link: new people choose a password here."""
    if getattr(request, "limited", False):
        return too_many_requests(request, "attempts")
    invitation = Invitation.from_token(token)
    if invitation is None:
        return render(request, "members/invitation_invalid.html", status=404)
    context = {"invitation": invitation, "company": invitation.company}

    existing = get_user_model().objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        # Someone who already has an account joins by signing in as themselves.
        if not request.user.is_authenticated:
            context["login_url"] = f"{reverse('members:login')}?next={request.path}"
            return render(request, "members/invitation_sign_in.html", context)
        if request.user.pk != existing.pk:
            return render(request, "members/invitation_wrong_user.html", context, status=403)
        if request.method == "POST":
            _accept(invitation, request.user)
            messages.success(request, f"You now look after {invitation.company.title}.")
            return redirect("members:dashboard", invitation.company.pk)
        return render(request, "members/invitation_confirm.html", context)

    if request.user.is_authenticated:
        return render(request, "members/invitation_wrong_user.html", context, status=403)
    form = JoinForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Lock the row: two simultaneous submissions must not both succeed.
            locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
            if locked.accepted_at is not None:
                return render(request, "members/invitation_invalid.html", status=404)
            if get_user_model().objects.filter(username__iexact=invitation.email).exists():
                # An account appeared meanwhile (another invitation): join by signing in.
                context["login_url"] = f"{reverse('members:login')}?next={request.path}"
                return render(request, "members/invitation_sign_in.html", context)
            user = form.create_user()
            _accept(locked, user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome! You now look after {invitation.company.title}.")
        return redirect("members:dashboard", invitation.company.pk)
    context["form"] = form
    return render(request, "members/invitation_join.html", context)


def _accept(invitation, user):
    CompanyMembership.objects.get_or_create(
        user=user, company=invitation.company, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])


# --- "still accurate" from a reminder email (members.freshness) -------------------


def _link_not_working(request, reminder, why):
    status = 404 if why == freshness.INVALID else 410
    context = {"reminder": reminder, "why": why, "login_url": reverse("members:login")}
    return render(request, "members/still_accurate_invalid.html", context, status=status)


@ratelimit(key="ip", rate="20/h", method="POST", block=False)
def still_accurate(request, token):
    """GET: the company and one button; POST: confirm the profile, once, and thank."""
    if getattr(request, "limited", False):
        return too_many_requests(request, "confirmations")
    reminder, why = freshness.reminder_from_token(token)
    if why:
        return _link_not_working(request, reminder, why)
    if request.method == "POST":
        if not freshness.confirm(reminder):  # used meanwhile (another click)
            return _link_not_working(request, reminder, freshness.USED)
        return redirect("members:still_accurate_thanks", token)
    return render(request, "members/still_accurate.html", {"profile": reminder.company})


def still_accurate_thanks(request, token):
    reminder, why = freshness.reminder_from_token(token)
    if why != freshness.USED:  # not confirmed (yet), or not a working link at all
        return _link_not_working(request, reminder, why or freshness.INVALID)
    return render(request, "members/still_accurate_thanks.html", {"profile": reminder.company})


# --- the member area -------------------------------------------------------------


@login_required
def home(request):
    companies = list(companies_for(request.user))
    if len(companies) == 1:
        return redirect("members:dashboard", companies[0].pk)
    return render(request, "members/home.html", {"companies": companies})


@login_required
def dashboard(request, company_id):
    membership = membership_or_404(request.user, company_id)
    company = membership.company.specific
    draft = working_copy(company, company)
    percent, missing = draft.profile_completeness()
    return render(
        request,
        "members/dashboard.html",
        {
            "membership": membership,
            "company": company,
            "completeness": percent,
            "missing": missing,
            "status": change_status(company),
            "availability_label": company.availability_label,
            "enquiries": company.enquiries.all()[:5],
            "enquiry_count": company.enquiries.count(),
            "active": "dashboard",
        },
    )


NOTHING_CHANGED = "Nothing changed, so nothing was sent to the editors."
NOTHING_CHANGED_AT_ONCE = "Nothing changed, so nothing was saved."


@dataclass
class PageFormState:
    """A member's page form as bound for this request, and what the template says about it."""

    form: object
    base_revision: object  # the revision the rendered form starts from ("" for a new page)
    blocked: bool = False  # the save was refused (locked, or based on an older version)
    changed_meanwhile: list = field(default_factory=list)
    changed_by_both: list = field(default_factory=list)
    files_dropped: bool = False


def bind_page_form(request, form_class, page, company, draft, form_kwargs=None):
    """The form for ``draft`` (a working copy of ``page``), refused if it cannot be saved now.

    A save based on an older version is re-rendered, not lost: what the member
    changed is kept, everything else follows the version saved meanwhile, and
    the template lists which fields that version changed.
    """
    form_kwargs = form_kwargs or {}
    form = form_class(request.POST or None, request.FILES or None, instance=draft, **form_kwargs)
    if page is None:  # a new page: nothing to be out of date with
        return PageFormState(form, "")
    current = working_revision(page, company)
    if request.method != "POST":
        return PageFormState(form, current.pk if current else "")
    reason = why_not_editable(request, page, company)
    if not reason:
        return PageFormState(form, request.POST.get("base_revision", ""))
    messages.error(request, reason)
    state = PageFormState(form, current.pk if current else "", blocked=True)
    if reason != STALE:
        state.base_revision = request.POST.get("base_revision", "")
        return state
    state.files_dropped = bool(request.FILES)
    base_id = request.POST.get("base_revision", "")
    base = page.revisions.filter(pk=int(base_id)).first() if base_id.isdigit() else None
    if base is None:
        return state
    started_from = base.as_object()
    typed = form_class(request.POST, request.FILES, instance=started_from, **form_kwargs)
    newer = form_class(instance=draft, **form_kwargs)
    before = form_class(instance=started_from, **form_kwargs).version_values()
    state.changed_meanwhile = [
        label for label, value in newer.version_values().items() if before.get(label) != value
    ]
    mine = typed.member_changes()
    state.changed_by_both = [label for label in state.changed_meanwhile if label in mine]
    state.form = form_class(typed.merged_data(newer), instance=draft, **form_kwargs)
    return state


@login_required
def edit_profile(request, company_id):
    membership = membership_or_404(request.user, company_id)
    company = membership.company.specific
    draft = working_copy(company, company, CompanyProfileForm.related)
    state = bind_page_form(request, CompanyProfileForm, company, company, draft)
    form = state.form
    if request.method == "POST" and not state.blocked:
        if form.is_valid():
            if not form.has_changed():
                messages.info(request, NOTHING_CHANGED)
                return redirect("members:dashboard", company.pk)
            page = form.save(commit=False)
            with transaction.atomic():
                apply_uploads(form, page, request.user, company)
                submit_changes(page, request.user)
            messages.success(
                request,
                "Thank you: your changes were sent to the editors. The public profile "
                "shows them once an editor approves.",
            )
            return redirect("members:dashboard", company.pk)
        messages.error(request, "Please correct the highlighted fields below.")
    return render(
        request,
        "members/edit_profile.html",
        {
            "form": form,
            "state": state,
            "company": company,
            "draft": draft,
            "membership": membership,
            "active": "edit",
            "base_revision": state.base_revision,
            "availability_form": AvailabilityForm(company=company),
            "contact_form": ContactVisibilityForm(company=company),
        },
    )


# --- settings applied at once: availability, contact privacy -------------------
# What a member says about their own calendar and privacy is theirs to say: it
# is written to the live page at once, with no revision and no approval (the
# page's ``with_content_json`` keeps it when a revision is published later).
# Saving the row empties the page cache and re-indexes the company, as a
# "still accurate" confirmation does.


def save_live_settings(company, form, values: dict) -> bool:
    """Write ``values`` to the live page unless ``form``'s fields changed since it was
    rendered; False (nothing written) when they did."""
    with transaction.atomic():
        live = CompanyPage.objects.select_for_update().get(pk=company.pk)
        if form.is_stale(live):
            return False
        for name, value in values.items():
            setattr(live, name, value)
        live.save(update_fields=list(values), clean=False)
    for name, value in values.items():
        setattr(company, name, value)
    return True


CHANGED_MEANWHILE = (
    "Someone else changed this meanwhile, so nothing was saved. What you chose is below, "
    "beside what it is now: send it again to keep yours."
)


def _settings_page(request, membership, form, title, status=200):
    return render(
        request,
        "members/live_settings.html",
        {
            "form": form,
            "company": membership.company.specific,
            "membership": membership,
            "title": title,
            "active": "edit",
        },
        status=status,
    )


def _bound_again(form_class, request, company):
    """The member's input, now based on the current values (so sending it again saves it)."""
    data = request.POST.copy()
    data["based_on"] = form_class.version(company)
    return form_class(data, company=company)


def _edit_live_settings(request, company_id, form_class, title: str, saved):
    """A :class:`~members.forms.LiveSettingsForm`'s own page and its save, at once.

    Unchanged: nothing saved, as every member form. Changed meanwhile by
    someone else: refused with the member's input kept.
    """
    membership = membership_or_404(request.user, company_id)
    company = membership.company.specific
    if request.method != "POST":
        return _settings_page(request, membership, form_class(company=company), title)
    form = form_class(request.POST, company=company)
    if not form.is_valid():
        return _settings_page(request, membership, form, title, status=400)
    values = form.live_values()
    if form.says_the_same(company, values):
        messages.info(request, NOTHING_CHANGED_AT_ONCE)
        return redirect("members:dashboard", company.pk)
    if not save_live_settings(company, form, values):
        messages.error(request, CHANGED_MEANWHILE)
        company.refresh_from_db()
        again = _bound_again(form_class, request, company)
        return _settings_page(request, membership, again, title, status=409)
    messages.success(request, saved(company))
    return redirect("members:dashboard", company.pk)


@login_required
def edit_availability(request, company_id):
    """Available now / from / booked until: saved and confirmed at once."""

    def saved(company):
        if company.availability:
            return f"Saved: your profile now says “{company.availability_label}”."
        return "Saved: your profile no longer shows your availability."

    return _edit_live_settings(request, company_id, AvailabilityForm, "Availability", saved)


@login_required
def edit_contact_visibility(request, company_id):
    """Who sees the email and the phone: saved at once."""
    return _edit_live_settings(
        request,
        company_id,
        ContactVisibilityForm,
        "Who sees your contact details",
        lambda company: "Saved: the public profile follows your choice now.",
    )


@login_required
@require_POST
def confirm_availability(request, company_id):
    """The dashboard's one-click "Still right": the availability confirmed today."""
    membership = membership_or_404(request.user, company_id)
    company = membership.company.specific
    if not company.availability:
        messages.info(request, "Say when you can take on work first.")
        return redirect("members:edit_availability", company.pk)
    with transaction.atomic():
        live = CompanyPage.objects.select_for_update().get(pk=company.pk)
        live.availability_confirmed_at = timezone.now()
        live.save(update_fields=["availability_confirmed_at"], clean=False)
    messages.success(
        request, f"Thank you: “{live.availability_label}” is confirmed for another 60 days."
    )
    return redirect("members:dashboard", company.pk)


def apply_uploads(form, page, user, company):
    """Point ``page`` at the images the member uploaded, removed or re-described.

    The page's own image (logo, poster) and every kept gallery row; the page
    is the edited copy that ``submit_changes`` turns into a revision.
    """
    field, noun, _example = form.image
    upload = form.cleaned_data.get(f"{field}_upload")
    if form.cleaned_data.get(f"remove_{field}") and not upload:
        setattr(page, field, None)
    else:
        current = getattr(page, field) if getattr(page, f"{field}_id") else None
        image = described_image(
            current,
            upload,
            extension=form.image_extension,
            description=form.cleaned_data.get(f"{field}_description"),
            title=f"{page.title} {noun}",
            company=company,
            user=user,
        )
        setattr(page, field, image)
    for row in form.gallery_rows():
        row_upload = row.cleaned_data.get("upload")
        if row_upload or "description" in row.changed_data:
            row.instance.image = described_image(
                row.instance.image if row.instance.image_id else None,
                row_upload,
                extension=row.image_extension,
                description=row.cleaned_data.get("description"),
                title=f"{page.title} gallery image",
                company=company,
                user=user,
            )


@login_required
def preview(request, company_id):
    """The pending version as the public would see it, for the member only."""
    membership = membership_or_404(request.user, company_id)
    company = membership.company.specific
    return preview_response(request, company, company)


@login_required
def enquiries(request, company_id):
    membership = membership_or_404(request.user, company_id)
    return render(
        request,
        "members/enquiries.html",
        {
            "company": membership.company,
            "membership": membership,
            "enquiries": membership.company.enquiries.all()[:200],
            "active": "enquiries",
        },
    )


@login_required
def team(request, company_id):
    """Owners invite colleagues and remove them; editors see who else is here."""
    membership = membership_or_404(request.user, company_id)
    company = membership.company
    form = InviteForm(request.POST or None, company=company) if membership.is_owner else None
    if request.method == "POST":
        if form is None:
            membership_or_404(request.user, company_id, owner=True)  # raises 403
        if form.is_valid():
            invitation = invite(
                email=form.cleaned_data["email"],
                company=company,
                role=form.cleaned_data["role"],
                invited_by=request.user,
                request=request,
            )
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("members:team", company.pk)
    return render(
        request,
        "members/team.html",
        {
            "company": company,
            "membership": membership,
            "form": form,
            "memberships": company.memberships.select_related("user").order_by("user__email"),
            "invitations": company.invitations.pending() if membership.is_owner else [],
            "active": "team",
        },
    )


@login_required
@require_POST
def remove_member(request, company_id, membership_id):
    membership = membership_or_404(request.user, company_id, owner=True)
    target = get_object_or_404(CompanyMembership, pk=membership_id, company_id=company_id)
    owners = CompanyMembership.objects.filter(
        company_id=company_id, role=CompanyMembership.Role.OWNER
    )
    if target.is_owner and owners.count() <= 1:
        messages.error(request, "A company needs at least one owner: invite another first.")
    else:
        target.delete()
        if target.user_id == request.user.id:
            messages.success(request, f"You left {membership.company.title}.")
            return redirect("members:home")
        messages.success(request, f"{target.user.email} no longer has access.")
    return redirect("members:team", company_id)


@login_required
@require_POST
def revoke_invitation(request, company_id, invitation_id):
    membership_or_404(request.user, company_id, owner=True)
    invitation = get_object_or_404(
        Invitation.objects.pending(), pk=invitation_id, company_id=company_id
    )
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("members:team", company_id)
