"""Turn GET parameters into a validated :class:`SearchQuery` — the one place that validates.

The directory page and the API both call :func:`parse_search_params`, so a
shared URL means the same search everywhere. It works in two steps:
:func:`parse_search_request` reads the parameters and checks their form
without touching the database (tested without one), and
:func:`resolve_search_request` looks up the slugs and the "near" place. Two
kinds of problem are told apart:

* things a person can reasonably get wrong or that go stale (a skill that was
  renamed, a town we do not know, ``sort=distance`` without a centre) are
  ignored and described in ``SearchQuery.notes``, so the search still answers;
* numbers that are not numbers (``page=two``, ``radius=-3``), yes/no
  values that are neither (``verified=banana``) and dates that are not days
  (``available_by=2027-02-30``) raise
  :class:`SearchParamError` naming the parameter: the API answers 400, the
  page shows a friendly message.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.apps import apps
from django.core.cache import cache
from django.utils.text import slugify

from cms.invalidation import forget_on_change
from cms.middleware import clean_text
from directory.models import Place, PostcodeDistrict, client_key

from .analysis import STOP_WORDS, query_words
from .base import (
    DEFAULT_PAGE_SIZE,
    DEFAULT_RADIUS_MILES,
    FACETS,
    MAX_PAGE_SIZE,
    MAX_RADIUS_MILES,
    MAX_RESULT_WINDOW,
    MAX_TEXT_LENGTH,
    PLACE_WORDS_RADIUS_MILES,
    NearPoint,
    SearchQuery,
    SearchRequest,
    Sort,
)

# Parameters longer than this are junk (a slug is at most 100 characters).
MAX_VALUE_LENGTH = 100
MAX_VALUES_PER_FACET = 50
MAX_CLIENT_LENGTH = 200  # as long as a production's client may be

_FULL_POSTCODE = re.compile(r"([a-z]{1,2}\d[a-z\d]?)\s*(\d[a-z]{2})")
_DISTRICT = re.compile(r"[a-z]{1,2}\d[a-z\d]?")


def near_display(slug: str, label: str) -> str:
    """What the "near" box shows: "ST1" for a postcode district, the town's name otherwise."""
    return slug.upper() if _DISTRICT.fullmatch(slug) else label


class SearchParamError(ValueError):
    """A malformed parameter: ``param`` is its name, ``message`` says what is wrong."""

    def __init__(self, param: str, message: str):
        self.param = param
        self.message = message
        super().__init__(f"{param}: {message}")


def _clean(value) -> str:
    # Requests arrive cleaned (cms.middleware); other callers pass dicts.
    return clean_text(str(value))


def _get(params: Mapping, name: str) -> str:
    """The last value given for ``name`` (Django's convention), cleaned; "" if absent."""
    if hasattr(params, "getlist"):
        values = params.getlist(name)
        value = values[-1] if values else ""
    else:
        value = params.get(name, "")
        if isinstance(value, list | tuple):
            value = value[-1] if value else ""
    return _clean(value if value is not None else "")


def _get_list(params: Mapping, name: str) -> list[str]:
    if hasattr(params, "getlist"):
        values = params.getlist(name)
    else:
        value = params.get(name, [])
        values = list(value) if isinstance(value, list | tuple) else [value]
    cleaned: list[str] = []
    for value in values:
        # "skill=a,b" is accepted too: people build URLs by hand.
        for part in _clean(value if value is not None else "").split(","):
            part = part.strip().lower()
            if part and part not in cleaned:
                cleaned.append(part)
    return cleaned


def _parse_int(params: Mapping, name: str, default: int, label: str) -> int:
    raw = _get(params, name)
    if raw == "":
        return default
    if not re.fullmatch(r"[+]?\d{1,9}", raw):
        raise SearchParamError(
            name, f"{label} must be a whole number of 1 or more, not “{raw[:20]}”."
        )
    value = int(raw)
    if value < 1:
        raise SearchParamError(name, f"{label} must be a whole number of 1 or more.")
    return value


def _parse_radius(params: Mapping) -> float | None:
    raw = _get(params, "radius")
    if raw == "":
        return None
    try:
        # The whole value ("1e-218" cut short would be "1e-"), if it is of sane length.
        if len(raw) > 64:
            raise ValueError(raw)
        value = float(raw)
    except ValueError:
        raise SearchParamError(
            "radius", f"The radius must be a number of miles, not “{raw[:20]}”."
        ) from None
    if not math.isfinite(value) or value <= 0:
        raise SearchParamError("radius", "The radius must be a number of miles above zero.")
    return value


# What a checkbox, a hand-made URL or a JSON client sends for yes and no (the
# API's schema reads booleans the same way).
_YES = frozenset({"1", "true", "t", "yes", "y", "on"})
_NO = frozenset({"", "0", "false", "f", "no", "n", "off"})


def _parse_flag(params: Mapping, name: str, label: str) -> bool:
    raw = _get(params, name).strip().lower()
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise SearchParamError(name, f"{label} must be 1 (yes) or 0 (no), not “{raw[:20]}”.")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_date(params: Mapping, name: str, label: str) -> datetime.date | None:
    raw = _get(params, name).strip()
    if raw == "":
        return None
    example = "for example 2027-03-03"
    if not _ISO_DATE.fullmatch(raw):
        raise SearchParamError(
            name, f"{label} must be a date written YYYY-MM-DD ({example}), not “{raw[:20]}”."
        )
    try:
        value = datetime.date.fromisoformat(raw)
    except ValueError:
        raise SearchParamError(name, f"{label}: “{raw}” is not a day of the calendar.") from None
    return value


def parse_search_request(params: Mapping) -> SearchRequest:
    """Read a ``QueryDict`` (or a plain dict of values/lists) into a :class:`SearchRequest`.

    Pure: no database. Raises :class:`SearchParamError` for malformed numbers;
    text, page and page size are checked and capped here (with notes), slugs
    and the "near" text are only tidied.
    """
    notes: list[str] = []

    text = " ".join(_get(params, "q").split())
    if len(text) > MAX_TEXT_LENGTH:
        text = text[:MAX_TEXT_LENGTH].rstrip()
        notes.append(f"Your search was shortened to its first {MAX_TEXT_LENGTH} characters.")

    page = _parse_int(params, "page", 1, "The page number")
    page_size = _parse_int(params, "page_size", DEFAULT_PAGE_SIZE, "The page size")
    if page_size > MAX_PAGE_SIZE:
        page_size = MAX_PAGE_SIZE
        notes.append(f"At most {MAX_PAGE_SIZE} results are shown per page.")
    deepest = MAX_RESULT_WINDOW // page_size
    if page > deepest:
        # Answered, not refused: the deepest page there is, and how to do better.
        page = deepest
        notes.append(
            f"Only the first {MAX_RESULT_WINDOW:,} results can be paged through, so this is "
            f"page {deepest}: add a skill, sector or place to narrow the search instead."
        )
    radius = _parse_radius(params)
    verified = _parse_flag(params, "verified", "“Verified members only”")
    client = " ".join(_get(params, "client").split())[:MAX_CLIENT_LENGTH]
    available_by = _parse_date(params, "available_by", "“Available by”")

    filters: dict[str, tuple[str, ...]] = {}
    for facet in FACETS:
        wanted = [s for s in _get_list(params, facet.param) if len(s) <= MAX_VALUE_LENGTH]
        if wanted:
            filters[facet.param] = tuple(wanted[:MAX_VALUES_PER_FACET])

    sort_raw = _get(params, "sort").lower()
    sort, sort_note = Sort.RELEVANCE, ""
    if sort_raw:
        try:
            sort = Sort(sort_raw)
        except ValueError:
            sort_note = f"We can’t sort by “{sort_raw[:20]}”, so results are sorted by relevance."

    return SearchRequest(
        text=text,
        filters=filters,
        near=_get(params, "near"),
        radius_miles=radius,
        place_words=_get(params, "place_words").lower() != "off",
        verified=verified,
        client=client if client_key(client) else "",
        available_by=available_by,
        sort=sort,
        page=page,
        page_size=page_size,
        notes=tuple(notes),
        sort_note=sort_note,
    )


def resolve_search_request(request: SearchRequest) -> SearchQuery:
    """Look up what ``request`` names and make the :class:`SearchQuery` backends answer.

    Unknown slugs and places are dropped with a note; the radius gets its
    default and limit, and distance sorting its centre, only once a "near"
    was found. One query per facet asked for, and one or two for "near".
    """
    notes = list(request.notes)

    filters: dict[str, tuple[str, ...]] = {}
    for facet in FACETS:
        wanted = request.filters.get(facet.param, ())
        if not wanted:
            continue
        model = apps.get_model(facet.model)
        known = set(model.objects.filter(slug__in=wanted).values_list("slug", flat=True))
        for slug in wanted:
            if slug not in known:
                notes.append(f"We don’t know the {facet.param} “{slug}”, so it was ignored.")
        kept = tuple(s for s in wanted if s in known)
        if kept:
            filters[facet.param] = kept

    near = resolve_near(request.near) if request.near else None
    text, typed_text = request.text, ""
    if not request.near and request.place_words and text:
        found = place_in_text(text)
        if found is not None:
            near, text, typed_text = found.near, found.rest, text
            notes.append(
                f"“{found.words}” was read as a place: showing companies near {near.label}. "
                "Remove the filter to search for the words instead."
            )
    if request.near and near is None:
        notes.append(
            f"We couldn’t find the place or postcode district “{request.near[:40]}”, "
            "so results are not limited by distance."
        )
    radius = None
    if near is not None:
        radius = request.radius_miles
        if radius is None:
            radius = PLACE_WORDS_RADIUS_MILES if typed_text else DEFAULT_RADIUS_MILES
        elif radius > MAX_RADIUS_MILES:
            radius = MAX_RADIUS_MILES
            notes.append(f"The radius was limited to {MAX_RADIUS_MILES:g} miles.")

    if request.sort_note:
        notes.append(request.sort_note)
    sort = request.sort
    if sort is Sort.DISTANCE and near is None:
        sort = Sort.RELEVANCE
        notes.append(
            "Sorting by distance needs a place or postcode, so results are sorted by relevance."
        )

    return SearchQuery(
        text=text,
        typed_text=typed_text,
        place_words=request.place_words,
        filters=filters,
        near=near,
        radius_miles=radius,
        verified=request.verified,
        client=request.client,
        available_by=request.available_by,
        sort=sort,
        page=request.page,
        page_size=request.page_size,
        notes=tuple(notes),
    )


def parse_search_params(params: Mapping) -> SearchQuery:
    """GET parameters to a :class:`SearchQuery`: parsed (pure), then resolved (database).

    The one function the directory page and the API call, so a shared URL
    means the same search everywhere. Raises :class:`SearchParamError` for
    malformed numbers; everything else that cannot be used is dropped with a
    note in ``SearchQuery.notes``.
    """
    return resolve_search_request(parse_search_request(params))


# Words before a town that say "around here" ("VFX near Leek"): they go with it.
_PLACE_LEAD_WORDS = frozenset(["near", "in", "around", "at", "from"])
PLACES_KEY = "search:place-names"
PLACES_TIMEOUT = 10 * 60


@dataclass(frozen=True)
class PlaceInText:
    near: NearPoint
    words: str  # as typed, with any "near"/"in" before the town
    rest: str  # the text without them


def place_names() -> dict[tuple[str, ...], tuple]:
    """Each gazetteer town's name as words, and its short form, to ``(slug, name, lat, lon)``.

    The short form is the first word of a multi-word name ("Burton" for
    "Burton upon Trent", "Stoke" for "Stoke-on-Trent") when no other town
    starts with or is called that word. Kept in the shared cache: the
    gazetteer changes rarely and every text search reads it.
    """
    names = cache.get(PLACES_KEY)
    if names is None:
        rows = list(Place.objects.values_list("name", "slug", "latitude", "longitude"))
        names = {}
        firsts: dict[str, list] = {}
        for name, slug, lat, lon in rows:
            key = tuple(w for parts in query_words(name) for w in parts)
            if key:
                names[key] = (slug, name, lat, lon)
                firsts.setdefault(key[0], []).append((key, (slug, name, lat, lon)))
        for first, towns in firsts.items():
            if len(towns) == 1 and len(towns[0][0]) > 1 and (first,) not in names:
                names[(first,)] = towns[0][1]
        cache.set(PLACES_KEY, names, PLACES_TIMEOUT)
    return names


forget_on_change(PLACES_KEY, Place, uid="search-place-names")


def place_in_text(text: str) -> PlaceInText | None:
    """The gazetteer town a search text names ("animation Burton"), if any.

    The longest run of words that is a town's name or short form wins; a
    "near"/"in" just before it goes too. Nothing is taken when the town is
    the whole text (it may be a company's name: "Leek" alone stays a word
    search), nor when only stop words would be left.
    """
    tokens = [
        (m.group(0), [w for parts in query_words(m.group(0)) for w in parts])
        for m in re.finditer(r"\S+", text)
    ]
    words = [w for _, ws in tokens for w in ws]
    owner = [i for i, (_, ws) in enumerate(tokens) for _ in ws]
    names = place_names()
    best = None
    for start in range(len(words)):
        for end in range(len(words), start, -1):
            if tuple(words[start:end]) in names and (
                best is None or end - start > best[1] - best[0]
            ):
                best = (start, end)
                break
    if best is None:
        return None
    first, last = owner[best[0]], owner[best[1] - 1]
    if first > 0 and tokens[first - 1][1] and tokens[first - 1][1][-1] in _PLACE_LEAD_WORDS:
        first -= 1
    rest_tokens = [t for i, (t, _) in enumerate(tokens) if not first <= i <= last]
    if not any(w not in STOP_WORDS for t in rest_tokens for parts in query_words(t) for w in parts):
        return None
    slug, name, lat, lon = names[tuple(words[best[0] : best[1]])]
    return PlaceInText(
        near=NearPoint(slug, name, lat, lon),
        words=" ".join(t for t, _ in tokens[first : last + 1]),
        rest=" ".join(rest_tokens),
    )


def resolve_near(value: str) -> NearPoint | None:
    """A gazetteer town (by slug) or a postcode district (``st1``), case-insensitive."""
    key = " ".join(value.split()).lower()
    if not key or len(key) > MAX_VALUE_LENGTH:
        return None
    # A slug from a shared URL, or the town's name as a person types it
    # ("Stoke on Trent", "stoke-on-trent", "Stoke-on-Trent").
    place = (
        Place.objects.filter(slug__in={key, slugify(key)}).first()
        or Place.objects.filter(name__iexact=key).first()
    )
    if place is not None:
        return NearPoint(place.slug, place.name, place.latitude, place.longitude)
    # Postcode districts are stored upper case; "st1", "ST1" and "st 1" all
    # work, and a full postcode ("ST1 4AB") is reduced to its district.
    full = _FULL_POSTCODE.fullmatch(key)
    code = (full.group(1) if full else re.sub(r"\s+", "", key)).upper()
    district = PostcodeDistrict.objects.select_related("place").filter(code=code).first()
    if district is not None:
        label = f"{district.code} ({district.place.name})"
        return NearPoint(district.slug, label, district.latitude, district.longitude)
    return None


def query_to_params(query: SearchQuery, **overrides) -> list[tuple[str, str]]:
    """The GET parameters that reproduce ``query`` (for links), with ``overrides``.

    An override of ``None`` drops the parameter; facet overrides take a tuple
    of slugs. Defaults (page 1, relevance, default page size) are left out so
    shared URLs stay short.
    """
    values: dict[str, object] = {
        # A town read from the text stays in the text: the link finds it again.
        "q": query.typed_text or query.text,
        **{facet.param: query.selected(facet.param) for facet in FACETS},
        "near": query.near.slug if query.near and not query.typed_text else "",
        "place_words": "" if query.place_words else "off",
        "radius": (f"{query.radius_miles:g}" if query.near and query.radius_miles else ""),
        "verified": "1" if query.verified else "",
        "client": query.client,
        "available_by": query.available_by.isoformat() if query.available_by else "",
        "sort": "" if query.sort is Sort.RELEVANCE else query.sort.value,
        "page": "" if query.page == 1 else str(query.page),
        "page_size": "" if query.page_size == DEFAULT_PAGE_SIZE else str(query.page_size),
    }
    values.update(overrides)
    pairs: list[tuple[str, str]] = []
    for name, value in values.items():
        if value is None or value == "":
            continue
        if isinstance(value, list | tuple):
            pairs.extend((name, str(v)) for v in value)
        else:
            pairs.append((name, str(value)))
    return pairs
