"""Sending enquiries on to member companies, through the stored outbox.

The enquiry is stored first and its email is queued in the same transaction;
the worker sends it after the commit and retries while the mail server is
down, so a mail failure loses nothing and never shows the commissioner an
error. Editors see each enquiry's email state in the admin.
"""

from django.conf import settings
from django.template.loader import render_to_string

from cms.outbox.mail import queue_mail


def enquiry_recipient(company) -> str:
    """The company's enquiry address, or the cluster team's when it has none."""
    return (
        company.email
        or getattr(settings, "DIRECTORY_ENQUIRIES_FALLBACK_EMAIL", "")
        or (settings.DEFAULT_FROM_EMAIL)
    )


def send_enquiry(enquiry, *, site_url: str = ""):
    """Queue ``enquiry``'s email to its company; returns the outbox row."""
    company = enquiry.company
    context = {"enquiry": enquiry, "company": company, "site_url": site_url.rstrip("/")}
    return queue_mail(
        # A name typed with a line break is folded to a space here, not refused.
        f"Enquiry via Platform from {enquiry.name}",
        render_to_string("directory/emails/enquiry.txt", context),
        [enquiry_recipient(company)],
        reply_to=[enquiry.email],
        about=enquiry,
        kind="enquiry",
    )
