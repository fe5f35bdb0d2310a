"""Commissioners for the tests: confirmed (signed in as a commissioner) or not yet."""

from __future__ import annotations

from commissioners.models import Commissioner
from tests.members.factories import PASSWORD, user

__all__ = ["PASSWORD", "commissioner"]


def commissioner(email="buyer@broadcaster.example", *, verified=True, **profile):
    account = user(email, first_name="Bea", last_name="Buyer")
    profile.setdefault("organisation", "Northern Broadcasting")
    profile.setdefault("role", "Commissioning editor")
    person = Commissioner.objects.create(user=account, **profile)
    if verified:
        person.verify_email()
    else:
        account.is_active = False
        account.save(update_fields=["is_active"])
    return account
