import io
from datetime import timedelta

from django.utils import timezone

from directory.models import STALE_AFTER, CompanyPage
from members import demo
from members.models import CompanyMembership, ProfileReminder
from tests.directory.factories import company


def test_seed_creates_two_members_owning_different_companies_idempotently(db):
    company("First Demo Co")
    company("Second Demo Co")
    out = io.StringIO()
    demo.seed(out, {})
    demo.seed(out, {})
    memberships = CompanyMembership.objects.all()
    assert memberships.count() == 2
    assert len({m.company_id for m in memberships}) == 2
    assert all(m.role == "owner" for m in memberships)
    assert out.getvalue().count("sign in at /members/login/") == 4
    assert "password unchanged" in out.getvalue()


def test_seed_with_a_password_lets_the_demo_sign_in(client, db):
    company("First Demo Co")
    company("Second Demo Co")
    demo.seed(io.StringIO(), {"editor_password": "Demo-pass-2026"})
    email = demo.DEMO_MEMBERS[0][0]
    response = client.post("/members/login/", {"username": email, "password": "Demo-pass-2026"})
    assert response.status_code == 302


def test_seed_without_companies_says_so(db):
    out = io.StringIO()
    demo.seed(out, {})
    assert "run the directory seeder first" in out.getvalue()
    assert not CompanyMembership.objects.exists()


def test_seed_gives_the_staleness_report_a_reminder_history_once(db):
    long_ago = timezone.now() - STALE_AFTER - timedelta(days=30)
    confirmed = company("Confirmed Demo Co", email="hello@confirmed.example")
    CompanyPage.objects.filter(pk=confirmed.pk).update(
        last_published_at=long_ago, confirmed_at=timezone.now() - timedelta(days=7)
    )
    stale = company("Stale Demo Co", email="hello@stale.example")
    CompanyPage.objects.filter(pk=stale.pk).update(last_published_at=long_ago)
    company("Fresh Demo Co")
    demo.seed(io.StringIO(), {})
    demo.seed(io.StringIO(), {})
    history = {(r.company.title, r.confirmed_at is not None) for r in ProfileReminder.objects.all()}
    assert history == {("Confirmed Demo Co", True), ("Stale Demo Co", False)}
    assert ProfileReminder.objects.count() == 2
