"""Object-level permission: every member view starts here.

A company the user does not belong to answers 404, exactly like one that does
not exist, so ids and slugs of other companies reveal nothing.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from directory.models import CompanyPage

from .models import CompanyMembership


def membership_or_404(user, company_id, *, owner=False) -> CompanyMembership:
    if not user.is_authenticated or not user.is_active:
        raise Http404
    membership = (
        CompanyMembership.objects.select_related("company")
        .filter(user=user, company_id=company_id)
        .first()
    )
    if membership is None:
        raise Http404("No such company")
    if owner and not membership.is_owner:
        raise PermissionDenied("Only the company's owners can do this.")
    return membership


def companies_for(user):
    return CompanyPage.objects.filter(memberships__user=user).order_by("title")
