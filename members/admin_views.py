"""The Wagtail admin's "Invite a member" action on a company page, and the stale profiles report."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies.pages import PagePermissionPolicy

from directory.models import CompanyPage

from .forms import InviteForm
from .models import CompanyMembership, ProfileReminder
from .notifications import invite

page_permission_policy = PagePermissionPolicy()


def can_invite(user, page) -> bool:
    """Editors who may publish the company page may give its people access."""
    return page.permissions_for_user(user).can_publish()


def invite_member(request, page_id):
    page = get_object_or_404(CompanyPage, pk=page_id)
    if not can_invite(request.user, page):
        raise PermissionDenied
    form = InviteForm(
        request.POST or None, company=page, initial={"role": CompanyMembership.Role.OWNER}
    )
    if request.method == "POST" and form.is_valid():
        invitation = invite(
            email=form.cleaned_data["email"],
            company=page,
            role=form.cleaned_data["role"],
            invited_by=request.user,
            request=request,
        )
        messages.success(request, f"Invitation sent to {invitation.email} for {page.title}.")
        return redirect("members_admin:invite", page.pk)
    return TemplateResponse(
        request,
        "members/admin/invite.html",
        {
            "page": page,
            "form": form,
            "memberships": page.memberships.select_related("user"),
            "invitations": page.invitations.pending(),
        },
    )


class StaleProfilesReport(ReportView):
    """Reports › Stale profiles: every listed company, the longest unchanged first.

    Beside each, when it was last updated or confirmed, whether that is over
    six months ago, and its reminders (``members.freshness``): when sent, to
    whom, whether its link was used. Editors only: whoever may edit or
    publish pages (members never reach the admin).
    """

    page_title = "Stale profiles"
    header_icon = "time"
    results_template_name = "members/admin/stale_profiles_results.html"
    index_url_name = "members_admin:stale_profiles"
    index_results_url_name = "members_admin:stale_profiles_results"
    permission_policy = page_permission_policy
    any_permission_required = ["change", "publish"]
    paginate_by = 50

    def get_queryset(self):
        return (
            CompanyPage.objects.listed()
            .oldest_updated_first()
            .prefetch_related(
                Prefetch("profile_reminders", queryset=ProfileReminder.objects.order_by("-sent_at"))
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stale_count"] = CompanyPage.objects.listed().stale().count()
        return context
