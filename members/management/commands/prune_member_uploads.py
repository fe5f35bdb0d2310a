"""Delete member uploads that nothing uses any more (see ``members.cleanup``).

It also sweeps up after the private uploads' own worker tasks
(``members.private_uploads``): approved uploads a failed run left
private are published, private ones nothing uses any more are deleted.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from members.cleanup import (
    delete_member_uploads,
    prune_member_uploads_task,
    unused_member_uploads,
)
from members.private_uploads import discard_unused_uploads, publish_approved_uploads


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
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Hand the clean-up to the background worker instead of doing it here.",
        )

    def handle(self, *args, days, dry_run, queue, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        if queue:
            prune_member_uploads_task.enqueue(days)
            publish_approved_uploads.enqueue()
            discard_unused_uploads.enqueue()
            self.stdout.write(f"Queued the clean-up of member uploads older than {days} day(s).")
            return
        if not dry_run:
            published = publish_approved_uploads.call()
            discarded = discard_unused_uploads.call()
            self.stdout.write(
                f"Private uploads: published {published} approved, "
                f"deleted {discarded} that nothing uses."
            )
        images = list(unused_member_uploads(datetime.timedelta(days=days)))
        verb = "Would delete" if dry_run else "Deleting"
        self.stdout.write(f"{verb} {len(images)} unused member upload(s) older than {days} day(s).")
        if dry_run:
            for number, image in enumerate(images, start=1):
                self._describe(number, len(images), image)
        elif images:
            total = delete_member_uploads(images, report=self._describe)
            self.stdout.write(self.style.SUCCESS(f"Deleted {total}."))

    def _describe(self, number, total, image):
        self.stdout.write(
            f"  [{number}/{total}] #{image.pk} {image.title} "
            f"(uploaded {image.created_at:%Y-%m-%d}, {image.file.name})"
        )
