"""Availability and contact privacy in the member area: applied at once, no approval.

What a member says about their calendar and who sees their contact details
is written to the live page straight away (no revision, no workflow), kept
when an editor later publishes an older change, confirmed with a date, and
refused with the input kept when a colleague saved meanwhile.
"""

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Revision

import pytest

from directory.availability import Availability
from directory.contact_privacy import ContactVisibility
from directory.models import CompanyPage
from directory.search import run_search
from directory.search.base import SearchQuery

from .factories import editor, member
from .test_profile_changes import edit_url, profile_data

pytestmark = pytest.mark.django_db


def availability_url(company):
    return reverse("members:edit_availability", args=[company.pk])


def confirm_url(company):
    return reverse("members:confirm_availability", args=[company.pk])


def contact_url(company):
    return reverse("members:edit_contact_visibility", args=[company.pk])


def live(company):
    return CompanyPage.objects.get(pk=company.pk)


def based_on(client, company, url):
    """The ``based_on`` the member's form page gives (what they saw)."""
    form = client.get(url).context["form"]
    return form.initial["based_on"]


def say(client, company, **data):
    data.setdefault("based_on", based_on(client, company, availability_url(company)))
    return client.post(availability_url(company), data)


def in_days(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def test_the_profile_page_has_both_forms(owner_client, acme):
    html = owner_client.get(edit_url(acme)).content.decode()
    assert f'action="{availability_url(acme)}"' in html
    assert f'action="{contact_url(acme)}"' in html
    assert 'type="date"' in html


def test_available_from_a_date_applies_at_once_without_a_revision(owner_client, acme):
    revisions = Revision.objects.count()
    before = timezone.now()
    response = say(owner_client, acme, availability="from", available_from="2027-03-03")
    assert response.status_code == 302
    company = live(acme)
    assert (company.availability, company.availability_date) == (
        Availability.FROM,
        datetime.date(2027, 3, 3),
    )
    assert company.availability_confirmed_at >= before
    assert Revision.objects.count() == revisions  # nothing for the editors
    assert company.current_workflow_state is None
    assert "Available from 3 March 2027" in owner_client.get(acme.url).content.decode()
    assert "Available from 3 March 2027" in owner_client.get(response.url).content.decode()


def test_the_search_finds_the_new_availability(owner_client, acme):
    say(owner_client, acme, availability="now")
    found = run_search(SearchQuery(available_by=timezone.localdate()))
    assert [hit.title for hit in found.hits] == ["Acme Animation"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"availability": "from", "available_from": "2020-01-01"}, "available_from", "passed"),
        ({"availability": "booked", "booked_until": "2020-01-01"}, "booked_until", "free now"),
        ({"availability": "from"}, "available_from", "Give the date"),
        ({"availability": "booked", "booked_until": "31/02/2027"}, "booked_until", "YYYY-MM-DD"),
        ({"availability": "from", "available_from": in_days(800)}, "available_from", "two years"),
        ({"availability": "soon"}, "availability", "Select a valid choice"),
    ],
)
def test_bad_dates_are_refused_with_a_clear_message(owner_client, acme, data, field, message):
    response = say(owner_client, acme, **data)
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    assert message in response.content.decode()
    assert live(acme).availability == ""


def test_booked_until_today_is_accepted(owner_client, acme):
    assert (
        say(owner_client, acme, availability="booked", booked_until=in_days(0)).status_code == 302
    )
    today = timezone.localdate()
    assert live(acme).availability_label == f"Booked until {today.day} {today:%B %Y}"  # busy today


def test_an_unchanged_save_changes_nothing_and_still_right_confirms(owner_client, acme):
    say(owner_client, acme, availability="booked", booked_until=in_days(20))
    first = live(acme).availability_confirmed_at
    response = say(owner_client, acme, availability="booked", booked_until=in_days(20))
    assert "Nothing changed" in owner_client.get(response.url).content.decode()
    assert live(acme).availability_confirmed_at == first

    dashboard = owner_client.get(reverse("members:dashboard", args=[acme.pk])).content.decode()
    assert "Still right" in dashboard and f'action="{confirm_url(acme)}"' in dashboard
    response = owner_client.post(confirm_url(acme))
    assert response.status_code == 302
    assert live(acme).availability_confirmed_at > first


def test_still_right_renews_an_unconfirmed_statement(owner_client, acme):
    CompanyPage.objects.filter(pk=acme.pk).update(
        availability=Availability.NOW,
        availability_confirmed_at=timezone.now() - datetime.timedelta(days=61),
    )
    assert live(acme).availability_label == "Availability unconfirmed"
    assert "Availability unconfirmed" in owner_client.get(acme.url).content.decode()
    owner_client.post(confirm_url(acme))
    assert live(acme).availability_label == "Available now"


def test_still_right_without_a_statement_asks_for_one(owner_client, acme):
    response = owner_client.post(confirm_url(acme))
    assert response.url == availability_url(acme)
    assert live(acme).availability_confirmed_at is None
    assert owner_client.get(confirm_url(acme)).status_code == 405


def test_a_colleagues_save_meanwhile_is_not_undone_and_the_input_is_kept(owner_client, acme):
    seen = based_on(owner_client, acme, availability_url(acme))
    colleague = member(acme, "colleague@acme.example")
    other = Client()
    other.force_login(colleague)
    assert say(other, acme, availability="now").status_code == 302

    response = say(
        owner_client, acme, based_on=seen, availability="from", available_from="2027-05-01"
    )
    assert response.status_code == 409
    assert "Someone else changed this meanwhile" in response.content.decode()
    assert 'value="2027-05-01"' in response.content.decode()  # kept
    assert live(acme).availability == Availability.NOW
    # Sent again from that page, it saves.
    again = response.context["form"].data.dict()
    assert owner_client.post(availability_url(acme), again).status_code == 302
    assert live(acme).availability == Availability.FROM


def test_publishing_an_older_change_keeps_the_availability_and_privacy(owner_client, acme):
    owner_client.post(edit_url(acme), profile_data(acme, strapline="Pending strapline"))
    say(owner_client, acme, availability="now")
    owner_client.post(
        contact_url(acme),
        {
            "based_on": based_on(owner_client, acme, contact_url(acme)),
            "email_visibility": "nobody",
            "phone_visibility": "everyone",
        },
    )
    acme.refresh_from_db()
    acme.current_workflow_state.current_task_state.approve(user=editor(), comment="")
    company = live(acme)
    assert company.strapline == "Pending strapline"
    assert company.availability == Availability.NOW
    assert (company.email_visibility, company.phone_visibility) == ("nobody", "everyone")


def test_contact_privacy_applies_at_once(owner_client, acme):
    CompanyPage.objects.filter(pk=acme.pk).update(email="hello@acme.example")
    assert live(acme).email_visibility == ContactVisibility.COMMISSIONERS
    assert "hello@acme.example" not in owner_client.get(acme.url).content.decode()
    response = owner_client.post(
        contact_url(acme),
        {
            "based_on": based_on(owner_client, acme, contact_url(acme)),
            "email_visibility": "everyone",
            "phone_visibility": "nobody",
        },
    )
    assert response.status_code == 302
    assert "hello@acme.example" in owner_client.get(acme.url).content.decode()
    bad = owner_client.post(contact_url(acme), {"email_visibility": "the world"})
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.content.decode()


@pytest.mark.parametrize("url", [availability_url, confirm_url, contact_url])
def test_another_companys_settings_answer_404(owner_client, rival, url):
    assert owner_client.get(url(rival)).status_code in (404, 405)
    assert owner_client.post(url(rival), {"availability": "now"}).status_code == 404
    assert live(rival).availability == ""


def test_signed_out_visitors_are_sent_to_sign_in(client, acme):
    response = client.post(availability_url(acme), {"availability": "now"})
    assert response.status_code == 302 and "login" in response.url
