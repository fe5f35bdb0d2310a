"""The directory's "Save this search" link, beside the results."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from directory.search.query import query_to_params

register = template.Library()


@register.simple_tag
def save_search_url(query) -> str:
    """The page that saves ``query`` (every filter, not the page): the same for every visitor.

    A plain link, so the page cache may keep the directory whole; the page it
    opens asks a visitor who is not signed in to sign in, and comes back.
    """
    params = query_to_params(query, page=None, page_size=None)
    path = reverse("commissioners:save_search")
    return f"{path}?{urlencode(params)}" if params else path
