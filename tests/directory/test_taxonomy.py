"""The shipped skills and sectors: loaded by the data migration, with the slugs the site uses."""

import pytest

from directory.gazetteer import read_rows
from directory.models import Sector, Skill, SkillGroup

pytestmark = pytest.mark.django_db

GROUPS = {
    "Production",
    "Development & writing",
    "Camera & lighting",
    "Post-production",
    "VFX",
    "Animation",
    "Sound",
    "Games & interactive",
    "Immersive/XR",
    "Design & graphics",
    "Locations & facilities",
}


def test_migration_loaded_at_least_sixty_skills_in_the_agreed_groups():
    assert Skill.objects.count() >= 60
    assert set(SkillGroup.objects.values_list("name", flat=True)) >= GROUPS
    assert SkillGroup.objects.get(name="Immersive/XR").slug == "immersive-xr"
    assert SkillGroup.objects.get(name="Development & writing").slug == "development-and-writing"
    # every group has real content, not a token entry
    for group in SkillGroup.objects.all():
        assert group.skills.count() >= 4, group


def test_skills_the_rest_of_the_site_relies_on_exist_in_their_groups():
    expected = {
        "compositing": "VFX",
        "visual-effects": "VFX",
        "2d-animation": "Animation",
        "3d-animation": "Animation",
        "stop-motion": "Animation",
        "colour-grading": "Post-production",
        "dubbing-mixing": "Sound",
        "line-production": "Production",
        "virtual-production": "Immersive/XR",
    }
    found = dict(Skill.objects.filter(slug__in=expected).values_list("slug", "group__name"))
    assert found == expected
    grading = Skill.objects.select_related("group").get(slug="colour-grading")
    assert grading.label == "Post-production › Colour grading"
    assert grading.description


def test_skills_keep_the_files_order_within_their_group():
    names = list(
        Skill.objects.filter(group__name="Animation")
        .order_by("sort_order")
        .values_list("name", flat=True)
    )
    in_file = [row["name"] for row in read_rows("skills.csv") if row["group"] == "Animation"]
    assert names == in_file


def test_sectors_cover_the_screen_industries():
    slugs = set(Sector.objects.values_list("slug", flat=True))
    assert {
        "film",
        "tv-drama",
        "factual",
        "documentary",
        "animation",
        "games",
        "advertising",
        "corporate",
        "music-video",
        "immersive-xr",
        "live-events",
        "childrens",
        "comedy",
        "education",
        "heritage",
        "sport",
    } <= slugs
    assert Sector.objects.get(slug="immersive-xr").name == "Immersive/XR"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("skills.csv", "slug"),
        ("sectors.csv", "slug"),
        ("places.csv", "slug"),
        ("postcode_districts.csv", "code"),
    ],
)
def test_files_have_unique_keys_and_no_blank_names(name, key):
    rows = read_rows(name)
    values = [row[key] for row in rows]
    assert len(values) == len(set(values)), name
    assert all(values)
    assert all(row.get("name", "x") for row in rows)
