"""Saved-search alerts: due rules, the baseline, new companies mailed once, even across restarts."""

import datetime
import re
import time
from io import StringIO

from django.core import signing
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

import pytest

from cms.outbox.models import OutboundEmail
from commissioners import alerts
from commissioners.models import SavedSearch, SearchAlertSent
from members.notifications import absolute
from tests.directory.factories import SkillFactory, company
from tests.members.factories import editor
from tests.worker import committed

pytestmark = pytest.mark.django_db

Frequency = SavedSearch.Frequency


@pytest.fixture
def animation(db):
    return SkillFactory(name="Animation", slug="animation")


@pytest.fixture
def kiln(animation):
    return company("Kiln Light Animation", skills=[animation], strapline="Stop motion in Stoke")


def saved(owner, frequency=Frequency.DAILY, query="skill=animation", **fields):
    return SavedSearch.objects.create(
        owner=owner, name="Animators", query_string=query, frequency=frequency, **fields
    )


def alert_emails():
    return list(OutboundEmail.objects.filter(kind="search_alert").order_by("pk"))


def at(day: datetime.date, hour=7):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def send_alerts():
    out = StringIO()
    call_command("send_search_alerts", stdout=out)
    return out.getvalue()


# -- due rules --------------------------------------------------------------------

MONDAY = datetime.date(2026, 11, 30)


def test_a_search_that_never_ran_is_due_at_once_whatever_its_frequency(buyer):
    for frequency in (Frequency.DAILY, Frequency.WEEKLY):
        assert alerts.is_due(saved(buyer, frequency), at(MONDAY))
    assert not alerts.is_due(saved(buyer, Frequency.NEVER), at(MONDAY))


def test_daily_searches_go_once_a_day(buyer):
    search = saved(buyer, last_run_at=at(MONDAY))
    assert not alerts.is_due(search, at(MONDAY, 23))
    assert alerts.is_due(search, at(MONDAY + datetime.timedelta(days=1), 6))


def test_weekly_searches_go_on_the_day_they_were_saved(buyer):
    search = saved(buyer, Frequency.WEEKLY)
    SavedSearch.objects.filter(pk=search.pk).update(created_at=at(MONDAY, 20))
    search.refresh_from_db()
    search.last_run_at = at(MONDAY + datetime.timedelta(days=1))  # the baseline, on Tuesday
    days = {n: alerts.is_due(search, at(MONDAY + datetime.timedelta(days=n))) for n in range(2, 8)}
    assert days == {2: False, 3: False, 4: False, 5: False, 6: False, 7: True}


def test_a_weekly_search_whose_day_was_missed_goes_after_a_week(buyer):
    search = saved(buyer, Frequency.WEEKLY)
    SavedSearch.objects.filter(pk=search.pk).update(created_at=at(MONDAY))
    search.refresh_from_db()
    search.last_run_at = at(MONDAY)
    # No cron on the next Monday: Tuesday, eight days on, it goes.
    assert alerts.is_due(search, at(MONDAY + datetime.timedelta(days=8)))
    assert not alerts.is_due(search, at(MONDAY + datetime.timedelta(days=6)))


def test_turned_off_and_inactive_owners_are_not_due(buyer, rival_buyer):
    off = saved(buyer, Frequency.NEVER)
    gone = saved(rival_buyer)
    rival_buyer.is_active = False
    rival_buyer.save()
    mine = saved(buyer)
    assert alerts.due_searches() == [mine]
    assert off not in alerts.due_searches() and gone not in alerts.due_searches()


# -- the baseline and new companies --------------------------------------------------


def test_the_first_run_records_a_baseline_and_mails_nothing(buyer, kiln):
    search = saved(buyer)
    assert alerts.run_alert(search.pk) == "baseline"
    assert alert_emails() == []
    [row] = SearchAlertSent.objects.all()
    assert (row.company, row.baseline) == (kiln, True)


def test_an_editor_publishing_a_new_matching_company_is_mailed_on_the_next_run(
    buyer, kiln, animation
):
    search = saved(buyer)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    alerts.run_alert(search.pk, now=yesterday)
    draft = company("Glaze Frame Studio", skills=[animation], live=False)
    company("Saggar Sound", skills=["Sound design"])  # does not match
    draft.save_revision(user=editor()).publish(user=editor())

    assert alerts.run_alert(search.pk) == "sent"
    [email] = alert_emails()
    assert email.to == [buyer.email]
    assert "Glaze Frame Studio" in email.subject or "1 new company" in email.subject
    assert "Glaze Frame Studio" in email.body and absolute(draft.url) in email.body
    assert "Kiln Light" not in email.body  # known since the baseline
    assert "Saggar" not in email.body
    assert f"?{search.query_string}" in email.body
    prefix = absolute(reverse("commissioners:unsubscribe", args=["TOKEN"])).split("TOKEN")[0]
    [token] = re.findall(re.escape(prefix) + r"([^/\s]+)/", email.body)
    assert alerts.search_for_token(token) == search
    assert email.headers["List-Unsubscribe"] == f"<{prefix}{token}/>"
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert set(search.alerted.values_list("company__title", "baseline")) == {
        ("Kiln Light Animation", True),
        ("Glaze Frame Studio", False),
    }


def test_companies_matching_only_part_of_the_words_are_not_alerted(buyer, kiln, animation):
    # The directory shows Kiln for "underwater animation" (one word left out);
    # the alert waits for a company that does underwater animation.
    search = saved(buyer, query="q=underwater+animation")
    assert alerts.run_alert(search.pk, now=timezone.now() - datetime.timedelta(days=1))
    assert not SearchAlertSent.objects.exists()
    company("Deep Water Animation", skills=[animation], strapline="Underwater animation")
    assert alerts.run_alert(search.pk) == "sent"
    [email] = alert_emails()
    assert "Deep Water Animation" in email.body and "Kiln Light" not in email.body


def test_an_editor_approving_a_new_company_in_moderation_is_mailed(buyer, kiln, animation):
    from members.changes import submit_changes
    from tests.members.factories import member

    search = saved(buyer)
    alerts.run_alert(search.pk, now=timezone.now() - datetime.timedelta(days=2))
    studio = company("Glaze Frame Studio", skills=[animation], live=False)
    submit_changes(studio.get_latest_revision_as_object(), member(studio))
    studio.refresh_from_db()
    assert studio.current_workflow_state is not None
    yesterday = timezone.now() - datetime.timedelta(days=1)
    assert alerts.run_alert(search.pk, now=yesterday) == "nothing new"  # not approved yet
    studio.current_workflow_state.current_task_state.approve(user=editor())
    studio.refresh_from_db()
    assert studio.live
    assert alerts.run_alert(search.pk) == "sent"
    [email] = alert_emails()
    assert "Glaze Frame Studio" in email.body


def test_a_company_that_leaves_and_matches_again_is_not_mailed_twice(buyer, kiln, animation):
    search = saved(buyer)
    alerts.run_alert(search.pk, now=timezone.now() - datetime.timedelta(days=3))
    new = company("Glaze Frame Studio", skills=[animation])
    assert alerts.run_alert(search.pk, now=timezone.now() - datetime.timedelta(days=2)) == "sent"
    new.unpublish()
    new.save_revision().publish()
    assert alerts.run_alert(search.pk) == "nothing new"
    assert len(alert_emails()) == 1


# -- never twice: duplicates and restarts -------------------------------------------


def _with_one_new_company(buyer, animation, n=1):
    searches = [saved(buyer) for _ in range(n)]
    for search in searches:
        alerts.run_alert(search.pk, now=timezone.now() - datetime.timedelta(days=1))
    company("Glaze Frame Studio", skills=[animation])
    return searches


def test_a_task_run_twice_mails_once(buyer, kiln, animation):
    [search] = _with_one_new_company(buyer, animation)
    assert alerts.send_search_alert.enqueue(search.pk).return_value == "sent"
    assert alerts.send_search_alert.enqueue(search.pk).return_value == "skipped"
    # Even were the search due again, the company is recorded: nothing new to send.
    SavedSearch.objects.filter(pk=search.pk).update(last_run_at=None)
    SavedSearch.objects.filter(pk=search.pk).update(
        last_run_at=timezone.now() - datetime.timedelta(days=1)
    )
    assert alerts.run_alert(search.pk) == "nothing new"
    assert len(alert_emails()) == 1


def test_a_crash_after_some_searches_sends_the_rest_once_on_the_next_run(
    buyer, kiln, animation, monkeypatch
):
    first, second, third = _with_one_new_company(buyer, animation, n=3)
    real_mail = alerts._mail

    def crash_on_second(search, new):
        if search.pk == second.pk:
            raise ConnectionError("the worker's database went away mid-run")
        real_mail(search, new)

    monkeypatch.setattr(alerts, "_mail", crash_on_second)
    send_alerts()
    assert sorted(e.object_id for e in alert_emails()) == [first.pk, third.pk]
    # The failed search's transaction rolled back: nothing recorded, still due.
    assert not second.alerted.filter(baseline=False).exists()
    second.refresh_from_db()
    assert alerts.is_due(second)

    monkeypatch.setattr(alerts, "_mail", real_mail)
    output = send_alerts()  # cron again, or the worker after a restart
    assert "1 of 1 due" in output
    assert sorted(e.object_id for e in alert_emails()) == [first.pk, second.pk, third.pk]
    send_alerts()
    assert len(alert_emails()) == 3
    for search in (first, second, third):
        assert search.alerted.filter(baseline=False).count() == 1


@committed
def test_the_command_run_twice_before_the_worker_mails_once(task_worker):
    """Two crons (or a re-run after a crash) queue the task twice: the real worker sends once."""
    from tests.commissioners.factories import commissioner

    buyer = commissioner()
    animation = SkillFactory(name="Animation", slug="animation")
    company("Kiln Light Animation", skills=[animation])
    [search] = _with_one_new_company(buyer, animation)
    send_alerts()
    send_alerts()
    assert task_worker.queued("send_search_alert").count() == 2
    task_worker.run()
    [email] = alert_emails()
    assert int(email.object_id) == search.pk
    assert search.alerted.filter(baseline=False).count() == 1
    assert task_worker.queued("send_search_alert").count() == 0


def test_the_database_refuses_a_second_record_of_a_company_for_a_search(buyer, kiln):
    from django.db import IntegrityError, transaction

    search = saved(buyer)
    SearchAlertSent.objects.create(saved_search=search, company=kiln)
    with pytest.raises(IntegrityError), transaction.atomic():
        SearchAlertSent.objects.create(saved_search=search, company=kiln)


def test_the_command_enqueues_one_task_per_due_search(buyer, rival_buyer, kiln, task_worker):
    mine, theirs = saved(buyer), saved(rival_buyer, Frequency.WEEKLY)
    saved(buyer, Frequency.NEVER)
    assert "2 of 2 due" in send_alerts()
    queued = task_worker.queued("send_search_alert")
    assert sorted(t.args_kwargs["args"][0] for t in queued) == sorted([mine.pk, theirs.pk])


# -- unsubscribing ----------------------------------------------------------------


def test_unsubscribe_asks_then_stops_the_emails_without_sign_in(client, buyer):
    search = saved(buyer)
    url = reverse("commissioners:unsubscribe", args=[alerts.unsubscribe_token(search)])
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop these emails" in page.content.decode()
    search.refresh_from_db()
    assert search.frequency == Frequency.DAILY  # a GET (a mail scanner) changes nothing
    done = client.post(url)
    assert done.status_code == 200
    search.refresh_from_db()
    assert search.frequency == Frequency.NEVER
    assert SavedSearch.objects.filter(pk=search.pk).exists()  # the search stays


def test_tampered_tokens_are_refused_clearly(client, buyer, rival_buyer):
    mine = saved(buyer)
    theirs = saved(rival_buyer)
    token = alerts.unsubscribe_token(mine)
    signer = signing.TimestampSigner(salt=alerts.UNSUBSCRIBE_SALT)
    forged = token.replace(
        signer.sign_object({"s": mine.pk, "u": buyer.pk}).split(":")[0],
        signing.b64_encode(b'{"s":%d,"u":%d}' % (theirs.pk, rival_buyer.pk)).decode(),
    )
    wrong_salt = signing.TimestampSigner(salt="other").sign_object(
        {"s": theirs.pk, "u": rival_buyer.pk}
    )
    for bad in (forged, wrong_salt, token[:-3] + "abc", "nonsense"):
        url = reverse("commissioners:unsubscribe", args=[bad])
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 400, bad
            assert "This unsubscribe link does not work" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.frequency == Frequency.DAILY


def test_a_token_for_another_owner_of_the_search_is_404(client, buyer, rival_buyer):
    theirs = saved(rival_buyer)
    signer = signing.TimestampSigner(salt=alerts.UNSUBSCRIBE_SALT)
    # A genuine signature naming the search with someone else as its owner.
    token = signer.sign_object({"s": theirs.pk, "u": buyer.pk})
    url = reverse("commissioners:unsubscribe", args=[token])
    assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.frequency == Frequency.DAILY


def test_expired_tokens_are_refused_clearly(client, buyer, monkeypatch):
    search = saved(buyer)
    long_ago = (
        time.time() - (alerts.UNSUBSCRIBE_LIFETIME + datetime.timedelta(days=1)).total_seconds()
    )
    with monkeypatch.context() as patch:
        patch.setattr(
            signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(int(long_ago))
        )
        token = alerts.unsubscribe_token(search)
    fresh = alerts.unsubscribe_token(search)
    assert client.get(reverse("commissioners:unsubscribe", args=[fresh])).status_code == 200
    response = client.post(reverse("commissioners:unsubscribe", args=[token]))
    assert response.status_code == 410
    assert "has expired" in response.content.decode()
    search.refresh_from_db()
    assert search.frequency == Frequency.DAILY


def test_a_deleted_search_says_so(client, buyer):
    search = saved(buyer)
    token = alerts.unsubscribe_token(search)
    search.delete()
    response = client.get(reverse("commissioners:unsubscribe", args=[token]))
    assert response.status_code == 404
    assert "no longer exists" in response.content.decode()


@pytest.mark.elasticsearch
def test_alerts_run_on_elasticsearch_too(
    request, buyer, animation, django_capture_on_commit_callbacks
):
    from directory.search import get_search_backend
    from tests.directory.search.elasticsearch_support import cleaned_up_settings

    config = cleaned_up_settings(request)
    with override_settings(DIRECTORY_SEARCH_BACKEND=config):
        backend = get_search_backend()
        with django_capture_on_commit_callbacks(execute=True):
            kiln = company("Kiln Light Animation", skills=[animation])
            backend.update_companies([kiln.pk])
        backend.refresh()
        search = saved(buyer)
        alerts.run_alert(search.pk, now=timezone.now() - datetime.timedelta(days=1))
        assert list(search.alerted.values_list("company", flat=True)) == [kiln.pk]
        with django_capture_on_commit_callbacks(execute=True):
            draft = company("Glaze Frame Studio", skills=[animation], live=False)
            draft.save_revision(user=editor()).publish(user=editor())
        backend.refresh()
        assert alerts.run_alert(search.pk) == "sent"
        assert run_search_backend_name(search) == "elasticsearch"
    [email] = alert_emails()
    assert "Glaze Frame Studio" in email.body and "Kiln Light" not in email.body


def run_search_backend_name(search):
    from directory.search import run_search

    return run_search(alerts.search_query(search)).backend
