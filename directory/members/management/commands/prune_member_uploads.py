"""Delete member uploads that nothing uses any more (see ``directory.members.cleanup``)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from directory.members.cleanup import unused_member_uploads


class Command(BaseCommand):
    help = (
        "Delete images in the 'Member uploads' collection that no page, draft, revision "
        "or reference uses (left behind by rejected or replaced member changes)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=7,
            help="Keep uploads younger than this many days (default 7).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be deleted; delete nothing."
        )

    def handle(self, *args, days, dry_run, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        images = list(unused_member_uploads(datetime.timedelta(days=days)))
        total = len(images)
        verb = "Would delete" if dry_run else "Deleting"
        self.stdout.write(f"{verb} {total} unused member upload(s) older than {days} day(s).")
        for number, image in enumerate(images, start=1):
            self.stdout.write(
                f"  [{number}/{total}] #{image.pk} {image.title} "
                f"(uploaded {image.created_at:%Y-%m-%d}, {image.file.name})"
            )
            if not dry_run:
                image.delete()  # its file and renditions go with it
        if not dry_run and total:
            self.stdout.write(self.style.SUCCESS(f"Deleted {total}."))
