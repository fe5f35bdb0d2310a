"""The email verification link: signed, expiring, single use.

The link carries the user's id signed with the site's key (Django's
``TimestampSigner``), so it cannot be made up and stops working after
``VERIFICATION_LIFETIME``. It is single use because it also signs the state
it changes: once the address is confirmed, the same link no longer matches.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing

from .models import Commissioner

VERIFICATION_LIFETIME = timedelta(days=3)
SALT = "commissioners.verify-email"

VALID, INVALID, EXPIRED, USED = "valid", "invalid", "expired", "used"


def make_token(commissioner: Commissioner) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"id": commissioner.pk, "email": commissioner.user.email.lower()}
    )


def check_token(token: str) -> tuple[Commissioner | None, str]:
    """The commissioner the link is for, and whether it works (``VALID``) or why not."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        payload = signer.unsign_object(token, max_age=VERIFICATION_LIFETIME)
    except signing.SignatureExpired:
        return None, EXPIRED
    except (signing.BadSignature, ValueError, TypeError):
        return None, INVALID
    if not isinstance(payload, dict):
        return None, INVALID
    commissioner = Commissioner.objects.select_related("user").filter(pk=payload.get("id")).first()
    if commissioner is None or commissioner.user.email.lower() != payload.get("email"):
        return None, INVALID
    if commissioner.email_verified:
        return commissioner, USED
    return commissioner, VALID
