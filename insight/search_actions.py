"""What editors do about a search with no or few results, from the report.

Three actions, each for editors who may make that change (Wagtail's Editors
and Moderators groups, by migration): *add a synonym* (``admin_views``),
*pin a company* for the search (a ``directory.search.models.SearchPin``:
the company comes first on that search, labelled "Editor's pick", on both
backends), and *mark a skills gap* with a note (``models.SkillsGap``, listed
in the report and shown beside its search). Pins and gaps are snippets too
(Search pins, Skills gaps), where editors change or remove them.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from directory.models import CompanyPage
from directory.search.models import SearchPin, normalise_search_text

from . import admin_views  # the report's own permission (it imports this module back)
from .models import SkillsGap

PIN_PERMISSION = "directory_search.add_searchpin"
GAP_PERMISSIONS = ("insight.add_skillsgap", "insight.change_skillsgap")


def can_pin(user) -> bool:
    return admin_views.can_view(user) and user.has_perm(PIN_PERMISSION)


def can_mark_gap(user) -> bool:
    return admin_views.can_view(user) and user.has_perms(GAP_PERMISSIONS)


def _asked_text(request) -> str:
    return normalise_search_text(request.GET.get("q", ""))


# --- pin a company --------------------------------------------------------------


class PinCompanyForm(forms.ModelForm):
    company = forms.ModelChoiceField(
        label="Company to show first",
        queryset=CompanyPage.objects.none(),
        help_text="Shown first for this search, labelled “Editor's pick”, while it is listed.",
    )

    class Meta:
        model = SearchPin
        fields = ["text", "company"]
        labels = {"text": "Commissioners searched for"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = CompanyPage.objects.listed().order_by("title")

    def validate_unique(self):
        # The text is compared as searches are: "Drone " is "drone".
        self.instance.text = normalise_search_text(self.instance.text)
        try:
            self.instance.validate_constraints()
        except ValidationError:
            self.add_error(None, "That company is already the editor's pick for this search.")


def pin_company(request):
    """Pin a listed company first for a search's text."""
    if not can_pin(request.user):
        raise PermissionDenied
    form = PinCompanyForm(request.POST or None, initial={"text": _asked_text(request)})
    if request.method == "POST" and form.is_valid():
        pin = form.save()
        messages.success(request, f"{pin.company.title} is now the editor's pick for “{pin.text}”.")
        return redirect("insight_searches")
    return TemplateResponse(
        request,
        "insight/search_action.html",
        {
            "form": form,
            "title": "Pin a company for this search",
            "explanation": (
                "The company is shown first on the first page of this search, labelled "
                "“Editor's pick”, on the directory page and in the API, whatever else it "
                "finds. Editors change or remove pins under Search pins."
            ),
            "submit": "Pin the company",
        },
    )


# --- mark a skills gap ----------------------------------------------------------


class SkillsGapForm(forms.ModelForm):
    # The gap as the editor saw it: a save over someone else's change is refused.
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = SkillsGap
        fields = ["text", "note"]
        labels = {"text": "Commissioners searched for"}
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].disabled = bool(self.instance.pk)
        self.initial["seen"] = _version(self.instance)

    def clean(self):
        data = super().clean()
        if self.instance.pk and data.get("seen") != _version(self.instance):
            raise ValidationError(
                "Someone changed this note while you were writing: your text is kept below; "
                "the note now reads “%(note)s”. Save again to replace it.",
                params={"note": self.instance.note},
            )
        return data


def _version(gap: SkillsGap) -> str:
    return gap.updated_at.isoformat() if gap.pk and gap.updated_at else ""


def mark_skills_gap(request):
    """Mark a search's text as a skills gap, with a note (or change the note already there)."""
    if not can_mark_gap(request.user):
        raise PermissionDenied
    # The form posts back to its own address: ``?q=`` names the search throughout.
    text = _asked_text(request)
    gap = SkillsGap.objects.filter(text=text).first() if text else None
    form = SkillsGapForm(request.POST or None, instance=gap, initial={"text": text})
    if request.method == "POST" and form.is_valid():
        if gap is not None and not form.has_changed():
            messages.info(request, "Nothing changed, so the note is as it was.")
        else:
            gap = form.save()
            messages.success(request, f"“{gap.text}” is marked as a skills gap.")
        return redirect("insight_searches")
    return TemplateResponse(
        request,
        "insight/search_action.html",
        {
            "form": form,
            "title": "Change the skills gap's note" if gap else "Mark as a skills gap",
            "explanation": (
                "A search commissioners make that no member (or too few) can answer: the note "
                "says what is missing. The report lists every gap; editors change or remove "
                "them under Skills gaps."
            ),
            "submit": "Save the note" if gap else "Mark the skills gap",
        },
    )
