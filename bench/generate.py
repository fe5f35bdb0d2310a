"""Bulk generator of synthetic member companies for benchmarks (fast, not realistic prose).

Creating 100,000 pages one by one through Wagtail's tree API takes hours; here
page rows get their tree paths computed up front and are inserted in batches,
then the ``CompanyPage`` rows, then skills and sectors. The result is a valid
page tree (``Page.fix_tree`` finds nothing to fix) of live, active companies.
Taxonomies are reused when the gazetteer and skills are already loaded.
"""

from __future__ import annotations

import datetime
import random
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

WORDS = (
    "kiln",
    "bottle",
    "oven",
    "trent",
    "potteries",
    "moorland",
    "canal",
    "saggar",
    "marl",
    "clay",
    "copper",
    "brook",
    "lantern",
    "harbour",
    "signal",
    "northern",
    "bright",
    "frame",
    "pixel",
    "reel",
    "studio",
    "works",
    "foundry",
    "meadow",
    "iron",
    "spark",
    "beacon",
)
SUFFIXES = ("Animation", "Pictures", "Post", "VFX", "Studio", "Films", "Sound", "Media", "Games")
SKILLS = {
    "Animation": ["2D animation", "3D animation", "Stop motion", "Motion graphics", "Rigging"],
    "Post-production": ["Colour grading", "Offline editing", "Online editing", "Conform"],
    "VFX": ["Compositing", "Rotoscoping", "Matte painting", "Simulation", "Tracking"],
    "Sound": ["Dubbing mixing", "Sound design", "Foley", "Location sound", "Music composition"],
    "Production": ["Line production", "Production management", "Location scouting", "Casting"],
    "Camera": ["Cinematography", "Drone filming", "Steadicam", "Lighting"],
}
SECTORS = [
    "Film",
    "TV drama",
    "Factual",
    "Animation",
    "Games",
    "Advertising",
    "Corporate",
    "Music video",
    "Immersive/XR",
    "Live events",
]
PLACES = [
    ("Stoke-on-Trent", 53.0027, -2.1794),
    ("Newcastle-under-Lyme", 53.0109, -2.2278),
    ("Leek", 53.1050, -2.0230),
    ("Stafford", 52.8066, -2.1171),
    ("Stone", 52.9055, -2.1468),
    ("Uttoxeter", 52.8984, -1.8651),
    ("Burton upon Trent", 52.8020, -1.6290),
    ("Lichfield", 52.6816, -1.8263),
    ("Tamworth", 52.6339, -1.6950),
    ("Cannock", 52.6910, -2.0270),
    ("Rugeley", 52.7593, -1.9362),
    ("Cheadle", 52.9873, -1.9858),
]


def ensure_taxonomies(rng: random.Random):
    from directory.models import Place, Sector, Skill, SkillGroup

    if Skill.objects.count() < 20:
        for order, (group_name, names) in enumerate(SKILLS.items()):
            group, _ = SkillGroup.objects.get_or_create(
                slug=slugify(group_name), defaults={"name": group_name, "sort_order": order}
            )
            for name in names:
                Skill.objects.get_or_create(
                    slug=slugify(name), defaults={"name": name, "group": group}
                )
    if Sector.objects.count() < 5:
        for name in SECTORS:
            Sector.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    if Place.objects.count() < 5:
        for name, lat, lon in PLACES:
            Place.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "latitude": lat, "longitude": lon}
            )
    return list(Skill.objects.all()), list(Sector.objects.all()), list(Place.objects.all())


def ensure_directory():
    from wagtail.models import Page, Site

    from cms.models import HomePage
    from directory.models import DirectoryIndexPage

    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="Platform", slug="platform-home"))
        site = Site.objects.filter(is_default_site=True).first()
        if site:
            site.root_page = home
            site.save()
        else:
            Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    directory = DirectoryIndexPage.objects.first()
    if directory is None:
        directory = home.add_child(instance=DirectoryIndexPage(title="Directory", slug="directory"))
    return directory


def _path_step(number: int) -> str:
    from wagtail.models import Page

    alphabet, steplen = Page.alphabet, Page.steplen
    digits = ""
    while number:
        number, rem = divmod(number, len(alphabet))
        digits = alphabet[rem] + digits
    return digits.rjust(steplen, alphabet[0])


def generate_companies(count: int, *, seed: int = 42, batch_size: int = 1000, progress=None) -> int:
    """Add ``count`` live, active companies under the directory; returns how many exist."""
    from wagtail.models import Locale, Page

    from directory.models import CompanyPage

    rng = random.Random(seed)
    skills, sectors, places = ensure_taxonomies(rng)
    directory = ensure_directory()
    content_type = ContentType.objects.get_for_model(CompanyPage)
    locale = Locale.get_default()
    start = directory.get_children().count()
    now = timezone.now()
    skill_through = CompanyPage.skills.through
    sector_through = CompanyPage.sectors.through
    child_fields = CompanyPage._meta.local_concrete_fields

    made = 0
    while made < count:
        size = min(batch_size, count - made)
        with transaction.atomic():
            pages, companies = [], []
            for i in range(size):
                n = start + made + i + 1
                words = (rng.choice(WORDS).title(), rng.choice(WORDS).title(), rng.choice(SUFFIXES))
                name = f"{' '.join(words)} {n}"
                slug = slugify(name)
                published = now - datetime.timedelta(days=rng.randint(0, 3650))
                pages.append(
                    Page(
                        title=name,
                        draft_title=name,
                        slug=slug,
                        content_type=content_type,
                        path=directory.path + _path_step(n),
                        depth=directory.depth + 1,
                        numchild=0,
                        url_path=f"{directory.url_path}{slug}/",
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=published,
                        last_published_at=published,
                        locale=locale,
                        translation_key=uuid.uuid4(),
                    )
                )
            Page.objects.bulk_create(pages)
            ids = dict(
                Page.objects.filter(path__in=[p.path for p in pages]).values_list("path", "pk")
            )
            skill_rows, sector_rows = [], []
            for page in pages:
                page_id = ids[page.path]
                place = rng.choice(places)
                chosen_skills = rng.sample(skills, rng.randint(1, 5))
                company = CompanyPage(
                    page_ptr_id=page_id,
                    strapline=f"{chosen_skills[0].name} for {rng.choice(sectors).name.lower()}",
                    about=f"<p>{page.title} offers "
                    f"{', '.join(s.name.lower() for s in chosen_skills)} from {place.name}.</p>",
                    place_id=place.pk,
                    latitude=place.latitude + rng.uniform(-0.03, 0.03),
                    longitude=place.longitude + rng.uniform(-0.03, 0.03),
                    service_area="regional",
                    membership_status="active",
                    verified=rng.random() < 0.3,
                    joined_at=page.first_published_at,
                    website=f"https://{page.slug}.example",
                )
                companies.append(company)
                skill_rows += [
                    skill_through(companypage_id=page_id, skill_id=s.pk) for s in chosen_skills
                ]
                sector_rows += [
                    sector_through(companypage_id=page_id, sector_id=s.pk)
                    for s in rng.sample(sectors, rng.randint(1, 3))
                ]
            # The child table only: the Page rows exist (what save_base(raw=True) does, in bulk).
            CompanyPage._base_manager._insert(companies, fields=child_fields, raw=True)
            skill_through.objects.bulk_create(skill_rows)
            sector_through.objects.bulk_create(sector_rows)
            Page.objects.filter(pk=directory.pk).update(numchild=start + made + size)
        made += size
        if progress:
            progress(size)
    return CompanyPage.objects.count()
