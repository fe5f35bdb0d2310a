"""Send the search engine the changes it missed while it was unreachable.

Usually unnecessary (the worker retries with back-off, and every edit's task
writes whatever is pending), but handy after an outage or from cron as a
safety net: ``python manage.py retry_index_updates``.
"""

from django.core.management.base import BaseCommand, CommandError

from directory.search import get_search_backend


class Command(BaseCommand):
    help = "Write pending directory index updates (recorded while the engine was down)."

    def handle(self, *args, **options):
        backend = get_search_backend()
        before = backend.pending_count()
        if not before:
            self.stdout.write("No pending index updates.")
            return
        written = backend.write_pending()
        left = backend.pending_count()
        self.stdout.write(f"Wrote {written} of {before} pending index updates; {left} left.")
        if left:
            raise CommandError("The search engine is still unreachable; try again later.")
