"""A company's public page: what its profile shows beyond its own fields, and its enquiries.

The presenter of ``CompanyPage`` (``DirectoryConfig.ready`` registers it,
``directory/presenters.py`` says why the model does not import it):
:func:`profile_context` builds the page's context, :func:`enquiry` and
:func:`enquiry_sent` answer its two sub-page routes.

Everything here costs a fixed number of queries whatever the number of skills,
credits or gallery images, so the profile page's query count is asserted in
tests (``tests/directory/test_profile.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.html import strip_tags

from django_ratelimit.core import is_ratelimited

from cms.page_cache import first_live, kept_for_types
from cms.renditions import attach_renditions, image_prefetch
from cms.routing import kept_for_page_content
from cms.structured_data import json_ld, schema

from .contact_privacy import visible_contact
from .emails import send_enquiry
from .forms import EnquiryForm
from .models import ProductionIndexPage, company_summaries, with_current_taxonomy
from .shown import profile_shown

RELATED_LIMIT = 4
RELATED_LOGO = "fill-96x96"  # templates/directory/company_page.html


def profile_context(company, request) -> dict:
    """Skills (with groups), sectors, credits, gallery, related members and a blank enquiry form.

    The company's own rows are kept until its published page or a row they
    show changes (``cms.routing.kept_for_page_content``), not by another
    page's publish; a preview reads them afresh. Its skills and sectors
    apart, under the taxonomy epoch too: a taxonomy edit rebuilds them
    alone, not the credits and gallery.
    """
    if request.method == "GET":
        profile_shown(request, company)
    # Its place (the header, the JSON-LD) from the current taxonomy rows:
    # the routed page does not join it (CompanyPage.route_select_related).
    with_current_taxonomy([company])
    # A new name whenever a value's shape changes (cms.page_cache.kept_under).
    rows = {
        **kept_for_page_content(
            request, company, "profile-terms", lambda: _own_terms(company), taxonomy=True
        ),
        **kept_for_page_content(request, company, "profile-work", lambda: _own_work(company)),
    }
    link_productions(rows["credits"])
    skills = rows["skills"]
    contact = visible_contact(company, request.user)
    return {
        **rows,
        "related_companies": related_companies(company, skills),
        "contact": contact,
        "json_ld": organization_json_ld(company, request, skills, contact),
        "enquiry_form": EnquiryForm(),
    }


def _own_terms(company) -> dict:
    """The company's skills (with their groups) and sectors: its links to taxonomy rows."""
    return {
        "skills": list(company.skills.select_related("group")),
        "sectors": list(company.sectors.all()),
    }


def _own_work(company) -> dict:
    """Its credits and gallery: nothing here reads another page, nor a taxonomy row."""
    gallery = company.gallery_images.select_related("image")
    return {
        "credits": list(company.credits.select_related("work")),
        "gallery": list(gallery.prefetch_related(*image_prefetch("image"))),
    }


def link_productions(credits: list) -> list:
    """Set each credit's ``page_url``: its production's page on the productions index, or None.

    Apart from the credits themselves: the index is another page, so its
    address is not kept with the company's own rows.
    """
    index = first_live(ProductionIndexPage) if credits else None
    for credit in credits:
        credit.page_url = index.production_url(credit.work) if index and credit.work else None
    return credits


def enquiry(company, request):
    """POST an enquiry: stored with its queued email, sent by the worker; confirm."""
    if request.method != "POST":
        return redirect(company.url + "#enquiry")
    form = EnquiryForm(request.POST)
    sent_url = company.url + company.reverse_subpage("enquiry_sent")
    if form.is_bot:
        # Looks like a bot: act as if it worked, keep nothing.
        return redirect(sent_url)
    if enquiry_rate_limited(request):
        return _profile_response(
            company, request, status=429, enquiry_form=form, enquiry_rate_limited=True
        )
    if not form.is_valid():
        return _profile_response(company, request, status=400, enquiry_form=form)
    with transaction.atomic():  # the enquiry and its email, or neither
        save_enquiry(form, company)
    return redirect(sent_url)


def enquiry_rate_limited(request) -> bool:
    """Counts one enquiry (or one brief to several companies) from this address; over the rate?"""
    rate = getattr(settings, "DIRECTORY_ENQUIRY_RATE", "5/h")
    return is_ratelimited(request, group="directory.enquiry", key="ip", rate=rate, increment=True)


def save_enquiry(form, company):
    """A valid ``EnquiryForm``'s message to ``company``, stored with its email queued.

    Call inside a transaction: the worker sends the email once it commits.
    Each call makes its own row, so a company only ever sees its own copy.
    """
    fields = {name: form.cleaned_data[name] for name in form._meta.fields}
    message = form._meta.model.objects.create(company=company, **fields)
    site = company.get_site()
    send_enquiry(message, site_url=site.root_url if site else "")
    return message


def enquiry_sent(company, request):
    """The profile again, saying the enquiry went."""
    return _profile_response(company, request, enquiry_sent=True)


def _profile_response(company, request, *, status: int = 200, **extra):
    context = company.get_context(request)
    context.update(extra)
    return TemplateResponse(request, company.get_template(request), context, status=status)


def related_companies(company, skills) -> list:
    """Listed members sharing the most skills with ``company`` (verified first on ties).

    Which members, and how many skills each shares, are kept until any
    company changes (its skills or listing can change the answer); each
    member with its place and logo is kept under its own token
    (``company_summaries``), so a member's publish costs the next profile
    one small query, not the members, and a taxonomy edit none.
    The skills are in the name, so a preview's draft skills get their own
    answer, and a taxonomy edit needs no token of its own: the counts are
    of these skills only, so a rename changes none and deleting another
    skill (its links to companies go with it) none either, while deleting
    one of these changes ``skills`` (the profile's own rows are kept under
    the taxonomy epoch, and a draft's are read from the rows that exist)
    and so the name. Each carries ``shared_skills``; their logos'
    renditions are read at once.
    """
    skill_ids = [skill.pk for skill in skills]
    if not skill_ids:
        return []
    # A new name whenever the value's shape changes: during a release, the
    # old workers read what the new ones keep under the same tokens.
    name = f"related-ranking:{company.pk}:{','.join(map(str, sorted(skill_ids)))}"
    ranked = kept_for_types(name, lambda: _related(company, skill_ids), type(company))
    cards = company_summaries(pk for pk, _shared in ranked)
    related = []
    for pk, shared in ranked:
        other = cards.get(pk)
        if other is not None:  # deleted since: its delete replaced the ranking's token
            other.shared_skills = shared
            related.append(other)
    attach_renditions([other.logo for other in related if other.logo_id], RELATED_LOGO)
    return related


def _related(company, skill_ids) -> list[tuple[int, int]]:
    """(id, skills shared) of the related members, best first."""
    return list(
        # The page's own class: this module presents the page, so it does not
        # import the models that call it.
        type(company)
        .objects.listed()
        .exclude(pk=company.pk)
        .filter(skills__in=skill_ids)
        .annotate(shared_skills=Count("skills", distinct=True))
        .order_by("-shared_skills", "-verified", "title")
        .values_list("pk", "shared_skills")[:RELATED_LIMIT]
    )


def organization_json_ld(company, request, skills, contact) -> str:
    """schema.org Organization data for search engines, safe to put in a <script>.

    ``contact`` is what this visitor may see (``contact_privacy.visible_contact``),
    as on the page itself.
    """
    url = company.get_full_url(request)
    coordinates = company.coordinates
    same_as = [
        u
        for u in (
            company.linkedin_url,
            company.instagram_url,
            company.x_url,
            company.youtube_url,
            company.vimeo_url,
        )
        if u
    ]
    logo = None
    if company.logo_id:
        logo = request.build_absolute_uri(company.logo.get_rendition("max-400x400").url)
    address = None
    if company.place_id:
        address = schema(
            "PostalAddress",
            addressLocality=company.place.name,
            addressRegion=company.place.county,
            addressCountry="GB",
        )
    geo = None
    if coordinates:
        geo = schema(
            "GeoCoordinates",
            latitude=round(coordinates[0], 5),
            longitude=round(coordinates[1], 5),
        )
    return json_ld(
        schema(
            "Organization",
            context=True,
            name=company.title,
            url=company.website or url,
            mainEntityOfPage=url,
            description=(company.strapline or strip_tags(company.about)[:300]) or None,
            logo=logo,
            email=contact.email or None,
            telephone=contact.phone or None,
            foundingDate=str(company.year_founded) if company.year_founded else None,
            address=address,
            geo=geo,
            areaServed=company.get_service_area_display(),
            knowsAbout=[skill.name for skill in skills] or None,
            sameAs=same_as or None,
        )
    )
