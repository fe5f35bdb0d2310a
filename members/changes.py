"""Member edits as Wagtail revisions, submitted to the moderation workflow.

The live page is never touched here: a member's save becomes a new revision
(so Wagtail's history records who made it) and goes to the editors. The
editors' approval publishes it through Wagtail's own workflow, which is what
fires ``page_published`` and therefore the search index sync.
"""

from dataclasses import dataclass

from django.db import transaction

from wagtail.models import TaskState, WorkflowState

from . import private_uploads
from .models import CompanyMembership
from .notifications import decision_comment


@transaction.atomic
def submit_changes(page, user):
    """Save ``page`` (the edited latest-revision object) as a revision and submit it.

    Returns the revision. Re-submitting restarts a workflow that is still in
    progress, so editors always approve the version they actually looked at.
    """
    revision = page.save_revision(user=user, log_action=True)
    real_page = type(page).objects.get(pk=page.pk)
    state = real_page.current_workflow_state
    if state and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
    else:
        if state and state.status == WorkflowState.STATUS_IN_PROGRESS:
            state.cancel(user=user)
        workflow = real_page.get_workflow()
        if workflow is not None and workflow.active:
            workflow.start(real_page, user)
    # Uploads of the version this one replaces may be nobody's any more.
    private_uploads.schedule_discard()
    return revision


def pending_revision(page, company):
    """The revision of ``page`` in moderation that a member of ``company`` submitted, or None.

    Only a change still under review counts: once it is approved it is the
    live page, and once withdrawn it is nobody's to continue.
    """
    state = page.current_workflow_state
    if state is None or state.status not in (
        WorkflowState.STATUS_IN_PROGRESS,
        WorkflowState.STATUS_NEEDS_CHANGES,
    ):
        return None
    task_state = state.current_task_state
    revision = task_state.revision if task_state else None
    if revision is None or revision.user_id is None:
        return None
    if not CompanyMembership.objects.filter(company=company, user_id=revision.user_id).exists():
        return None
    return revision


def working_copy(page, company, related=("skills", "sectors", "credits")):
    """What a member of ``company`` works from: the live page, or their pending change.

    Never the latest revision as such: it may be an editor's unpublished
    draft, which a member's save would otherwise resubmit as their own. A
    colleague's pending change counts as the company's own, so a second
    member continues it instead of silently replacing it.

    Rebuilding a page from its revision costs queries per credit, skill and
    gallery image (Wagtail checks each stored reference), so it is only done
    when a change is actually pending; otherwise the page itself, with the
    ``related`` lookups prefetched, holds the approved content.
    """
    revision = pending_revision(page, company) if page.has_unpublished_changes else None
    if revision is not None:
        return revision.as_object()
    return type(page).objects.prefetch_related(*related).get(pk=page.pk)


def working_revision(page, company):
    """The revision ``working_copy`` holds: the company's pending change, else the live one."""
    return pending_revision(page, company) or page.live_revision


STALE = "Someone else saved changes since you opened this form, so yours were not sent yet."


def why_not_editable(request, page, company) -> str:
    """A reason this member cannot save ``page`` right now, or "".

    An editor's explicit lock wins. (Wagtail's workflow lock, which keeps
    non-reviewers out while a page is in moderation, is deliberately not
    applied: a member may correct a pending change, which restarts the review.)
    A save based on another version than the one members now work from (one
    published or submitted meanwhile) would silently undo that change, so it
    is refused; an editor's unpublished draft is not what members work from,
    so it does not count.
    """
    if page.locked and page.locked_by_id != request.user.pk:
        return "An editor is working on this page right now. Please try again later."
    current = working_revision(page, company)
    if page.pk and str(current.pk if current else "") != request.POST.get("base_revision", ""):
        return STALE
    return ""


def preview_response(request, page, company):
    """What the member works from (see ``working_copy``) as the public would see it, privately."""
    draft = working_copy(page, company)
    response = draft.make_preview_request(request, draft.default_preview_mode)
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response


@dataclass
class ChangeStatus:
    """What the dashboard says about the member's latest submitted change."""

    state: str  # "none", "in_progress", "needs_changes", "approved", "cancelled"
    label: str
    comment: str = ""
    decided_by: str = ""
    submitted_at: object = None
    decided_at: object = None
    has_draft: bool = False


LABELS = {
    WorkflowState.STATUS_IN_PROGRESS: "Waiting for an editor to review",
    WorkflowState.STATUS_NEEDS_CHANGES: "An editor asked for changes",
    WorkflowState.STATUS_APPROVED: "Approved and published",
    WorkflowState.STATUS_CANCELLED: "Withdrawn",
}


def change_status(page) -> ChangeStatus:
    state = (
        WorkflowState.objects.for_instance(page)
        .select_related("requested_by")
        .order_by("-created_at", "-id")
        .first()
    )
    if state is None:
        return ChangeStatus(
            state="none", label="No changes submitted yet", has_draft=page.has_unpublished_changes
        )
    last_task = (
        TaskState.objects.filter(workflow_state=state, finished_at__isnull=False)
        .select_related("finished_by")
        .order_by("-finished_at", "-id")
        .first()
    )
    decided = state.status in (WorkflowState.STATUS_APPROVED, WorkflowState.STATUS_NEEDS_CHANGES)
    editor = last_task.finished_by if (decided and last_task) else None
    return ChangeStatus(
        state=state.status,
        label=LABELS.get(state.status, state.get_status_display()),
        comment=decision_comment(state) if decided else "",
        decided_by=(editor.get_full_name() or "an editor") if editor else "",
        submitted_at=state.created_at,
        decided_at=last_task.finished_at if (decided and last_task) else None,
        has_draft=page.has_unpublished_changes,
    )
