"""Sending enquiries on to member companies.

The enquiry is already stored when this runs, so a mail failure loses nothing:
the error is recorded on the row (editors see unsent enquiries in the admin)
and the commissioner still gets their confirmation.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

logger = logging.getLogger(__name__)


def enquiry_recipient(company) -> str:
    """The company's enquiry address, or the cluster team's when it has none."""
    return (
        company.email
        or getattr(settings, "DIRECTORY_ENQUIRIES_FALLBACK_EMAIL", "")
        or (settings.DEFAULT_FROM_EMAIL)
    )


def send_enquiry(enquiry, *, site_url: str = "") -> bool:
    """Email ``enquiry`` to its company; record the outcome on the row. True if sent."""
    company = enquiry.company
    context = {"enquiry": enquiry, "company": company, "site_url": site_url.rstrip("/")}
    message = EmailMessage(
        subject=f"Enquiry via Platform from {enquiry.name}",
        body=render_to_string("directory/emails/enquiry.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[enquiry_recipient(company)],
        reply_to=[enquiry.email],
    )
    try:
        message.send(fail_silently=False)
    except Exception as error:  # SMTP down, refused, timed out: keep the enquiry.
        logger.warning("Enquiry %s to %s not emailed: %s", enquiry.pk, company.title, error)
        enquiry.email_error = f"{type(error).__name__}: {error}"[:255]
        enquiry.save(update_fields=["email_error"])
        return False
    enquiry.emailed_at = timezone.now()
    enquiry.email_error = ""
    enquiry.save(update_fields=["emailed_at", "email_error"])
    return True
