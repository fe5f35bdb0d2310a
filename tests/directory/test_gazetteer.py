"""The gazetteer: towns and postcode districts shipped as CSV, loaded by migration and command."""

from io import StringIO

from django.core.management import CommandError, call_command
from django.http import QueryDict

import pytest

from directory import gazetteer
from directory.models import Place, PostcodeDistrict, Sector, Skill
from directory.search.query import parse_search_params, resolve_near

pytestmark = pytest.mark.django_db

SIX_TOWNS = {"Tunstall", "Burslem", "Hanley", "Stoke-upon-Trent", "Fenton", "Longton"}


def counts():
    return (
        Skill.objects.count(),
        Sector.objects.count(),
        Place.objects.count(),
        PostcodeDistrict.objects.count(),
    )


def test_migration_loaded_the_towns_and_postcode_districts():
    towns = set(Place.objects.values_list("name", flat=True))
    assert (
        SIX_TOWNS
        | {
            "Stoke-on-Trent",
            "Newcastle-under-Lyme",
            "Kidsgrove",
            "Biddulph",
            "Leek",
            "Cheadle",
            "Stone",
            "Stafford",
            "Eccleshall",
            "Uttoxeter",
            "Rugeley",
            "Cannock",
            "Penkridge",
            "Codsall",
            "Lichfield",
            "Burntwood",
            "Tamworth",
            "Burton upon Trent",
            "Audley",
        }
        <= towns
    )
    codes = set(PostcodeDistrict.objects.values_list("code", flat=True))
    assert {f"ST{n}" for n in range(1, 22)} <= codes
    assert {
        "WS7",
        "WS11",
        "WS12",
        "WS13",
        "WS14",
        "WS15",
        "DE13",
        "DE14",
        "DE15",
        "B77",
        "B78",
        "B79",
    } <= codes
    assert PostcodeDistrict.objects.get(code="ST13").place.slug == "leek"
    assert PostcodeDistrict.objects.get(code="ST1").place.slug == "stoke-on-trent"
    assert PostcodeDistrict.objects.get(code="ST6").place.slug == "burslem"
    assert PostcodeDistrict.objects.get(code="DE14").place.slug == "burton-upon-trent"


def test_coordinates_are_in_staffordshire_and_districts_near_their_town():
    for place in Place.objects.all():
        assert 52.55 < place.latitude < 53.2 and -2.4 < place.longitude < -1.55, place
    for district in PostcodeDistrict.objects.select_related("place"):
        # a district's centre lies within ~12 km of its town's
        assert abs(district.latitude - district.place.latitude) < 0.11, district
        assert abs(district.longitude - district.place.longitude) < 0.11, district
    # Leek is north-east of Stafford, Tamworth south-east: a sanity check on signs
    leek, stafford, tamworth = (Place.objects.get(slug=s) for s in ("leek", "stafford", "tamworth"))
    assert leek.latitude > stafford.latitude > tamworth.latitude
    assert leek.longitude > stafford.longitude and tamworth.longitude > stafford.longitude


def test_the_directory_search_resolves_shipped_places_and_districts():
    assert resolve_near("Stoke-on-Trent").slug == "stoke-on-trent"
    assert resolve_near("burton upon trent").slug == "burton-upon-trent"
    assert resolve_near("ST4 7QB").slug == "st4"
    assert resolve_near("ws13").slug == "ws13"
    assert "Lichfield" in resolve_near("ws13").label
    query = parse_search_params(
        QueryDict("skill=compositing&skill=2d-animation&sector=games&near=st1&radius=10")
    )
    assert set(query.selected("skill")) == {"compositing", "2d-animation"}
    assert query.selected("sector") == ("games",)
    assert query.near.slug == "st1"
    assert not query.notes


def test_load_gazetteer_is_idempotent_and_keeps_editors_additions():
    added = Place.objects.create(name="Ipstones", slug="ipstones", latitude=53.05, longitude=-1.97)
    leek = Place.objects.get(slug="leek")
    leek.name = "Leek (renamed)"
    leek.save()
    before = counts()

    out = StringIO()
    call_command("load_gazetteer", "--keep-edits", stdout=out)
    assert Place.objects.get(slug="leek").name == "Leek (renamed)"
    assert "places: 0 created, 0 updated" in out.getvalue()

    out = StringIO()
    call_command("load_gazetteer", stdout=out)
    assert "places: 0 created, 1 updated" in out.getvalue()
    assert "postcode_districts.csv: 34 postcode districts" in out.getvalue()
    call_command("load_gazetteer", stdout=StringIO())
    assert counts() == before
    assert Place.objects.get(slug="leek").name == "Leek"  # the file wins without --keep-edits
    assert Place.objects.filter(pk=added.pk).exists()


def test_load_gazetteer_restores_deleted_terms():
    PostcodeDistrict.objects.filter(code="ST1").delete()
    out = StringIO()
    call_command("load_gazetteer", stdout=out)
    assert PostcodeDistrict.objects.get(code="ST1").place.slug == "stoke-on-trent"
    assert "postcode districts: 1 created" in out.getvalue()


def test_loading_into_empty_tables_creates_everything():
    PostcodeDistrict.objects.all().delete()
    Place.objects.filter(companies__isnull=True).delete()
    loaded = gazetteer.load(update=False)
    assert loaded.created["places"] == Place.objects.count()
    assert loaded.created["postcode districts"] == 34


def test_a_broken_data_file_is_reported_with_its_line(tmp_path, monkeypatch):
    for name in ("skills.csv", "sectors.csv", "places.csv"):
        (tmp_path / name).write_text((gazetteer.DATA_DIR / name).read_text())
    (tmp_path / "postcode_districts.csv").write_text(
        "\ufeffcode,place_slug,latitude,longitude\nST1,hanley,53.0,-2.17\nST99,atlantis,1,2\n"
    )
    monkeypatch.setattr(gazetteer, "DATA_DIR", tmp_path)
    expected = "postcode_districts.csv line 3: unknown place 'atlantis'"
    with pytest.raises(CommandError, match=expected):
        call_command("load_gazetteer", stdout=StringIO())
    # the whole load ran in one transaction: nothing half-written
    assert not PostcodeDistrict.objects.filter(code="ST99").exists()
