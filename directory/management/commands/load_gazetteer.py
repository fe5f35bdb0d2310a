"""``python manage.py load_gazetteer``: (re)load the shipped taxonomies and gazetteer.

Safe to run any number of times: rows are matched by slug (code for postcode
districts) and brought up to date with ``directory/data/*.csv``; terms that
editors added are never touched or removed.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from directory.gazetteer import GazetteerError, load


class Command(BaseCommand):
    help = "Load or refresh skills, sectors, places and postcode districts from directory/data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-edits",
            action="store_true",
            help="Only add missing terms; leave existing ones (and editors' renames) unchanged.",
        )

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                counts = load(update=not options["keep_edits"], progress=self.stdout.write)
        except GazetteerError as error:
            raise CommandError(str(error)) from error
        for line in counts.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("Gazetteer and taxonomies loaded."))
