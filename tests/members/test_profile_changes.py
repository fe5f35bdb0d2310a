"""Member edits: revision + moderation, live page untouched, editor decision emailed."""

from django.core import mail
from django.urls import reverse

from wagtail.models import PageLogEntry, WorkflowState

import pytest

from directory.models import CompanyCredit, CompanyPage
from directory.search import run_search
from directory.search.base import SearchQuery
from tests.directory.factories import SkillFactory

from .factories import editor, member, upload


def profile_data(company, **overrides):
    """A complete POST for the profile form, starting from the company as it is."""
    data = {
        "title": company.title,
        "strapline": company.strapline,
        "about_text": "",
        "skills": [s.pk for s in company.skills.all()],
        "sectors": [s.pk for s in company.sectors.all()],
        "place": company.place_id or "",
        "latitude": "",
        "longitude": "",
        "service_area": company.service_area,
        "size_band": company.size_band,
        "year_founded": company.year_founded or "",
        "website": company.website,
        "email": company.email,
        "phone": company.phone,
        "linkedin_url": "",
        "instagram_url": "",
        "x_url": "",
        "youtube_url": "",
        "vimeo_url": "",
        "showreel_url": company.showreel_url,
        "logo_description": "",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
        "gallery_images-TOTAL_FORMS": "0",
        "gallery_images-INITIAL_FORMS": "0",
        # The revision the member started from, as the form page gives it.
        "base_revision": CompanyPage.objects.get(pk=company.pk).latest_revision_id,
    }
    data.update(overrides)
    return data


def formset_data(prefix, *rows, initial=0):
    """POST data for the ``prefix`` formset's rows, the first ``initial`` being existing ones."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def credits_data(*rows, initial=0):
    return formset_data("credits", *rows, initial=initial)


def edit_url(company):
    return reverse("members:edit_profile", args=[company.pk])


def test_saving_creates_a_revision_by_the_member_and_submits_it(owner_client, owner, acme):
    response = owner_client.post(
        edit_url(acme), profile_data(acme, strapline="Stop-motion with heart")
    )
    assert response.status_code == 302, response.context["form"].errors
    acme.refresh_from_db()
    # The public page keeps the approved version...
    assert acme.strapline == ""
    assert CompanyPage.objects.live().get(pk=acme.pk).strapline == ""
    # ...while the revision holds the change, made by the member, in moderation.
    revision = acme.get_latest_revision()
    assert revision.user == owner
    assert revision.as_object().strapline == "Stop-motion with heart"
    state = acme.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == owner
    assert PageLogEntry.objects.filter(page=acme, user=owner, action="wagtail.edit").exists()
    # The public URL still serves the live version.
    public = owner_client.get(acme.url)
    assert b"Stop-motion with heart" not in public.content


def test_member_previews_the_pending_version(owner_client, acme):
    owner_client.post(edit_url(acme), profile_data(acme, strapline="Pending strapline"))
    response = owner_client.get(reverse("members:preview", args=[acme.pk]))
    assert response.status_code == 200
    assert b"Pending strapline" in response.content
    assert response["X-Robots-Tag"] == "noindex"


def test_approval_publishes_emails_the_member_and_search_finds_the_new_skill(
    owner_client, owner, acme, django_capture_on_commit_callbacks
):
    stop_motion = SkillFactory(name="Stop motion", slug="members-stop-motion")
    owner_client.post(
        edit_url(acme),
        profile_data(acme, skills=[s.pk for s in acme.skills.all()] + [stop_motion.pk]),
    )
    before = run_search(SearchQuery(filters={"skill": (stop_motion.slug,)}))
    assert before.total == 0

    mail.outbox.clear()
    acme.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):  # mail goes after the commit
        acme.current_workflow_state.current_task_state.approve(user=editor(), comment="Lovely.")

    acme.refresh_from_db()
    assert stop_motion in acme.skills.all()
    assert acme.current_workflow_state is None
    after = run_search(SearchQuery(filters={"skill": (stop_motion.slug,)}))
    assert [hit.title for hit in after.hits] == ["Acme Animation"]
    [message] = [m for m in mail.outbox if owner.email in m.to]
    assert "approved" in message.subject
    assert "Lovely." in message.body
    dashboard = owner_client.get(reverse("members:dashboard", args=[acme.pk]))
    assert b"Approved and published" in dashboard.content


def test_request_for_changes_is_emailed_and_shown_then_resubmission_resumes(
    owner_client, owner, acme, django_capture_on_commit_callbacks
):
    owner_client.post(edit_url(acme), profile_data(acme, strapline="Best in the world"))
    acme.refresh_from_db()
    state = acme.current_workflow_state
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        state.current_task_state.reject(user=editor(), comment="Please avoid superlatives.")

    [message] = [m for m in mail.outbox if owner.email in m.to]
    assert "needs changes" in message.subject
    assert "Please avoid superlatives." in message.body
    dashboard = owner_client.get(reverse("members:dashboard", args=[acme.pk]))
    assert b"An editor asked for changes" in dashboard.content
    assert b"Please avoid superlatives." in dashboard.content

    owner_client.post(edit_url(acme), profile_data(acme, strapline="Stop-motion with heart"))
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert WorkflowState.objects.for_instance(acme).count() == 1
    acme.refresh_from_db()
    assert acme.strapline == ""  # still not live


def test_second_save_while_in_moderation_restarts_review_of_the_new_version(owner_client, acme):
    owner_client.post(edit_url(acme), profile_data(acme, strapline="First"))
    owner_client.post(edit_url(acme), profile_data(acme, strapline="Second"))
    acme.refresh_from_db()
    states = WorkflowState.objects.for_instance(acme)
    assert states.filter(status=WorkflowState.STATUS_IN_PROGRESS).count() == 1
    acme.current_workflow_state.current_task_state.approve(user=editor())
    acme.refresh_from_db()
    assert acme.strapline == "Second"


def test_form_starts_from_the_pending_version(owner_client, acme):
    owner_client.post(edit_url(acme), profile_data(acme, strapline="Pending"))
    response = owner_client.get(edit_url(acme))
    assert response.context["form"]["strapline"].value() == "Pending"


def test_credits_add_reorder_and_remove(owner_client, acme):
    rows = [
        {"production": "Wallace", "client": "BBC", "year": "2020", "role": "Rigging", "ORDER": "2"},
        {"production": "Gromit", "client": "C4", "year": "2021", "role": "Animation", "ORDER": "1"},
    ]
    owner_client.post(edit_url(acme), profile_data(acme, **credits_data(*rows)))
    acme.refresh_from_db()
    draft = acme.get_latest_revision_as_object()
    assert [c.production for c in draft.credits.all()] == ["Gromit", "Wallace"]

    # Approve so the credits get ids, then remove one through the formset.
    acme.current_workflow_state.current_task_state.approve(user=editor())
    acme.refresh_from_db()
    credits = list(acme.credits.all())
    rows = [
        {"id": credits[0].pk, "production": "Gromit", "ORDER": "1", "DELETE": "on"},
        {"id": credits[1].pk, "production": "Wallace", "ORDER": "2"},
    ]
    owner_client.post(edit_url(acme), profile_data(acme, **credits_data(*rows, initial=2)))
    acme.refresh_from_db()
    draft = acme.get_latest_revision_as_object()
    assert [c.production for c in draft.credits.all()] == ["Wallace"]


def test_credit_of_another_company_cannot_be_edited_through_the_formset(owner_client, acme, rival):
    rival_credit = CompanyCredit.objects.create(company=rival, production="Their film")
    rows = [{"id": rival_credit.pk, "production": "Hijacked", "ORDER": "1"}]
    response = owner_client.post(
        edit_url(acme), profile_data(acme, **credits_data(*rows, initial=1))
    )
    assert response.status_code in (200, 302)  # either refused or saved as Acme's own row
    rival_credit.refresh_from_db()
    assert rival_credit.production == "Their film"
    assert rival_credit.company_id == rival.pk
    acme.refresh_from_db()
    draft = acme.get_latest_revision_as_object()
    # The foreign id is not honoured: at most the row becomes a new credit of Acme's own.
    assert all(c.pk != rival_credit.pk for c in draft.credits.all())
    acme.current_workflow_state.current_task_state.approve(user=editor())
    rival_credit.refresh_from_db()
    assert (rival_credit.company_id, rival_credit.production) == (rival.pk, "Their film")


def test_about_text_becomes_escaped_paragraphs(owner_client, acme):
    text = "We make <b>films</b>.\n\nAnd games & apps."
    owner_client.post(edit_url(acme), profile_data(acme, about_text=text))
    acme.refresh_from_db()
    about = acme.get_latest_revision_as_object().about
    assert about == "<p>We make &lt;b&gt;films&lt;/b&gt;.</p><p>And games &amp; apps.</p>"


def test_invalid_input_redisplays_with_messages_not_500(owner_client, acme):
    response = owner_client.post(
        edit_url(acme),
        profile_data(acme, website="not a url", year_founded="1200", latitude="53.0"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "website" in errors and "year_founded" in errors and "longitude" in errors
    assert acme.get_latest_revision().pk == CompanyPage.objects.get(pk=acme.pk).latest_revision_id


def test_logo_upload_goes_into_the_revision_with_its_description(owner_client, acme):
    response = owner_client.post(
        edit_url(acme),
        profile_data(acme, logo_upload=upload(), logo_description="Acme Animation logo"),
    )
    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.logo_id is None  # not live yet
    draft = acme.get_latest_revision_as_object()
    assert draft.logo.description == "Acme Animation logo"
    assert draft.logo.file.name.endswith(".png")
    assert draft.logo.collection.name == "Member uploads"


def test_logo_needs_a_description(owner_client, acme):
    response = owner_client.post(edit_url(acme), profile_data(acme, logo_upload=upload()))
    assert response.status_code == 200
    assert "logo_description" in response.context["form"].errors


@pytest.mark.parametrize("missing", ["a logo", "three credits", "a showreel"])
def test_dashboard_lists_what_is_missing(owner_client, acme, missing):
    response = owner_client.get(reverse("members:dashboard", args=[acme.pk]))
    assert missing in response.content.decode()
    assert response.context["completeness"] == acme.profile_completeness()[0]


def test_dashboard_shows_recent_enquiries(owner_client, acme, rival):
    acme.enquiries.create(name="Nadia", email="n@example.com", message="Can you animate?")
    rival.enquiries.create(name="Secret", email="s@example.com", message="Not for Acme")
    content = owner_client.get(reverse("members:dashboard", args=[acme.pk])).content.decode()
    assert "Nadia" in content and "Secret" not in content


def test_a_stale_form_does_not_undo_someone_elses_change(client, owner_client, acme):
    stale = profile_data(acme, strapline="Mine")
    colleague = member(acme, "colleague@acme.example", role="editor")
    client.force_login(colleague)
    assert client.post(edit_url(acme), profile_data(acme, strapline="Theirs")).status_code == 302
    response = owner_client.post(edit_url(acme), stale)
    assert response.status_code == 200
    assert "Someone else saved changes" in response.content.decode()
    acme.refresh_from_db()
    assert acme.get_latest_revision_as_object().strapline == "Theirs"


def test_a_page_locked_by_an_editor_cannot_be_saved(owner_client, acme):
    acme.locked = True
    acme.locked_by = editor()
    acme.save()
    response = owner_client.post(edit_url(acme), profile_data(acme, strapline="Mine"))
    assert response.status_code == 200
    assert "An editor is working on this page" in response.content.decode()
    assert acme.get_latest_revision().user is None


def test_a_new_logo_description_waits_for_approval_too(owner_client, acme):
    owner_client.post(
        edit_url(acme), profile_data(acme, logo_upload=upload(), logo_description="Old words")
    )
    acme.current_workflow_state.current_task_state.approve(user=editor())
    acme.refresh_from_db()
    live_logo = acme.logo
    assert live_logo.description == "Old words"

    response = owner_client.post(
        edit_url(acme), profile_data(acme, logo_description="Acme's red kiln logo")
    )
    assert response.status_code == 302
    live_logo.refresh_from_db()
    assert live_logo.description == "Old words"  # the public alt text is unchanged
    acme.refresh_from_db()
    assert acme.logo_id == live_logo.pk
    draft_logo = acme.get_latest_revision_as_object().logo
    assert draft_logo.pk != live_logo.pk
    assert draft_logo.description == "Acme's red kiln logo"
    assert draft_logo.collection.name == "Member uploads"
    with draft_logo.open_file() as copy, live_logo.open_file() as original:
        assert copy.read() == original.read()  # the same picture, newly described

    acme.current_workflow_state.current_task_state.approve(user=editor())
    acme.refresh_from_db()
    assert acme.logo.description == "Acme's red kiln logo"
