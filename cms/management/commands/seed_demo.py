"""Build a complete demo site: ``python manage.py seed_demo [--companies N]``.

Each app contributes a module with ``seed(stdout, options)``; they run in the
order of SEEDERS (site content first: the other apps hang pages from the home
page). Every seeder is idempotent, so running the command twice changes nothing.
"""

from importlib import import_module

from django.core.management.base import BaseCommand

SEEDERS = [
    "cms.demo",
    "directory.demo",
    "showcase.demo",
    "members.demo",
    "commissioners.demo",
    "insight.demo",
]


class Command(BaseCommand):
    help = "Create demo content for every app (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--companies", type=int, default=60, help="How many member companies to create."
        )
        parser.add_argument(
            "--editor-password",
            default=None,
            help="Set the demo editor's password (otherwise generated once and printed).",
        )

    def handle(self, *args, **options):
        for dotted in SEEDERS:
            import_module(dotted).seed(self.stdout, options)
        self.stdout.write(self.style.SUCCESS("Demo site ready: http://127.0.0.1:8000/"))
