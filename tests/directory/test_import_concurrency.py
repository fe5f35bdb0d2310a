"""An import and members' saves at the same time, each on its own connection.

The import runs as its own process (``manage.py``-style, against the test
database, so its data must be committed: ``transaction=True``), slowed a
little per row *inside* its transactions so that it is still running while
the members save. The members save through the member edit view, as in the
browser; each save must succeed, and no statement in it may wait a second.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from wagtail.models import Revision

import pytest

from directory.models import CompanyPage
from tests.directory.factories import company, directory_index
from tests.members.factories import member
from tests.members.test_profile_changes import edit_url, profile_data

committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MEMBERS = 3
NEW_COMPANIES = 100
SAVES_EACH = 3
ROW_DELAY = 0.05  # seconds of extra work per row, inside its transaction
MAX_WAIT = 1.0

# The import, with a receiver that makes each row slower and says when it is
# done (so the test knows the members' own rows have been imported).
IMPORT = """
import sys, time
import django
django.setup()
from django.core.management import call_command
from wagtail.signals import page_published

def slow_row(sender, instance, **kwargs):
    time.sleep(float(sys.argv[2]))
    print("published", instance.slug, flush=True)

page_published.connect(slow_row, weak=False)
call_command("import_companies", sys.argv[1], verbosity=0)
"""


class LongestStatement:
    """An execute wrapper: how long the slowest statement (BEGIN included) took.

    A save blocked by a lock waits inside one statement: PostgreSQL's UPDATE
    of a locked row, SQLite's BEGIN IMMEDIATE while another connection writes.
    That is the wait measured, rather than the whole request, whose time on a
    busy machine is mostly waiting for a CPU (the import runs beside it).
    """

    def __init__(self):
        self.longest = 0.0
        self.total = 0.0  # in the database altogether: every wait plus the queries' own time

    def __call__(self, execute, sql, params, many, context):
        started = time.monotonic()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.monotonic() - started
            self.longest = max(self.longest, took)
            self.total += took


def database_url() -> str:
    """The test database, for another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = f"{quote(db['USER'])}:{quote(db['PASSWORD'])}"
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def import_beside_member_saves(tmp_path, client_class):
    directory_index()

    def member_client(page):
        client = client_class()
        client.force_login(member(page))
        return client

    members = [
        (page, member_client(page))
        for page in (company(f"Member {n}", strapline="Before") for n in range(MEMBERS))
    ]
    # A member whose company the import leaves alone: on SQLite it still waits
    # for the import's write lock.
    bystander = company("Bystander", strapline="Before")
    bystander_client = member_client(bystander)
    # The members' companies come first (the import updates them), then new ones.
    csv = tmp_path / "companies.csv"
    csv.write_text(
        "name,strapline\n"
        + "".join(f"{page.title},Imported strapline\n" for page, _ in members)
        + "".join(f"New company {n},Imported\n" for n in range(NEW_COMPANIES))
    )

    def save(page, client, strapline) -> tuple[float, float, float]:
        """Seconds the save took, spent in the database, and its longest statement waited."""
        page.refresh_from_db()
        timer = LongestStatement()
        started = time.monotonic()
        with connection.execute_wrapper(timer):
            response = client.post(edit_url(page), profile_data(page, strapline=strapline))
        took = time.monotonic() - started
        assert response.status_code == 302, response.content.decode()[:2000]
        return took, timer.total, timer.longest

    alone = save(bystander, bystander_client, "Saved before the import")
    env = {"DJANGO_SETTINGS_MODULE": "cms.settings.test", "DATABASE_URL": database_url()}
    errors_file = tmp_path / "import-stderr.txt"
    with errors_file.open("w") as errors_out:
        process = subprocess.Popen(
            [sys.executable, "-c", IMPORT, str(csv), str(ROW_DELAY)],
            cwd=settings.BASE_DIR,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=errors_out,
            text=True,
        )
    try:
        wanted = {page.slug for page, _ in members}
        for line in process.stdout:
            wanted.discard(line.split()[-1])
            if not wanted:
                break
        assert not wanted, errors_file.read_text()
        waits = []
        for round_ in range(SAVES_EACH):
            for page, client in [*members, (bystander, bystander_client)]:
                waits.append(save(page, client, f"Member change {round_}"))
        overlapped = process.poll() is None
        output, _ = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
    errors = errors_file.read_text()
    print(
        f"\n{connection.vendor}, seconds (took, in the database, longest wait): a save alone "
        + "({:.3f}, {:.3f}, {:.3f}); during the import: ".format(*alone)
        + ", ".join("({:.3f}, {:.3f}, {:.3f})".format(*save) for save in waits)
    )
    assert all(waited < MAX_WAIT for _took, _in_database, waited in waits), waits
    # Otherwise the saves did not overlap the import and this test proved nothing.
    assert overlapped, "the import finished before the members had saved"
    assert process.returncode == 0, errors
    summary = f"{NEW_COMPANIES} created, {MEMBERS} updated, 0 unchanged, 0 bad row(s)"
    assert summary in output, (output, errors)

    # Every imported row and every member change is there.
    assert CompanyPage.objects.live().filter(title__startswith="New company ").count() == (
        NEW_COMPANIES
    )
    for page, _ in members:
        page.refresh_from_db()
        assert page.strapline == "Imported strapline"
        assert page.get_latest_revision_as_object().strapline == f"Member change {SAVES_EACH - 1}"
        assert Revision.objects.for_instance(page).filter(user__isnull=False).count() == (
            SAVES_EACH
        )
        assert page.current_workflow_state is not None  # submitted to the editors


@pytest.mark.postgres
@committed
def test_member_saves_during_an_import_wait_under_a_second_on_postgresql(tmp_path, client):
    import_beside_member_saves(tmp_path, type(client))


@pytest.mark.sqlite
@committed
def test_member_saves_during_an_import_wait_under_a_second_on_sqlite(tmp_path, client):
    import_beside_member_saves(tmp_path, type(client))
