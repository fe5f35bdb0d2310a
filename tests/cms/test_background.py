"""cms.background: tasks wait for the commit, and the real worker runs what was stored."""

from django.db import transaction

import pytest
from django_tasks import task

from cms import background
from tests.worker import committed

RAN = []


@task()
def note(value):
    RAN.append(value)
    return value


@pytest.fixture(autouse=True)
def _clear():
    RAN.clear()


@committed
def test_enqueue_on_commit_waits_for_the_commit_and_the_worker_runs_it(task_worker):
    with transaction.atomic():
        background.enqueue_on_commit(note, "a")
        assert not task_worker.queued("note").exists()  # nothing before the commit
    assert task_worker.queued("note").count() == 1
    assert RAN == []  # stored, not run in the request
    assert task_worker.run() == 1
    assert RAN == ["a"]


@committed
def test_a_rolled_back_transaction_enqueues_nothing(task_worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        background.enqueue_on_commit(note, "b")
        raise RuntimeError
    assert not task_worker.queued("note").exists()


@committed
def test_retry_later_defers_on_the_database_backend(task_worker):
    assert background.retry_later(note, 60, "c")
    assert task_worker.run() == 0  # not due yet
    assert task_worker.run(including_deferred=True) == 1
    assert RAN == ["c"]


@pytest.mark.django_db
def test_inline_backend_cannot_defer_and_says_so():
    assert background.retry_later(note, 60, "d") is False
    assert RAN == []


def test_backoff_doubles_up_to_a_cap():
    assert [background.backoff_seconds(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert background.backoff_seconds(50) == 6 * 60 * 60
