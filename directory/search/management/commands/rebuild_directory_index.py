"""Rebuild the directory's search index, or check it against the database.

    python manage.py rebuild_directory_index           # new index, alias swap, old one removed
    python manage.py rebuild_directory_index --check   # list missing and stale companies
    python manage.py rebuild_directory_index --database-entries  # the fallback's entries too

With the database backend configured, the rebuild rewrites its search
entries instead (its "index"), and ``--check`` has nothing to compare. The
database entries are otherwise kept up to date by every edit; rewrite them
with ``--database-entries`` when an upgrade changes the text analysis.
"""

from django.core.management.base import BaseCommand, CommandError

from directory.models import CompanyPage
from directory.search import get_search_backend
from directory.search.base import IndexUnavailable
from directory.search.database import DatabaseBackend


class Command(BaseCommand):
    help = "Rebuild the directory search index into a new index and swap the alias, or --check it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Compare the database with the index and list missing and stale companies "
            "(exit status 1 if they differ).",
        )
        parser.add_argument(
            "--database-entries",
            action="store_true",
            help="Also rewrite the database backend's entries (the fallback when the search "
            "engine is away), e.g. after an upgrade changed the text analysis.",
        )
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(
        self,
        *args,
        check=False,
        database_entries=False,
        batch_size=500,
        no_progress=False,
        verbosity=1,
        **opts,
    ):
        backend = get_search_backend()
        try:
            if check:
                self._check(backend, batch_size)
            else:
                self._rebuild(backend, batch_size, not no_progress)
                if database_entries and backend.name != DatabaseBackend.name:
                    self._rebuild(DatabaseBackend(), batch_size, not no_progress)
        except IndexUnavailable as error:
            raise CommandError(str(error)) from error

    def _rebuild(self, backend, batch_size, progress):
        report = backend.rebuild(stdout=self.stderr, progress=progress, batch_size=batch_size)
        self.stdout.write(self.style.SUCCESS(report.summary))
        if report.removed:
            self.stdout.write(f"Removed old indices: {', '.join(report.removed)}")

    def _check(self, backend, batch_size):
        report = backend.check(batch_size=batch_size)
        if report is None:
            self.stdout.write(
                f"The {backend.name} backend has no separate index: nothing to check."
            )
            return
        self.stdout.write(
            f"{report.listed} companies listed in the database, {report.indexed} in {report.index}."
        )
        titles = dict(
            CompanyPage.objects.filter(
                pk__in=[*report.missing, *report.unlisted, *report.outdated]
            ).values_list("pk", "title")
        )

        def show(heading, ids, reason):
            if not ids:
                return
            self.stdout.write(self.style.WARNING(f"{heading} ({len(ids)}):"))
            for company_id in ids:
                title = titles.get(company_id, "(deleted)")
                self.stdout.write(f"  {company_id}  {title}  - {reason}")

        show("Missing from the index", report.missing, "listed, not indexed")
        show("Stale: in the index but no longer listed", report.unlisted, "should be removed")
        show("Stale: indexed version differs", report.outdated, "changed since it was indexed")
        if report.ok:
            self.stdout.write(self.style.SUCCESS("The index matches the database."))
        else:
            raise CommandError(
                f"The index differs from the database: {len(report.missing)} missing, "
                f"{len(report.stale)} stale. Run rebuild_directory_index to fix it.",
                returncode=1,
            )
