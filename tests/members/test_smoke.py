from django.urls import reverse


def test_dashboard_and_edit_render(owner_client, acme):
    r = owner_client.get(reverse("members:dashboard", args=[acme.pk]))
    assert r.status_code == 200, r.content[:2000]
    r = owner_client.get(reverse("members:edit_profile", args=[acme.pk]))
    assert r.status_code == 200, r.content[:3000]
