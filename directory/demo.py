"""Demo member companies: ``python manage.py seed_demo [--companies N]``.

``seed(stdout, options)`` creates the directory page at ``/directory/`` and the
member companies. With N up to ``len(CURATED)`` (60, the default) it makes that
many hand-shaped companies: a Pillow-drawn logo, skills and sectors that fit
their trade, a town in the gazetteer, credits, a showreel for most, some
verified and a few lapsed. Each is published through a revision, exactly as
an editor would. Everything is deterministic (seeded), so running again finds
every company by slug and changes nothing.

Beyond that, ``--companies N`` adds ``N - 60`` synthetic companies for
benchmarks, built in bulk (see ``bulk_create_companies``): 100,000 take a few
minutes instead of hours.
"""

from __future__ import annotations

import io
import random
import sys
import uuid
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from cms.demo import generated_image
from cms.models import HomePage, NewsPage, NewsPageFeature

from .models import (
    CompanyCredit,
    CompanyGalleryImage,
    CompanyPage,
    DirectoryIndexPage,
    HomePageFeaturedCompany,
    Place,
    Sector,
    Skill,
)
from .search.indexing import rebuild_database_entries

# Open films by the Blender Foundation (Creative Commons) stand in for showreels;
# the showcase seeder stores their oEmbed answers, so nothing is fetched.
SHOWREELS = [
    "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
    "https://www.youtube.com/watch?v=eRsGyueVLvQ",
    "https://www.youtube.com/watch?v=R6MlUcmOul8",
    "https://vimeo.com/1084537",
]


@dataclass(frozen=True)
class Trade:
    """What kind of company: where its skills come from and whom it works for."""

    groups: tuple[str, ...]  # skill groups (by name) most of its skills come from
    sectors: tuple[str, ...]  # sector slugs
    strapline: str
    about: str
    roles: tuple[str, ...]  # its role in credits


TRADES = {
    "animation": Trade(
        ("Animation", "Design & graphics"),
        ("animation", "childrens", "advertising", "games"),
        "Character animation from storyboard to final frame",
        "We are a {size} animation studio in {town}, making characters move for broadcasters, "
        "brands and games studios: 2D, 3D and stop motion, from the first sketch to delivery.",
        ("Animation", "Character animation", "Storyboards"),
    ),
    "post": Trade(
        ("Post-production", "Sound"),
        ("film", "tv-drama", "factual", "documentary", "advertising"),
        "Edit, grade and finish for screens of every size",
        "A {size} post-production house in {town}: offline and online editing, colour grading "
        "and deliverables that pass broadcasters' technical checks first time.",
        ("Offline edit", "Colour grade", "Online and deliverables"),
    ),
    "vfx": Trade(
        ("VFX", "Post-production"),
        ("film", "tv-drama", "advertising", "music-video"),
        "Invisible effects and impossible shots",
        "Compositing, CG and clean-up from a {size} VFX studio in {town}. We join productions "
        "in pre-production, supervise on set and deliver shots on schedule.",
        ("Visual effects", "VFX supervision", "Compositing"),
    ),
    "sound": Trade(
        ("Sound",),
        ("film", "tv-drama", "games", "advertising", "factual"),
        "Sound design, mixing and music for picture",
        "Our {size} audio studio in {town} records, designs and mixes sound for film, TV and "
        "games: Foley, ADR, dubbing mixes and original scores.",
        ("Sound design", "Dubbing mix", "Original music"),
    ),
    "games": Trade(
        ("Games & interactive", "Animation"),
        ("games", "education", "immersive-xr"),
        "Games for consoles, PC and mobile, made in Staffordshire",
        "A {size} independent games developer in {town}, building our own titles and "
        "co-developing with publishers: design, code, art and QA under one roof.",
        ("Co-development", "Game design", "Art"),
    ),
    "immersive": Trade(
        ("Immersive/XR", "Games & interactive"),
        ("immersive-xr", "heritage", "live-events", "education"),
        "Virtual, augmented and mixed reality experiences",
        "From a {size} studio in {town} we design immersive experiences for museums, venues "
        "and brands: VR, AR, projection mapping and virtual production.",
        ("Immersive experience", "Virtual production", "AR app"),
    ),
    "drama": Trade(
        ("Production", "Development & writing"),
        ("film", "tv-drama", "comedy"),
        "Scripted drama and feature films with a Midlands voice",
        "An independent production company in {town} developing and producing scripted drama "
        "and feature films, with a {size} team and a slate of regional stories.",
        ("Production", "Development", "Co-production"),
    ),
    "factual": Trade(
        ("Production", "Camera & lighting", "Development & writing"),
        ("factual", "documentary", "news", "sport"),
        "Factual and documentary for broadcasters and streamers",
        "A {size} factual production company in {town}: observational documentaries, "
        "specialist factual and sport, researched, shot and cut in-house.",
        ("Production", "Self-shooting PD", "Edit producer"),
    ),
    "brand": Trade(
        ("Production", "Post-production", "Design & graphics"),
        ("advertising", "corporate", "education", "public-sector"),
        "Brand films, adverts and social content that work hard",
        "A {size} creative video agency in {town} making adverts, brand films and social "
        "content for companies, charities and councils, from idea to campaign.",
        ("Production", "Creative direction", "Social edits"),
    ),
    "crew": Trade(
        ("Camera & lighting", "Locations & facilities"),
        ("film", "tv-drama", "advertising", "music-video", "live-events"),
        "Camera crews, kit hire and studio space",
        "Camera and lighting crews with kit, from a {size} base in {town}: drones, steadicam, "
        "multi-camera and a drive-in studio for productions across the region.",
        ("Camera crew", "Lighting", "Drone filming"),
    ),
    "music": Trade(
        ("Production", "Design & graphics", "Post-production"),
        ("music-video", "live-events", "advertising"),
        "Music videos and live visuals",
        "A {size} collective in {town} directing music videos and designing visuals for tours "
        "and festivals, with our own edit and motion-graphics suite.",
        ("Direction", "Live visuals", "Edit"),
    ),
    "design": Trade(
        ("Design & graphics", "Animation"),
        ("advertising", "corporate", "tv-drama", "film"),
        "Titles, motion graphics and on-screen design",
        "Motion graphics, title sequences and broadcast design from a {size} studio in {town}, "
        "working with producers and agencies across the UK.",
        ("Titles", "Motion graphics", "Graphic design"),
    ),
}

# Sixty plausible, fictional companies: (name, trade). Names borrow from the
# Potteries and the Staffordshire moorlands; any likeness is coincidental.
CURATED = [
    ("Kiln Light Studio", "animation"),
    ("Saggar Post", "post"),
    ("Marl Pit VFX", "vfx"),
    ("Bottle Oven Sound", "sound"),
    ("Slipcast Games", "games"),
    ("Etruria Immersive", "immersive"),
    ("Trent Valley Pictures", "drama"),
    ("Moorland Films", "factual"),
    ("Glaze Creative", "brand"),
    ("Churnet Camera Hire", "crew"),
    ("Potbank Music Films", "music"),
    ("Lustre Motion", "design"),
    ("Flint & Fire Animation", "animation"),
    ("Hanley Grade", "post"),
    ("Cobalt Compositing", "vfx"),
    ("Roaches Audio", "sound"),
    ("Biscuit Ware Games", "games"),
    ("Lymelight XR", "immersive"),
    ("Spode Street Productions", "drama"),
    ("Chase Documentary", "factual"),
    ("Canalside Media", "brand"),
    ("Hednesford Grip & Light", "crew"),
    ("Tunstall Beat Films", "music"),
    ("Jasper Title Design", "design"),
    ("Clayhead Animation", "animation"),
    ("Longton Edit House", "post"),
    ("Wharf Street VFX", "vfx"),
    ("Foley Works Stafford", "sound"),
    ("Pixel Pottery", "games"),
    ("Needwood Virtual", "immersive"),
    ("Beacon Drama", "drama"),
    ("Staffs Story Factory", "factual"),
    ("Brewhouse Brand Films", "brand"),
    ("Cannock Crew Co", "crew"),
    ("Burslem Visuals", "music"),
    ("Majolica Motion", "design"),
    ("Cheddleton Stop Motion", "animation"),
    ("Fenton Finishing", "post"),
    ("Blue Glaze FX", "vfx"),
    ("Lichfield Mix", "sound"),
    ("Tamworth Interactive", "games"),
    ("Manifold Reality", "immersive"),
    ("Wedge Lane Pictures", "drama"),
    ("Uttoxeter Factual", "factual"),
    ("Stone Cross Creative", "brand"),
    ("Leek Lens Hire", "crew"),
    ("Kidsgrove Tape", "music"),
    ("Shard Graphics", "design"),
    ("Tableware Toons", "animation"),
    ("Stoke Conform", "post"),
    ("Salt Glaze Studios", "vfx"),
    ("Dove Valley Audio", "sound"),
    ("Crate & Kiln Games", "games"),
    ("Hollow Oak XR", "immersive"),
    ("Rudyard Films", "drama"),
    ("Cheadle Docs", "factual"),
    ("Rugeley Reels", "brand"),
    ("Penkridge Aerials", "crew"),
    ("Codsall Sessions", "music"),
    ("Trentham Type", "design"),
]
GALLERY_COMPANIES = 8  # the first few show a gallery of Pillow-drawn stills
GALLERY_CAPTIONS = [
    "On set in Burslem",
    "In the grading suite",
    "Storyboards for episode one",
    "Behind the scenes",
    "Final frame",
    "Recording Foley",
    "Tech recce at the kilns",
]
LAPSED = {"Kidsgrove Tape", "Rugeley Reels", "Cheadle Docs", "Trentham Type"}

PRODUCTIONS = [
    "The Last Firing",
    "Clay Hearts",
    "Canal Lights",
    "Northern Soul Kitchen",
    "The Potters",
    "Moorland Rescue",
    "Bottle Kilns",
    "Slip & Glaze",
    "Night Shift",
    "Saggar Makers",
    "The Lost Mill",
    "Green Chase",
    "After the Works",
    "Brick Lane North",
    "Tile & Tide",
    "The Long Road to Leek",
    "Five Towns",
    "Wild Staffordshire",
]
# Fictional broadcasters and clients: demo companies are invented, and so is
# every credit they claim.
CLIENTS = [
    "Channel Trent",
    "Five Towns TV",
    "Moorland Screen",
    "Northlight Pictures",
    "Kilnhouse Streaming",
    "Marl Films",
    "Bottle Oven Records",
    "Saggar Tableware",
    "Potteries Borough Council",
    "Midlands Screen Fund",
    "Churnet Valley University",
    "Jasper Games",
    "Burslem Athletic FC",
    "",
]
SIZE_WORDS = {
    "1": "one-person",
    "2-9": "small",
    "10-49": "growing",
    "50-249": "busy",
    "250+": "large",
}
PALETTE = [
    (200, 80, 40),
    (30, 90, 140),
    (40, 120, 90),
    (120, 60, 140),
    (190, 140, 30),
    (60, 60, 70),
    (170, 40, 80),
    (20, 120, 130),
]


def ensure_directory_index(stdout) -> DirectoryIndexPage | None:
    """The DirectoryIndexPage at /directory/ under the home page (created once)."""
    from cms.models import HomePage

    index = DirectoryIndexPage.objects.first()
    if index is not None:
        return index
    home = HomePage.objects.first()
    if home is None:
        stdout.write("  no home page: run cms.demo first")
        return None
    index = DirectoryIndexPage(
        title="Member directory",
        slug="directory",
        intro="<p>Find a member company by skill, sector or place: animation, post-production, "
        "VFX, sound, games and immersive studios across Stoke-on-Trent and Staffordshire.</p>",
    )
    index.show_in_menus = True
    home.add_child(instance=index)
    index.save_revision().publish()
    # The directory is what most visitors come for: first in the main menu.
    index.move(home, pos="first-child")
    stdout.write("  created the directory page at /directory/")
    return index


def logo_image(name: str, colour: tuple[int, int, int]):
    """A square Pillow-drawn logo (monogram in a roundel), found again by its title."""
    Image = get_image_model()
    title = f"{name} logo"
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    size = 400
    canvas = PILImage.new("RGB", (size, size), (250, 248, 244))
    draw = ImageDraw.Draw(canvas)
    draw.ellipse([24, 24, size - 24, size - 24], fill=colour)
    draw.ellipse([52, 52, size - 52, size - 52], outline=(255, 255, 255), width=6)
    initials = "".join(word[0] for word in name.replace("&", "").split()[:2]).upper()
    font = ImageFont.load_default(size=150)
    draw.text((size / 2, size / 2), initials, font=font, fill=(255, 255, 255), anchor="mm")
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG")
    image = Image(title=title, description=f"{name} logo")
    image.file = ImageFile(buffer, name=f"logo-{slugify(name)}.png")
    image.save()
    return image


def curated_page(number: int, name: str, trade_key: str, rng: random.Random, terms) -> CompanyPage:
    trade = TRADES[trade_key]
    skills_by_group, sectors, places = terms
    place = places[number % len(places)] if number < len(places) else rng.choice(places)
    size = rng.choice(list(CompanyPage.SizeBand))
    own = [s for group in trade.groups for s in skills_by_group.get(group, [])]
    others = [
        s for group, skills in skills_by_group.items() if group not in trade.groups for s in skills
    ]
    skills = rng.sample(own, min(len(own), rng.randint(3, 6)))
    skills += rng.sample(others, min(len(others), rng.randint(0, 2)))
    page = CompanyPage(
        title=name,
        slug=slugify(name),
        strapline=trade.strapline,
        about=f"<p>{trade.about.format(size=SIZE_WORDS[size.value], town=place.name)}</p>"
        f"<p>Members of the cluster since {2015 + number % 10}. "
        "Get in touch with your brief: we reply within two working days.</p>",
        place=place,
        service_area=rng.choice(list(CompanyPage.ServiceArea)),
        size_band=size,
        year_founded=rng.randint(1988, 2023),
        website=f"https://{slugify(name)}.example",
        email=f"hello@{slugify(name)}.example",
        phone=f"01782 {rng.randint(100000, 999999)}",
        linkedin_url=f"https://www.linkedin.com/company/{slugify(name)}-example",
        instagram_url=f"https://www.instagram.com/{slugify(name).replace('-', '')}"
        if number % 2
        else "",
        showreel_url=SHOWREELS[number % len(SHOWREELS)] if number % 5 != 4 else "",
        membership_status=(
            CompanyPage.MembershipStatus.LAPSED
            if name in LAPSED
            else CompanyPage.MembershipStatus.ACTIVE
        ),
        verified=number % 3 == 0,
        joined_at=timezone.now() - timezone.timedelta(days=30 * (len(CURATED) - number)),
        live=False,
    )
    if number % 4 == 0:  # a quarter give an exact location near the town centre
        page.latitude = round(place.latitude + rng.uniform(-0.01, 0.01), 5)
        page.longitude = round(place.longitude + rng.uniform(-0.01, 0.01), 5)
    page.skills = skills
    page.sectors = [sectors[slug] for slug in trade.sectors if slug in sectors]
    page.credits = [  # newest first, no production twice
        CompanyCredit(
            production=production,
            client=rng.choice(CLIENTS),
            year=2025 - n - rng.randint(0, 1),
            role=rng.choice(trade.roles),
            sort_order=n,
        )
        for n, production in enumerate(rng.sample(PRODUCTIONS, rng.randint(2, 5)))
    ]
    page.logo = logo_image(name, PALETTE[number % len(PALETTE)])
    if number < GALLERY_COMPANIES:
        page.gallery_images = [
            CompanyGalleryImage(
                image=generated_image(
                    f"{name} still {n}", label=f"{name}\n{caption}", palette=number + n
                ),
                caption=caption,
                sort_order=n,
            )
            for n, caption in enumerate(rng.sample(GALLERY_CAPTIONS, 3))
        ]
    return page


def taxonomy_terms():
    skills_by_group: dict[str, list[Skill]] = {}
    for skill in Skill.objects.select_related("group"):
        skills_by_group.setdefault(skill.group.name, []).append(skill)
    sectors = {s.slug: s for s in Sector.objects.all()}
    places = list(Place.objects.order_by("pk"))
    return skills_by_group, sectors, places


def seed(stdout, options) -> None:
    stdout.write("Member directory (directory.demo)")
    wanted = options.get("companies", len(CURATED))
    wanted = len(CURATED) if wanted is None else max(0, int(wanted))
    with transaction.atomic():
        index = ensure_directory_index(stdout)
    if index is None:
        return
    terms = taxonomy_terms()
    if not terms[2]:
        stdout.write("  the gazetteer is empty: run `manage.py load_gazetteer` first")
        return
    rng = random.Random(3)  # noqa: S311 - demo variety, the same on every run
    existing = set(CompanyPage.objects.child_of(index).values_list("slug", flat=True))
    created = 0
    for number, (name, trade) in enumerate(CURATED[:wanted]):
        # Draw from the generator even for existing companies, so each company's
        # details do not depend on which others already exist.
        page_rng = random.Random(rng.random())  # noqa: S311
        if slugify(name) in existing:
            continue
        with transaction.atomic():
            page = curated_page(number, name, trade, page_rng, terms)
            index.add_child(instance=page)
            page.save_revision().publish()
        created += 1
        if created % 10 == 0:
            stdout.write(f"  companies {created}…")
    curated = min(wanted, len(CURATED))
    stdout.write(f"  {created} companies created, {curated - created} already there")
    if wanted > len(CURATED):
        bulk_create_companies(index, wanted - len(CURATED), stdout, terms)
    feature_members(stdout)


def feature_members(stdout) -> None:
    """Feature up to four listed companies on the home page and in two articles.

    Runs once the companies exist, after the site content's seeder made the
    home page and the articles.
    """
    home = HomePage.objects.first()
    if home is None:
        return
    # Members with logos first: they make the best first impression.
    candidates = CompanyPage.objects.live().order_by(models.F("logo").asc(nulls_last=True), "pk")[
        :20
    ]
    companies = [c for c in candidates if c.is_listed][:4]
    if not companies:
        stdout.write("  no companies yet: featured members left empty")
        return
    if not home.featured_companies.exists():
        for order, company in enumerate(companies):
            HomePageFeaturedCompany.objects.create(page=home, company=company, sort_order=order)
        stdout.write(f"  featured {len(companies)} members on the home page")
    for article, company in zip(
        NewsPage.objects.filter(category__name="Member news").order_by("pk")[:2],
        companies,
        strict=False,
    ):
        NewsPageFeature.objects.get_or_create(
            news_page=article, page=company, defaults={"sort_order": 0}
        )


# -- synthetic companies in bulk ------------------------------------------------

SYNTHETIC_PREFIX = "member-"
FIRST = [
    "Kiln",
    "Saggar",
    "Marl",
    "Slip",
    "Glaze",
    "Flint",
    "Cobalt",
    "Lustre",
    "Trent",
    "Canal",
    "Moorland",
    "Chase",
    "Beacon",
    "Jasper",
    "Ember",
    "Shard",
    "Copper",
    "Heron",
    "Oak",
    "North",
]
SECOND = [
    "Pictures",
    "Post",
    "Animation",
    "Sound",
    "Games",
    "Films",
    "Studio",
    "Media",
    "VFX",
    "Immersive",
    "Creative",
    "Productions",
    "Motion",
    "Audio",
    "Labs",
]


def bulk_create_companies(index, count: int, stdout, terms=None, batch_size: int = 2000) -> int:
    """Add ``count`` synthetic listed companies to the directory, fast; returns how many were made.

    Pages are built as rows, not through Wagtail: treebeard paths are computed
    here, ``wagtailcore_page`` rows are bulk-created in batches, the
    ``directory_companypage`` rows are inserted with ``executemany`` (Django
    cannot bulk-create a multi-table child), and the skills/sectors through rows
    are bulk-created too. Skipped, on purpose: revisions (the first edit in the
    admin makes one), logos, credits and gallery, Wagtail's own search index and
    reference index, and page signals (so search sync). The directory's search
    entries are rebuilt once at the end instead. Idempotent: synthetic companies
    are numbered (``member-000061``...) and only missing numbers are made.
    """
    from tqdm import tqdm

    skills_by_group, sectors, places = terms or taxonomy_terms()
    all_skills = [s.pk for skills in skills_by_group.values() for s in skills]
    all_sectors = [s.pk for s in sectors.values()]
    start = len(CURATED) + 1
    have = set(
        CompanyPage.objects.child_of(index)
        .filter(slug__startswith=SYNTHETIC_PREFIX)
        .values_list("slug", flat=True)
    )
    numbers = [n for n in range(start, start + count) if f"{SYNTHETIC_PREFIX}{n:06d}" not in have]
    if not numbers:
        stdout.write(f"  {count} synthetic companies already there")
        return 0

    content_type = ContentType.objects.get_for_model(CompanyPage)
    locale = index.locale_id or Locale.get_default().pk
    rng = random.Random(11)  # noqa: S311
    now = timezone.now()
    company_fields = [
        f for f in CompanyPage._meta.local_concrete_fields if f.column != "page_ptr_id"
    ]
    table = connection.ops.quote_name(CompanyPage._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in company_fields)
    placeholders = ", ".join(["%s"] * (len(company_fields) + 1))
    # Only our own model's quoted table and column names go into the statement;
    # every value is a bound parameter.
    insert_sql = (
        f"INSERT INTO {table} ({connection.ops.quote_name('page_ptr_id')}, {columns}) "  # noqa: S608
        f"VALUES ({placeholders})"
    )
    SkillThrough = CompanyPage.skills.through
    SectorThrough = CompanyPage.sectors.through

    made = 0
    bar = tqdm(total=len(numbers), desc="Synthetic companies", unit="company", file=sys.stderr)
    with transaction.atomic():
        index = Page.objects.select_for_update().get(pk=index.pk)
        last = index.get_last_child()
        next_step = _step_of(last.path) + 1 if last else 1
        for offset in range(0, len(numbers), batch_size):
            batch = numbers[offset : offset + batch_size]
            pages, companies = [], []
            for number in batch:
                name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {number}"
                slug = f"{SYNTHETIC_PREFIX}{number:06d}"
                pages.append(
                    Page(
                        title=name,
                        draft_title=name,
                        slug=slug,
                        content_type=content_type,
                        path=Page._get_path(index.path, index.depth + 1, next_step),
                        depth=index.depth + 1,
                        numchild=0,
                        url_path=f"{index.url_path}{slug}/",
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=now,
                        last_published_at=now,
                        locale_id=locale,
                        translation_key=uuid.uuid4(),
                    )
                )
                next_step += 1
                place = rng.choice(places)
                companies.append(
                    CompanyPage(
                        strapline=f"{rng.choice(list(TRADES.values())).strapline}",
                        about=f"<p>{name} is a synthetic company made for benchmarks.</p>",
                        place_id=place.pk,
                        service_area=rng.choice(CompanyPage.ServiceArea.values),
                        size_band=rng.choice(CompanyPage.SizeBand.values),
                        year_founded=rng.randint(1980, 2025),
                        website=f"https://{slug}.example",
                        email=f"hello@{slug}.example",
                        membership_status=CompanyPage.MembershipStatus.ACTIVE,
                        verified=rng.random() < 0.3,
                        joined_at=now - timezone.timedelta(minutes=number),
                    )
                )
            Page.objects.bulk_create(pages, batch_size=batch_size)
            rows, skill_rows, sector_rows = [], [], []
            for page, company in zip(pages, companies, strict=True):
                rows.append(
                    [page.pk]
                    + [
                        f.get_db_prep_save(getattr(company, f.attname), connection)
                        for f in company_fields
                    ]
                )
                for skill_id in rng.sample(all_skills, min(len(all_skills), rng.randint(2, 6))):
                    skill_rows.append(SkillThrough(companypage_id=page.pk, skill_id=skill_id))
                for sector_id in rng.sample(all_sectors, min(len(all_sectors), rng.randint(1, 3))):
                    sector_rows.append(SectorThrough(companypage_id=page.pk, sector_id=sector_id))
            with connection.cursor() as cursor:
                cursor.executemany(insert_sql, rows)
            SkillThrough.objects.bulk_create(skill_rows, batch_size=batch_size * 4)
            SectorThrough.objects.bulk_create(sector_rows, batch_size=batch_size * 4)
            made += len(batch)
            bar.update(len(batch))
        Page.objects.filter(pk=index.pk).update(numchild=index.get_children().count())
    bar.close()
    stdout.write(f"  {made} synthetic companies created in bulk")
    rebuild_search_entries(stdout)
    return made


def _step_of(path: str) -> int:
    """The number of the last step of a treebeard path (base 36, four characters)."""
    return int(path[-Page.steplen :], 36)


def rebuild_search_entries(stdout) -> None:
    """Bulk creation sends no signals, so build the directory's search entries once."""
    written = rebuild_database_entries(progress=True)
    stdout.write(f"  search entries rebuilt for {written} listed companies")
