"""What a company's public profile shows beyond its own fields.

Everything here costs a fixed number of queries whatever the number of skills,
credits or gallery images, so the profile page's query count is asserted in
tests (``tests/directory/test_profile.py``).
"""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.utils.html import strip_tags

from cms.structured_data import json_ld, schema

RELATED_LIMIT = 4


def profile_context(company, request) -> dict:
    """Skills (with groups), sectors, credits, gallery and related members for the template."""
    skills = list(company.skills.select_related("group"))
    gallery = list(
        company.gallery_images.select_related("image").prefetch_related("image__renditions")
    )
    return {
        "skills": skills,
        "sectors": list(company.sectors.all()),
        "credits": list(company.credits.all()),
        "gallery": gallery,
        "related_companies": related_companies(company, skills),
        "json_ld": organization_json_ld(company, request, skills),
    }


def related_companies(company, skills) -> list:
    """Listed members sharing the most skills with ``company`` (verified first on ties)."""
    from wagtail.images import get_image_model

    skill_ids = [skill.pk for skill in skills]
    if not skill_ids:
        return []
    logos = get_image_model().objects.prefetch_related("renditions")
    return list(
        # The page's own class: this module presents the page, so it does not
        # import the models that call it.
        type(company)
        .objects.listed()
        .exclude(pk=company.pk)
        .filter(skills__in=skill_ids)
        .annotate(shared_skills=Count("skills", distinct=True))
        .order_by("-shared_skills", "-verified", "title")
        .select_related("place")
        .prefetch_related(Prefetch("logo", queryset=logos))[:RELATED_LIMIT]
    )


def organization_json_ld(company, request, skills) -> str:
    """schema.org Organization data for search engines, safe to put in a <script>."""
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
            email=company.email or None,
            telephone=company.phone or None,
            foundingDate=str(company.year_founded) if company.year_founded else None,
            address=address,
            geo=geo,
            areaServed=company.get_service_area_display(),
            knowsAbout=[skill.name for skill in skills] or None,
            sameAs=same_as or None,
        )
    )
