"""Public forms of the directory."""

from django import forms

from .models import Enquiry, Production


class EnquiryForm(forms.ModelForm):
    """A commissioner's message to a company.

    ``website`` is a honeypot: hidden from people (and from assistive
    technology), but filled in by the bots that fill in every field.
    """

    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Enquiry
        fields = ["name", "email", "organisation", "phone", "message"]
        labels = {
            "name": "Your name",
            "email": "Your email address",
            "organisation": "Organisation",
            "phone": "Phone number",
            "message": "What do you need?",
        }
        help_texts = {
            "email": "The company replies to this address.",
            "message": "The project, dates, budget and anything else that helps them answer.",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "message": forms.Textarea(attrs={"rows": 6}),
        }

    MIN_MESSAGE_LENGTH = 20

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < self.MIN_MESSAGE_LENGTH:
            raise forms.ValidationError(
                f"Tell the company a little more (at least {self.MIN_MESSAGE_LENGTH} characters)."
            )
        return message

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not all(c.isdigit() or c in " +()-" for c in phone):
            raise forms.ValidationError("Use digits, spaces and + ( ) - only.")
        return phone


class ProductionMergeForm(forms.Form):
    """An editor's choice of the duplicate to merge into the production being kept."""

    duplicate = forms.ModelChoiceField(
        queryset=Production.objects.none(),
        label="The duplicate to merge into this production",
        help_text="Its credits move to this production and it is deleted; its title stays "
        "findable, so members naming it are linked here.",
        error_messages={"required": "Choose the duplicate to merge into this production."},
    )

    def __init__(self, *args, kept: Production, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = kept
        self.fields["duplicate"].queryset = Production.objects.exclude(pk=kept.pk).order_by(
            "title_key", "year"
        )
