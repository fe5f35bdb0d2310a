"""Demo members for ``seed_demo``: two people, each owning a different demo company.

Runs after ``directory.demo`` (which creates the companies). Idempotent: a
second run changes nothing and keeps the passwords, unless
``--editor-password`` is given, which also becomes the members' password so
a demo can be driven with one known secret.
"""

import secrets

from django.contrib.auth import get_user_model

from directory.models import CompanyPage

from .models import CompanyMembership

DEMO_MEMBERS = (
    ("owner.one@members.example", "Morgan", "Ashworth"),
    ("owner.two@members.example", "Priya", "Clough"),
)


def seed(stdout, options) -> None:
    stdout.write("Demo members (members.demo)")
    companies = list(CompanyPage.objects.live().order_by("path")[: len(DEMO_MEMBERS)])
    if len(companies) < len(DEMO_MEMBERS):
        stdout.write("  fewer than two live companies: run the directory seeder first")
        return
    password_option = options.get("editor_password")
    User = get_user_model()
    for (email, first, last), company in zip(DEMO_MEMBERS, companies, strict=True):
        user = User.objects.filter(username=email).first()
        if user is None:
            password = password_option or secrets.token_urlsafe(9)
            user = User(username=email, email=email, first_name=first, last_name=last)
            user.set_password(password)
            user.save()
            how = f"password '{password}'"
        elif password_option:
            user.set_password(password_option)
            user.save(update_fields=["password"])
            how = f"password reset to '{password_option}'"
        else:
            how = "password unchanged (pass --editor-password to set one)"
        CompanyMembership.objects.get_or_create(
            user=user, company=company, defaults={"role": CompanyMembership.Role.OWNER}
        )
        stdout.write(f"  {company.title}: sign in at /members/login/ as '{email}', {how}")
