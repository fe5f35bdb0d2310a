"""Fold raw searches older than INSIGHT_RAW_DAYS (90) into daily counts, and delete what
found each company before the last 91 days (docs/insight.md)."""

from django.core.management.base import BaseCommand, CommandError

from tqdm import tqdm

from insight import folding


class Command(BaseCommand):
    help = (
        "Fold directory searches older than --days (default INSIGHT_RAW_DAYS, 90) into "
        "one count per day and distinct search, deleting the raw rows. Safe to interrupt "
        "and to run again. Also deletes what found each company (the member's insight) "
        "before the last 91 days, in batches."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Keep this many days raw.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, days=None, no_progress=False, verbosity=1, **options):
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more.")
        show = verbosity > 0 and not no_progress

        def progress(items):
            return tqdm(items, desc="Folding days", unit="day", file=self.stderr, disable=not show)

        report = folding.fold(days, progress=progress)
        if verbosity:
            self.stdout.write(
                f"Folded {report.events} searches of {report.days} days "
                f"into {report.rows} daily counts. Deleted {report.company_searches} "
                f"company search counts older than {folding.COMPANY_SEARCH_DAYS} days."
            )
