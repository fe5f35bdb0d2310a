"""Site-wide content: the home page, standard pages, contact, news, site settings."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from wagtail import hooks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.contrib.forms.forms import FormBuilder
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField, EmailFormMixin
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, Site
from wagtail.search import index

from django_ratelimit.core import is_ratelimited
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase

from cms.blocks import BodyBlock
from cms.feeds import NewsAtomFeed, NewsRssFeed
from cms.fields import RichTextField
from cms.invalidation import forget
from cms.outbox.mail import queue_mail
from cms.page_cache import canonical_query, first_live, page_number_only
from cms.pagination import page_links, paginate, query_page_url
from cms.privacy import CachedPrivacyMixin, public
from cms.renditions import attach_renditions

NEWS_PAGE_SIZE = 9
INTRO_FEATURES = ["bold", "italic", "link"]


# --- Site settings --------------------------------------------------------------


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """The organisation's details, shown in the footer of every page."""

    organisation_name = models.CharField(max_length=120, default="Platform")
    address = models.TextField(blank=True, help_text="One line per line of the address.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    footer_text = models.TextField(blank=True, max_length=500)

    linkedin_url = models.URLField("LinkedIn", blank=True)
    instagram_url = models.URLField("Instagram", blank=True)
    youtube_url = models.URLField("YouTube", blank=True)
    vimeo_url = models.URLField("Vimeo", blank=True)
    bluesky_url = models.URLField("Bluesky", blank=True)
    mastodon_url = models.URLField("Mastodon", blank=True)
    facebook_url = models.URLField("Facebook", blank=True)

    SOCIAL_FIELDS = (
        "linkedin_url",
        "instagram_url",
        "youtube_url",
        "vimeo_url",
        "bluesky_url",
        "mastodon_url",
        "facebook_url",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("organisation_name"), FieldPanel("address"), FieldPanel("footer_text")],
            heading="Organisation",
        ),
        MultiFieldPanel([FieldPanel("email"), FieldPanel("phone")], heading="Contact"),
        MultiFieldPanel([FieldPanel(name) for name in SOCIAL_FIELDS], heading="Social links"),
    ]

    class Meta:
        verbose_name = "site settings"

    @property
    def social_links(self):
        """(label, url) for each social network that has a link, in a fixed order."""
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in self.SOCIAL_FIELDS
            if getattr(self, name)
        ]

    @classmethod
    def cache_key(cls, site_id: int) -> str:
        return f"cms:site-settings:{site_id}"

    @classmethod
    def for_site(cls, site):
        """The site's settings, kept in the (shared) cache: every page's footer reads them.

        Saving or deleting them clears the entry (``_forget_site_settings``),
        at once and again after the commit, as the site frame does (cms.frame).
        """
        if site is None:
            return super().for_site(site)
        instance = cache.get(cls.cache_key(site.pk))
        if instance is None:
            instance = super().for_site(site)
            cache.set(cls.cache_key(site.pk), instance, 60 * 60)
        return instance


@receiver(post_save, sender=SiteSettings, dispatch_uid="cms-site-settings-save")
@receiver(post_delete, sender=SiteSettings, dispatch_uid="cms-site-settings-delete")
def _forget_site_settings(sender, instance, **kwargs):
    forget(SiteSettings.cache_key(instance.site_id))


DEFAULT_SITE_NAME = "Platform"


def current_site(request) -> Site | None:
    """The Wagtail site answering ``request``, looked up once per request."""
    if request is None:
        return None
    if not hasattr(request, "_cms_site"):
        request._cms_site = Site.find_for_request(request)
    return request._cms_site


def site_name(request) -> str:
    """The organisation's name from SiteSettings, falling back to the Wagtail site name.

    Pages (through the ``site_name`` template tag) and the news feeds name the
    site the same way.
    """
    site = current_site(request)
    if site is not None:
        name = SiteSettings.for_request(request).organisation_name  # cached per request
        if name:
            return name
        if site.site_name:
            return site.site_name
    return DEFAULT_SITE_NAME


# --- Home page ---------------------------------------------------------------------


# The rendition of an article's picture on a news card (cms/includes/news_card.html).
NEWS_CARD_RENDITION = "fill-640x360|format-webp"


def news_cards(articles) -> list:
    """``articles`` as a list, every featured image's card rendition read at once."""
    articles = list(articles)
    attach_renditions(
        [a.featured_image for a in articles if a.featured_image_id], NEWS_CARD_RENDITION
    )
    return articles


class HomePage(CachedPrivacyMixin, Page):
    """The site's root page; the directory, news and showcase live beneath it."""

    hero_eyebrow = models.CharField(
        "hero kicker",
        max_length=80,
        blank=True,
        default="Stoke-on-Trent & Staffordshire",
        help_text="The short line above the heading, e.g. the region the cluster serves.",
    )
    hero_heading = models.CharField(
        max_length=120, blank=True, help_text="Large heading; the page title when empty."
    )
    hero_text = models.TextField(blank=True, max_length=400)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown behind the heading, darkened so the text stays readable.",
    )
    search_label = models.CharField(
        max_length=120, default="Find a company by skill, sector or place"
    )
    intro = RichTextField(blank=True, features=INTRO_FEATURES + ["h2", "ul"])

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("hero_eyebrow"),
                FieldPanel("hero_heading"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
            ],
            heading="Hero",
        ),
        FieldPanel("search_label"),
        FieldPanel("intro"),
        # The relation is the directory's (directory.HomePageFeaturedCompany):
        # this layer names it here without importing it.
        InlinePanel(
            "featured_companies",
            heading="Featured members",
            label="Member",
            max_num=8,
            help_text="Listed members only: lapsed or unpublished ones are skipped.",
        ),
    ]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    # Apps that hang an index page from the home page add it here.
    subpage_types = [
        "cms.StandardPage",
        "cms.ContactPage",
        "cms.NewsIndexPage",
        "directory.DirectoryIndexPage",
        "directory.ProductionIndexPage",
        "showcase.ShowcaseIndexPage",
        "insight.ClusterNumbersPage",
    ]
    # Joined when the page is routed (cms.routing): its hero and share image.
    route_select_related = ("hero_image",)

    class Meta:
        verbose_name = "home page"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = news_cards(
            public(NewsPage.objects.live())
            .select_related("featured_image", "category")
            .order_by("-date", "-first_published_at")[:4]
        )
        context["news_index"] = first_live(NewsIndexPage)
        # The apps above the site base add their own parts (the directory: its
        # page and the featured members) without this layer knowing them.
        for add_to_context in hooks.get_hooks("construct_home_page_context"):
            add_to_context(request, self, context)
        return context


# --- Standard and contact pages ---------------------------------------------------


class StandardPage(CachedPrivacyMixin, Page):
    """About, Join the cluster and other free-form pages."""

    intro = models.TextField(
        blank=True, max_length=400, help_text="A sentence or two in large type."
    )
    body = StreamField(BodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage", "cms.ContactPage"]

    class Meta:
        verbose_name = "standard page"

    def public_children(self):
        """The live, public subpages listed under "In this section"."""
        return public(self.get_children().live()).specific()


class ContactFormField(AbstractFormField):
    page = ParentalKey("ContactPage", on_delete=models.CASCADE, related_name="form_fields")


class ContactFormBuilder(FormBuilder):
    """Wagtail's form builder with a limit on long text, said in the field's help.

    Wagtail caps single-line answers at 255 characters but leaves paragraphs
    unlimited: a 2 MB "message" was accepted, stored and emailed.
    """

    MULTILINE_MAX_LENGTH = 5000

    def create_multiline_field(self, field, options):
        limit = f"At most {self.MULTILINE_MAX_LENGTH:,} characters."
        help_text = options.get("help_text") or ""
        options["help_text"] = f"{help_text} {limit}".strip()
        options["max_length"] = self.MULTILINE_MAX_LENGTH
        return super().create_multiline_field(field, options)


class ContactPage(CachedPrivacyMixin, AbstractEmailForm):
    """A form-builder page: each submission is stored and emailed to the team.

    Spam: a hidden honeypot field (bots fill it; the submission is silently
    dropped) and a per-IP rate limit (``CONTACT_FORM_RATE``, default 5/min).
    """

    HONEYPOT_FIELD = "contact_website"
    form_builder = ContactFormBuilder

    intro = RichTextField(blank=True, features=INTRO_FEATURES)
    thank_you_text = RichTextField(
        blank=True, features=INTRO_FEATURES, help_text="Shown after a message is sent."
    )

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Form fields"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading="Email",
        ),
    ]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = "contact page"

    def process_form_submission(self, form):
        """Store the submission and queue its email together: the worker sends it."""
        with transaction.atomic():
            # Past EmailFormMixin's, which would send at once: FormMixin's only stores it.
            submission = super(EmailFormMixin, self).process_form_submission(form)
            if self.to_address:
                self.send_mail(form, about=submission)
        return submission

    def send_mail(self, form, about=None):
        """Email the team, with Reply-To set to the sender's address when the form asks for one."""
        reply_to = [
            value
            for field in self.get_form_fields()
            if field.field_type == "email" and (value := form.cleaned_data.get(field.clean_name))
        ]
        queue_mail(
            self.subject,
            self.render_email(form),
            [address.strip() for address in self.to_address.split(",") if address.strip()],
            from_email=self.from_address or None,
            reply_to=reply_to[:1],
            # As Wagtail's own form mails say, so auto-responders do not answer.
            headers={"Auto-Submitted": "auto-generated"},
            about=about,
            kind="contact",
        )

    def serve(self, request, *args, **kwargs):
        if request.method == "POST":
            if request.POST.get(self.HONEYPOT_FIELD):
                # Looks like a bot: show the thank-you page but keep nothing.
                return render(
                    request, self.get_landing_page_template(request), self.get_context(request)
                )
            rate = getattr(settings, "CONTACT_FORM_RATE", "5/m")
            if is_ratelimited(request, group="cms.contact", key="ip", rate=rate, increment=True):
                form = self.get_form(request.POST, page=self, user=request.user)
                context = self.get_context(request)
                context["form"] = form
                context["rate_limited"] = True
                return render(request, self.get_template(request), context, status=429)
        return super().serve(request, *args, **kwargs)


# --- News ------------------------------------------------------------------------


class NewsCategory(models.Model):
    """A broad section of the news (Announcements, Member news, Events...)."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    description = models.TextField(blank=True, max_length=300)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]
        verbose_name = "news category"
        verbose_name_plural = "news categories"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        super().save(*args, **kwargs)


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("NewsPage", on_delete=models.CASCADE, related_name="tagged_items")


class NewsIndexPage(CachedPrivacyMixin, RoutablePageMixin, Page):
    """The news listing: newest first, paginated, filtered by tag or category, with feeds."""

    intro = RichTextField(blank=True, features=INTRO_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count = 1

    class Meta:
        verbose_name = "news index page"

    def articles(self):
        return (
            public(NewsPage.objects.live())
            .descendant_of(self)
            .select_related("featured_image", "category")
            .order_by("-date", "-first_published_at", "-pk")
        )

    @staticmethod
    def normalised_query(params) -> str | None:
        """The page cache's key for ``params``: what ``get_context`` reads, as it reads it."""
        page = page_number_only(params)
        if page is None:
            return None
        filters = ((name, params.get(name, "").strip()[:100]) for name in ("category", "tag"))
        return canonical_query([*filters, *([("page", page[5:])] if page else [])])

    def filtered_articles(self, request):
        """Apply ?tag= and ?category= filters; unknown values give an empty, explained list."""
        articles = self.articles()
        tag_slug = request.GET.get("tag", "").strip()[:100]
        category_slug = request.GET.get("category", "").strip()[:100]
        tag = category = None
        if tag_slug:
            tag = Tag.objects.filter(slug=tag_slug).first()
            articles = articles.filter(tagged_items__tag=tag) if tag else articles.none()
        if category_slug:
            category = NewsCategory.objects.filter(slug=category_slug).first()
            articles = articles.filter(category=category) if category else articles.none()
        return articles.distinct(), {
            "tag_slug": tag_slug,
            "tag": tag,
            "category_slug": category_slug,
            "category": category,
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles, filters = self.filtered_articles(request)
        articles_page = paginate(articles, NEWS_PAGE_SIZE, request.GET.get("page", "1"))
        articles_page.object_list = news_cards(articles_page.object_list)
        context.update(filters)
        context["articles"] = articles_page
        context["paginator"] = articles_page.paginator
        context["categories"] = NewsCategory.objects.filter(
            pk__in=self.articles().values("category")
        )
        context["tags"] = (
            Tag.objects.filter(cms_newspagetag_items__content_object__in=self.articles())
            .distinct()
            .order_by("name")
        )
        query = request.GET.copy()
        query.pop("page", None)
        context["pagination"] = page_links(articles_page, query_page_url(query.urlencode()))
        return context

    @path("")
    def index(self, request):
        return self.render(request)

    @path("feed/rss/", name="rss")
    def rss_feed(self, request):
        return NewsRssFeed(self, site_name(request))(request)

    @path("feed/atom/", name="atom")
    def atom_feed(self, request):
        return NewsAtomFeed(self, site_name(request))(request)


class NewsPage(CachedPrivacyMixin, Page):
    """A news article. Schedule it with "Go-live date" in the page's settings."""

    date = models.DateField("article date", default=datetime.date.today)
    author = models.CharField(max_length=120, blank=True)
    intro = models.TextField(max_length=400, help_text="A summary shown in listings and feeds.")
    featured_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    featured_image_alt = models.CharField(
        "featured image alt text",
        max_length=250,
        blank=True,
        help_text="What the image shows, for people who cannot see it. "
        "Leave empty to use the image's own description.",
    )
    body = StreamField(BodyBlock(), blank=True)
    category = models.ForeignKey(
        NewsCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("author")]),
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("featured_image"), FieldPanel("featured_image_alt")],
            heading="Featured image",
        ),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("category"), FieldPanel("tags")], heading="Filing"),
        InlinePanel("features", heading="Companies this article features", label="Company"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("author"),
        index.FilterField("date"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]

    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []
    # Joined when the page is routed (cms.routing): what its header shows.
    route_select_related = ("featured_image", "category")

    class Meta:
        verbose_name = "news article"

    @property
    def published_at(self):
        """When the article counts as published: its date, at its first publication time."""
        when = self.first_published_at or self.go_live_at
        time = timezone.localtime(when).timetz() if when else datetime.time(9, 0)
        moment = datetime.datetime.combine(self.date, time)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment

    @property
    def featured_image_alt_text(self):
        """This article's alt text for its image, else the image's own description."""
        if self.featured_image_alt:
            return self.featured_image_alt
        return getattr(self.featured_image, "description", "") if self.featured_image else ""

    def related_articles(self, limit=3):
        """Other live articles, same category first, newest first."""
        others = (
            public(NewsPage.objects.live())
            .sibling_of(self, inclusive=False)
            .select_related("featured_image", "category")
            .order_by("-date", "-first_published_at")
        )
        same = list(others.filter(category=self.category_id)[:limit]) if self.category_id else []
        rest = others.exclude(pk__in=[a.pk for a in same])[: limit - len(same)]
        return news_cards(same + list(rest))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["related_articles"] = self.related_articles()
        return context

    def featured_companies(self):
        """Live pages this article features, in editor order."""
        return [row.page.specific for row in self.features.select_related("page") if row.page.live]


class NewsPageFeature(Orderable):
    """A company (later also a project) that a news article features."""

    news_page = ParentalKey(NewsPage, on_delete=models.CASCADE, related_name="features")
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="news_features"
    )

    panels = [PageChooserPanel("page", ["directory.CompanyPage", "showcase.ProjectPage"])]

    class Meta(Orderable.Meta):
        verbose_name = "featured company"
