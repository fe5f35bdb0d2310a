"""``manage.py import_companies``: idempotent by slug, bad rows by line, dry run writes nothing."""

from __future__ import annotations

from io import StringIO

from django.core.management import CommandError, call_command

from wagtail.models import Revision

import pytest

from directory.models import CompanyPage, PostcodeDistrict
from tests.directory.factories import PlaceFactory, SectorFactory, SkillFactory, directory_index

pytestmark = pytest.mark.django_db

HEADER = (
    "name,slug,strapline,about,skills,sectors,place,postcode,service_area,size_band,"
    "year_founded,website,email,showreel_url,membership_status,verified\n"
)
GOOD = (
    'Kiln Light,,Stop motion for TV,"Clay and light.\n\nSince 2009.",stop-motion;Compositing,'
    "games,Leek,,national,2-9,2009,https://kiln.example,hello@kiln.example,"
    "https://youtu.be/aqz-KE-bpKQ,active,yes\n"
    "Saggar Post,saggar,Colour and finishing,,colour-grading,tv-drama,,ST4 7QB,,,,,,,,no\n"
)


@pytest.fixture
def terms():
    directory_index()
    SkillFactory(name="Stop motion", slug="stop-motion")
    SkillFactory(name="Compositing", slug="compositing")
    SkillFactory(name="Colour grading", slug="colour-grading")
    SectorFactory(name="Games", slug="games")
    SectorFactory(name="TV drama", slug="tv-drama")
    leek = PlaceFactory(name="Leek", slug="leek", latitude=53.105, longitude=-2.023)
    stoke = PlaceFactory(name="Stoke-upon-Trent", slug="stoke-upon-trent")
    PostcodeDistrict.objects.update_or_create(
        code="ST4", defaults={"place": stoke, "latitude": 52.993, "longitude": -2.18}
    )
    return {"leek": leek, "stoke": stoke}


def run(tmp_path, text, *args):
    path = tmp_path / "companies.csv"
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_companies", str(path), *args, stdout=out, stderr=err, verbosity=0)
    return out.getvalue(), err.getvalue()


def test_creates_live_companies_with_every_column(tmp_path, terms):
    out, err = run(tmp_path, HEADER + GOOD)
    assert "2 created, 0 updated, 0 unchanged, 0 bad row(s)" in out, (out, err)
    kiln = CompanyPage.objects.get(slug="kiln-light")
    assert kiln.live and kiln.title == "Kiln Light" and kiln.verified
    assert kiln.about == "<p>Clay and light.</p><p>Since 2009.</p>"
    assert {s.slug for s in kiln.skills.all()} == {"stop-motion", "compositing"}  # slug or name
    assert [s.slug for s in kiln.sectors.all()] == ["games"]
    assert kiln.place == terms["leek"] and kiln.service_area == "national"
    assert kiln.size_band == "2-9" and kiln.year_founded == 2009
    saggar = CompanyPage.objects.get(slug="saggar")
    # A postcode gives the place and the district's centre as coordinates.
    assert saggar.place == terms["stoke"] and saggar.coordinates == (52.993, -2.18)
    assert not saggar.verified


def test_reimport_updates_and_never_duplicates(tmp_path, terms):
    run(tmp_path, HEADER + GOOD)
    revisions = Revision.objects.count()
    out, _ = run(tmp_path, HEADER + GOOD)
    assert "0 created, 0 updated, 2 unchanged" in out
    assert Revision.objects.count() == revisions  # nothing changed: no new revisions

    changed = GOOD.replace("Stop motion for TV", "Stop motion for TV and games")
    out, _ = run(tmp_path, HEADER + changed)
    assert "0 created, 1 updated, 1 unchanged" in out
    assert CompanyPage.objects.count() == 2
    assert CompanyPage.objects.get(slug="kiln-light").strapline == "Stop motion for TV and games"


def test_bad_rows_are_reported_with_line_numbers_and_the_rest_import(tmp_path, terms):
    text = (
        HEADER
        + GOOD
        + (
            ",,no name here,,,,,,,,,,,,,\n"  # line 6
            "Bad Skill,,,,puppetry,games,,,,,,,,,,\n"  # line 7
            "Bad Year,,,,,,,,,,nineteen,,,,,\n"  # line 8
            "Bad Email,,,,,,,,,,,,not-an-email,,,\n"  # line 9
            "Bad Area,,,,,,,,galactic,,,,,,,\n"  # line 10
            "Bad Video,,,,,,,,,,,,,https://example.com/reel.mp4,,\n"  # line 11
            "Bad Place,,,,,,Atlantis,,,,,,,,,\n"  # line 12
            "Kiln Again,kiln-light,,,,,,,,,,,,,,\n"  # line 13
        )
    )
    out, err = run(tmp_path, text)
    assert "2 created" in out and "8 bad row(s)" in out
    lines = err.splitlines()
    assert any(line.startswith("Line 6: name is empty") for line in lines), err
    assert any(line.startswith("Line 7: unknown skill: 'puppetry'") for line in lines), err
    assert any(line.startswith("Line 8: year_founded 'nineteen'") for line in lines), err
    assert any(line.startswith("Line 9: email:") for line in lines), err
    assert any(line.startswith("Line 10: service_area 'galactic'") for line in lines), err
    assert any(line.startswith("Line 11: showreel_url:") for line in lines), err
    assert any(line.startswith("Line 12: unknown place 'Atlantis'") for line in lines), err
    assert any("Line 13: slug 'kiln-light' already used on line 2" in line for line in lines), err
    assert CompanyPage.objects.count() == 2


def test_line_numbers_count_multi_line_fields(tmp_path, terms):
    # Kiln's "about" spans three physical lines, so the bad row is on line 5.
    out, err = run(
        tmp_path,
        HEADER
        + GOOD.splitlines(keepends=True)[0] * 1
        + "".join(GOOD.splitlines(keepends=True)[1:3])
        + "Bad,,,,nope,,,,,,,,,,,\n",
    )
    assert "Line 5: unknown skill: 'nope'" in err, err


def test_dry_run_writes_nothing(tmp_path, terms):
    revisions = Revision.objects.count()
    out, _ = run(tmp_path, HEADER + GOOD, "--dry-run")
    assert "Dry run, nothing written: 2 to create" in out
    assert not CompanyPage.objects.exists()
    assert Revision.objects.count() == revisions


def test_a_file_without_the_name_column_is_refused(tmp_path, terms):
    with pytest.raises(CommandError, match="Missing column"):
        run(tmp_path, "title,strapline\nKiln,hello\n")


def test_a_missing_file_is_a_clear_error(tmp_path, terms):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_companies", str(tmp_path / "nope.csv"), stdout=StringIO())


def test_the_documented_example_imports_against_the_shipped_taxonomies(tmp_path):
    """docs/import-example.csv uses the real skills, sectors and gazetteer."""
    from pathlib import Path

    from django.conf import settings

    directory_index()
    example = Path(settings.BASE_DIR) / "docs" / "import-example.csv"
    out, err = StringIO(), StringIO()
    call_command("import_companies", str(example), stdout=out, stderr=err, verbosity=0)
    assert "3 created, 0 updated, 0 unchanged, 0 bad row(s)" in out.getvalue(), err.getvalue()
    kiln = CompanyPage.objects.get(slug="kiln-light")
    assert [(c.production, c.client, c.year, c.role) for c in kiln.credits.all()] == [
        ("Clay Hearts", "Channel 4", 2024, "Animation"),
        ("Five Towns", "BBC Three", 2023, "Character design"),
    ]
    saggar = CompanyPage.objects.get(slug="saggar-post")
    assert saggar.place.slug == "leek" and saggar.showreel.provider == "vimeo"
    moorland = CompanyPage.objects.get(slug="moorland-sound")
    assert moorland.coordinates == (52.8101, -2.1102) and not moorland.is_listed
    # Running it again changes nothing.
    out = StringIO()
    call_command("import_companies", str(example), stdout=out, stderr=StringIO(), verbosity=0)
    assert "0 created, 0 updated, 3 unchanged" in out.getvalue()


def test_credits_replace_the_companys_credits_in_order(tmp_path, terms):
    run(tmp_path, "name,credits\nKiln Light,A | BBC | 2020 | Edit; B\n")
    kiln = CompanyPage.objects.get(slug="kiln-light")
    assert [(c.production, c.year) for c in kiln.credits.all()] == [("A", 2020), ("B", None)]
    out, _ = run(tmp_path, "name,credits\nKiln Light,B; A | BBC | 2020 | Edit\n")
    assert "1 updated" in out
    assert [c.production for c in kiln.credits.all()] == ["B", "A"]
    out, err = run(tmp_path, "name,credits\nKiln Light,A | BBC | twenty | Edit\n")
    assert "Line 2: credit year 'twenty' is not a number" in err


def test_short_social_headers_any_case_and_a_bom_are_understood(tmp_path, terms):
    text = (
        "\ufeffName,Skills,LinkedIn,X,YouTube,Vimeo,Instagram,Showreel\n"
        "Trent Foley,Compositing,https://www.linkedin.com/company/trent-foley,"
        "https://x.com/trentfoley,https://www.youtube.com/@trentfoley,https://vimeo.com/trentfoley,"
        "https://www.instagram.com/trentfoley,https://vimeo.com/1084537\n"
    )
    out, err = run(tmp_path, text)
    assert "1 created" in out and "Ignoring" not in err, (out, err)
    page = CompanyPage.objects.get(slug="trent-foley")
    assert page.linkedin_url == "https://www.linkedin.com/company/trent-foley"
    assert page.x_url == "https://x.com/trentfoley"
    assert page.youtube_url.endswith("@trentfoley") and page.vimeo_url.endswith("trentfoley")
    assert page.instagram_url.endswith("trentfoley")
    assert page.showreel_url == "https://vimeo.com/1084537"
    assert [s.slug for s in page.skills.all()] == ["compositing"]


def test_a_file_that_is_not_utf8_is_a_clear_error(tmp_path, terms):
    path = tmp_path / "latin1.csv"
    path.write_bytes("name\nCaf\xe9 Films\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_companies", str(path), stdout=StringIO(), stderr=StringIO())
    assert not CompanyPage.objects.exists()


def test_imported_companies_are_found_by_the_directory_search(
    tmp_path, terms, django_capture_on_commit_callbacks
):
    from django.http import QueryDict

    from directory.search import run_search
    from directory.search.query import parse_search_params

    with django_capture_on_commit_callbacks(execute=True):
        run(tmp_path, HEADER + GOOD)
    found = run_search(parse_search_params(QueryDict("skill=stop-motion")))
    assert [hit.title for hit in found.hits] == ["Kiln Light"]
    # Lapsing a company through a re-import takes it out of the directory.
    lapsed = GOOD.replace(",active,yes", ",lapsed,yes")
    with django_capture_on_commit_callbacks(execute=True):
        run(tmp_path, HEADER + lapsed)
    assert run_search(parse_search_params(QueryDict("skill=stop-motion"))).total == 0


def test_a_company_with_a_pending_draft_is_not_overwritten(tmp_path, terms):
    run(tmp_path, HEADER + GOOD)
    kiln = CompanyPage.objects.get(slug="kiln-light")
    kiln.strapline = "A member's edit awaiting review"
    kiln.save_revision()  # a draft: live values unchanged
    changed = GOOD.replace("Stop motion for TV", "Imported strapline")
    out, err = run(tmp_path, HEADER + changed)
    assert "Line 2: 'Kiln Light' has unpublished changes" in err
    assert "0 updated, 1 unchanged, 1 bad row(s)" in out
    kiln.refresh_from_db()
    assert kiln.strapline == "Stop motion for TV"
    assert kiln.get_latest_revision_as_object().strapline == "A member's edit awaiting review"
    # An unchanged row does not touch the company, draft or not.
    out, _ = run(tmp_path, HEADER + GOOD)
    assert "2 unchanged, 0 bad row(s)" in out


def test_an_interrupted_import_keeps_the_batches_before_and_resumes(tmp_path, terms, monkeypatch):
    from directory.management.commands import import_companies

    names = ["Alder", "Birch", "Cedar", "Damson", "Elder"]
    text = "name\n" + "".join(f"{name}\n" for name in names)  # rows on lines 2-6
    real_save = import_companies.Command.save

    def save_until_cedar(self, index, page, values):
        if values["title"] == "Cedar":
            raise KeyboardInterrupt  # Ctrl-C, or the process being stopped
        return real_save(self, index, page, values)

    monkeypatch.setattr(import_companies, "BATCH_ROWS", 2, raising=False)
    # Batches of exactly two rows: the time bound would otherwise end a batch
    # early on a busy machine (one row can take over 0.1 s), moving the line
    # the import stops at.
    monkeypatch.setattr(import_companies, "BATCH_SECONDS", 60, raising=False)
    monkeypatch.setattr(import_companies.Command, "save", save_until_cedar)
    # KeyboardInterrupt too, so that a regression fails this test, not the whole run.
    with pytest.raises((CommandError, KeyboardInterrupt)) as stopped:
        run(tmp_path, text)
    assert stopped.type is CommandError, "Ctrl-C escaped: no message, no line to resume from"
    assert stopped.match("Stopped at line 4 .interrupted.*run the same file again")
    assert sorted(CompanyPage.objects.values_list("title", flat=True)) == ["Alder", "Birch"]

    monkeypatch.setattr(import_companies.Command, "save", real_save)
    out, _ = run(tmp_path, text)
    assert "3 created, 0 updated, 2 unchanged, 0 bad row(s)" in out
    assert CompanyPage.objects.count() == 5


def test_a_member_edit_submitted_during_the_import_is_not_published_over(tmp_path, terms):
    from wagtail.signals import page_published

    run(tmp_path, HEADER + GOOD)
    saggar = CompanyPage.objects.get(slug="saggar")

    def member_edits_saggar(sender, instance, **kwargs):
        # While the import works on Kiln Light, Saggar's member sends a change.
        if instance.slug == "kiln-light":
            draft = CompanyPage.objects.get(pk=saggar.pk)
            draft.strapline = "The member's edit"
            draft.save_revision()

    changed = GOOD.replace("Stop motion for TV", "New").replace("Colour and finishing", "Newer")
    page_published.connect(member_edits_saggar, sender=CompanyPage, dispatch_uid="member_edit")
    try:
        out, err = run(tmp_path, HEADER + changed)
    finally:
        page_published.disconnect(sender=CompanyPage, dispatch_uid="member_edit")
    assert "1 updated, 0 unchanged, 1 bad row(s)" in out
    assert "Line 5: 'Saggar Post' has unpublished changes" in err
    saggar.refresh_from_db()
    assert saggar.strapline == "Colour and finishing"
    assert saggar.get_latest_revision_as_object().strapline == "The member's edit"


def test_a_dry_run_rolls_back_every_batch(tmp_path, terms, monkeypatch):
    from directory.management.commands import import_companies

    monkeypatch.setattr(import_companies, "BATCH_ROWS", 1, raising=False)
    out, _ = run(tmp_path, HEADER + GOOD + "Saggar Again,saggar\n", "--dry-run")
    assert "Dry run, nothing written: 2 to create, 0 to update, 0 unchanged, 1 bad" in out
    assert not CompanyPage.objects.exists()
