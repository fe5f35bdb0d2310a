"""Invitations: from the admin and from owners; single use, expiring, validators on."""

import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cms.outbox.models import OutboundEmail
from members.models import CompanyMembership, Invitation, hash_token

from .factories import PASSWORD, editor, member, user

STRONG = "Kiln-and-Clay-2026!"


def link_from(message):
    return re.search(r"https?://\S+/members/invitations/\S+/", message.body).group(0)


def path_of(link):
    return "/" + link.split("/", 3)[3]


def test_editor_invites_from_the_admin_and_the_contact_joins(
    client, acme, django_capture_on_commit_callbacks
):
    client.force_login(editor())
    url = reverse("members_admin:invite", args=[acme.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # mail goes after the commit
        response = client.post(url, {"email": "Founder@Acme.example", "role": "owner"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["founder@acme.example"]
    assert "Acme Animation" in message.subject
    invitation = Invitation.objects.get()
    link = path_of(link_from(message))
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_hash == hash_token(token) and token not in invitation.token_hash

    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and b"Choose a password" in page.content
    joined = client.post(link, {"first_name": "Fay", "password1": STRONG, "password2": STRONG})
    assert joined.status_code == 302
    assert joined["Location"] == reverse("members:dashboard", args=[acme.pk])
    account = get_user_model().objects.get(email="founder@acme.example")
    assert account.check_password(STRONG)
    assert not account.is_staff and not account.is_superuser
    assert not account.has_perm("wagtailadmin.access_admin")
    assert CompanyMembership.objects.get(user=account).role == "owner"
    assert client.get(reverse("members:dashboard", args=[acme.pk])).status_code == 200


def test_admin_invite_button_is_on_company_pages(client, acme):
    client.force_login(editor())
    response = client.get(reverse("wagtailadmin_pages:edit", args=[acme.pk]))
    assert reverse("members_admin:invite", args=[acme.pk]).encode() in response.content


def test_the_admin_invite_needs_publish_permission(client, owner, acme):
    client.force_login(owner)
    response = client.get(reverse("members_admin:invite", args=[acme.pk]))
    assert response.status_code in (302, 403)
    assert not Invitation.objects.exists()


def test_the_link_works_once(client, acme):
    _invitation, token = Invitation.create(email="a@example.com", company=acme, role="editor")
    url = reverse("members:accept_invitation", args=[token])
    client.post(url, {"first_name": "A", "password1": STRONG, "password2": STRONG})
    client.logout()
    again = client.get(url)
    assert again.status_code == 404
    second = client.post(url, {"first_name": "B", "password1": STRONG, "password2": STRONG})
    assert second.status_code == 404
    assert get_user_model().objects.filter(email="a@example.com").count() == 1


def test_expired_revoked_and_forged_links_are_refused(client, acme):
    expired, expired_token = Invitation.create(email="e@example.com", company=acme, role="editor")
    expired.expires_at = timezone.now() - timedelta(seconds=1)
    expired.save()
    revoked, revoked_token = Invitation.create(email="r@example.com", company=acme, role="editor")
    revoked.revoked_at = timezone.now()
    revoked.save()
    for token in (expired_token, revoked_token, "forged-token", expired_token[:-1] + "x"):
        response = client.get(reverse("members:accept_invitation", args=[token]))
        assert response.status_code == 404
        assert b"no longer works" in response.content
    assert not get_user_model().objects.filter(email__in=["e@example.com", "r@example.com"])


def test_weak_or_mismatched_passwords_are_refused(client, acme):
    _invitation, token = Invitation.create(email="w@example.com", company=acme, role="editor")
    url = reverse("members:accept_invitation", args=[token])
    for p1, p2 in [
        ("password", "password"),
        ("12345678901", "12345678901"),
        ("short1!", "short1!"),
        (STRONG, STRONG + "x"),
        ("w@example.com1", "w@example.com1"),
    ]:
        response = client.post(url, {"first_name": "W", "password1": p1, "password2": p2})
        assert response.status_code == 200, (p1, p2)
        assert response.context["form"].errors
    assert not get_user_model().objects.filter(email="w@example.com").exists()
    assert Invitation.from_token(token) is not None  # still usable


def test_existing_account_joins_another_company_by_signing_in(client, acme, rival):
    person = member(rival, "both@example.com")
    _invitation, token = Invitation.create(email="both@example.com", company=acme, role="editor")
    url = reverse("members:accept_invitation", args=[token])
    assert b"Sign in to accept" in client.get(url).content
    client.force_login(person)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert set(CompanyMembership.objects.filter(user=person).values_list("company", flat=True)) == {
        acme.pk,
        rival.pk,
    }
    assert Invitation.from_token(token) is None


def test_someone_else_signed_in_cannot_use_the_link(client, acme, owner):
    _invitation, token = Invitation.create(email="other@example.com", company=acme, role="owner")
    user("other@example.com")
    client.force_login(owner)
    url = reverse("members:accept_invitation", args=[token])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert Invitation.from_token(token) is not None


def test_owner_invites_a_colleague_and_removes_them(
    owner_client, owner, acme, django_capture_on_commit_callbacks
):
    team = reverse("members:team", args=[acme.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(team, {"email": "colleague@acme.example", "role": "editor"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["colleague@acme.example"]
    invitation = Invitation.objects.get()
    assert invitation.invited_by == owner and invitation.company == acme

    colleague = member(acme, "colleague@acme.example", role="editor")
    membership = CompanyMembership.objects.get(user=colleague)
    remove = reverse("members:remove_member", args=[acme.pk, membership.pk])
    assert owner_client.post(remove).status_code == 302
    assert not CompanyMembership.objects.filter(pk=membership.pk).exists()


def test_owner_withdraws_an_invitation(owner_client, acme):
    invitation, token = Invitation.create(email="late@example.com", company=acme, role="editor")
    url = reverse("members:revoke_invitation", args=[acme.pk, invitation.pk])
    assert owner_client.post(url).status_code == 302
    assert Invitation.from_token(token) is None


def test_the_last_owner_cannot_be_removed(owner_client, owner, acme):
    membership = CompanyMembership.objects.get(user=owner)
    owner_client.post(reverse("members:remove_member", args=[acme.pk, membership.pk]))
    assert CompanyMembership.objects.filter(pk=membership.pk).exists()


def test_inviting_an_existing_member_is_refused(owner_client, owner, acme):
    response = owner_client.post(
        reverse("members:team", args=[acme.pk]), {"email": owner.email.upper(), "role": "editor"}
    )
    assert response.status_code == 200
    assert "already a member" in str(response.context["form"].errors)
    assert not mail.outbox and not OutboundEmail.objects.exists()


def test_removal_is_get_proof(owner_client, acme):
    colleague = member(acme, "c@acme.example", role="editor")
    membership = CompanyMembership.objects.get(user=colleague)
    url = reverse("members:remove_member", args=[acme.pk, membership.pk])
    assert owner_client.get(url).status_code == 405
    assert CompanyMembership.objects.filter(pk=membership.pk).exists()


def test_sign_in_and_out(client, owner, acme):
    response = client.post(
        reverse("members:login"), {"username": "OWNER@acme.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("members:dashboard", args=[acme.pk])).status_code == 200
    assert client.post(reverse("members:logout")).status_code == 302
    assert client.get(reverse("members:dashboard", args=[acme.pk])).status_code == 302


def test_an_account_created_meanwhile_is_asked_to_sign_in_not_duplicated(client, acme, rival):
    _a, token_a = Invitation.create(email="twice@example.com", company=acme, role="editor")
    _b, token_b = Invitation.create(email="twice@example.com", company=rival, role="editor")
    url_b = reverse("members:accept_invitation", args=[token_b])
    client.get(url_b)  # the form is open in one tab...
    other = client.__class__()
    other.post(  # ...while the other invitation is accepted in another
        reverse("members:accept_invitation", args=[token_a]),
        {"first_name": "T", "password1": STRONG, "password2": STRONG},
    )
    response = client.post(url_b, {"first_name": "T", "password1": STRONG, "password2": STRONG})
    assert response.status_code == 200
    assert b"Sign in to accept" in response.content
    assert get_user_model().objects.filter(email="twice@example.com").count() == 1
