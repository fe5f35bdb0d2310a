"""The showcase: projects (showreels and finished productions) made by member companies.

Every project names one or more member companies with their role, so each
piece of work leads back to the companies that made it, and each company page
lists its projects (``templatetags/showcase_tags.py``). Project text (titles,
tags, skills, sectors) is added to the companies' search documents by
``search.py``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Prefetch
from django.utils.functional import cached_property
from django.utils.html import strip_tags

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase

from cms import background
from cms.fields import RichTextField
from cms.privacy import CachedPrivacyMixin
from cms.renditions import attach_renditions, image_prefetch
from cms.routing import kept_for_routed_page
from cms.structured_data import json_ld, schema
from directory.models import listed_q

from . import embeds
from .listing import listing_context


class ShowcaseIndexPage(CachedPrivacyMixin, Page):
    """The filterable list of projects (``/showcase/`` in the demo site)."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["showcase.ProjectPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        projects = ProjectPage.objects.live().child_of(self)
        context.update(listing_context(request, projects, self.get_url(request) or self.url or "/"))
        context["projects"] = card_list(context["projects"])
        return context


class ProjectTag(TaggedItemBase):
    content_object = ParentalKey(
        "showcase.ProjectPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


# The rendition a project card shows (showcase/includes/project_card.html): read
# for all the cards at once from the rendition cache (card_list), or prefetched
# where none answers (cms.renditions), so the page size costs nothing.
CARD_RENDITION = "fill-640x360"


def card_list(projects) -> list:
    """``projects`` (``for_cards()``) as a list, every poster's card rendition read at once."""
    projects = list(projects)
    attach_renditions([p.poster for p in projects if p.poster_id], CARD_RENDITION)
    return projects


class ProjectPageQuerySet(PageQuerySet):
    """Projects, with what the showcase's cards and filters ask of them."""

    def for_cards(self, credits=None):
        """What a project card shows, fetched in a fixed number of queries.

        ``credits`` are the roles prefetched as ``project_companies``: by
        default those of listed companies, with each company.
        """
        if credits is None:
            credits = ProjectCompany.objects.listed().select_related("company")
        return self.select_related("poster").prefetch_related(
            *image_prefetch("poster", CARD_RENDITION),
            Prefetch("project_companies", queryset=credits.order_by("sort_order")),
            "sectors",
        )

    def with_any(self, param: str, values: list[str]):
        """Projects having any of ``values`` in facet ``param`` (subqueries: no duplicate rows)."""
        if param == "year":
            return self.filter(year__in=[int(v) for v in values])
        if param == "sector":
            through = ProjectPage.sectors.through.objects.filter(sector__slug__in=values)
            return self.filter(pk__in=through.values("projectpage_id"))
        if param == "skill":
            through = ProjectPage.skills.through.objects.filter(skill__slug__in=values)
            return self.filter(pk__in=through.values("projectpage_id"))
        if param == "company":
            roles = ProjectCompany.objects.filter(company__slug__in=values)
            return self.filter(pk__in=roles.values("project_id"))
        raise ValueError(param)

    def facet_counts(self, param: str) -> list[tuple[str, str, int]]:
        """(slug, label, number of these projects) for each value of facet ``param``."""
        if param == "year":
            rows = self.order_by().values("year").annotate(n=Count("pk")).order_by("-year")
            return [(str(r["year"]), str(r["year"]), r["n"]) for r in rows]
        ids = self.values("pk")
        if param == "sector":
            rows = (
                ProjectPage.sectors.through.objects.filter(projectpage_id__in=ids)
                .values("sector__slug", "sector__name")
                .annotate(n=Count("projectpage_id", distinct=True))
                .order_by("sector__sort_order", "sector__name")
            )
            return [(r["sector__slug"], r["sector__name"], r["n"]) for r in rows]
        if param == "skill":
            rows = (
                ProjectPage.skills.through.objects.filter(projectpage_id__in=ids)
                .values("skill__slug", "skill__name")
                .annotate(n=Count("projectpage_id", distinct=True))
                .order_by("skill__name")
            )
            return [(r["skill__slug"], r["skill__name"], r["n"]) for r in rows]
        if param == "company":
            rows = (
                ProjectCompany.objects.listed()
                .filter(project_id__in=ids)
                .values("company__slug", "company__title")
                .annotate(n=Count("project_id", distinct=True))
                .order_by("company__title")
            )
            return [(r["company__slug"], r["company__title"], r["n"]) for r in rows]
        raise ValueError(param)


def _this_year() -> int:
    return datetime.date.today().year


class ProjectPage(CachedPrivacyMixin, Page):
    """A showreel or a finished production by one or more member companies."""

    class Kind(models.TextChoices):
        PRODUCTION = "production", "Production"
        SHOWREEL = "showreel", "Showreel"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PRODUCTION)
    year = models.PositiveSmallIntegerField(
        default=_this_year,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text="Year of release or, for a showreel, of its latest cut.",
    )
    client = models.CharField(
        "client or broadcaster",
        max_length=200,
        blank=True,
        help_text="Who commissioned or broadcast it, e.g. BBC Three, Channel 4, a brand.",
    )
    synopsis = RichTextField(blank=True, features=["bold", "italic", "link", "ol", "ul"])
    video_url = models.URLField(
        "video URL",
        blank=True,
        help_text=(
            "A YouTube or Vimeo link. Visitors see a poster until they choose to play it; "
            "YouTube plays from its privacy-enhanced domain."
        ),
    )
    poster = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=(
            "A still from the work (16:9 works best). Without one, a poster is drawn "
            "from the title: we never load the video site's thumbnail before a visitor "
            "presses play."
        ),
    )
    sectors = ParentalManyToManyField(
        "directory.Sector", blank=True, related_name="projects", verbose_name="sectors / genres"
    )
    skills = ParentalManyToManyField(
        "directory.Skill", blank=True, related_name="projects", verbose_name="skills used"
    )
    tags = ClusterTaggableManager(
        through=ProjectTag,
        blank=True,
        help_text="Techniques and styles, e.g. stop-motion, drone, virtual production.",
    )
    featured = models.BooleanField(default=False, help_text="Show this project on the home page.")
    production = models.ForeignKey(
        "directory.Production",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="showcase_projects",
        help_text="The production this project shows: its production page links here.",
    )

    objects = PageManager.from_queryset(ProjectPageQuerySet)()

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("year")]),
        InlinePanel("project_companies", label="Company", heading="Member companies", min_num=1),
        FieldPanel("client"),
        FieldPanel("production"),
        FieldPanel("synopsis"),
        MultiFieldPanel([FieldPanel("video_url"), FieldPanel("poster")], heading="Video"),
        MultiFieldPanel(
            [FieldPanel("sectors"), FieldPanel("skills"), FieldPanel("tags")],
            heading="What kind of work",
        ),
        InlinePanel("awards", label="Award or selection", heading="Awards and festivals"),
        InlinePanel("credits", label="Credit", heading="Credits"),
        InlinePanel("gallery_images", label="Gallery image", heading="Gallery"),
        FieldPanel("featured"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("client"),
        index.SearchField("synopsis"),
        index.FilterField("year"),
        index.FilterField("featured"),
    ]

    parent_page_types = ["showcase.ShowcaseIndexPage"]
    subpage_types = []
    # Joined when the page is routed (cms.routing): the poster the page opens with.
    route_select_related = ("poster",)

    class Meta:
        verbose_name = "project"

    def clean(self):
        super().clean()
        errors = {}
        if self.video_url and embeds.parse(self.video_url) is None:
            errors["video_url"] = "Give a YouTube or Vimeo link to the video itself."
        if self.year and self.year > _this_year() + 1:
            errors["year"] = "A project can be announced at most a year ahead."
        company_ids = [pc.company_id for pc in self.project_companies.all() if pc.company_id]
        if len(company_ids) != len(set(company_ids)):
            errors["title"] = "A company is listed twice; give it one entry with both roles."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Ask the video site about the video once, after the editor saves, so
        # rendering never has to: the answer is stored in Wagtail's Embed table.
        # On the worker, after commit: a slow provider never holds the editor.
        if self.video_url:
            background.enqueue_on_commit(embeds.fetch_video_embed, self.video_url)

    @cached_property
    def video(self):
        """The parsed video (provider, id, privacy embed URL) or None."""
        return embeds.parse(self.video_url) if self.video_url else None

    @cached_property
    def embed(self):
        """The stored oEmbed answer for the video (title, thumbnail URL...) or None."""
        return embeds.stored(self.video_url) if self.video_url else None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        roles = list(
            ProjectCompany.objects.listed()
            .filter(project=self)
            .select_related("company", "company__logo")
            .order_by("sort_order")
        )
        context["project_companies"] = roles
        showcase = self.get_parent()
        context["showcase_url"] = showcase.get_url(request)
        context["showcase_title"] = showcase.title
        # Each relation read once, for the page and its JSON-LD alike, and
        # kept until the next change for the published page (cms.routing).
        context.update(kept_for_routed_page(request, self, "relations", self._relations))
        context["json_ld"] = self.json_ld(
            request, roles, awards=context["awards"], tags=context["tags"]
        )
        context["more_projects"] = self.more_by_the_same_companies(roles)
        return context

    def _relations(self) -> dict:
        return {
            "awards": list(self.awards.all()),
            "credits": list(self.credits.all()),
            "gallery": list(self.gallery_images.select_related("image")),
            "sectors": list(self.sectors.all()),
            "skills": list(self.skills.all()),
            "tags": list(self.tags.all()),
        }

    def more_by_the_same_companies(self, roles, limit=3):
        """Other live projects by this project's listed companies, newest first."""
        company_ids = [role.company_id for role in roles]
        if not company_ids:
            return []
        shared = ProjectCompany.objects.filter(company_id__in=company_ids).values("project_id")
        others = ProjectPage.objects.live().filter(pk__in=shared).exclude(pk=self.pk)
        return card_list(others.for_cards().order_by("-year", "-first_published_at")[:limit])

    def json_ld(self, request, roles, *, awards=None, tags=None) -> str:
        """schema.org CreativeWork: what the work is and which organisations made it.

        ``awards`` and ``tags`` are the page's own, when its context has read them.
        """
        awards = self.awards.all() if awards is None else awards
        tags = self.tags.all() if tags is None else tags
        awards = [str(a) for a in awards if a.kind == ProjectAward.Kind.WIN]
        client = schema("Organization", name=self.client) if self.client else None
        video = None
        if self.video:
            # The stored oEmbed answer describes the video to crawlers; its
            # thumbnail URL is data for them, never loaded by a visitor's browser.
            embed = self.embed
            video = schema(
                "VideoObject",
                name=(embed.title if embed and embed.title else self.title),
                embedUrl=self.video.embed_url,
                url=self.video.watch_url,
                thumbnailUrl=embed.thumbnail_url if embed and embed.thumbnail_url else None,
            )
        return json_ld(
            schema(
                "CreativeWork",
                context=True,
                name=self.title,
                url=self.get_full_url(request),
                dateCreated=str(self.year),
                abstract=strip_tags(self.synopsis or "").strip() or None,
                creator=[
                    schema(
                        "Organization", name=r.company.title, url=r.company.get_full_url(request)
                    )
                    for r in roles
                ],
                keywords=", ".join(tag.name for tag in tags) or None,
                sourceOrganization=client,
                award=awards or None,
                video=video,
            )
        )


class ProjectCompanyQuerySet(models.QuerySet):
    def listed(self):
        """Roles of companies still in the directory (live, active members)."""
        return self.filter(listed_q("company__"))


class ProjectCompany(Orderable):
    """A member company's part in a project: 'Animation', 'Post-production', 'Lead producer'."""

    project = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="project_companies")
    company = models.ForeignKey(
        "directory.CompanyPage", on_delete=models.CASCADE, related_name="project_roles"
    )
    role = models.CharField(max_length=120, blank=True, help_text="e.g. Animation studio.")

    objects = ProjectCompanyQuerySet.as_manager()

    panels = [FieldPanel("company"), FieldPanel("role")]

    class Meta(Orderable.Meta):
        verbose_name = "project company"
        verbose_name_plural = "project companies"

    def __str__(self):
        return f"{self.company} — {self.role}" if self.role else str(self.company)


class ProjectAward(Orderable):
    """An award, nomination or festival selection, shown as the editor orders them."""

    class Kind(models.TextChoices):
        WIN = "win", "Winner"
        NOMINATION = "nomination", "Nominated"
        SELECTION = "selection", "Official selection"

    project = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="awards")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SELECTION)
    name = models.CharField(
        max_length=200, help_text="Festival or award, e.g. Annecy, BAFTA Craft, Sheffield DocFest."
    )
    category = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("year")]),
        FieldPanel("name"),
        FieldPanel("category"),
    ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"


class ProjectCredit(Orderable):
    project = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="credits")
    role = models.CharField(max_length=120, help_text="e.g. Director, Animation lead.")
    name = models.CharField(max_length=200)

    panels = [FieldRowPanel([FieldPanel("role"), FieldPanel("name")])]

    def __str__(self):
        return f"{self.role}: {self.name}"


class ProjectGalleryImage(Orderable):
    project = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="gallery_images")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(max_length=250, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]
