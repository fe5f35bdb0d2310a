"""Move the searches and views recorded in the cache into the database (docs/insight.md)."""

from django.core.management.base import BaseCommand, CommandError

from insight import buffer, flushing, tasks


class Command(BaseCommand):
    help = (
        "Store the insight events waiting in the cache (searches, profile views, "
        "appearances) in the database. --queue hands it to the worker instead, which "
        "then flushes every INSIGHT_FLUSH_SECONDS by itself."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Start (or keep going) the worker's own flushing instead of flushing here.",
        )

    def handle(self, *args, queue=False, verbosity=1, **options):
        if queue:
            if not tasks.start():
                raise CommandError("Could not queue the flush task.")
            if verbosity:
                self.stdout.write("The worker flushes insight events.")
            return
        try:
            moved = flushing.flush()
            left = buffer.waiting()
        except buffer.BufferUnavailable as error:
            raise CommandError(f"The cache cannot be read: {error}") from error
        if verbosity:
            self.stdout.write(f"Stored {moved} insight events; {left} waiting.")
