"""Shortlists: the button (session or lists), sign-in keeps it, notes, sharing, CSV, print."""

import csv
import io

from django.test import Client
from django.urls import reverse

import pytest

from commissioners.models import Shortlist, ShortlistEntry
from tests.directory.factories import company

from .factories import PASSWORD, commissioner

pytestmark = pytest.mark.django_db

TOGGLE = reverse("shortlist:toggle")


def press(client, studio, headers=None, **extra):
    return client.post(TOGGLE, {"company": studio.pk, **extra}, headers=headers)


def test_an_anonymous_visitor_keeps_a_shortlist_in_the_session(client, studios):
    kiln, glaze, _ = studios
    assert press(client, kiln).status_code == 302
    press(client, glaze)
    page = client.get(reverse("shortlist:home")).content.decode()
    assert f'href="{kiln.url}"' in page and f'href="{glaze.url}"' in page
    assert "Saggar Sound" not in page
    # The button again takes it off.
    press(client, kiln)
    page = client.get(reverse("shortlist:home")).content.decode()
    assert f'href="{kiln.url}"' not in page and f'href="{glaze.url}"' in page


def test_the_button_says_its_state_on_the_profile_and_the_directory(client, studios):
    kiln = studios[0]
    html = client.get(kiln.url).content.decode()
    assert 'Shortlist<span class="visually-hidden"> Kiln Light Animation</span>' in html
    press(client, kiln)
    html = client.get(kiln.url).content.decode()
    assert "remove Kiln Light Animation from your shortlist" in html


def test_the_button_goes_back_to_the_card_it_was_pressed_on(client, studios):
    kiln = studios[0]
    response = press(client, kiln, {"referer": "http://testserver/directory/?q=kiln#x"})
    assert response.url == f"http://testserver/directory/?q=kiln#shortlist-{kiln.pk}"
    unknown = press(client, kiln)  # no Referer: the shortlist itself
    assert unknown.url == reverse("shortlist:home") + f"#shortlist-{kiln.pk}"
    # A Referer of another site is a post from another site: refused (as by Origin below).
    assert press(client, kiln, {"referer": "https://evil.example/"}).status_code == 403


def test_a_post_from_another_site_is_refused(client, studios):
    response = client.post(TOGGLE, {"company": studios[0].pk}, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert "shortlist" not in client.session


def test_unknown_unlisted_or_malformed_companies_are_404(client, studios):
    hidden = company("Draft Studio", live=False)
    for value in (hidden.pk, 999999, "abc", ""):
        assert client.post(TOGGLE, {"company": value}).status_code == 404
    assert client.get(TOGGLE).status_code == 405


def test_signing_in_keeps_the_session_shortlist_in_the_default_list(client, studios):
    person = commissioner()
    kiln, glaze, saggar = studios
    Shortlist.default_for(person).add(saggar)
    press(client, kiln)
    press(client, glaze)
    response = client.post(
        reverse("commissioners:login"), {"username": person.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    default = Shortlist.objects.get(owner=person, is_default=True)
    assert set(default.entries.values_list("company_id", flat=True)) == {
        kiln.pk,
        glaze.pk,
        saggar.pk,
    }
    assert "shortlist" not in client.session
    # Signed in, the button works on the default list.
    press(client, kiln)
    assert not default.entries.filter(company=kiln).exists()


def test_a_commissioner_names_lists_notes_companies_and_adds_to_a_chosen_list(
    buyer_client, buyer, studios
):
    kiln, glaze, _ = studios
    response = buyer_client.post(reverse("shortlist:new"), {"name": "Drama pitch"})
    drama = Shortlist.objects.get(name="Drama pitch")
    assert response.url == reverse("shortlist:detail", args=[drama.pk])
    press(buyer_client, kiln, list=drama.pk)
    press(buyer_client, glaze)  # the default list
    assert list(drama.entries.values_list("company_id", flat=True)) == [kiln.pk]
    assert Shortlist.default_for(buyer).entries.get().company == glaze

    note_url = reverse("shortlist:note", args=[drama.pk, kiln.pk])
    buyer_client.post(note_url, {"note": "Great stop-motion, ask about May"})
    assert ShortlistEntry.objects.get(shortlist=drama).note == "Great stop-motion, ask about May"
    page = buyer_client.get(reverse("shortlist:detail", args=[drama.pk])).content.decode()
    assert "Great stop-motion, ask about May" in page

    lists = buyer_client.get(reverse("shortlist:home")).content.decode()
    assert "Drama pitch" in lists and "My shortlist" in lists


def test_an_empty_list_name_is_refused_with_a_message(buyer_client):
    response = buyer_client.post(reverse("shortlist:new"), {"name": "   "})
    assert response.status_code == 400
    assert "Give the list a name" in response.content.decode() or "required" in (
        response.content.decode()
    )
    assert not Shortlist.objects.filter(is_default=False).exists()


def test_a_note_too_long_is_refused(buyer_client, buyer, studios):
    default = Shortlist.default_for(buyer)
    default.add(studios[0])
    url = reverse("shortlist:note", args=[default.pk, studios[0].pk])
    response = buyer_client.post(url, {"note": "x" * 2001}, follow=True)
    assert "at most 2000 characters" in response.content.decode()
    assert ShortlistEntry.objects.get().note == ""


def test_sharing_shows_the_companies_without_the_notes_and_revoking_ends_it(
    buyer_client, buyer, studios
):
    default = Shortlist.default_for(buyer)
    for studio in studios:
        default.add(studio)
    ShortlistEntry.objects.filter(company=studios[0]).update(note="Too pricey, secretly")
    buyer_client.post(reverse("shortlist:share", args=[default.pk]))
    default.refresh_from_db()
    token = default.share_token
    assert token and len(token) >= 32
    shared_url = reverse("shortlist:shared", args=[token])
    assert (
        shared_url
        in buyer_client.get(reverse("shortlist:detail", args=[default.pk])).content.decode()
    )

    visitor = Client()
    response = visitor.get(shared_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert all(studio.title in html for studio in studios)
    assert "Too pricey" not in html
    assert response["X-Robots-Tag"] == "noindex"

    buyer_client.post(reverse("shortlist:revoke", args=[default.pk]))
    assert visitor.get(shared_url).status_code == 404
    # Sharing again makes a new link: the old one stays dead.
    buyer_client.post(reverse("shortlist:share", args=[default.pk]))
    default.refresh_from_db()
    assert default.share_token != token
    assert visitor.get(shared_url).status_code == 404


def test_csv_export_has_every_company_and_the_notes_with_formulas_defused(
    buyer_client, buyer, studios
):
    default = Shortlist.default_for(buyer)
    for studio in studios:
        default.add(studio)
    ShortlistEntry.objects.filter(company=studios[1]).update(note='=HYPERLINK("x")')
    response = buyer_client.get(reverse("shortlist:export_csv", args=[default.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="my-shortlist.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Company"
    assert [row[0] for row in rows[1:]] == [studio.title for studio in studios]
    assert rows[2][-1] == '\'=HYPERLINK("x")'
    assert rows[1][4] == "hello@kilnlight.example"


def test_csv_export_keeps_contact_details_a_company_shows_to_nobody(buyer_client, buyer, studios):
    studios[0].email_visibility = "nobody"
    studios[0].phone = "01782 000000"
    studios[0].phone_visibility = "nobody"
    studios[0].save()
    studios[1].phone = "01782 111111"
    studios[1].phone_visibility = "commissioners"
    studios[1].save()
    default = Shortlist.default_for(buyer)
    default.add(studios[0])
    default.add(studios[1])
    response = buyer_client.get(reverse("shortlist:export_csv", args=[default.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][4:6] == ["", ""]
    assert rows[2][4:6] == ["hello@glazegrade.example", "01782 111111"]


def test_the_list_page_has_a_print_stylesheet_and_a_print_link(buyer_client, buyer, studios):
    default = Shortlist.default_for(buyer)
    default.add(studios[0])
    html = buyer_client.get(reverse("shortlist:detail", args=[default.pk])).content.decode()
    assert "css/commissioners.css" in html and "js/shortlist.js" in html
    with open("static/css/commissioners.css") as stylesheet:
        assert "@media print" in stylesheet.read()


def test_removing_and_deleting(buyer_client, buyer, studios):
    default = Shortlist.default_for(buyer)
    default.add(studios[0])
    buyer_client.post(reverse("shortlist:remove", args=[default.pk, studios[0].pk]))
    assert not default.entries.exists()
    other = Shortlist.objects.create(owner=buyer, name="Other")
    buyer_client.post(reverse("shortlist:delete", args=[other.pk]))
    assert not Shortlist.objects.filter(pk=other.pk).exists()
    buyer_client.post(reverse("shortlist:delete", args=[default.pk]))
    assert Shortlist.objects.filter(pk=default.pk).exists()  # the default list stays


def test_lists_need_a_signed_in_commissioner(client, studios):
    response = client.get(reverse("shortlist:detail", args=[1]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("commissioners:login"))
    unconfirmed = commissioner("new@agency.example", verified=False)
    unconfirmed.is_active = True
    unconfirmed.save()
    client.force_login(unconfirmed)
    assert client.get(reverse("shortlist:detail", args=[1])).status_code == 302


def rename_url(shortlist):
    return reverse("shortlist:rename", args=[shortlist.pk])


def test_renaming_a_list(buyer_client, buyer):
    shortlist = Shortlist.objects.create(owner=buyer, name="Drama")
    detail = buyer_client.get(reverse("shortlist:detail", args=[shortlist.pk])).content.decode()
    assert f'href="{rename_url(shortlist)}"' in detail
    html = buyer_client.get(rename_url(shortlist)).content.decode()
    assert 'name="based_on" value="Drama"' in html and 'name="name" value="Drama"' in html
    response = buyer_client.post(
        rename_url(shortlist), {"name": "  Drama, May ", "based_on": "Drama"}
    )
    assert response.status_code == 302
    shortlist.refresh_from_db()
    assert shortlist.name == "Drama, May"
    assert "Renamed: Drama is now Drama, May." in buyer_client.get(response.url).content.decode()


def test_a_blank_name_is_refused_with_a_message(buyer_client, buyer):
    shortlist = Shortlist.objects.create(owner=buyer, name="Drama")
    response = buyer_client.post(rename_url(shortlist), {"name": "   ", "based_on": "Drama"})
    assert response.status_code == 400
    assert "Give the list a name." in response.content.decode()
    assert "<h1>Rename Drama</h1>" in response.content.decode()
    shortlist.refresh_from_db()
    assert shortlist.name == "Drama"


def test_a_rename_from_a_stale_page_is_refused_keeping_the_input(buyer_client, buyer):
    shortlist = Shortlist.objects.create(owner=buyer, name="Drama")
    # Renamed in another window after this one showed "Drama".
    Shortlist.objects.filter(pk=shortlist.pk).update(name="Drama 2027")
    response = buyer_client.post(rename_url(shortlist), {"name": "Factual", "based_on": "Drama"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "renamed meanwhile" in html
    assert 'name="name" value="Factual"' in html  # the input is kept
    assert 'name="based_on" value="Drama 2027"' in html  # sending it again renames
    shortlist.refresh_from_db()
    assert shortlist.name == "Drama 2027"
    again = buyer_client.post(rename_url(shortlist), {"name": "Factual", "based_on": "Drama 2027"})
    assert again.status_code == 302
    shortlist.refresh_from_db()
    assert shortlist.name == "Factual"


def test_deleting_a_list_asks_first(buyer_client, buyer, studios):
    shortlist = Shortlist.objects.create(owner=buyer, name="Drama")
    shortlist.add(studios[0])
    delete_url = reverse("shortlist:delete", args=[shortlist.pk])
    detail = buyer_client.get(reverse("shortlist:detail", args=[shortlist.pk])).content.decode()
    assert f'<a href="{delete_url}">Delete this list</a>' in detail
    confirm = buyer_client.get(delete_url)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Delete Drama?" in html and "1 company" in html and 'method="post"' in html
    assert Shortlist.objects.filter(pk=shortlist.pk).exists()  # asking deletes nothing
    response = buyer_client.post(delete_url)
    assert response.status_code == 302 and response.url == reverse("shortlist:home")
    assert not Shortlist.objects.filter(pk=shortlist.pk).exists()
    assert "List deleted: Drama." in buyer_client.get(response.url).content.decode()
    assert studios[0].__class__.objects.filter(pk=studios[0].pk).exists()


def test_the_default_list_cannot_be_deleted_nor_asked_about(buyer_client, buyer):
    default = Shortlist.default_for(buyer)
    response = buyer_client.get(reverse("shortlist:delete", args=[default.pk]))
    assert response.status_code == 302
    assert Shortlist.objects.filter(pk=default.pk).exists()
