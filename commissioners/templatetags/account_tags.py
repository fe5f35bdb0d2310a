"""The site header's account links: who is signed in, their areas, sign out."""

from django import template

from members.models import CompanyMembership

from ..models import is_commissioner

register = template.Library()


@register.inclusion_tag("commissioners/includes/header_account.html", takes_context=True)
def header_account(context):
    """ "Sign in" for visitors, or the signed-in person's name, their areas and sign out.

    Only a signed-in person (who has a session) sees anything but the visitors'
    links, and the page cache never keeps a page for a session nor for a
    signed-in user (``cms.page_cache``): every visitor without a session gets
    the same header, at no query, and nobody else's name.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"signed_in": False}
    commissioner = is_commissioner(user)
    return {
        "signed_in": True,
        "name": user.get_full_name() or user.email or user.get_username(),
        "member": CompanyMembership.objects.filter(user=user).exists(),
        "commissioner": commissioner,
        "logout": "commissioners:logout" if commissioner else "members:logout",
    }
