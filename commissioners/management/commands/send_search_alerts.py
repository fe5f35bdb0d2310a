"""Enqueue today's saved-search alerts: one background task per due search.

For cron, once a day (daily searches go every day, weekly ones on their day:
``commissioners.alerts.is_due``). Running it twice, or again after a worker
died mid-run, sends nothing twice: each task records what it mailed in the
same transaction as the email, and a search that ran today is not due.
"""

from django.core.management.base import BaseCommand

from cms import background
from commissioners import alerts


class Command(BaseCommand):
    help = "Enqueue one email-alert task for each saved search that is due today."

    def handle(self, *args, **options):
        due = alerts.due_searches()
        queued = sum(bool(background.enqueue(alerts.send_search_alert, s.pk)) for s in due)
        self.stdout.write(f"Saved-search alerts: {queued} of {len(due)} due search(es) queued.")
