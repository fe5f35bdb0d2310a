"""A demo commissioner for ``seed_demo``: a confirmed account, two shortlists, a saved search.

Runs after ``directory.demo`` (the companies) and ``members.demo`` (whose
``demo_account`` sets the password the same way: ``--editor-password`` or one
generated and printed once). One list is shared, so the read-only page can be
shown; the other has private notes. Idempotent.
"""

from urllib.parse import urlencode

from directory.models import CompanyPage
from members.demo import demo_account

from .alerts import normalised_query_string
from .models import Commissioner, SavedSearch, Shortlist, ShortlistEntry

DEMO_COMMISSIONER = ("commissioner@broadcaster.example", "Sam", "Okafor")
ORGANISATION = "Moorland Pictures (demo)"
ROLE = "Series producer"
NOTES = (
    "Strong reel; ask about availability in the spring.",
    "Worked with them on a pilot: quick and tidy.",
    "",
)


def seed(stdout, options) -> None:
    stdout.write("Demo commissioner (commissioners.demo)")
    companies = list(CompanyPage.objects.listed().order_by("path")[:6])
    if len(companies) < 6:
        stdout.write("  fewer than six listed companies: run the directory seeder first")
        return
    email, first, last = DEMO_COMMISSIONER
    user, how = demo_account(email, first, last, options)
    profile, _ = Commissioner.objects.get_or_create(
        user=user, defaults={"organisation": ORGANISATION, "role": ROLE}
    )
    if not profile.email_verified:
        profile.verify_email()
    default = Shortlist.default_for(user)
    if not default.entries.exists():
        for company, note in zip(companies[:3], NOTES, strict=True):
            ShortlistEntry.objects.create(shortlist=default, company=company, note=note)
    pitch, created = Shortlist.objects.get_or_create(owner=user, name="Drama pitch: VFX and grade")
    if created:
        for company in companies[3:6]:
            pitch.add(company)
        pitch.share()
    search = _saved_search(user, companies[0])
    stdout.write(f"  sign in at /commissioners/login/ as '{email}', {how}")
    if search is not None:
        stdout.write(f"  a saved search with weekly alerts: {search.name}")
    stdout.write(f"  a shared list: /shortlist/shared/{pitch.share_token}/")


def _saved_search(user, company) -> SavedSearch | None:
    """A saved search with weekly alerts: the first company's first skill, near its town."""
    existing = SavedSearch.objects.of(user).first()
    if existing is not None:
        return existing
    skill = company.skills.order_by("name").first()
    if skill is None:
        return None
    params = {"skill": skill.slug}
    name = skill.name
    if company.place_id:
        params.update(near=company.place.slug, radius="25")
        name = f"{skill.name} near {company.place.name}"
    return SavedSearch.objects.create(
        owner=user,
        name=name,
        query_string=normalised_query_string(urlencode(params)),
        frequency=SavedSearch.Frequency.WEEKLY,
    )
