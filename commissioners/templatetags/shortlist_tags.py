"""The shortlist button, on every directory card and company profile."""

from django import template

from ..shortlists import shortlisted_ids

register = template.Library()


@register.inclusion_tag("commissioners/includes/shortlist_button.html", takes_context=True)
def shortlist_button(context, company, on_dark=False):
    """A POST form without a CSRF token (``shortlist_views.toggle`` checks the origin).

    A visitor without a session sees every button as "add", so the page stays
    the same for all such visitors and the page cache may keep it; a visitor
    with a shortlist has a session, and the page cache renders for them alone.
    """
    request = context.get("request")
    on = request is not None and company.pk in shortlisted_ids(request)
    return {"company": company, "on": on, "on_dark": on_dark}
