"""Forms of commissioners: signing up, naming a list, a private note."""

from django import forms
from django.contrib.auth import get_user_model

from members.forms import HoneypotMixin, NewPasswordMixin

from .models import Commissioner, SavedSearch, Shortlist, ShortlistEntry

User = get_user_model()


class CommissionerSignupForm(HoneypotMixin, NewPasswordMixin, forms.Form):
    """A new commissioner account: closed until the emailed link confirms the address.

    A person who already has an account (a member, say) signs in and uses
    :class:`BecomeCommissionerForm` instead: one person, one user.
    """

    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")
    email = forms.EmailField(
        label="Work email address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    organisation = forms.CharField(
        max_length=160, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    role = forms.CharField(
        max_length=120,
        label="Your role",
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    field_order = [
        "first_name",
        "last_name",
        "email",
        "organisation",
        "role",
        "password1",
        "password2",
        "website_url",
    ]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(username__iexact=email).exists() or (
            User.objects.filter(email__iexact=email).exists()
        ):
            raise forms.ValidationError(
                "There is already an account with this address: sign in, then "
                "add your commissioner details."
            )
        return email

    def new_password_email(self, cleaned) -> str:
        return cleaned.get("email", "")

    def save(self) -> Commissioner:
        data = self.cleaned_data
        user = User(
            username=data["email"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            is_active=False,  # opened by the verification link
        )
        user.set_password(data["password1"])
        user.save()
        return Commissioner.objects.create(
            user=user, organisation=data["organisation"], role=data["role"]
        )


class BecomeCommissionerForm(forms.ModelForm):
    """A signed-in person (a member, say) adds commissioner details to their account."""

    class Meta:
        model = Commissioner
        fields = ["organisation", "role"]
        labels = {"role": "Your role"}


class ShortlistNameForm(forms.ModelForm):
    class Meta:
        model = Shortlist
        fields = ["name"]
        labels = {"name": "Name of the list"}
        error_messages = {"name": {"required": "Give the list a name."}}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the list a name.")
        return name


class ShortlistNoteForm(forms.ModelForm):
    class Meta:
        model = ShortlistEntry
        fields = ["note"]
        labels = {"note": "Private note"}
        help_texts = {"note": "Only you see this: not the company, nor anyone you share with."}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class ShortlistRenameForm(ShortlistNameForm):
    """A list's new name; refused when the list was renamed since the form was shown."""

    # The name the commissioner saw: another tab's rename in between makes it differ.
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.saved_name = self.instance.name  # before validation copies the input onto it
        self.initial["based_on"] = self.saved_name

    def is_stale(self) -> bool:
        return self.data.get(self.add_prefix("based_on"), "") != self.saved_name


class TickedCompaniesField(forms.MultipleChoiceField):
    def valid_value(self, value):
        # A company that left the list (or the directory) since the page was
        # shown is dropped in ``clean_companies``, not an error: the rest still go.
        return True


AT_LEAST_ONE = "Tick at least one company to send the brief to."


class BriefRecipientsForm(forms.Form):
    """Which companies on the list one brief goes to: all of them unless unticked."""

    companies = TickedCompaniesField(
        label="Send it to",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": AT_LEAST_ONE},
        help_text="Untick any company you do not want to brief this time.",
    )

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_id = {str(company.pk): company for company in companies}
        self.fields["companies"].choices = [(pk, c.title) for pk, c in self.by_id.items()]
        self.initial["companies"] = list(self.by_id)

    def clean_companies(self):
        ticked = [pk for pk in self.cleaned_data["companies"] if pk in self.by_id]
        if not ticked:
            raise forms.ValidationError(AT_LEAST_ONE)
        return ticked

    def chosen(self) -> list:
        """The ticked companies, in the list's order."""
        ticked = set(self.cleaned_data["companies"])
        return [company for pk, company in self.by_id.items() if pk in ticked]


STALE_SEARCH = (
    "This search was changed elsewhere since you opened the page: check it below and save again."
)


def version_of(saved) -> str:
    """A saved search's version for stale-save checks: when it was last changed."""
    return saved.updated_at.isoformat() if saved and saved.pk else ""


class SavedSearchForm(forms.ModelForm):
    """A saved search's name and how often it emails: to save a search, or change one.

    ``version`` is when the search was last changed, as the page showed it: a
    save over a newer change (another tab, the API) is refused, keeping what
    was typed.
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)
    stale = False

    class Meta:
        model = SavedSearch
        fields = ["name", "frequency"]
        labels = {"name": "Name of the search", "frequency": "Email me new companies"}
        help_texts = {"name": "For example: “Stop-motion near Stoke”."}
        error_messages = {"name": {"required": "Give the search a name."}}
        widgets = {"frequency": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version_of(self.instance)

    def has_changed(self):
        return any(name in self.changed_data for name in self.Meta.fields)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the search a name.")
        return name

    def clean(self):
        cleaned = super().clean()
        self.stale = bool(self.instance.pk) and cleaned.get("version", "") != version_of(
            self.instance
        )
        if self.stale:
            raise forms.ValidationError(STALE_SEARCH)
        return cleaned
