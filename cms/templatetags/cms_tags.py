"""Template tags for the site frame: navigation, SEO metadata, feed links."""

from django import template
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.text import Truncator

from wagtail.models import Page

from cms import models
from cms.frame import site_frame
from cms.structured_data import json_ld_script, schema

register = template.Library()


@register.simple_tag(takes_context=True)
def site_name(context):
    """The organisation's name (``cms.models.site_name``)."""
    return models.site_name(context.get("request"))


@register.simple_tag
def page_description(page):
    """search_description, else the page's intro or strapline, as plain text <= 160 chars."""
    if page is None or page == "":
        return ""
    specific = getattr(page, "specific_deferred", page)
    text = getattr(page, "search_description", "") or ""
    for attr in ("intro", "hero_text", "strapline"):
        if text:
            break
        text = strip_tags(str(getattr(specific, attr, "") or ""))
    return Truncator(" ".join(text.split())).chars(160)


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The absolute URL of this page without query strings (pagination kept)."""
    request = context.get("request")
    page = context.get("page")
    if request is None:
        return ""
    if isinstance(page, Page) and not context.get("canonical_keep_path"):
        url = page.get_full_url(request)
        if url:
            page_number = request.GET.get("page", "")
            if page_number.isdigit() and page_number != "1" and request.path == page.url:
                url = f"{url}?page={page_number}"
            return url
    return request.build_absolute_uri(request.path)


@register.simple_tag(takes_context=True)
def share_image_url(context, page):
    """An absolute URL for og:image: a 1200x630 rendition of the page's featured,
    hero or logo image, else the site's default share card."""
    request = context.get("request")
    if request is None:
        return ""
    specific = getattr(page, "specific_deferred", page) if page else None
    for attr in ("featured_image", "hero_image", "logo"):
        image = getattr(specific, attr, None)
        if image is not None:
            try:
                return request.build_absolute_uri(image.get_rendition("fill-1200x630").url)
            except Exception:  # noqa: BLE001 - a missing source file must never break a page
                break
    return request.build_absolute_uri(static("img/og-default.png"))


@register.inclusion_tag("includes/main_nav.html", takes_context=True)
def main_nav(context):
    """The home page's live children that are marked "show in menus" (cached: ``cms.frame``)."""
    request = context.get("request")
    site = models.current_site(request)
    current = context.get("page")
    items = []
    if site is not None:
        for child in site_frame(site)["nav"]:
            is_page = isinstance(current, Page)
            items.append(
                {
                    "title": child["title"],
                    "url": child["url"],
                    "active": is_page
                    and (current.pk == child["pk"] or current.path.startswith(child["path"])),
                    "current": is_page and current.pk == child["pk"],
                }
            )
    return {"items": items, "request": request}


@register.inclusion_tag("includes/feed_links.html", takes_context=True)
def news_feed_links(context):
    """<link rel="alternate"> for the RSS and Atom feeds of the site's news index."""
    site = models.current_site(context.get("request"))
    news = site_frame(site)["news"] if site is not None else None
    if news is None:
        return {"feeds": []}
    base, title = news["url"], news["title"]
    return {
        "feeds": [
            ("application/rss+xml", f"{title} (RSS)", f"{base}feed/rss/"),
            ("application/atom+xml", f"{title} (Atom)", f"{base}feed/atom/"),
        ]
    }


@register.simple_tag(takes_context=True)
def article_json_ld(context, page):
    """schema.org NewsArticle data for search engines, safe inside a <script> element."""
    request = context.get("request")
    image = share_image_url(context, page)
    return json_ld_script(
        schema(
            "NewsArticle",
            context=True,
            headline=page.title[:110],
            description=page.intro,
            datePublished=page.published_at.isoformat(),
            dateModified=(page.last_published_at or page.published_at).isoformat(),
            mainEntityOfPage=page.get_full_url(request),
            publisher=schema("Organization", name=site_name(context)),
            author=schema("Person", name=page.author) if page.author else None,
            image=[image] if image else None,
        )
    )
