"""The taxonomies and gazetteer shipped with the site, and how they are loaded.

The CSV files in ``directory/data/`` are the source of truth for the terms we
ship:

- ``skills.csv``: group, name, slug, description (the file's order is the
  order of groups and of skills within a group);
- ``sectors.csv``: name, slug;
- ``places.csv``: name, slug, county, latitude, longitude;
- ``postcode_districts.csv``: code, place_slug, latitude, longitude.

``load()`` serves twice: the data migration calls it with the historical
models (so it works on an empty database, the test database included) and
``manage.py load_gazetteer`` with the current ones. Rows are matched by slug
(by code for postcode districts), so loading again never duplicates anything,
and terms editors added themselves are never touched or removed. The
migration passes ``update=False``: a shipped term an editor has since renamed
keeps the editor's name.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

DATA_DIR = Path(__file__).resolve().parent / "data"
MODEL_NAMES = ("SkillGroup", "Skill", "Sector", "Place", "PostcodeDistrict")
KINDS = ("skill groups", "skills", "sectors", "places", "postcode districts")


class GazetteerError(ValueError):
    """A shipped data file is inconsistent (named with its file and line)."""


def read_rows(name: str) -> list[dict[str, str]]:
    """The rows of ``directory/data/<name>`` with values stripped (a BOM is tolerated)."""
    with open(DATA_DIR / name, newline="", encoding="utf-8-sig") as handle:
        return [
            {key.strip(): (value or "").strip() for key, value in row.items() if key}
            for row in csv.DictReader(handle)
        ]


def group_slug(name: str) -> str:
    """ "Development & writing" -> "development-and-writing", "Immersive/XR" -> "immersive-xr"."""
    return slugify(name.replace("&", " and ").replace("/", " "))


@dataclass
class LoadCounts:
    """How many rows of each kind were created, updated or already up to date."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, created: bool, changed: bool) -> None:
        bucket = self.created if created else self.updated if changed else self.unchanged
        bucket[kind] = bucket.get(kind, 0) + 1

    def lines(self) -> list[str]:
        return [
            f"{kind}: {self.created.get(kind, 0)} created, {self.updated.get(kind, 0)} updated, "
            f"{self.unchanged.get(kind, 0)} unchanged"
            for kind in KINDS
        ]

    def summary(self) -> str:
        return "; ".join(self.lines())


def _upsert(model, lookup: dict, values: dict, update: bool) -> tuple[object, bool, bool]:
    """Get or create ``lookup``; when ``update``, bring ``values`` up to date as well.

    Returns (object, created, changed).
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True, False
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if update and changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        return obj, False, True
    return obj, False, False


def _float(row: dict, key: str, where: str) -> float:
    try:
        return float(row[key])
    except (KeyError, ValueError):
        raise GazetteerError(f"{where}: {key} {row.get(key)!r} is not a number") from None


def load(
    models: dict | None = None,
    *,
    update: bool = True,
    progress: Callable[[str], None] | None = None,
) -> LoadCounts:
    """Load every shipped file into ``models`` (keys: ``MODEL_NAMES``; default the current models).

    ``progress`` (if given) is called with one line per file loaded.
    """
    models = models or current_models()
    counts = LoadCounts()
    say = progress or (lambda line: None)

    groups: dict[str, object] = {}
    order_in_group: dict[str, int] = {}
    for row in read_rows("skills.csv"):
        group_name = row["group"]
        if group_name not in groups:
            group, created, changed = _upsert(
                models["SkillGroup"],
                {"slug": group_slug(group_name)},
                {"name": group_name, "sort_order": len(groups)},
                update,
            )
            counts.add("skill groups", created, changed)
            groups[group_name] = group
        order = order_in_group[group_name] = order_in_group.get(group_name, -1) + 1
        _obj, created, changed = _upsert(
            models["Skill"],
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "group": groups[group_name],
                "sort_order": order,
                "description": row.get("description", "")[:255],
            },
            update,
        )
        counts.add("skills", created, changed)
    say(f"skills.csv: {len(groups)} groups, {sum(order_in_group.values()) + len(groups)} skills")

    sectors = read_rows("sectors.csv")
    for order, row in enumerate(sectors):
        _obj, created, changed = _upsert(
            models["Sector"],
            {"slug": row["slug"]},
            {"name": row["name"], "sort_order": order},
            update,
        )
        counts.add("sectors", created, changed)
    say(f"sectors.csv: {len(sectors)} sectors")

    places: dict[str, object] = {}
    for line, row in enumerate(read_rows("places.csv"), start=2):
        where = f"places.csv line {line}"
        place, created, changed = _upsert(
            models["Place"],
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "county": row.get("county") or "Staffordshire",
                "latitude": _float(row, "latitude", where),
                "longitude": _float(row, "longitude", where),
            },
            update,
        )
        counts.add("places", created, changed)
        places[row["slug"]] = place
    say(f"places.csv: {len(places)} places")

    districts = read_rows("postcode_districts.csv")
    for line, row in enumerate(districts, start=2):
        where = f"postcode_districts.csv line {line}"
        slug = row["place_slug"]
        place = places.get(slug) or models["Place"].objects.filter(slug=slug).first()
        if place is None:
            raise GazetteerError(f"{where}: unknown place {slug!r}")
        _obj, created, changed = _upsert(
            models["PostcodeDistrict"],
            {"code": row["code"].replace(" ", "").upper()},
            {
                "place": place,
                "latitude": _float(row, "latitude", where),
                "longitude": _float(row, "longitude", where),
            },
            update,
        )
        counts.add("postcode districts", created, changed)
    say(f"postcode_districts.csv: {len(districts)} postcode districts")
    return counts


def current_models() -> dict:
    # Here, not at the top: the data migration imports this module and must
    # work with its historical models, never load the current ones.
    from directory import models

    return {name: getattr(models, name) for name in MODEL_NAMES}
