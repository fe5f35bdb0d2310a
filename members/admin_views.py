"""The Wagtail admin's "Invite a member" action on a company page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from directory.models import CompanyPage

from .forms import InviteForm
from .models import CompanyMembership
from .notifications import invite


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
