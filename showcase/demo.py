"""Demo showcase: the showcase page and 32 projects across the demo companies.

Run through ``python manage.py seed_demo`` after ``directory.demo`` (projects
need companies). Idempotent: projects are found by slug, images by title.
Needs no internet: posters and stills are drawn with Pillow, and the few demo
videos get their ``Embed`` rows written here, so saving a project finds them
stored and never asks the video site.
"""

from __future__ import annotations

import random

from django.db import transaction

from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from cms.demo import generated_image
from cms.models import HomePage
from directory.demo import CLIENTS, WORK, trade_of
from directory.models import CompanyPage, DirectoryIndexPage

from .models import (
    ProjectAward,
    ProjectCompany,
    ProjectCredit,
    ProjectGalleryImage,
    ProjectPage,
    ShowcaseIndexPage,
)

PROJECT_COUNT = 32

# Open films by the Blender Foundation (Creative Commons), used as demo videos.
DEMO_VIDEOS = [
    ("https://www.youtube.com/watch?v=aqz-KE-bpKQ", "YouTube", "Big Buck Bunny"),
    ("https://www.youtube.com/watch?v=eRsGyueVLvQ", "YouTube", "Sintel"),
    ("https://www.youtube.com/watch?v=R6MlUcmOul8", "YouTube", "Tears of Steel"),
    ("https://vimeo.com/1084537", "Vimeo", "Big Buck Bunny"),
]

FIRST = [
    "Clay",
    "Kiln",
    "Saggar",
    "Bottle",
    "Slip",
    "Marl",
    "Canal",
    "Moorland",
    "Ember",
    "Glaze",
    "Spode",
    "Trent",
    "Flint",
    "Cobalt",
    "Lustre",
    "Biscuit",
]
SECOND = [
    "Hearts",
    "Light",
    "Songs",
    "Nights",
    "Signal",
    "Tides",
    "Machines",
    "Stories",
    "Parade",
    "Lines",
]
TAGS = [
    "stop-motion",
    "drone",
    "virtual production",
    "2d animation",
    "documentary",
    "music video",
    "motion graphics",
    "period drama",
    "live action",
    "hand-drawn",
    "360 video",
    "vfx",
]
FESTIVALS = [
    "Annecy",
    "Sheffield DocFest",
    "Encounters Film Festival",
    "BAFTA Craft",
    "Manchester Animation Festival",
    "Aesthetica Short Film Festival",
    "Royal Television Society Midlands",
]
CREDIT_ROLES = ["Director", "Producer"]  # then each company's own role
PEOPLE = [
    "Ada Clay",
    "Sam Burslem",
    "Priya Hanley",
    "Tom Fenton",
    "Grace Longton",
    "Ravi Tunstall",
    "Jess Etruria",
    "Owen Stoke",
]
ROLES = [
    "Animation",
    "Production",
    "Post-production",
    "Colour grade",
    "Sound",
    "VFX",
    "Editing",
    "Motion graphics",
]


def ensure_showcase(home: HomePage, stdout) -> ShowcaseIndexPage:
    index = ShowcaseIndexPage.objects.first()
    if index is None:
        index = ShowcaseIndexPage(
            title="Showcase",
            slug="showcase",
            intro="<p>Showreels and productions by the cluster's member companies.</p>",
            show_in_menus=True,
        )
        home.add_child(instance=index)
        index.save_revision().publish()
        # In the main menu straight after the directory (first when there is none).
        directory = home.get_children().type(DirectoryIndexPage).first()
        if directory is not None:
            index.move(directory, pos="right")
        else:
            index.move(home, pos="first-child")
        stdout.write("  created the showcase page at /showcase/")
    return index


def ensure_demo_embeds() -> None:
    """Store what the video sites would answer, so seeding needs no network."""
    for url, provider, title in DEMO_VIDEOS:
        Embed.objects.get_or_create(
            hash=get_embed_hash(url),
            defaults={
                "url": url,
                "type": "video",
                "html": "",
                "provider_name": provider,
                "title": title,
                "author_name": "Blender Foundation",
                "thumbnail_url": "",
                "width": 640,
                "height": 360,
            },
        )


def _project_fields(number: int, rng: random.Random, companies: list) -> dict:
    """A project led by one company, with partners from other trades doing their own part.

    A demo company's trade (``directory.demo.trade_of``) gives the project its
    tags, client and each company's role: an edit house edits, a sound studio
    mixes. Companies of no known trade (made by tests) fall back to generic values.
    """
    lead = companies[number % len(companies)]
    trade = trade_of(lead.slug)
    others = [c for c in companies if c.pk != lead.pk]
    if trade is not None:  # partners bring what the lead does not do itself
        others = [c for c in others if trade_of(c.slug) not in (None, trade)] or others
    partners = rng.sample(others, min(2, len(others)))
    team = [lead, *partners[: rng.randint(0, 2)]]
    skills = {s for c in team for s in c.skills.all()}
    sectors = list(lead.sectors.all())
    client = rng.choice(WORK[trade.work][1]) if trade else CLIENTS[number % len(CLIENTS)]
    return {
        "title": f"{FIRST[number % len(FIRST)]} {SECOND[(number * 7) % len(SECOND)]}",
        "team": team,
        "roles": [_role(c, number + i) for i, c in enumerate(team)],
        "skills": rng.sample(sorted(skills, key=lambda s: s.pk), min(3, len(skills))),
        "sectors": rng.sample(sorted(sectors, key=lambda s: s.pk), min(2, len(sectors))),
        "year": 2026 - (number % 7),
        "kind": ProjectPage.Kind.SHOWREEL if number % 5 == 0 else ProjectPage.Kind.PRODUCTION,
        "client": client,
        "tags": list(trade.tags) if trade else rng.sample(TAGS, 2),
        "label": trade.label if trade else "member company",
        "video_url": DEMO_VIDEOS[number % len(DEMO_VIDEOS)][0] if number % 3 != 2 else "",
        "featured": number < 6,
    }


def _role(company, n: int) -> str:
    trade = trade_of(company.slug)
    return trade.project_role if trade else ROLES[n % len(ROLES)]


def ensure_project(index, number: int, rng: random.Random, companies: list) -> bool:
    spec = _project_fields(number, rng, companies)
    slug = f"{spec['title'].lower().replace(' ', '-')}-{number + 1}"
    if ProjectPage.objects.child_of(index).filter(slug=slug).exists():
        return False
    title = spec["title"]
    # Every fourth production is the showcase project about one of its lead's
    # credited productions that has none yet: that production's page links
    # here. (The slug stays the one made above, so a second run finds it.)
    production = None
    if spec["kind"] == ProjectPage.Kind.PRODUCTION and number % 4 == 1:
        credits = spec["team"][0].credits.filter(
            work__isnull=False, work__showcase_projects__isnull=True
        )
        credit = credits.select_related("work").order_by("sort_order").first()
        if credit is not None:
            production = credit.work
            title, spec["year"] = production.title, production.year or spec["year"]
            spec["client"] = production.client or spec["client"]
    page = ProjectPage(
        title=title,
        slug=slug,
        kind=spec["kind"],
        year=spec["year"],
        client=spec["client"],
        video_url=spec["video_url"],
        featured=spec["featured"],
        production=production,
        synopsis=(
            f"<p><b>{title}</b> was led by {spec['team'][0].title}, a {spec['label']}, and "
            f"brought together {len(spec['team'])} member "
            f"compan{'y' if len(spec['team']) == 1 else 'ies'} from across Staffordshire. "
            "Made in the Potteries, it shows what the cluster can do "
            "when companies share a pipeline.</p>"
        ),
        poster=generated_image(f"Poster: {title} ({number + 1})", label=title, palette=number),
    )
    # The lead first, as the synopsis says: modelcluster numbers children only
    # through a form, and without a sort_order PostgreSQL returns them in any order.
    page.project_companies = [
        ProjectCompany(company=company, role=role, sort_order=n)
        for n, (company, role) in enumerate(zip(spec["team"], spec["roles"], strict=True))
    ]
    page.skills = spec["skills"]
    page.sectors = spec["sectors"]
    page.tags.add(*spec["tags"])
    page.credits = [
        ProjectCredit(role=role, name=PEOPLE[(number + i) % len(PEOPLE)], sort_order=i)
        for i, role in enumerate(dict.fromkeys([*CREDIT_ROLES[:2], *spec["roles"]]))
    ]
    if number % 4 == 0:
        page.awards = [
            ProjectAward(
                kind=ProjectAward.Kind.SELECTION if number % 8 else ProjectAward.Kind.WIN,
                name=FESTIVALS[number % len(FESTIVALS)],
                year=spec["year"],
            )
        ]
    if number % 5 == 1:
        page.gallery_images = [
            ProjectGalleryImage(
                image=generated_image(
                    f"Still {n}: {title} ({number + 1})", palette=number + n, size=(960, 540)
                ),
                caption=f"{title}, behind the scenes {n}",
            )
            for n in (1, 2)
        ]
    index.add_child(instance=page)
    page.save_revision().publish()
    return True


def seed(stdout, options) -> None:
    stdout.write("Showcase (showcase.demo)")
    home = HomePage.objects.first()
    if home is None:
        stdout.write("  no home page: run cms.demo first")
        return
    companies = list(
        CompanyPage.objects.listed().prefetch_related("skills", "sectors").order_by("pk")[:60]
    )
    if not companies:
        stdout.write("  no member companies yet: run directory.demo first; no projects made")
        return
    rng = random.Random(5)  # noqa: S311 - demo variety, the same on every run
    with transaction.atomic():
        index = ensure_showcase(home, stdout)
        ensure_demo_embeds()
    created = 0
    for number in range(PROJECT_COUNT):
        with transaction.atomic():
            created += ensure_project(index, number, rng, companies)
        if (number + 1) % 8 == 0:
            stdout.write(f"  projects {number + 1}/{PROJECT_COUNT}")
    stdout.write(f"  {created} projects created, {PROJECT_COUNT - created} already there")
