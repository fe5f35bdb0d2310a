"""Members, editors, images and fully filled-in pages for the member-area tests."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from PIL import Image

from directory.models import CompanyCredit, CompanyGalleryImage, Sector, Skill
from members.models import CompanyMembership
from showcase.models import ProjectAward, ProjectCredit, ProjectGalleryImage
from tests.cms.factories import image
from tests.directory.factories import PlaceFactory, SkillGroupFactory, company
from tests.showcase.factories import project

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


def photo(title, description):
    picture = image(title)
    picture.description = description
    picture.save()
    return picture


def rich_company():
    """A company with something in every field a member can edit, and richer text."""
    group = SkillGroupFactory(name="Round trip craft", slug="round-trip-craft")
    skills = [
        Skill.objects.get_or_create(slug=slug, defaults={"name": name, "group": group})[0]
        for slug, name in (
            ("rt-clay-stop-motion", "Clay stop motion"),
            ("rt-miniature-sets", "Miniature sets"),
        )
    ]
    sectors = [
        Sector.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in (("rt-pre-school", "Pre-school TV"), ("rt-board-games", "Board games"))
    ]
    studio = company(
        "Kiln Light Studio",
        skills=skills,
        sectors=sectors,
        place=PlaceFactory(name="Burslem", slug="rt-burslem"),
        strapline="Stop motion from the Mother Town",
        # Formatting members cannot type, keyed as the admin's editor stores it.
        about=(
            '<p data-block-key="rt1">We make <b>clay</b> move.</p>'
            '<ul><li data-block-key="rt2">Puppets</li><li data-block-key="rt3">Sets</li></ul>'
        ),
        latitude=53.04,
        longitude=-2.19,
        service_area="national",
        size_band="2-9",
        year_founded=2011,
        website="https://kiln.example",
        email="hello@kiln.example",
        phone="01782 000000",
        linkedin_url="https://www.linkedin.com/company/kiln",
        instagram_url="https://www.instagram.com/kiln",
        x_url="https://x.com/kiln",
        youtube_url="https://www.youtube.com/@kiln",
        vimeo_url="https://vimeo.com/kiln",
        showreel_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        logo=photo("Kiln logo", "A kiln drawn in one line"),
    )
    studio.credits = [
        CompanyCredit(
            production="Clay Detectives", client="CBBC", year=2023, role="Animation", sort_order=0
        ),
        CompanyCredit(production="Bottle Oven", client="S4C", year=2021, role="Sets", sort_order=1),
    ]
    studio.gallery_images = [
        CompanyGalleryImage(
            image=photo("Still one", "Puppet on a set"), caption="On set", sort_order=0
        ),
        CompanyGalleryImage(
            image=photo("Still two", "Painted clay face"), caption="", sort_order=1
        ),
    ]
    studio.save_revision().publish()
    studio.refresh_from_db()
    return studio


def rich_project(studio):
    return project(
        "The Clay Detectives",
        companies=[(studio, "Animation studio")],
        skills=list(studio.skills.all()),
        sectors=list(studio.sectors.all()),
        client="CBBC",
        kind="production",
        year=2023,
        synopsis='<p data-block-key="rt4">Two detectives made of <i>clay</i>.</p>',
        poster=photo("Poster", "Two clay detectives under a lamp"),
        awards=[ProjectAward(kind="win", name="Annecy", category="TV series", year=2024)],
        credits=[ProjectCredit(role="Director", name="Ada Clay")],
        gallery_images=[ProjectGalleryImage(image=photo("Frame", "A clay alley"), caption="Ep 1")],
    )
