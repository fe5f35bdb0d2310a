"""Member companies, the taxonomies that describe them and the productions they are credited on.

Skills, sectors and places are plain models registered as snippets (see
``wagtail_hooks.py``); company pages link to them with parental many-to-many
fields so that revisions and moderation carry the selection.
"""

from __future__ import annotations

import functools
import re
from datetime import timedelta

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Coalesce, Greatest
from django.dispatch import Signal
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify

from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from anyascii import anyascii
from modelcluster.fields import ParentalKey, ParentalManyToManyField

from cms.csrf import checks_origin_not_token
from cms.fields import RichTextField
from cms.page_cache import TAXONOMY_KEY, first_live, kept_per_page, kept_under
from cms.pagination import page_links, paginate, query_page_url
from cms.privacy import CachedPrivacyMixin
from cms.renditions import attach_renditions, image_prefetch
from cms.structured_data import json_ld, schema

from .availability import Availability, availability_label
from .contact_privacy import DEFAULT_VISIBILITY, ContactVisibility
from .filter_urls import client_filter_url, skill_filter_url
from .presenters import presented_context, presented_view
from .video import parse_video


class SluggedTaxonomy(models.Model):
    """A named term with a stable slug used in URLs, filters and the API."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="Used in directory URLs and the API; change it only with care.",
    )
    sort_order = models.PositiveIntegerField(default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:100]
        super().save(*args, **kwargs)


class SkillGroup(SluggedTaxonomy):
    """A discipline that groups skills (Production, Post-production, VFX...)."""

    class Meta(SluggedTaxonomy.Meta):
        verbose_name = "skill group"


class Skill(index.Indexed, SluggedTaxonomy):
    """Something a member company does, e.g. Post-production › Colour grading."""

    group = models.ForeignKey(SkillGroup, on_delete=models.PROTECT, related_name="skills")
    description = models.CharField(max_length=255, blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("group"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(SluggedTaxonomy.Meta):
        ordering = ["group__sort_order", "group__name", "sort_order", "name"]

    @property
    def label(self):
        return f"{self.group.name} › {self.name}"


class Sector(index.Indexed, SluggedTaxonomy):
    """A market a company works for: film, TV drama, games, advertising..."""

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    @property
    def label(self):
        return self.name


class Place(index.Indexed, models.Model):
    """A town in the gazetteer, where member companies are based.

    Postcode districts (``PostcodeDistrict``) belong to a town; both can be the
    centre of a "near" search.
    """

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    county = models.CharField(max_length=100, default="Staffordshire")
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("county"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def label(self):
        return self.name


class PostcodeDistrict(models.Model):
    """The outward part of a postcode (ST1, WS13, DE14) with its centre point."""

    code = models.CharField(max_length=8, unique=True, help_text="Upper case, e.g. ST1.")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="postcode_districts")
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])

    panels = [
        FieldPanel("code"),
        FieldPanel("place"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
    ]

    class Meta:
        ordering = ["code"]
        verbose_name = "postcode district"

    def __str__(self):
        return f"{self.code} ({self.place.name})"

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)

    @property
    def slug(self):
        return self.code.lower()


class DirectoryIndexPage(CachedPrivacyMixin, Page):
    """The searchable list of member companies (``/directory/`` in the demo)."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["directory.CompanyPage"]
    max_count = 1

    @classmethod
    def live_url(cls) -> str:
        """The URL of the live directory page (``/directory/`` when there is none yet)."""
        page = cls.objects.live().first()
        return (page.url if page else None) or "/directory/"

    def get_context(self, request, *args, **kwargs):
        # The search, its facets and links: built by directory.search, which
        # registers it (directory/presenters.py says why it is not imported).
        context = super().get_context(request, *args, **kwargs)
        context.update(presented_context(self, request))
        return context


class ProductionIndexPage(CachedPrivacyMixin, RoutablePageMixin, Page):
    """The productions members are credited on (``/productions/`` in the demo), one page each.

    Productions are records, not pages (members create them by crediting
    them; editors merge duplicates among the snippets), so this one page
    routes them: ``/productions/<slug>/`` lists every listed member credited
    on the production with their roles, and the showcase project about it.
    """

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1
    PAGE_SIZE = 48

    class Meta:
        verbose_name = "productions page"

    @path("", name="index")
    def index_route(self, request):
        productions = (
            Production.objects.with_listed_credits()
            .annotate(
                members=models.Count(
                    "credits__company", filter=listed_q("credits__company__"), distinct=True
                )
            )
            .order_by(models.F("year").desc(nulls_last=True), "title_key")
        )
        page_obj = paginate(productions, self.PAGE_SIZE, request.GET.get("page", 1))
        return self.render(
            request,
            context_overrides={
                "productions": page_obj,
                "pagination": page_links(page_obj, query_page_url("")),
            },
        )

    @path("<slug:slug>/", name="production")
    def production_route(self, request, slug):
        production = Production.objects.filter(slug=slug).first()
        credits = []
        if production is not None:
            credits = list(
                production.credits.filter(listed_q("company__"))
                .select_related("company", "company__logo")
                .order_by("company__title", "sort_order")
            )
        if not credits:
            raise Http404("No member is credited on this production.")
        project = production.showcase_projects.live().order_by("-first_published_at").first()
        directory = first_live(DirectoryIndexPage)
        client_url = None
        if production.client and directory is not None:
            client_url = client_filter_url(production.client, directory.get_url(request))
        return self.render(
            request,
            template="directory/production_page.html",
            context_overrides={
                "production": production,
                "credits": credits,
                "project": project,
                "client_url": client_url,
                "json_ld": production_json_ld(production, credits, request, self),
            },
        )

    def production_url(self, production, request=None) -> str:
        return self.get_url(request) + self.reverse_subpage("production", args=[production.slug])

    def get_sitemap_urls(self, request=None):
        urls = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        if not urls or not base:
            return urls
        for production in Production.objects.with_listed_credits().only("slug"):
            urls.append(
                {"location": base + self.reverse_subpage("production", args=[production.slug])}
            )
        return urls


def production_json_ld(production, credits, request, index) -> str:
    """schema.org CreativeWork: the production, who made it (the credited members) and for whom."""
    url = request.build_absolute_uri(index.production_url(production, request))
    companies = {credit.company_id: credit.company for credit in credits}
    return json_ld(
        schema(
            "CreativeWork",
            context=True,
            name=production.title,
            url=url,
            genre=production.get_kind_display()
            if production.kind != Production.Kind.OTHER
            else None,
            dateCreated=str(production.year) if production.year else None,
            sameAs=production.link or None,
            producer=schema("Organization", name=production.client) if production.client else None,
            creator=[
                schema("Organization", name=c.title, url=c.get_full_url(request))
                for c in companies.values()
            ],
        )
    )


def to_the_minute(value):
    return value.replace(second=0, microsecond=0) if value is not None else None


def joined_now():
    return to_the_minute(timezone.now())


class MinuteDateTimeField(models.DateTimeField):
    """A date and time kept to the minute, the finest precision every copy of it carries.

    The admin's date-time picker shows and submits minutes, and revisions
    store milliseconds, while the database keeps microseconds: a value finer
    than a minute came back different from every form and revision, so the
    moderation compare view listed a change nobody made.
    """

    def to_python(self, value):
        return to_the_minute(super().to_python(value))

    def pre_save(self, model_instance, add):
        value = to_the_minute(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value


# -- which company is listed ---------------------------------------------------
# The one home of the rule: a company is listed (in the directory, its search
# index, the API, the sitemap and the showcase's credits) while its page is
# live and its membership active. ``listed_q`` is the rule as a filter,
# ``CompanyPage.objects.listed()`` the companies it keeps, and
# ``CompanyPage.is_listed`` the same question asked of one company.


def listed_q(prefix: str = "") -> models.Q:
    """The listed rule as a filter; a ``prefix`` such as ``"company__"`` applies it through a
    relation without a subquery."""
    return models.Q(
        **{f"{prefix}live": True, f"{prefix}membership_status": CompanyPage.MembershipStatus.ACTIVE}
    )


# -- when a profile was last updated ------------------------------------------
# A profile is as fresh as the later of its last publication (any approved
# change, by a member or an editor) and its last confirmation ("still
# accurate", from a reminder email: ``members.freshness``). ``updated_at`` is
# the rule for one company, ``updated_at_expression`` the same rule in SQL.

# Not updated or confirmed for this long, a profile is stale: its members get
# a reminder (at most one a month) and editors see it in the staleness report.
STALE_AFTER = timedelta(days=183)  # six months


def updated_at_expression(prefix: str = ""):
    """The later of last publication and confirmation, in SQL (``CompanyPage.updated_at``)."""
    published = models.F(f"{prefix}last_published_at")
    # SQLite's MAX() of a NULL is NULL: a company never confirmed counts its publication.
    return Greatest(published, Coalesce(models.F(f"{prefix}confirmed_at"), published))


def updated_month_number(value) -> int | None:
    """``value``'s local calendar month as one integer (year × 12 + month − 1): the
    freshness both search backends break relevance ties with (the Elasticsearch
    document's and the database entry's ``updated_month``); later months are larger."""
    if value is None:
        return None
    local = timezone.localtime(value)
    return local.year * 12 + local.month - 1


# Written to the live row directly, never through a revision: publishing a
# revision keeps them as they are (``CompanyPage.with_content_json``).
LIVE_ROW_FIELDS = (
    "confirmed_at",
    "availability",
    "availability_date",
    "availability_confirmed_at",
    "email_visibility",
    "phone_visibility",
)


def member_settings_panel(names: list[str], heading: str) -> MultiFieldPanel:
    """Live-row fields the member sets, shown to editors read only.

    Read-only panels put no field in the editor's form, so saving or
    publishing cannot write them (and ``with_content_json`` keeps the live
    row's values whatever the revision says).
    """
    return MultiFieldPanel(
        [FieldPanel(name, read_only=True) for name in names],
        heading=f"{heading} (set by the member)",
        help_text="The member's own choice, applied at once from the members' area: "
        "read only here.",
    )


def visibility_field(help_text: str) -> models.CharField:
    """Who sees one contact detail (``directory.contact_privacy``), set by the members."""
    return models.CharField(
        max_length=15,
        choices=ContactVisibility.choices,
        default=DEFAULT_VISIBILITY,
        editable=False,
        help_text=help_text,
    )


def company_cards(ids) -> dict[int, CompanyPage]:
    """The companies for ``ids`` with what their cards show (``for_cards``), by id.

    Each kept under its own page's token (``cms.page_cache.kept_per_page``):
    a member's publish forgets its own card only, so the next search page
    or profile listing it rebuilds one card, not twenty. A taxonomy edit
    forgets none: each card's place, skills and sectors are swapped for the
    current rows as it is read (``with_current_taxonomy``). An id with no
    page is absent.
    """
    cards = kept_per_page(
        "company-card",
        list(ids),
        lambda missing: {c.pk: c for c in CompanyPage.objects.filter(pk__in=missing).for_cards()},
    )
    with_current_taxonomy(cards.values())
    return cards


def company_summaries(ids) -> dict[int, CompanyPage]:
    """The companies for ``ids`` with their place and logo only, by id; kept as ``company_cards``.

    For the short mentions other pages make (related members, a project's
    partners): a card's skills and sectors would be two more queries, and
    more to unpickle, for what they do not show. Their places are the
    current ones (``with_current_taxonomy``).
    """

    def build(missing):
        companies = CompanyPage.objects.filter(pk__in=missing).select_related("place", "logo")
        return {c.pk: c for c in companies.prefetch_related(*image_prefetch("logo"))}

    summaries = kept_per_page("company-summary", list(ids), build)
    with_current_taxonomy(summaries.values())
    return summaries


# -- kept values and the current taxonomy --------------------------------------
# A kept card carries its place, skills and sectors as they were when it was
# built, and a taxonomy edit does not forget it (``cms.page_cache``, *Two
# epochs*): rebuilding the twenty cards of a directory page cost it about
# 9 ms. Instead each kept value is read with the current rows swapped in,
# from one small map kept under the taxonomy epoch.

# The relations ``with_current_taxonomy`` swaps, by field name: a foreign key
# or a prefetched many-to-many to one of these models.
CURRENT_TAXONOMY_FIELDS = {"place": Place, "skills": Skill, "sectors": Sector}
# What ``current_taxonomy`` keeps: those, and the skill groups the search
# facets label (``directory.search.results.FacetTerms``).
CURRENT_TAXONOMY_MODELS = (Place, Skill, Sector, SkillGroup)


def current_taxonomy() -> dict[str, tuple[list[str], dict[int, tuple]]]:
    """Every place, skill, sector and skill group: ``{label: (field names, {id: values})}``.

    By model label (``"directory.place"``). Each ``{id: values}`` is in its
    model's default order as the database gives it (a skill by its group,
    then its own order and name), the order a card's prefetched rows come
    in; the values are those of the named fields (the skills' without their
    groups, as on a card). Plain values, not instances: every uncached page
    with cards reads the map, and most of its rows are not on the page;
    values unpickle in a fifth of the time and compare with a kept row's
    without making one (``with_current_taxonomy``). Kept under the taxonomy
    epoch alone (``cms.page_cache.TAXONOMY_KEY``), which any save or delete
    of a taxonomy row replaces: four queries, and the search facets' labels
    are made from it too.
    """

    def build():
        current = {}
        for model in CURRENT_TAXONOMY_MODELS:
            fields = [field.attname for field in model._meta.concrete_fields]
            rows = model._default_manager.values_list(*fields)
            current[model._meta.label_lower] = (fields, {values[0]: values for values in rows})
        return current

    # A new name whenever the value's shape changes (kept_under).
    return kept_under("directory:current-taxonomy:by-model", [TAXONOMY_KEY], build)


def with_current_taxonomy(instances) -> None:
    """Swap the taxonomy rows each of ``instances`` embeds for the current ones, in place.

    For kept values whose tokens a taxonomy edit does not replace (company
    cards and summaries, a company's projects), and the routed company
    page, which is kept without its place (``route_select_related``):
    each one's ``place`` (if it has one) becomes the current row, or
    ``None`` if the row is gone (its delete set the company's ``place`` to
    null in SQL, without a signal),
    and its prefetched ``skills`` and ``sectors`` the current rows, without
    those deleted since (their links went with them), ranked as the map's
    query ranked them (``current_taxonomy``: the database's order, as a
    fresh query gives them, on SQLite and PostgreSQL alike). Never a query
    once the map is kept; a relation not prefetched is left alone. A kept
    row with the current values stays as it is (the common case: nothing is
    made); a changed one is made once per call, shared by every instance
    that embeds it.
    """
    instances = list(instances)
    if not instances:
        return
    current = _CurrentRows(current_taxonomy())
    for instance in instances:
        for name, attname, many in _taxonomy_fields(type(instance)):
            if many:
                kept = _prefetched(instance, name)
                if kept is not None:
                    _set_prefetched(instance, name, current.ranked(name, kept))
            elif (pk := getattr(instance, attname)) is not None:
                kept = instance._state.fields_cache.get(name)
                place = current.row(name, pk, kept)
                if place is None or place is not kept:
                    setattr(instance, name, place)
                    instance.__dict__.pop("coordinates", None)  # CompanyPage's, from its place


class _CurrentRows:
    """``current_taxonomy()``'s rows as instances: a kept one while it is current, else made."""

    def __init__(self, current):
        self.current = current
        self.made: dict[tuple[str, int], models.Model | None] = {}
        self.ranks: dict[str, dict[int, int]] = {}

    def row(self, name: str, pk: int, kept: models.Model | None = None) -> models.Model | None:
        """The current row ``pk`` of relation ``name``: ``kept`` if it has the current values,
        ``None`` if the row is gone; else one instance made for the whole call."""
        model = CURRENT_TAXONOMY_FIELDS[name]
        fields, rows = self.current[model._meta.label_lower]
        values = rows.get(pk)
        if values is None:
            return None
        if kept is not None and _values(kept, fields) == values:
            return kept  # the common case: nothing to make
        if (name, pk) not in self.made:
            self.made[name, pk] = model.from_db(model._default_manager.db, fields, values)
        return self.made[name, pk]

    def ranked(self, name: str, kept: list[models.Model]) -> list[models.Model]:
        """The current rows of ``kept`` that still exist, in the map's order."""
        if name not in self.ranks:
            rows = self.current[CURRENT_TAXONOMY_FIELDS[name]._meta.label_lower][1]
            self.ranks[name] = {pk: rank for rank, pk in enumerate(rows)}
        rank = self.ranks[name]
        existing = sorted((row for row in kept if row.pk in rank), key=lambda row: rank[row.pk])
        return [self.row(name, row.pk, row) for row in existing]


def _values(instance, fields: list[str]) -> tuple:
    """``instance``'s values of ``fields`` as loaded (a deferred one reads as missing)."""
    loaded = instance.__dict__
    return tuple(loaded.get(field, _values) for field in fields)


@functools.cache
def _taxonomy_fields(model) -> tuple[tuple[str, str, bool], ...]:
    """(name, attname, is many-to-many) of ``model``'s relations in ``CURRENT_TAXONOMY_FIELDS``."""
    found = []
    for name, related in CURRENT_TAXONOMY_FIELDS.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.related_model is related and (field.many_to_many or field.many_to_one):
            found.append((name, field.attname, field.many_to_many))
    return tuple(found)


def _prefetched(instance, name: str) -> list | None:
    """The rows ``prefetch_related(name)`` left on ``instance``, or ``None``."""
    queryset = getattr(instance, "_prefetched_objects_cache", {}).get(name)
    return None if queryset is None else list(queryset)


def _set_prefetched(instance, name: str, rows: list) -> None:
    """``instance.<name>.all()`` answers ``rows`` from now on, as if they had been prefetched.

    The one place that writes Django's prefetch cache: the queryset
    ``prefetch_related`` left there keeps its place, with other rows.
    """
    instance._prefetched_objects_cache[name]._result_cache = rows


class CompanyPageQuerySet(PageQuerySet):
    def listed(self):
        """The companies that belong in the public directory: live, with active membership."""
        return self.filter(listed_q())

    def for_cards(self):
        """What a company card shows (place, logo, skills, sectors), in fixed queries.

        Not the skills' groups: no card or hit shows them, and each would be
        pickled again with every card kept (``company_cards``).
        """
        return self.select_related("place", "logo").prefetch_related(
            "skills", "sectors", *image_prefetch("logo")
        )

    def stale(self, now=None):
        """Companies not updated or confirmed for ``STALE_AFTER``."""
        now = now or timezone.now()
        return self.alias(profile_updated=updated_at_expression()).filter(
            profile_updated__lt=now - STALE_AFTER
        )

    def oldest_updated_first(self):
        return self.alias(profile_updated=updated_at_expression()).order_by(
            "profile_updated", "title", "pk"
        )


class CompanyPage(CachedPrivacyMixin, RoutablePageMixin, Page):
    """A member company's public profile, with its enquiry form.

    Lapsed members leave the directory: their page answers 404 to the public
    (editors still preview it), and search never lists them.
    """

    class ServiceArea(models.TextChoices):
        LOCAL = "local", "Local"
        REGIONAL = "regional", "Regional"
        NATIONAL = "national", "National"
        INTERNATIONAL = "international", "International"

    class SizeBand(models.TextChoices):
        SOLE = "1", "Sole trader / freelancer"
        MICRO = "2-9", "2–9 people"
        SMALL = "10-49", "10–49 people"
        MEDIUM = "50-249", "50–249 people"
        LARGE = "250+", "250+ people"

    class MembershipStatus(models.TextChoices):
        ACTIVE = "active", "Active"
        LAPSED = "lapsed", "Lapsed"

    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Give the image a description: it is the logo's alt text.",
    )
    strapline = models.CharField(max_length=160, blank=True)
    about = RichTextField(blank=True, features=["h3", "bold", "italic", "link", "ol", "ul"])
    skills = ParentalManyToManyField(Skill, blank=True, related_name="companies")
    sectors = ParentalManyToManyField(Sector, blank=True, related_name="companies")
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="companies",
        help_text="The town the company is based in.",
    )
    latitude = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text="Optional exact location; the town's centre is used otherwise.",
    )
    longitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    service_area = models.CharField(
        max_length=20, choices=ServiceArea.choices, default=ServiceArea.REGIONAL
    )
    size_band = models.CharField(max_length=10, choices=SizeBand.choices, blank=True)
    year_founded = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1850), MaxValueValidator(2100)]
    )
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True, help_text="Where enquiries are sent.")
    phone = models.CharField(max_length=30, blank=True)
    linkedin_url = models.URLField("LinkedIn", blank=True)
    instagram_url = models.URLField("Instagram", blank=True)
    x_url = models.URLField("X / Twitter", blank=True)
    youtube_url = models.URLField("YouTube channel", blank=True)
    vimeo_url = models.URLField("Vimeo channel", blank=True)
    showreel_url = models.URLField(
        blank=True, help_text="A YouTube or Vimeo link to the company's showreel."
    )
    membership_status = models.CharField(
        max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    verified = models.BooleanField(
        default=False, help_text="Checked by the cluster team: a real, trading company."
    )
    joined_at = MinuteDateTimeField(
        default=joined_now, help_text="When the company joined; used for 'newest' sorting."
    )
    # Set when a member answers a reminder "still accurate" (``members.freshness``);
    # not in any panel, and kept from the live row when a revision is published.
    confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a member last confirmed the profile is still accurate.",
    )
    # Set by members in their area and applied at once, without an editor's
    # approval (``members.settings_forms``): like ``confirmed_at``, in no
    # panel and kept from the live row when a revision is published.
    availability = models.CharField(
        max_length=10, choices=Availability.choices, blank=True, editable=False
    )
    availability_date = models.DateField(
        null=True, blank=True, editable=False, help_text="Available from, or booked until."
    )
    availability_confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a member last said or confirmed the availability (it holds 60 days).",
    )
    email_visibility = visibility_field("Who sees the email address (directory.contact_privacy).")
    phone_visibility = visibility_field("Who sees the phone number.")

    objects = PageManager.from_queryset(CompanyPageQuerySet)()

    # The editor's form, in the tabs an editor looks for: who the company is,
    # what it does, where, its media, how to reach it, and its membership.
    content_panels = Page.content_panels + [
        FieldPanel("strapline"),
        FieldPanel("logo"),
        FieldPanel("about"),
        FieldRowPanel([FieldPanel("size_band"), FieldPanel("year_founded")]),
    ]
    services_panels = [
        FieldPanel("skills"),
        FieldPanel("sectors"),
        FieldPanel("service_area"),
        InlinePanel("credits", label="Credit", heading="Credits (shown in this order)"),
    ]
    location_panels = [
        FieldPanel("place"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
    ]
    media_panels = [
        FieldPanel("showreel_url"),
        InlinePanel("gallery_images", label="Gallery image", heading="Gallery"),
    ]
    contact_panels = [
        FieldPanel("website"),
        FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
        MultiFieldPanel(
            [
                FieldPanel("linkedin_url"),
                FieldPanel("instagram_url"),
                FieldPanel("x_url"),
                FieldPanel("youtube_url"),
                FieldPanel("vimeo_url"),
            ],
            heading="Social links",
        ),
        member_settings_panel(
            ["email_visibility", "phone_visibility"], "Who sees the email and phone"
        ),
    ]
    membership_panels = [
        FieldPanel("membership_status"),
        FieldPanel("verified"),
        FieldPanel("joined_at"),
        member_settings_panel(
            ["availability", "availability_date", "availability_confirmed_at"], "Availability"
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Profile"),
            ObjectList(services_panels, heading="Services"),
            ObjectList(location_panels, heading="Location"),
            ObjectList(media_panels, heading="Media"),
            ObjectList(contact_panels, heading="Contact"),
            ObjectList(membership_panels, heading="Membership"),
            ObjectList(Page.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )

    search_fields = Page.search_fields + [
        index.SearchField("strapline"),
        index.SearchField("about"),
        index.FilterField("membership_status"),
    ]

    parent_page_types = ["directory.DirectoryIndexPage"]
    subpage_types = []
    # Joined when the page is routed (cms.routing): the logo its header shows.
    # Not its place: the profile takes it from the kept map of current
    # taxonomy rows (``directory.profile.profile_context``), so a taxonomy
    # edit reloads no company's route, and no view asks for the place.
    route_select_related = ("logo",)

    class Meta:
        verbose_name = "company"
        verbose_name_plural = "companies"

    @property
    def is_listed(self):
        """Whether the company belongs in the public directory and its index (see ``listed_q``)."""
        return self.live and self.membership_status == self.MembershipStatus.ACTIVE

    @property
    def updated_at(self):
        """When the profile was last updated (published) or confirmed still accurate.

        The later of ``last_published_at`` and ``confirmed_at``; None before the
        first publication. The page, the API and the cards show its month.
        """
        dates = [d for d in (self.last_published_at, self.confirmed_at) if d is not None]
        return max(dates) if dates else None

    def is_stale(self, now=None):
        updated = self.updated_at
        return updated is not None and updated < (now or timezone.now()) - STALE_AFTER

    def with_content_json(self, content):
        # A revision carries the confirmation as it was when the revision was
        # made: publishing it must not take back a later "still accurate".
        # So do the member's own settings, applied without approval.
        page = super().with_content_json(content)
        for name in LIVE_ROW_FIELDS:
            setattr(page, name, getattr(self, name))
        return page

    @property
    def availability_label(self) -> str:
        """What the profile and the cards say about availability ("" if not said), today."""
        return availability_label(
            self.availability, self.availability_date, self.availability_confirmed_at
        )

    @cached_property
    def coordinates(self):
        """(latitude, longitude): the exact point if given, else the town's centre."""
        if self.latitude is not None and self.longitude is not None:
            return (self.latitude, self.longitude)
        if self.place_id:
            return (self.place.latitude, self.place.longitude)
        return None

    # What a complete profile has, in the order members are asked to add it.
    # Used for the member dashboard checklist and as a light ranking boost.
    COMPLETENESS_CHECKS = (
        ("logo", "a logo", lambda c: c.logo_id is not None),
        ("strapline", "a strapline", lambda c: bool(c.strapline)),
        ("about", "a description of the company", lambda c: len(c.about or "") >= 80),
        ("skills", "at least one skill", lambda c: len(c.skills.all()) > 0),
        ("sectors", "at least one sector", lambda c: len(c.sectors.all()) > 0),
        ("place", "where the company is based", lambda c: c.place_id is not None),
        ("showreel", "a showreel", lambda c: bool(c.showreel_url)),
        ("website", "a website", lambda c: bool(c.website)),
        ("email", "an enquiry email address", lambda c: bool(c.email)),
        ("credits", "three credits", lambda c: len(c.credits.all()) >= 3),
    )

    def profile_completeness(self):
        """(percentage, [labels of what is missing]) for this profile."""
        missing = [label for _key, label, check in self.COMPLETENESS_CHECKS if not check(self)]
        done = len(self.COMPLETENESS_CHECKS) - len(missing)
        return round(100 * done / len(self.COMPLETENESS_CHECKS)), missing

    SERVICE_AREA_PHRASES = {
        ServiceArea.LOCAL: "Works locally",
        ServiceArea.REGIONAL: "Works across the region",
        ServiceArea.NATIONAL: "Works across the UK",
        ServiceArea.INTERNATIONAL: "Works internationally",
    }

    @property
    def service_area_phrase(self):
        return self.SERVICE_AREA_PHRASES.get(self.service_area, "")

    @cached_property
    def showreel(self):
        """The showreel as a ``directory.video.Video`` (None if absent or not YouTube/Vimeo)."""
        return parse_video(self.showreel_url)

    # -- the public page ---------------------------------------------------
    # Built by directory.profile, which registers itself: it needs the enquiry
    # form, a form of these models (directory/presenters.py says more).
    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(presented_context(self, request))
        return context

    def serve(self, request, view=None, args=None, kwargs=None):
        # Editors previewing a lapsed member's page still see it.
        is_preview = getattr(request, "is_preview", False)
        if self.membership_status != self.MembershipStatus.ACTIVE and not is_preview:
            if view is not None and view.__name__ != "index_route":
                # Its sub-routes (the enquiry form) are simply gone.
                raise Http404("This company is no longer a member.")
            return self.serve_lapsed(request)
        return super().serve(request, view, args, kwargs)

    def get_sitemap_urls(self, request=None):
        if not self.is_listed:
            return []  # gone from the directory, so gone from the sitemap
        return super().get_sitemap_urls(request)

    def serve_lapsed(self, request):
        """410 Gone: the company left, and old links lead to others who do the same work.

        None of its details are shown; only its name, and its skills as
        directory searches.
        """
        base = DirectoryIndexPage.live_url()
        skills = [
            (skill.name, skill_filter_url(skill.slug, base))
            for skill in self.skills.all().order_by("name")[:6]
        ]
        return TemplateResponse(
            request,
            "directory/company_lapsed.html",
            {"page": self, "directory_url": base, "skills": skills},
            status=410,
        )

    @path("enquiry/", name="enquiry")
    @checks_origin_not_token  # the profile is cached whole: its form carries no token
    def enquiry(self, request):
        """POST an enquiry (``directory.profile.enquiry``)."""
        return presented_view(self, "enquiry", request)

    @path("enquiry/sent/", name="enquiry_sent")
    def enquiry_sent(self, request):
        return presented_view(self, "enquiry_sent", request)

    def clean(self):
        super().clean()
        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = "Give both latitude and longitude, or neither."
        if self.showreel_url and self.showreel is None:
            errors["showreel_url"] = "Give a link to a YouTube or Vimeo video."
        if errors:
            raise ValidationError(errors)


# -- productions ---------------------------------------------------------------
# What credits point to: one row per production, found again by its title key
# (``production_title_key``) and year, so "The Brick Lane North" (2024) and
# "brick lane north" (2024) are one production however members write it.

_KEY_PUNCTUATION = re.compile(r"[^a-z0-9]+")
_LEADING_ARTICLE = re.compile(r"^(the|a|an) ")


def production_title_key(title: str) -> str:
    """A production's title as the key it is found by: folded, without punctuation or "The".

    "The Lost Mill!" and "Lost  Mill" and "The Lóst-Mill" are all "lost mill".
    Accents and case fold as the search analysis folds them (``anyascii``,
    lower case; the models sit below ``directory.search`` so cannot import it);
    "&" reads "and", so "Slip & Glaze" is "Slip and Glaze".
    """
    return _LEADING_ARTICLE.sub("", _folded(title))[:200]


def client_key(client: str) -> str:
    """A broadcaster's or client's name as the ``client=`` filter matches it.

    Folded as titles are ("Channel 4", "channel-4" and "CHANNEL 4" are one),
    but a leading "The" is kept: it can be part of a name ("The Guardian").
    """
    return _folded(client)[:200]


def _folded(text: str) -> str:
    """Lower case, accents and punctuation folded, "&" read as "and", spaces collapsed."""
    text = anyascii(text or "").lower().replace("&", " and ")
    return " ".join(_KEY_PUNCTUATION.sub(" ", text).split())


def production_slug_base(title: str, year: int | None) -> str:
    """A production's slug before any "-2" that keeps it unique: its title and year."""
    return slugify(anyascii(f"{title} {year or ''}"))[:200] or "production"


class ProductionQuerySet(models.QuerySet):
    def matching(self, title: str, year: int | None):
        """The production with this title (by its key) and year, or one merged into it."""
        key = production_title_key(title)
        same_year = models.Q(year__isnull=True) if year is None else models.Q(year=year)
        alias_year = (
            models.Q(aliases__year__isnull=True) if year is None else models.Q(aliases__year=year)
        )
        return self.filter(
            (models.Q(title_key=key) & same_year) | (models.Q(aliases__title_key=key) & alias_year)
        ).distinct()

    def resolve(self, title: str, year: int | None, **details) -> Production:
        """The production ``title`` and ``year`` name, created (with ``details``) if new."""
        found = self.matching(title, year).first()
        if found is not None:
            return found
        production = Production(title=title.strip(), year=year, **details)
        try:
            with transaction.atomic():
                production.save()
        except IntegrityError:
            # Made a moment ago by another save of the same title and year.
            return self.matching(title, year).get()
        return production

    def with_listed_credits(self):
        """Productions with at least one credit from a listed company (what has a page)."""
        return self.filter(
            pk__in=CompanyCredit.objects.filter(listed_q("company__")).values("work_id")
        )


class Production(models.Model):
    """A film, series, commercial, game... that member companies are credited on.

    Credits point here (``CompanyCredit.work``); its page under the productions
    page lists every listed member credited, with their roles. Unique by title
    key and year; editors merge duplicates in the admin (``merge_into``).
    """

    class Kind(models.TextChoices):
        FILM = "film", "Film"
        SERIES = "series", "TV series"
        DOCUMENTARY = "documentary", "Documentary"
        SHORT = "short", "Short film"
        ANIMATION = "animation", "Animation"
        COMMERCIAL = "commercial", "Commercial or brand film"
        GAME = "game", "Game"
        MUSIC_VIDEO = "music-video", "Music video"
        IMMERSIVE = "immersive", "Immersive or XR"
        CORPORATE = "corporate", "Corporate or explainer"
        OTHER = "other", "Other"

    title = models.CharField(max_length=200)
    title_key = models.CharField(
        max_length=200, editable=False, db_index=True, help_text="The title folded for matching."
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    client = models.CharField(
        "broadcaster or client",
        max_length=200,
        blank=True,
        help_text="Who commissioned or broadcast it, e.g. Channel 4, BBC Three, a brand.",
    )
    client_key = models.CharField(
        max_length=200, editable=False, blank=True, db_index=True, help_text="The client folded."
    )
    link = models.URLField(blank=True, help_text="Optional: the production's own page.")
    slug = models.SlugField(max_length=220, unique=True, editable=False)

    objects = ProductionQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("year"), FieldPanel("kind")]),
        FieldPanel("client"),
        FieldPanel("link"),
    ]

    class Meta:
        ordering = ["title_key", "year"]
        constraints = [
            # NULL years are equal here (an undated production exists once).
            models.UniqueConstraint(
                "title_key", Coalesce("year", 0), name="directory_production_unique_title_year"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title

    def save(self, *args, **kwargs):
        self.title = self.title.strip()
        self.title_key = production_title_key(self.title)
        self.client = self.client.strip()
        self.client_key = client_key(self.client)
        if not self.slug:
            self.slug = self._free_slug()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        key = production_title_key(self.title)
        if not key:
            raise ValidationError({"title": "Give the production a title with letters or digits."})
        twin = Production.objects.matching(self.title, self.year).exclude(pk=self.pk).first()
        if twin is not None:
            raise ValidationError(
                {"title": f"{twin} exists already: merge the two instead of keeping both."}
            )

    def _free_slug(self) -> str:
        base = production_slug_base(self.title, self.year)
        slug, n = base, 1
        while Production.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    def merge_into(self, kept: Production) -> int:
        """Move this production's credits to ``kept`` and delete it; returns the credits moved.

        Its title and year stay findable (``ProductionAlias``): a member's edit
        still naming it links to ``kept`` instead of making it again.
        """
        if kept.pk == self.pk:
            raise ValueError("A production cannot be merged into itself.")
        company_ids = set(self.credits.values_list("company_id", flat=True))
        moved = self.credits.update(
            work=kept, production=kept.title, year=kept.year, client=kept.client
        )
        self.aliases.update(production=kept)
        ProductionAlias.objects.get_or_create(
            title_key=self.title_key, year=self.year, defaults={"production": kept}
        )
        self.delete()
        # The credits moved without saving (one UPDATE): search re-indexes their companies.
        production_credits_moved.send(Production, production=kept, company_ids=company_ids)
        return moved


# Sent when credits move from one production to another without being saved
# (``Production.merge_into``), with the ``production`` they now point to and
# the ``company_ids`` whose credits moved; directory.search re-indexes them.
production_credits_moved = Signal()


class ProductionAlias(models.Model):
    """A title and year merged into a production: credits naming it resolve to that one."""

    production = models.ForeignKey(Production, on_delete=models.CASCADE, related_name="aliases")
    title_key = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "title_key", Coalesce("year", 0), name="directory_productionalias_unique"
            )
        ]
        verbose_name_plural = "production aliases"

    def __str__(self):
        return f"{self.title_key} ({self.year}) → {self.production}"


class CompanyCredit(Orderable):
    """A production the company worked on, shown in the order editors give.

    ``production``, ``client`` and ``year`` are what the member wrote; saving
    links the credit to the production they name (``work``), found by title
    key and year or created, so every path that saves a credit (the member's
    approved edit, the admin, the import) links it the same way.
    """

    company = ParentalKey(CompanyPage, on_delete=models.CASCADE, related_name="credits")
    production = models.CharField(max_length=200)
    client = models.CharField("client or broadcaster", max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    role = models.CharField(max_length=200, blank=True)
    work = models.ForeignKey(
        Production,
        null=True,
        blank=True,
        # Deleting a production unlinks its credits (they keep their text, still
        # searchable); removing a duplicate is a merge, which moves them.
        on_delete=models.SET_NULL,
        related_name="credits",
        verbose_name="production page",
        help_text="Linked on saving, from the title and year.",
    )

    panels = [
        FieldPanel("production"),
        FieldPanel("client"),
        FieldRowPanel([FieldPanel("year"), FieldPanel("role")]),
    ]

    def __str__(self):
        return self.production

    def save(self, *args, **kwargs):
        # Found again from the text on every save: a revision being published
        # may carry a production since merged away (its alias finds the kept one).
        if production_title_key(self.production):
            self.work = Production.objects.resolve(self.production, self.year, client=self.client)
        else:
            self.work = None
        super().save(*args, **kwargs)


class CompanyGalleryImage(Orderable):
    company = ParentalKey(CompanyPage, on_delete=models.CASCADE, related_name="gallery_images")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(max_length=250, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]


class Enquiry(models.Model):
    """A commissioner's message to a company: stored with its email in the outbox.

    A mail outage loses nothing: the worker retries, and editors see each
    email's state (``outbound_emails``) in the admin and can send it again.
    """

    company = models.ForeignKey(CompanyPage, on_delete=models.CASCADE, related_name="enquiries")
    name = models.CharField(max_length=120)
    email = models.EmailField()
    organisation = models.CharField(max_length=160, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    message = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    outbound_emails = GenericRelation("outbox.OutboundEmail")

    panels = [
        FieldPanel("company", read_only=True),
        FieldPanel("name", read_only=True),
        FieldPanel("email", read_only=True),
        FieldPanel("organisation", read_only=True),
        FieldPanel("phone", read_only=True),
        FieldPanel("message", read_only=True),
    ]

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "enquiries"

    def __str__(self):
        return f"{self.name} → {self.company.title}"


class HomePageFeaturedCompany(Orderable):
    """A member the home page features, in the editors' order (its panel is on the home page).

    The directory owns the relation, so the site base (``cms``) need not know
    companies; ``featured_members`` and the ``construct_home_page_context``
    hook put them on the page. The table keeps the name it had in ``cms``.
    """

    page = ParentalKey("cms.HomePage", on_delete=models.CASCADE, related_name="featured_companies")
    company = models.ForeignKey(CompanyPage, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("company")]

    class Meta(Orderable.Meta):
        db_table = "cms_homepagefeaturedcompany"
        verbose_name = "featured member"


# The rendition of a featured member's logo (templates/cms/home_page.html).
FEATURED_LOGO_FILTER = "max-160x160"


def featured_members(home) -> list:
    """``home``'s featured companies that are live and listed, with their logos, in editor order.

    The logos' renditions are read at once (``cms.renditions.attach_renditions``).
    """
    rows = home.featured_companies.select_related("company", "company__logo").order_by("sort_order")
    companies = [row.company for row in rows if row.company.is_listed]
    attach_renditions([c.logo for c in companies if c.logo_id], FEATURED_LOGO_FILTER)
    return companies
