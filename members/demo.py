"""Demo members for ``seed_demo``: two people, each owning a different demo company.

Also a reminder history for the staleness report (``members.freshness``):
the demo companies that were confirmed still accurate answered a reminder,
and the three longest unchanged have one waiting. No email is sent.

Runs after ``directory.demo`` (which creates the companies). Idempotent: a
second run changes nothing and keeps the passwords, unless
``--editor-password`` is given, which also becomes the members' password so
a demo can be driven with one known secret.
"""

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from directory.models import CompanyPage

from .models import CompanyMembership, ProfileReminder

DEMO_MEMBERS = (
    ("owner.one@members.example", "Morgan", "Ashworth"),
    ("owner.two@members.example", "Priya", "Clough"),
)


def seed_reminder_history(stdout) -> None:
    """Reminders for companies that have none yet, so a second run adds nothing."""
    reminded = ProfileReminder.objects.values("company_id")
    companies = CompanyPage.objects.listed().exclude(pk__in=reminded)
    made = 0
    for company in companies.filter(confirmed_at__isnull=False):
        ProfileReminder.objects.create(
            company=company,
            sent_at=company.confirmed_at - timedelta(days=1),
            recipients=[company.email],
            confirmed_at=company.confirmed_at,
        )
        made += 1
    if not ProfileReminder.objects.filter(confirmed_at__isnull=True).exists():
        for company in companies.stale().oldest_updated_first()[:3]:
            ProfileReminder.objects.create(
                company=company,
                sent_at=timezone.now() - timedelta(days=10),
                recipients=[company.email],
            )
            made += 1
    stdout.write(f"  {made} profile reminders for the staleness report")


def seed(stdout, options) -> None:
    stdout.write("Demo members (members.demo)")
    seed_reminder_history(stdout)
    companies = list(CompanyPage.objects.live().order_by("path")[: len(DEMO_MEMBERS)])
    if len(companies) < len(DEMO_MEMBERS):
        stdout.write("  fewer than two live companies: run the directory seeder first")
        return
    for (email, first, last), company in zip(DEMO_MEMBERS, companies, strict=True):
        user, how = demo_account(email, first, last, options)
        CompanyMembership.objects.get_or_create(
            user=user, company=company, defaults={"role": CompanyMembership.Role.OWNER}
        )
        stdout.write(f"  {company.title}: sign in at /members/login/ as '{email}', {how}")


def demo_account(email, first, last, options):
    """A demo person's account, and how its password was set (said once, on the console).

    A new account gets ``--editor-password`` or a generated password; an
    existing one keeps its password unless ``--editor-password`` is given.
    """
    password_option = options.get("editor_password")
    User = get_user_model()
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
    return user, how
