"""Who sees a member company's email and phone: everyone, signed-in commissioners, or nobody.

Each company chooses for its email and for its phone
(``CompanyPage.email_visibility``, ``phone_visibility``); the enquiry form
works whatever they choose. :func:`can_see` is the one rule, and
:func:`visible_contact` the one place every representation (the profile page,
its JSON-LD, the API) takes the details from, so none can show more than the
rule allows.

A *signed-in commissioner* is an active, signed-in user in the Django auth
group :data:`COMMISSIONERS_GROUP` (the ``commissioners`` app puts each
commissioner account there; a data migration of this app creates the group).

The page cache (``cms.page_cache``) keeps only pages rendered for visitors
without a session, so a cached page holds only what everyone may see, and a
signed-in visitor is never served one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

COMMISSIONERS_GROUP = "Commissioners"


class ContactVisibility(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    COMMISSIONERS = "commissioners", "Signed-in commissioners only"
    NOBODY = "nobody", "Nobody (enquiries only)"


# Existing and new members alike: see docs/members.md, "Contact privacy".
DEFAULT_VISIBILITY = ContactVisibility.COMMISSIONERS


def is_commissioner(viewer) -> bool:
    """An active, signed-in member of the Commissioners group; asked once per request's user."""
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return False
    cached = getattr(viewer, "_is_commissioner", None)
    if cached is None:
        cached = viewer.groups.filter(name=COMMISSIONERS_GROUP).exists()
        viewer._is_commissioner = cached
    return cached


def can_see(viewer, visibility: str) -> bool:
    """Whether ``viewer`` (a user, anonymous, or None) may see a detail shown to ``visibility``."""
    if visibility == ContactVisibility.EVERYONE:
        return True
    if visibility == ContactVisibility.COMMISSIONERS:
        return is_commissioner(viewer)
    return False  # nobody, or a value we do not know


@dataclass(frozen=True)
class VisibleContact:
    email: str  # "" when absent or hidden from this viewer
    phone: str
    # Some detail is hidden from this viewer but shown to signed-in commissioners.
    more_for_commissioners: bool = False


def visible_contact(company, viewer) -> VisibleContact:
    """The company's email and phone as ``viewer`` may see them."""
    shown, more = {}, False
    for name in ("email", "phone"):
        value, visibility = getattr(company, name), getattr(company, f"{name}_visibility")
        seen = bool(value) and can_see(viewer, visibility)
        shown[name] = value if seen else ""
        more = more or (bool(value) and not seen and visibility == ContactVisibility.COMMISSIONERS)
    return VisibleContact(**shown, more_for_commissioners=more)
