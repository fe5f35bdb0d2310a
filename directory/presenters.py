"""Page context built by a layer above ``directory``, registered when that layer starts.

A page's ``get_context`` normally builds what its own app knows. The
directory page (``DirectoryIndexPage``) is different: what it shows is a
search, and search (``directory.search``) is the layer *above* the models; the
models importing it would close a cycle. So the search app registers the
function that builds that context when it starts
(``DirectorySearchConfig.ready``), and the page asks for it here.

A presenter is ``presenter(page, request) -> dict``, merged into the page's
context.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

Presenter = Callable[[object, object], dict]
_presenters: dict[type, Presenter] = {}


def register_presenter(page_class: type, presenter: Presenter) -> None:
    """Let ``presenter`` build the context of ``page_class`` pages."""
    _presenters[page_class] = presenter


def presented_context(page, request) -> dict:
    """The registered presenter's context for ``page``."""
    try:
        presenter = _presenters[type(page)]
    except KeyError:
        raise ImproperlyConfigured(
            f"Nothing presents {type(page).__name__} pages: is the app that does installed?"
        ) from None
    return presenter(page, request)
