"""Object-level permission on every member URL; no admin for members; CSRF everywhere."""

from django.test import Client
from django.urls import reverse

import pytest

from members.models import CompanyMembership, Invitation

from .factories import PASSWORD, member


def company_urls(company_id, membership_id=1, invitation_id=1):
    return [
        reverse("members:dashboard", args=[company_id]),
        reverse("members:insight", args=[company_id]),
        reverse("members:edit_profile", args=[company_id]),
        reverse("members:preview", args=[company_id]),
        reverse("members:enquiries", args=[company_id]),
        reverse("members:team", args=[company_id]),
    ], [
        reverse("members:edit_profile", args=[company_id]),
        reverse("members:team", args=[company_id]),
        reverse("members:remove_member", args=[company_id, membership_id]),
        reverse("members:revoke_invitation", args=[company_id, invitation_id]),
    ]


def test_every_url_of_another_company_is_404(owner_client, acme, rival):
    rival_owner = member(rival, "boss@rival.example")
    rival_membership = CompanyMembership.objects.get(user=rival_owner)
    invitation, _token = Invitation.create(email="x@rival.example", company=rival, role="editor")
    gets, posts = company_urls(rival.pk, rival_membership.pk, invitation.pk)
    for url in gets:
        assert owner_client.get(url).status_code == 404, url
    for url in posts:
        assert (
            owner_client.post(url, {"email": "evil@example.com", "role": "owner"}).status_code
            == 404
        ), url
    # Nothing changed on the other side.
    assert CompanyMembership.objects.filter(pk=rival_membership.pk).exists()
    assert Invitation.objects.filter(company=rival).count() == 1
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None


def test_unknown_company_is_404_too(owner_client):
    gets, _posts = company_urls(999999)
    for url in gets:
        assert owner_client.get(url).status_code == 404


def test_own_membership_cannot_remove_someone_of_another_company(owner_client, acme, rival):
    rival_membership = CompanyMembership.objects.get(user=member(rival, "b@rival.example"))
    url = reverse("members:remove_member", args=[acme.pk, rival_membership.pk])
    assert owner_client.post(url).status_code == 404
    assert CompanyMembership.objects.filter(pk=rival_membership.pk).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, acme):
    gets, posts = company_urls(acme.pk)
    for url in gets + [reverse("members:home")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("members:login"))


def test_a_user_of_several_companies_sees_each(client, acme, rival):
    person = member(acme, "both@example.com")
    member(rival, "both@example.com", role=CompanyMembership.Role.EDITOR)
    client.force_login(person)
    home = client.get(reverse("members:home"))
    assert home.status_code == 200
    assert b"Acme Animation" in home.content and b"Rival Pictures" in home.content
    for company in (acme, rival):
        assert client.get(reverse("members:dashboard", args=[company.pk])).status_code == 200


def test_a_single_company_member_goes_straight_to_its_dashboard(owner_client, acme):
    response = owner_client.get(reverse("members:home"))
    assert response["Location"] == reverse("members:dashboard", args=[acme.pk])


def test_editors_cannot_invite_or_remove(client, acme, owner):
    colleague = member(acme, "ed@acme.example", role=CompanyMembership.Role.EDITOR)
    client.force_login(colleague)
    team = reverse("members:team", args=[acme.pk])
    assert client.get(team).status_code == 200
    assert client.post(team, {"email": "new@example.com", "role": "owner"}).status_code == 403
    owner_membership = CompanyMembership.objects.get(user=owner, company=acme)
    remove = reverse("members:remove_member", args=[acme.pk, owner_membership.pk])
    assert client.post(remove).status_code == 403
    assert not Invitation.objects.exists()
    assert CompanyMembership.objects.filter(pk=owner_membership.pk).exists()


def test_members_cannot_reach_the_wagtail_admin(client, owner):
    assert not owner.has_perm("wagtailadmin.access_admin")
    client.force_login(owner)
    for url in ("/admin/", "/admin/pages/", "/admin/images/"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert "/admin/login/" in response["Location"]


def test_members_cannot_sign_in_to_the_admin(owner):
    client = Client()
    response = client.post("/admin/login/", {"username": owner.username, "password": PASSWORD})
    assert client.get("/admin/").status_code == 302
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    "name,extra",
    [("edit_profile", {}), ("team", {"email": "a@example.com", "role": "editor"})],
)
def test_csrf_is_enforced_on_member_forms(owner, acme, name, extra):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(reverse(f"members:{name}", args=[acme.pk]), extra)
    assert response.status_code == 403


def test_csrf_is_enforced_on_login_and_invitations(owner, acme):
    client = Client(enforce_csrf_checks=True)
    login = client.post(reverse("members:login"), {"username": owner.email, "password": PASSWORD})
    assert login.status_code == 403
    _invitation, token = Invitation.create(email="new@example.com", company=acme, role="editor")
    accept = client.post(reverse("members:accept_invitation", args=[token]), {})
    assert accept.status_code == 403


def test_member_pages_render_their_csrf_token(owner_client, acme):
    for name in ("edit_profile", "team"):
        content = owner_client.get(reverse(f"members:{name}", args=[acme.pk])).content
        assert b'name="csrfmiddlewaretoken"' in content
