"""The shortlist button, on every directory card and company profile."""

from django import template

from ..shortlists import shortlisted_ids

register = template.Library()


@register.inclusion_tag("commissioners/includes/shortlist_button.html", takes_context=True)
def shortlist_button(context, company, on_dark=False):
    """A button of the page's shortlist form (:func:`shortlist_form`), saying its state.

    A visitor without a session sees every button as "add", so the page stays
    the same for all such visitors and the page cache may keep it; a visitor
    with a shortlist has a session, and the page cache renders for them alone.
    """
    request = context.get("request")
    on = request is not None and company.pk in shortlisted_ids(request)
    return {"company": company, "on": on, "on_dark": on_dark}


@register.inclusion_tag("commissioners/includes/shortlist_form.html")
def shortlist_form():
    """The page's one shortlist form, which every button submits: once a page, outside other forms.

    A POST form without a CSRF token (``shortlist_views.toggle`` checks the
    origin): the page may be kept whole by the page cache.
    """
    return {}
