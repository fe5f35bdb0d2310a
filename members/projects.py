"""Members keep their company's showcase projects current, through moderation too.

A member may edit a project their company is credited on (a ``ProjectCompany``
row) and add new ones, which start as drafts under the showcase index. Which
companies a project names stays with the editors: the form never offers it.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify

from wagtail.models import WorkflowState

from showcase.models import ProjectCompany, ProjectPage, ShowcaseIndexPage

from .changes import preview_response, submit_changes, working_copy
from .forms import GALLERY_ROWS, MemberPageForm, ParagraphsField, ordered_rows
from .permissions import membership_or_404
from .views import NOTHING_CHANGED, apply_uploads, bind_page_form


class AwardRowForm(forms.ModelForm):
    """One award, nomination or festival selection, in words a member recognises."""

    class Meta:
        labels = {
            "kind": "Result",
            "name": "Festival or award",
            "category": "Category",
            "year": "Year",
        }
        help_texts = {
            "name": "e.g. Annecy, BAFTA Craft, Sheffield DocFest.",
            "category": "Optional, e.g. Best Short Animation.",
        }


class ProjectForm(MemberPageForm):
    synopsis_text = ParagraphsField(
        label="Synopsis",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the work is about. Separate paragraphs with a blank line.",
    )
    company_role = forms.CharField(
        label="Your company's role",
        max_length=120,
        required=False,
        help_text="e.g. Animation studio, Post-production.",
    )

    rich_text = ("synopsis", "synopsis_text")
    ordered_formsets = ("awards", "credits", "gallery_images")
    related = (*MemberPageForm.related, "awards")
    image = ("poster", "poster", "Animator posing a clay figure on a kitchen set")
    skills_help = "The skills the work shows."
    sectors_help = "The genres or markets it belongs to."

    class Meta:
        model = ProjectPage
        fields = ["title", "kind", "year", "client", "video_url", "skills", "sectors"]
        labels = {"title": "Project title"}
        formsets = {
            "awards": ordered_rows(["kind", "name", "category", "year"], form=AwardRowForm),
            "credits": ordered_rows(["role", "name"]),
            "gallery_images": GALLERY_ROWS,
        }

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        if self.instance.pk:
            del self.fields["company_role"]  # roles on existing projects are the editors'
        else:
            # Wagtail checks the slug against the parent page, which a new
            # project does not have yet; the view gives it a unique slug.
            self.instance.slug = self.instance.slug or "new-project"


def _project_or_404(company, project_id):
    credited = ProjectCompany.objects.filter(company=company, project_id=project_id)
    if not credited.exists():
        raise Http404("No such project")
    return get_object_or_404(ProjectPage, pk=project_id)


def _status(project):
    state = project.current_workflow_state
    if state and state.status == WorkflowState.STATUS_IN_PROGRESS:
        return "Waiting for an editor to review"
    if state and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return "An editor asked for changes"
    if not project.live:
        return "Draft"
    return (
        "Published, with changes not yet approved"
        if project.has_unpublished_changes
        else "Published"
    )


def _unique_slug(parent, title):
    base = slugify(title)[:70] or "project"
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@login_required
def project_list(request, company_id):
    membership = membership_or_404(request.user, company_id)
    company = membership.company
    projects = (
        ProjectPage.objects.filter(project_companies__company=company)
        .distinct()
        .order_by("-year", "title")
    )
    rows = [(project, _status(project)) for project in projects]
    return render(
        request,
        "members/projects.html",
        {"company": company, "membership": membership, "rows": rows, "active": "projects"},
    )


@login_required
def project_edit(request, company_id, project_id=None):
    membership = membership_or_404(request.user, company_id)
    company = membership.company
    if project_id is None:
        index = ShowcaseIndexPage.objects.first()
        if index is None:
            messages.error(request, "The showcase is not open yet: ask the cluster team.")
            return redirect("members:projects", company.pk)
        project = ProjectPage(owner=request.user)
    else:
        index = None
        project = working_copy(_project_or_404(company, project_id), company, ProjectForm.related)
    state = bind_page_form(
        request,
        ProjectForm,
        ProjectPage.objects.get(pk=project_id) if project_id else None,
        company,
        project,
        {"company": company},
    )
    form = state.form
    if request.method == "POST" and not state.blocked:
        if form.is_valid():
            if index is None and not form.has_changed():
                messages.info(request, NOTHING_CHANGED)
                return redirect("members:projects", company.pk)
            page = form.save(commit=False)
            with transaction.atomic():
                apply_uploads(form, page, request.user, company)
                if index is not None:
                    page.slug = _unique_slug(index, page.title)
                    page.live = False
                    page.project_companies = [
                        ProjectCompany(
                            company=company, role=form.cleaned_data.get("company_role", "")
                        )
                    ]
                    index.add_child(instance=page)
                submit_changes(page, request.user)
            messages.success(
                request,
                f"“{page.title}” was sent to the editors; it appears in the showcase once "
                "they approve.",
            )
            return redirect("members:projects", company.pk)
        messages.error(request, "Please correct the highlighted fields below.")
    return render(
        request,
        "members/project_form.html",
        {
            "company": company,
            "membership": membership,
            "form": form,
            "project": project if project_id else None,
            "active": "projects",
            "state": state,
            "base_revision": state.base_revision,
        },
    )


@login_required
def project_preview(request, company_id, project_id):
    membership = membership_or_404(request.user, company_id)
    company = membership.company
    return preview_response(request, _project_or_404(company, project_id), company)
