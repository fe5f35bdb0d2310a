"""Send every outbound email that is due or stuck, then prune old sent ones.

For cron (every few minutes): the worker normally sends each message as it is
queued and retries on its own; this covers an enqueue that was lost, a worker
that died mid-send, and the inline task backend, which cannot wait to retry.
"""

from django.core.management.base import BaseCommand

from cms.outbox import sending


class Command(BaseCommand):
    help = "Send outbound emails that are due or stuck, and delete old sent ones."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-prune", action="store_true", help="Keep sent messages past the retention period."
        )

    def handle(self, *args, no_prune=False, **options):
        counts = {}
        for email_id in sending.due().order_by("next_attempt_at").values_list("pk", flat=True):
            status = sending.attempt(email_id)
            counts[status] = counts.get(status, 0) + 1
        pruned = 0 if no_prune else sending.prune()
        summary = (
            ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing due"
        )
        self.stdout.write(f"Outbox: {summary}; {pruned} old sent message(s) deleted.")
