"""Page context and sub-page views, registered by the module that builds them.

A page model stays a page: fields, rules, its place in the tree. What it shows
is built by a presenter in a module of its own, and the model asks for it
here, by the page's class, instead of importing that module. Two pages need
this:

* the directory page (``DirectoryIndexPage``) shows a search, and search
  (``directory.search``) is the layer *above* the models: the models
  importing it would close a cycle. The search app registers its presenter
  when it starts (``DirectorySearchConfig.ready``).
* a company page (``CompanyPage``) shows its profile and takes enquiries,
  which need the enquiry form, and the form is a form *of* the models
  (``directory.forms`` imports ``directory.models``). ``directory.profile``
  builds both and the directory app registers it (``DirectoryConfig.ready``).

A presenter is ``presenter(page, request) -> dict``, merged into the page's
context; a view is ``view(page, request) -> HttpResponse``, what a
``RoutablePageMixin`` route of the page returns.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

Presenter = Callable[[object, object], dict]
View = Callable[[object, object], object]
_presenters: dict[type, Presenter] = {}
_views: dict[tuple[type, str], View] = {}


def register_presenter(page_class: type, presenter: Presenter, **views: View) -> None:
    """Let ``presenter`` build the context of ``page_class`` pages, and ``views`` its routes."""
    _presenters[page_class] = presenter
    for name, view in views.items():
        _views[(page_class, name)] = view


def _missing(page) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"Nothing presents {type(page).__name__} pages: is the app that does installed?"
    )


def presented_context(page, request) -> dict:
    """The registered presenter's context for ``page``."""
    try:
        presenter = _presenters[type(page)]
    except KeyError:
        raise _missing(page) from None
    return presenter(page, request)


def presented_view(page, name: str, request):
    """The response of ``page``'s registered view ``name`` (one of its sub-page routes)."""
    try:
        view = _views[(type(page), name)]
    except KeyError:
        raise _missing(page) from None
    return view(page, request)
