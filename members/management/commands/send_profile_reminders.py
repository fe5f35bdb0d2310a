"""Remind companies whose profile has not changed for six months (``members.freshness``).

Run daily from cron. Each company due gets one reminder (at most one a
month) whose emails go into the outbox; the background worker sends them.
"""

from django.core.management.base import BaseCommand

from members.freshness import companies_due, recipients, send_reminders


class Command(BaseCommand):
    help = (
        "Email the people of every listed company whose profile has not been updated or "
        "confirmed for six months a 'still accurate' link (at most once a month)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the companies due; send nothing."
        )

    def handle(self, *args, dry_run, **options):
        if dry_run:
            due = list(companies_due())
            self.stdout.write(f"{len(due)} company profile(s) due a reminder.")
            for company in due:
                to = ", ".join(recipients(company)) or "nobody to send to"
                self.stdout.write(
                    f"  {company.title} (updated {company.updated_at:%Y-%m-%d}): {to}"
                )
            return
        sent = send_reminders()
        emails = sum(len(reminder.recipients) for reminder in sent)
        self.stdout.write(f"Queued {emails} reminder email(s) for {len(sent)} company profile(s).")
