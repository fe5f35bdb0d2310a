"""``python manage.py import_companies FILE.csv [--dry-run]``: create or update member companies.

The columns are documented in ``docs/import.md``. Rows are matched by slug (the
``slug`` column, else the slug of ``name``), so importing the same file again
updates companies and never duplicates them; a row whose values already match
the live page is left alone (no new revision). Each row is checked on its own:
a bad row is reported with its line number and reason and the others still
import. ``--dry-run`` checks and reports everything inside transactions that
are rolled back, so it writes nothing.

Rows are committed in small batches, each a short transaction, because an
import runs beside people's saves: every new company locks the directory
page's row (treebeard allocates the child's path and counts it there), every
updated company locks its own page and search entry, and on SQLite any write
locks the whole database. One transaction for the whole file held those locks
until the last row, so a member saving their profile waited for the entire
import (on SQLite the save failed at once). A batch closes after
``BATCH_SECONDS`` or ``BATCH_ROWS``, whichever comes first, so nobody waits
much longer than that. Rows already committed stay when a later one fails or the
import is interrupted, and running the same file again resumes it.
"""

from __future__ import annotations

import csv
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from tqdm import tqdm

from cms.statistics import refresh_statistics
from directory.models import (
    CompanyCredit,
    CompanyPage,
    DirectoryIndexPage,
    Place,
    PostcodeDistrict,
    Sector,
    Skill,
)

# A batch's transaction holds its locks until it commits: these bound how long
# a person's save can wait behind the import. A batch may overrun by one row
# (on a busy machine a row can take half a second), so the time is kept short.
BATCH_SECONDS = 0.1
BATCH_ROWS = 50
# SQLite has no queue for writers: a waiting save polls (busy timeout) and
# would rarely catch the instant between one batch's commit and the next
# batch's start. Pausing for longer than its polling interval (100 ms at most)
# after each commit lets every waiting writer in. PostgreSQL queues lock
# waiters, so it needs no pause.
SQLITE_PAUSE_SECONDS = 0.12

REQUIRED_COLUMNS = {"name"}
TEXT_COLUMNS = (
    "strapline",
    "website",
    "email",
    "phone",
    "linkedin_url",
    "instagram_url",
    "x_url",
    "youtube_url",
    "vimeo_url",
    "showreel_url",
)
KNOWN_COLUMNS = (
    REQUIRED_COLUMNS
    | set(TEXT_COLUMNS)
    | {
        "slug",
        "about",
        "skills",
        "sectors",
        "place",
        "postcode",
        "latitude",
        "longitude",
        "service_area",
        "size_band",
        "year_founded",
        "membership_status",
        "verified",
        "joined_at",
        "credits",
    }
)
# Headers are matched case-insensitively; these short names (as spreadsheets
# and the issue spell them) mean the documented columns.
COLUMN_ALIASES = {
    "linkedin": "linkedin_url",
    "instagram": "instagram_url",
    "x": "x_url",
    "twitter": "x_url",
    "youtube": "youtube_url",
    "vimeo": "vimeo_url",
    "showreel": "showreel_url",
}
TRUE_WORDS = {"1", "true", "yes", "y"}
FALSE_WORDS = {"", "0", "false", "no", "n"}


def column_name(header: str) -> str:
    """ "LinkedIn " -> "linkedin_url": the documented column a header means."""
    key = header.strip().lower()
    return COLUMN_ALIASES.get(key, key)


class RowError(ValueError):
    """A row that cannot be imported; the message is the reason shown to the user."""


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def add(self, other: Summary) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.errors += other.errors


class Lookups:
    """Taxonomy terms by slug and by lower-cased name, read once per import."""

    def __init__(self):
        self.skills = self._index(Skill.objects.all())
        self.sectors = self._index(Sector.objects.all())
        self.places = self._index(Place.objects.all())
        self.districts = {
            d.code.lower(): d for d in PostcodeDistrict.objects.select_related("place")
        }

    @staticmethod
    def _index(queryset):
        index = {}
        for obj in queryset:
            index.setdefault(obj.name.lower(), obj)
        for obj in queryset:
            index[obj.slug.lower()] = obj  # a slug wins over another term's name
        return index

    def terms(self, value: str, index: dict, kind: str) -> list:
        found, unknown = [], []
        for token in (t.strip() for t in value.split(";")):
            if not token:
                continue
            term = index.get(token.lower())
            if term is None:
                unknown.append(token)
            elif term not in found:
                found.append(term)
        if unknown:
            raise RowError(f"unknown {kind}: {', '.join(repr(u) for u in unknown)}")
        return found


def choice(value: str, choices, column: str) -> str:
    """Accept a choice by its value or its label, case-insensitively."""
    wanted = value.strip().lower()
    for stored, label in choices:
        if wanted in (str(stored).lower(), str(label).lower()):
            return stored
    allowed = ", ".join(str(stored) for stored, _label in choices)
    raise RowError(f"{column} {value!r} is not one of: {allowed}")


def number(value: str, column: str, kind=float):
    try:
        return kind(value)
    except ValueError:
        raise RowError(f"{column} {value!r} is not a number") from None


def paragraphs(text: str) -> str:
    """Plain text (blank lines between paragraphs) as the rich text the page stores."""
    blocks = [" ".join(block.split()) for block in text.replace("\r\n", "\n").split("\n\n")]
    return "".join(f"<p>{escape(block)}</p>" for block in blocks if block)


def row_values(row: dict, lookups: Lookups) -> dict:
    """The page's field values for one CSV row; raises RowError with the reason."""
    name = (row.get("name") or "").strip()
    if not name:
        raise RowError("name is empty")
    slug = slugify((row.get("slug") or "").strip() or name)
    if not slug:
        raise RowError("no usable slug: give a name with letters or digits, or a slug")
    values = {"title": name, "slug": slug[:255]}
    for column in TEXT_COLUMNS:
        if column in row:
            values[column] = (row[column] or "").strip()
    if "about" in row:
        values["about"] = paragraphs(row["about"] or "")
    if "skills" in row:
        values["skills"] = lookups.terms(row["skills"] or "", lookups.skills, "skill")
    if "sectors" in row:
        values["sectors"] = lookups.terms(row["sectors"] or "", lookups.sectors, "sector")

    place_name = (row.get("place") or "").strip()
    postcode = (row.get("postcode") or "").strip().lower()
    district = None
    if postcode:
        # "ST1 3DE" or "ST1": the outward code names the district.
        district = lookups.districts.get(postcode.split()[0])
        if district is None:
            raise RowError(f"unknown postcode district {postcode.split()[0].upper()!r}")
    if place_name:
        place = lookups.places.get(place_name.lower())
        if place is None:
            raise RowError(f"unknown place {place_name!r} (add it as a Place snippet first)")
        values["place"] = place
    elif district is not None:
        values["place"] = district.place
    elif "place" in row or "postcode" in row:
        values["place"] = None

    lat, lon = (row.get("latitude") or "").strip(), (row.get("longitude") or "").strip()
    if bool(lat) != bool(lon):
        raise RowError("give both latitude and longitude, or neither")
    if lat:
        values["latitude"] = number(lat, "latitude")
        values["longitude"] = number(lon, "longitude")
    elif district is not None:
        values["latitude"], values["longitude"] = district.latitude, district.longitude
    elif "latitude" in row:
        values["latitude"] = values["longitude"] = None

    if (row.get("service_area") or "").strip():
        values["service_area"] = choice(
            row["service_area"], CompanyPage.ServiceArea.choices, "service_area"
        )
    if "size_band" in row:
        size = (row["size_band"] or "").strip()
        values["size_band"] = (
            choice(size, CompanyPage.SizeBand.choices, "size_band") if size else ""
        )
    if "year_founded" in row:
        year = (row["year_founded"] or "").strip()
        values["year_founded"] = number(year, "year_founded", int) if year else None
    if (row.get("membership_status") or "").strip():
        values["membership_status"] = choice(
            row["membership_status"], CompanyPage.MembershipStatus.choices, "membership_status"
        )
    if "verified" in row:
        word = (row["verified"] or "").strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            raise RowError(f"verified {row['verified']!r} is not yes/no")
        values["verified"] = word in TRUE_WORDS
    if (row.get("joined_at") or "").strip():
        try:
            joined = datetime.fromisoformat(row["joined_at"].strip())
        except ValueError:
            raise RowError(f"joined_at {row['joined_at']!r} is not a date (YYYY-MM-DD)") from None
        if timezone.is_naive(joined):
            joined = timezone.make_aware(joined)
        values["joined_at"] = joined
    if "credits" in row:
        values["credits"] = parse_credits(row["credits"] or "")
    return values


def parse_credits(text: str) -> list[tuple[str, str, int | None, str]]:
    """``production | client | year | role`` items separated by ``;``, in display order."""
    credits = []
    for item in (i.strip() for i in text.split(";")):
        if not item:
            continue
        parts = [p.strip() for p in item.split("|")]
        if len(parts) > 4 or not parts[0]:
            raise RowError(f"credit {item!r} is not 'production | client | year | role'")
        production, client, year, role = (parts + ["", "", ""])[:4]
        year_number = number(year, "credit year", int) if year else None
        if year_number is not None and not 1900 <= year_number <= 2100:
            raise RowError(f"credit year {year!r} is not between 1900 and 2100")
        if max(len(production), len(client), len(role)) > 200:
            raise RowError(f"credit {production[:40]!r} has a part longer than 200 characters")
        credits.append((production, client, year_number, role))
    return credits


def differs(page: CompanyPage, values: dict) -> bool:
    for name, value in values.items():
        if name in ("skills", "sectors"):
            if {t.pk for t in getattr(page, name).all()} != {t.pk for t in value}:
                return True
        elif name == "credits":
            have = [(c.production, c.client, c.year, c.role) for c in page.credits.all()]
            if have != value:
                return True
        elif name == "place":
            if page.place_id != (value.pk if value else None):
                return True
        elif getattr(page, name) != value:
            return True
    return False


def validation_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


class Command(BaseCommand):
    help = "Create or update member companies from a CSV file (columns: docs/import.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A UTF-8 CSV file with a header row.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and report; write nothing."
        )

    def handle(self, *args, file, dry_run, **options):
        index = DirectoryIndexPage.objects.first()
        if index is None:
            raise CommandError("There is no directory page yet: create it (or run seed_demo).")
        try:
            with open(file, newline="", encoding="utf-8-sig") as handle:
                rows = self.read(handle)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{file} is not UTF-8 text: save it as CSV UTF-8") from error
        summary = Summary()
        try:
            self.import_rows(
                rows, index, summary, dry_run=dry_run, progress=options["verbosity"] > 0
            )
            if not dry_run:
                refresh_statistics(CompanyPage)  # searches plan well at once
        finally:  # also when stopped: what was committed is worth knowing
            self.report(summary, dry_run)

    def read(self, handle) -> list[tuple[int, dict]]:
        """(first line number, row) for every row; the header is checked first."""
        reader = csv.DictReader(handle)
        columns = {column_name(c) for c in reader.fieldnames or [] if c}
        missing = REQUIRED_COLUMNS - columns
        if missing:
            raise CommandError(
                f"Missing column(s): {', '.join(sorted(missing))} (see docs/import.md)"
            )
        unknown = columns - KNOWN_COLUMNS
        if unknown:
            self.stderr.write(f"Ignoring unknown column(s): {', '.join(sorted(unknown))}")
        rows, line = [], reader.line_num + 1
        try:
            for row in reader:
                clean = {column_name(k): v for k, v in row.items() if k}
                if any((v or "").strip() for v in clean.values()):
                    rows.append((line, clean))
                line = reader.line_num + 1
        except csv.Error as error:
            raise CommandError(f"Line {reader.line_num}: the CSV is malformed ({error})") from error
        return rows

    def import_rows(self, rows, index, summary: Summary, *, dry_run: bool, progress: bool) -> None:
        """Import ``rows`` in short batches, adding to ``summary`` as each batch commits."""
        lookups = Lookups()
        seen: dict[str, int] = {}
        bar = tqdm(
            total=len(rows), desc="Companies", unit="row", file=sys.stderr, disable=not progress
        )
        position = 0
        try:
            while position < len(rows):
                batch = Summary()
                position = self.import_batch(
                    rows, position, index, lookups, seen, batch, dry_run, bar
                )
                summary.add(batch)
                if connection.vendor == "sqlite" and position < len(rows):
                    time.sleep(SQLITE_PAUSE_SECONDS)
        except KeyboardInterrupt:
            raise CommandError(self.stopped(rows[position][0], "interrupted", dry_run)) from None
        except DatabaseError as error:  # e.g. SQLite still locked after its timeout
            raise CommandError(self.stopped(rows[position][0], str(error), dry_run)) from error
        finally:
            bar.close()

    def import_batch(self, rows, position, index, lookups, seen, batch, dry_run, bar) -> int:
        """Import rows from ``position`` in one transaction; returns the position after them."""
        last = min(position + BATCH_ROWS, len(rows))
        with transaction.atomic():
            started = time.monotonic()
            while position < last and time.monotonic() - started < BATCH_SECONDS:
                line, row = rows[position]
                self.import_row(line, row, index, lookups, seen, batch)
                position += 1
                bar.update()
            if dry_run:
                transaction.set_rollback(True)
        return position

    def import_row(self, line, row, index, lookups, seen, summary: Summary) -> None:
        try:
            values = row_values(row, lookups)
            if values["slug"] in seen:
                raise RowError(
                    f"slug {values['slug']!r} already used on line {seen[values['slug']]}"
                )
            seen[values["slug"]] = line
            # A savepoint: a row that fails half-way leaves nothing behind and
            # the rest of its batch still commits.
            with transaction.atomic():
                outcome = self.save(index, self.current_page(index, values["slug"]), values)
        except RowError as error:
            summary.errors.append((line, str(error)))
        except ValidationError as error:
            summary.errors.append((line, validation_message(error)))
        except DatabaseError as error:  # e.g. a value too long for its column
            summary.errors.append((line, f"could not be saved ({error})"))
        else:
            setattr(summary, outcome, getattr(summary, outcome) + 1)

    @staticmethod
    def current_page(index, slug: str) -> CompanyPage | None:
        """The company with this slug as it is now, locked until the batch commits.

        Read for each row rather than once per import: a member may have
        submitted an edit since the import started, and judging "unpublished
        changes" from an older copy would publish over it.
        """
        return (
            CompanyPage.objects.child_of(index)
            .filter(slug=slug)
            .select_for_update()
            .prefetch_related("skills", "sectors", "credits")
            .first()
        )

    @staticmethod
    def stopped(line: int, reason: str, dry_run: bool) -> str:
        if dry_run:
            return f"Stopped at line {line} ({reason}); nothing was written."
        return (
            f"Stopped at line {line} ({reason}). The rows before it are imported: "
            "run the same file again to import the rest."
        )

    def save(self, index, page: CompanyPage | None, values: dict) -> str:
        related = {name: values.pop(name) for name in ("skills", "sectors") if name in values}
        credits = values.pop("credits", None)
        if credits is not None:
            related["credits"] = [
                CompanyCredit(production=p, client=c, year=y, role=r, sort_order=n)
                for n, (p, c, y, r) in enumerate(credits)
            ]
        if page is None:
            page = CompanyPage(live=False, **values)
            for name, chosen in related.items():
                setattr(page, name, chosen)
            index.add_child(instance=page)
            page.save_revision().publish()
            return "created"
        compare = {**values, **related}
        if credits is not None:
            compare["credits"] = credits
        if not differs(page, compare):
            return "unchanged"
        if page.has_unpublished_changes:
            # Publishing from the live page would bury a member's pending edit.
            raise RowError(
                f"{page.title!r} has unpublished changes (a draft or an edit awaiting "
                "review): publish or reject them in the admin, then import again"
            )
        for name, value in values.items():
            setattr(page, name, value)
        for name, chosen in related.items():
            setattr(page, name, chosen)
        page.save_revision().publish()
        return "updated"

    def report(self, summary: Summary, dry_run: bool) -> None:
        for line, reason in summary.errors:
            self.stderr.write(f"Line {line}: {reason}")
        if dry_run:
            message = (
                f"Dry run, nothing written: {summary.created} to create, {summary.updated} to "
                f"update, {summary.unchanged} unchanged, {len(summary.errors)} bad row(s)."
            )
        else:
            message = (
                f"{summary.created} created, {summary.updated} updated, {summary.unchanged} "
                f"unchanged, {len(summary.errors)} bad row(s)."
            )
        style = self.style.WARNING if summary.errors else self.style.SUCCESS
        self.stdout.write(style(message))
