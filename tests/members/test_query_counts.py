"""Member pages make a fixed number of queries, however much a company has."""

from django.urls import reverse

from directory.models import Enquiry
from tests.directory.factories import SkillFactory

from .factories import editor
from .test_gallery import gallery_data, new_row
from .test_profile_changes import credits_data, edit_url, profile_data


def count_queries(client, url, django_assert_max_num_queries, limit):
    client.get(url)  # warm per-process caches (content types, site) first
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def grow(client, company, n):
    for i in range(n):
        Enquiry.objects.create(company=company, name=f"N{i}", email="n@example.com", message="Hi")
    skills = [SkillFactory(name=f"Count skill {n}-{i}") for i in range(n)]
    rows = [{"production": f"P{n}-{i}", "ORDER": str(i + 1)} for i in range(n)]
    images = [new_row(f"Still {n}-{i}", order=str(i + 1)) for i in range(n // 2)]
    response = client.post(
        edit_url(company),
        profile_data(
            company,
            skills=[s.pk for s in skills],
            **credits_data(*rows),
            **gallery_data(*images),
        ),
    )
    assert response.status_code == 302
    company.refresh_from_db()
    company.current_workflow_state.current_task_state.approve(user=editor())


def test_dashboard_and_edit_page_query_counts_do_not_grow_with_the_profile(
    owner_client, acme, django_assert_max_num_queries
):
    urls = [reverse("members:dashboard", args=[acme.pk]), edit_url(acme)]
    grow(owner_client, acme, 2)
    small = [count_queries(owner_client, u, django_assert_max_num_queries, 60) for u in urls]
    grow(owner_client, acme, 12)
    large = [count_queries(owner_client, u, django_assert_max_num_queries, 60) for u in urls]
    assert large == small
