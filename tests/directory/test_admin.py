"""The Directory group in the Wagtail admin: taxonomies, gazetteer and enquiries."""

from django.urls import reverse
from django.utils import timezone

import pytest

from cms.outbox.models import OutboundEmail
from directory.models import Enquiry, Place, Skill
from tests.cms.factories import outbound_email

from .factories import company

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(f"wagtailsnippets_directory_{model}:{view}", args=args)


def test_the_directory_menu_group_lists_every_viewset(admin_client):
    html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Directory" in html
    for model in (
        "skill",
        "skillgroup",
        "sector",
        "place",
        "postcodedistrict",
        "production",
        "enquiry",
    ):
        assert admin_client.get(url(model, "list")).status_code == 200, model


def test_skills_list_with_their_group_filter_and_search(admin_client):
    vfx = Skill.objects.get(slug="compositing").group
    html = admin_client.get(url("skill", "list"), {"group": vfx.pk}).content.decode()
    assert "Compositing" in html and "Rotoscoping" in html
    assert "Colour grading" not in html  # another group's skill is filtered out
    html = admin_client.get(url("skill", "list"), {"q": "grading"}).content.decode()
    assert "Colour grading" in html
    assert "Rotoscoping" not in html


def test_an_editor_lists_and_adds_a_place(admin_client):
    html = admin_client.get(url("place", "list"), {"q": "Leek"}).content.decode()
    assert "Leek" in html
    response = admin_client.post(
        url("place", "add"),
        {
            "name": "Ipstones",
            "slug": "ipstones",
            "county": "Staffordshire",
            "latitude": "53.0500",
            "longitude": "-1.9700",
        },
    )
    assert response.status_code == 302
    place = Place.objects.get(slug="ipstones")
    assert (place.name, place.latitude) == ("Ipstones", 53.05)
    # and the new place is at once a "near" centre for the directory
    from directory.search.query import resolve_near

    assert resolve_near("Ipstones").slug == "ipstones"


def test_a_place_with_bad_coordinates_is_refused_with_a_message(admin_client):
    response = admin_client.post(
        url("place", "add"),
        {"name": "Nowhere", "slug": "nowhere", "county": "X", "latitude": "123", "longitude": "a"},
    )
    assert response.status_code == 200
    assert not Place.objects.filter(slug="nowhere").exists()
    assert "less than or equal to 90" in response.content.decode()


def outbox_row(enquiry, **fields):
    return outbound_email(
        f"Enquiry via Platform from {enquiry.name}",
        to=[enquiry.company.email],
        kind="enquiry",
        about=enquiry,
        **fields,
    )


def test_enquiries_are_listed_with_their_email_state_and_filterable(
    admin_client, django_assert_max_num_queries
):
    studio = company("Kiln Animation", email="hello@kiln.example")
    sent = Enquiry.objects.create(
        company=studio, name="Nadia Sent", email="n@example.com", message="Hello"
    )
    outbox_row(sent, status=OutboundEmail.Status.SENT, sent_at=timezone.now(), attempts=1)
    failed = Enquiry.objects.create(
        company=studio, name="Omar Failed", email="o@example.com", message="Hi"
    )
    failed_email = outbox_row(
        failed, status=OutboundEmail.Status.FAILED, attempts=8, last_error="SMTP refused"
    )
    waiting = Enquiry.objects.create(
        company=studio, name="Pat Waiting", email="p@example.com", message="Hey"
    )
    outbox_row(waiting, attempts=2, last_error="ConnectionRefusedError: refused")

    html = admin_client.get(url("enquiry", "list")).content.decode()
    assert "Nadia Sent" in html and "Omar Failed" in html
    assert "Kiln Animation" in html
    assert "Sent " in html
    assert "Failed after 8 attempts: SMTP refused" in html
    assert "Queued, 2 failed attempts" in html
    assert f"/admin/outbox/{failed_email.pk}/send-again/" in html

    html = admin_client.get(url("enquiry", "list"), {"emailed": "false"}).content.decode()
    assert "Omar Failed" in html and "Pat Waiting" in html and "Nadia Sent" not in html
    html = admin_client.get(url("enquiry", "list"), {"emailed": "true"}).content.decode()
    assert "Nadia Sent" in html and "Omar Failed" not in html

    inspect = admin_client.get(url("enquiry", "inspect", sent.pk))
    assert inspect.status_code == 200
    assert "Hello" in inspect.content.decode()

    for n in range(10):  # the email states come in one query, not one per row
        outbox_row(Enquiry.objects.create(company=studio, name=f"N{n}", email="x@e.com"))
    admin_client.get(url("enquiry", "list"))  # warm caches (site, permissions)
    with django_assert_max_num_queries(30) as queries:
        admin_client.get(url("enquiry", "list"))
    many = len(queries)
    outbox_row(Enquiry.objects.create(company=studio, name="One more", email="x@e.com"))
    with django_assert_max_num_queries(many):
        admin_client.get(url("enquiry", "list"))


def test_an_editor_sends_an_enquiry_email_again(editor_client):
    studio = company("Marl Pictures", email="hello@marl.example")
    enquiry = Enquiry.objects.create(company=studio, name="Priya", email="p@e.com", message="Hi")
    email = outbox_row(enquiry, status=OutboundEmail.Status.FAILED, attempts=8, last_error="x")
    listing = url("enquiry", "list")
    response = editor_client.post(f"/admin/outbox/{email.pk}/send-again/", {"next": listing})
    assert response.status_code == 302 and response["Location"] == listing
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.QUEUED, 0)


def test_enquiries_cannot_be_made_up_in_the_admin(admin_client):
    assert admin_client.get(url("enquiry", "add")).status_code in (302, 403)
    html = admin_client.get(url("enquiry", "list")).content.decode()
    assert url("enquiry", "add") not in html


@pytest.fixture
def editor_client(client, django_user_model):
    """A non-superuser in Wagtail's stock Editors group (as the demo editor is)."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("ed", "ed@example.com", "pw-Editor-1")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def test_a_non_superuser_editor_manages_places_and_reads_enquiries(editor_client):
    assert editor_client.get(url("place", "list")).status_code == 200
    response = editor_client.post(
        url("place", "add"),
        {
            "name": "Alton",
            "slug": "alton",
            "county": "Staffordshire",
            "latitude": "52.98",
            "longitude": "-1.89",
        },
    )
    assert response.status_code == 302
    assert Place.objects.filter(slug="alton").exists()
    assert editor_client.get(url("skill", "add")).status_code == 200

    studio = company("Marl Pictures")
    enquiry = Enquiry.objects.create(
        company=studio, name="Priya", email="p@example.com", message="Are you free in May?"
    )
    html = editor_client.get(url("enquiry", "list")).content.decode()
    assert "Priya" in html and "Marl Pictures" in html
    assert editor_client.get(url("enquiry", "inspect", enquiry.pk)).status_code == 200
    assert editor_client.get(url("enquiry", "add")).status_code in (302, 403)
