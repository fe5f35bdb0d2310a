"""The real background worker, for tests of the queue itself and of retries.

Most tests run tasks inline (``cms.settings.test``). A test that needs tasks to
be *stored* and then run by the worker, as in production, uses the
``task_worker`` fixture: it switches the task backend to ``django_tasks_db``
and its ``run()`` runs ``manage.py db_worker --batch`` (every task that is due,
then exit), in this process, against the test database.

The worker takes an exclusive transaction per task (``BEGIN EXCLUSIVE`` on
SQLite), so tests that use it must not run inside a test transaction: mark them
``@committed`` (below), not a bare ``transaction=True``. A transactional test
empties the database afterwards; with a bare mark Django then re-creates the
content types, under new ids on PostgreSQL, and the next test that restores
what the migrations made (``serialized_rollback``) collides with them.
"""

from __future__ import annotations

import datetime

import pytest

# Loaded as a plugin (pyproject's addopts) before Django is set up: Django
# imports wait until a test uses the fixture.

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Real commits, and the rows the migrations made (Wagtail's root page, locale,
# taxonomies) restored before each test and nothing re-created after it.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class TaskWorker:
    def queued(self, name_contains: str = ""):
        """Tasks stored and not yet run, optionally those whose path contains a string."""
        from django_tasks_db.models import DBTaskResult

        rows = DBTaskResult.objects.filter(status="READY")
        if name_contains:
            rows = rows.filter(task_path__contains=name_contains)
        return rows

    def run(self, *, including_deferred: bool = False) -> int:
        """Run every task that is due (and, if asked, those deferred for later).

        Returns how many tasks ran. ``including_deferred`` brings deferred
        tasks (retries with back-off) forward to now first, as if their time
        had come.
        """
        from django.core.management import call_command
        from django.utils import timezone

        from django_tasks_db.models import DBTaskResult

        if including_deferred:
            now = timezone.now()
            DBTaskResult.objects.filter(status="READY", run_after__gt=now).update(
                run_after=now - datetime.timedelta(seconds=1)
            )
        before = DBTaskResult.objects.exclude(status="READY").count()
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
        return DBTaskResult.objects.exclude(status="READY").count() - before


@pytest.fixture
def task_worker(settings):
    settings.TASKS = DATABASE_TASKS
    return TaskWorker()
