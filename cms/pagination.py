"""Pagination for every listing: which page a request asks for, and the links to the others.

``paginate`` never fails on what a visitor types: a page that is not a number
is the first page, one past the end is the last. ``page_links`` gives what
``templates/components/pagination.html`` draws: numbered links with gaps (the
first and last pages, and a few either side of the current one), previous and
next. The directory's search pages its engine's total the same way
(``paginate`` over a ``range`` of that many, in ``directory.search.page``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator

# Page numbers shown either side of the current page, and at each end.
ON_EACH_SIDE = 3
ON_ENDS = 2


def paginate(items, per_page: int, number) -> Page:
    """Page ``number`` (as given in the request) of ``items``, ``per_page`` at a time."""
    paginator = Paginator(items, per_page)
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def query_page_url(query: str) -> Callable[[int], str]:
    """Links that keep ``query`` (an encoded query string without ``page``) and add a page."""
    prefix = f"?{query}&" if query else "?"
    return lambda number: f"{prefix}page={number}"


def page_links(page: Page, url_for: Callable[[int], str]) -> dict | None:
    """The links to draw for ``page``, each made by ``url_for(number)``; None for a single page."""
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return None
    items = []
    for number in paginator.get_elided_page_range(
        page.number, on_each_side=ON_EACH_SIDE, on_ends=ON_ENDS
    ):
        if number == paginator.ELLIPSIS:
            items.append({"gap": True})
        else:
            items.append(
                {"number": number, "url": url_for(number), "current": number == page.number}
            )
    return {
        "items": items,
        "previous_url": url_for(page.previous_page_number()) if page.has_previous() else None,
        "next_url": url_for(page.next_page_number()) if page.has_next() else None,
        "current": page.number,
        "last": paginator.num_pages,
    }
