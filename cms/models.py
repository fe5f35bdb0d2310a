"""Site-wide content: the home page, standard pages, news, site settings."""

from wagtail.models import Page


class HomePage(Page):
    """The site's root page; the directory, news and showcase live beneath it."""

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = "home page"
