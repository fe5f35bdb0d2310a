"""Members, editors and images for the member-area tests."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from PIL import Image

from directory.members.models import CompanyMembership

PASSWORD = "a-Long-passphrase-for-tests-7"


def user(email: str, *, password: str = PASSWORD, **fields):
    User = get_user_model()
    account = User.objects.filter(username=email).first()
    if account is None:
        account = User(username=email, email=email, **fields)
        account.set_password(password)
        account.save()
    return account


def member(company, email: str | None = None, *, role=CompanyMembership.Role.OWNER):
    email = email or f"{company.slug}-{role}@example.com"
    account = user(email)
    CompanyMembership.objects.get_or_create(user=account, company=company, defaults={"role": role})
    return account


def editor(email="editor@example.com"):
    """A cluster editor: Wagtail's Moderators group (admin access, approves workflows)."""
    account = user(email, is_staff=False, first_name="Edna", last_name="Editor")
    account.groups.add(Group.objects.get(name="Moderators"))
    return account


def image_bytes(fmt="PNG", size=(120, 60), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name="logo.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(name, image_bytes() if content is None else content, content_type)
