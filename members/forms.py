"""Plain forms for members: signing in, joining, inviting and editing a profile."""

import re
from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape, strip_tags
from django.utils.translation import ngettext_lazy

from modelcluster.forms import BaseChildFormSet, ClusterForm

from directory.availability import Availability
from directory.contact_privacy import ContactVisibility
from directory.models import CompanyPage, Place, Production, Sector, Skill

from .models import CompanyMembership
from .uploads import ACCEPT_ATTRIBUTE, HELP_TEXT, clean_described_upload

User = get_user_model()


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by CSS and from assistive tech); bots fill it."""

    website_url = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_website_url(self):
        if self.cleaned_data.get("website_url"):
            raise forms.ValidationError("Please leave this field empty.")
        return ""


class MemberLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class MemberPasswordResetForm(HoneypotMixin, PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class NewPasswordMixin(forms.Form):
    """A new password, typed twice, Django's validators on (joining; commissioners' sign-up)."""

    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def new_password_email(self, cleaned) -> str:
        """The address of the account the password is for (the validators compare with it)."""
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords don't match.")
        elif p1:
            email = self.new_password_email(cleaned)
            candidate = User(
                username=email,
                email=email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class JoinForm(NewPasswordMixin, forms.Form):
    """Accepting an invitation as someone new: a name and a password, validators on."""

    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name", required=False)

    field_order = ["first_name", "last_name", "password1", "password2"]

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def new_password_email(self, cleaned) -> str:
        return self.email

    def create_user(self):
        user = User(
            username=self.email,
            email=self.email,
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data.get("last_name", ""),
            is_staff=False,
            is_superuser=False,
        )
        user.set_password(self.cleaned_data["password1"])
        user.save()
        return user


class InviteForm(forms.Form):
    email = forms.EmailField(label="Their email address")
    role = forms.ChoiceField(
        choices=CompanyMembership.Role.choices,
        initial=CompanyMembership.Role.EDITOR,
        help_text="Owners can also invite and remove people; editors can edit the profile.",
    )

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if CompanyMembership.objects.filter(
            company=self.company, user__email__iexact=email
        ).exists():
            raise forms.ValidationError("This person is already a member of this company.")
        return email


class GroupedCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes in a fieldset per group, filterable by members.js when JS runs."""

    template_name = "members/widgets/grouped_checkboxes.html"


def grouped_skill_choices():
    groups = {}
    for skill in Skill.objects.select_related("group"):
        groups.setdefault(skill.group.name, []).append((skill.pk, skill.name))
    return list(groups.items())


# Converting the rich-text "about" to plain paragraphs and back. Members write
# paragraphs separated by blank lines; editors keep richer formatting in the admin,
# which is preserved as long as the member leaves the text unchanged.
def html_to_paragraphs(html: str) -> str:
    text = re.sub(r"</(p|h\d|li)>", "\n\n", html or "", flags=re.IGNORECASE)
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.IGNORECASE)
    return re.sub(r"\n{3,}", "\n\n", strip_tags(text)).strip()


def paragraphs_to_html(text: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return "".join(
        "<p>{}</p>".format("<br/>".join(escape(line) for line in p.splitlines()))
        for p in paragraphs
    )


class ParagraphsField(forms.CharField):
    """Plain paragraphs typed in a textarea, with the line endings the page rendered.

    Browsers send a textarea's newlines as CRLF; without turning them back,
    untouched text never equals what the form showed, so it counted as a
    change and was rebuilt from plain paragraphs, losing the editors' formatting.
    """

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


GALLERY_LIMIT = 12


def ordered_rows(fields, *, max_num=50, **options):
    """A child formset members arrange themselves: a blank extra row, order and delete."""
    return {
        "fields": fields,
        "extra": 1,
        "can_delete": True,
        "can_order": True,
        "max_num": max_num,
        "validate_max": True,
        "inherit_kwargs": ["label_suffix"],  # rows label their fields like the page form
        **options,
    }


class GalleryRowForm(forms.ModelForm):
    """One gallery image: the current one kept, or a new upload described for screen readers.

    The image itself is not a form field, so no row can name an image by id.
    A row of the pending (not yet approved) version has no id of its own
    either; it says which of *this page's* gallery images it holds in
    ``current_image``, whose choices are those images only.
    """

    upload = forms.FileField(
        label="Upload an image",
        required=False,
        help_text=HELP_TEXT,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    description = forms.CharField(
        label="Describe the image",
        required=False,
        max_length=255,
        help_text="Read out by screen readers, e.g. “Puppet maker painting a clay face”.",
    )
    current_image = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, widget=forms.HiddenInput
    )
    field_order = ["upload", "description", "caption"]

    def __init__(self, *args, kept_images=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.image_extension = ""
        self.fields["current_image"].choices = [(pk, pk) for pk in kept_images]
        self.fields["current_image"].initial = self.instance.image_id
        if self.instance.image_id:
            self.initial.setdefault("description", self.instance.image.description)

    def clean(self):
        cleaned = super().clean()
        if not self.instance.image_id and cleaned.get("current_image"):
            self.instance.image_id = cleaned["current_image"]
        self.image_extension = clean_described_upload(self, "upload", "description", "image")
        missing = not (self.instance.image_id or self.image_extension or "upload" in self.errors)
        if missing and not cleaned.get("DELETE"):
            self.add_error("upload", "Choose an image for this row.")
        return cleaned


class GalleryFormSet(BaseChildFormSet):
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "A gallery holds at most %(num)d image: delete one to add another.",
            "A gallery holds at most %(num)d images: delete one to add another.",
            "num",
        )
    }

    @cached_property
    def kept_images(self):
        """The images of the page's own rows: the only ones a row may keep."""
        return [row.image_id for row in self.get_queryset() if row.image_id]

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "kept_images": self.kept_images}

    def clean(self):
        """Count the gallery as it will be saved, not only the rows that were posted.

        Saved rows that the post leaves out stay on the page (modelcluster only
        adds and removes what the formset names), so a hand-made post of new
        rows alone must not grow the gallery past the limit.
        """
        super().clean()
        if any(self.errors):
            return
        posted = {form.instance.pk for form in self.initial_forms if form.instance.pk}
        left_out = [row for row in self.get_queryset() if row.pk and row.pk not in posted]
        kept = [
            form
            for form in self.forms
            if not self._should_delete_form(form)
            and (form in self.initial_forms or form.has_changed())
        ]
        if len(left_out) + len(kept) > GALLERY_LIMIT:
            raise forms.ValidationError(
                self.error_messages["too_many_forms"] % {"num": GALLERY_LIMIT},
                code="too_many_forms",
            )


GALLERY_ROWS = ordered_rows(
    ["caption"], max_num=GALLERY_LIMIT, form=GalleryRowForm, formset=GalleryFormSet
)


def submitted_value(bound_field) -> list[str]:
    """What a browser sends for ``bound_field`` as rendered, as a list of strings."""
    value = bound_field.value()
    if isinstance(bound_field.field.widget, forms.CheckboxInput):
        return ["on"] if value else []
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return ["" if value is None else str(value)]


class MemberPageForm(ClusterForm):
    """What member forms for pages share: taxonomy pickers, plain-text rich text, ordered rows.

    Subclasses name their rich-text field and its plain-text form field in
    ``rich_text`` and their ordered child formsets in ``ordered_formsets``.
    A ``gallery_images`` formset built from ``GALLERY_ROWS`` takes uploads.
    """

    rich_text = ("", "")  # (model field, form field)
    ordered_formsets = ()
    # What the edit page shows of the page, prefetched by ``working_copy``.
    related = ("skills", "sectors", "credits", "gallery_images__image__renditions")
    # (image field on the page, what members call it, an example description):
    # adds "<field>_upload", "<field>_description" and "remove_<field>".
    image = ("", "", "")
    skills_help = ""
    sectors_help = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.image_extension = ""
        if self.image[0]:
            self._add_image_fields(*self.image)
        self.fields["skills"] = forms.TypedMultipleChoiceField(
            label=self.fields["skills"].label,
            required=False,
            coerce=int,
            choices=grouped_skill_choices(),
            widget=GroupedCheckboxSelectMultiple,
            help_text=self.skills_help,
        )
        # ModelForm's initial holds the Skill objects, which outrank a field's
        # own ``initial`` and match none of the int choices: every box would
        # render unticked and an unchanged save would drop all the skills.
        self.initial["skills"] = [skill.pk for skill in self.instance.skills.all()]
        self.fields["sectors"] = forms.ModelMultipleChoiceField(
            label=self.fields["sectors"].label,
            queryset=Sector.objects.all(),
            required=False,
            widget=GroupedCheckboxSelectMultiple,
            help_text=self.sectors_help,
        )
        model_field, form_field = self.rich_text
        self.initial[form_field] = html_to_paragraphs(getattr(self.instance, model_field))
        # Django numbers existing rows only; a blank extra row would sort after
        # rows that members.js adds, so number it too: new rows go at the end.
        for name in self.ordered_formsets:
            for index, row in enumerate(self.formsets[name].forms):
                row.fields["ORDER"].initial = index + 1

    def _add_image_fields(self, field, noun, example):
        self.fields[f"{field}_upload"] = forms.FileField(
            label=f"Upload a new {noun}",
            required=False,
            help_text=HELP_TEXT,
            widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        )
        self.fields[f"{field}_description"] = forms.CharField(
            label=f"Describe the {noun}",
            required=False,
            max_length=255,
            help_text=f"Read out by screen readers, e.g. “{example}”.",
        )
        self.fields[f"remove_{field}"] = forms.BooleanField(
            label=f"Remove the current {noun}", required=False
        )
        current = getattr(self.instance, field) if getattr(self.instance, f"{field}_id") else None
        self.initial[f"{field}_description"] = current.description if current else ""

    def clean_skills(self):
        ids = self.cleaned_data.get("skills") or []
        return list(Skill.objects.filter(pk__in=ids))

    def clean(self):
        cleaned = super().clean()
        field, noun, _example = self.image
        if field:
            # The extension comes from the content, never from the name.
            self.image_extension = clean_described_upload(
                self, f"{field}_upload", f"{field}_description", noun
            )
        return cleaned

    def gallery_rows(self):
        """Kept gallery rows the member changed: those whose image may need storing."""
        gallery = self.formsets.get("gallery_images")
        if gallery is None:
            return []
        deleted = gallery.deleted_forms
        return [row for row in gallery.forms if row.has_changed() and row not in deleted]

    def formset_label(self, name):
        return {"gallery_images": "Gallery"}.get(name, name.replace("_", " ").capitalize())

    def version_values(self):
        """Each field and formset of this unbound form as rendered, by label: to compare versions.

        Rows are compared by what they hold and in which order, not by their ids.
        """
        values = {
            bound.label: submitted_value(bound)
            for bound in self
            if not isinstance(bound.field, forms.FileField)
        }
        for name, formset in self.formsets.items():
            values[self.formset_label(name)] = [
                [submitted_value(bound) for bound in row if bound.name not in ("id", "ORDER")]
                for row in formset.initial_forms
            ]
        return values

    def member_changes(self):
        """The labels of the fields and formsets this bound form changes."""
        labels = [self[name].label for name in self.changed_data if not name.startswith("remove_")]
        labels += [
            self.formset_label(name)
            for name, formset in self.formsets.items()
            if any(row.has_changed() for row in formset.forms)
        ]
        return labels

    def merged_data(self, latest):
        """This bound form's data, with what the member left alone taken from ``latest``.

        ``latest`` is an unbound form of the version saved meanwhile. Fields
        and formsets the member changed keep what they typed; the rest follow
        the newer version, so sending again undoes nobody's change.
        """
        data = self.data.copy()
        for name in self.fields:
            if name not in self.changed_data and not isinstance(self.fields[name], forms.FileField):
                data.setlist(self.add_prefix(name), submitted_value(latest[name]))
        for name, formset in self.formsets.items():
            if any(row.has_changed() for row in formset.forms):
                continue
            for key in [key for key in data if key.startswith(f"{formset.prefix}-")]:
                del data[key]
            newer = latest.formsets[name]
            for row in (newer.management_form, *newer.forms):
                for bound in row:
                    if not isinstance(bound.field, forms.FileField):
                        data.setlist(bound.html_name, submitted_value(bound))
        return data

    @property
    def formset_errors(self):
        """Errors about whole formsets (too many rows), for the summary at the top."""
        return [error for fs in self.formsets.values() for error in fs.non_form_errors()]

    @property
    def has_errors(self):
        return bool(self.errors) or any(fs.total_error_count() for fs in self.formsets.values())

    def save(self, commit=False):
        page = super().save(commit=commit)
        model_field, form_field = self.rich_text
        text = self.cleaned_data.get(form_field, "")
        # Unchanged text keeps the editors' richer formatting.
        if text != html_to_paragraphs(getattr(page, model_field)):
            setattr(page, model_field, paragraphs_to_html(text))
        return page


class CompanyProfileForm(MemberPageForm):
    """Every field a member may change, plus credits and the gallery as ordered formsets."""

    about_text = ParagraphsField(
        label="About the company",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What you do and for whom. Separate paragraphs with a blank line.",
    )
    rich_text = ("about", "about_text")
    ordered_formsets = ("credits", "gallery_images")
    image = ("logo", "logo", "Acme Studios logo")
    skills_help = "Tick everything the company does."
    sectors_help = "Tick the markets the company works for."

    class Meta:
        model = CompanyPage
        fields = [
            "title",
            "strapline",
            "skills",
            "sectors",
            "place",
            "latitude",
            "longitude",
            "service_area",
            "size_band",
            "year_founded",
            "website",
            "email",
            "phone",
            "linkedin_url",
            "instagram_url",
            "x_url",
            "youtube_url",
            "vimeo_url",
            "showreel_url",
        ]
        labels = {"title": "Company name"}
        formsets = {
            # The browser suggests the productions other members credited (the
            # page's <datalist>, no JavaScript); saving links a credit to the one
            # its title and year name, or makes it when the change is approved.
            "credits": ordered_rows(
                ["production", "client", "year", "role"],
                widgets={
                    "production": forms.TextInput(
                        attrs={"list": "known-productions", "autocomplete": "off"}
                    )
                },
            ),
            "gallery_images": GALLERY_ROWS,
        }

    KNOWN_PRODUCTIONS = 500

    def known_productions(self):
        """The productions listed members are credited on, for the credits' suggestions."""
        return (
            Production.objects.with_listed_credits()
            .order_by("title_key", "year")
            .values("title", "year", "client")[: self.KNOWN_PRODUCTIONS]
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.order_by("name")
        self.fields["place"].empty_label = "Choose a town"
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs["step"] = "any"


# --- settings applied at once (no approval) ----------------------------------
# Availability and who sees the contact details are the member's own call, not
# published content an editor checks: they are written to the live page at once
# (``views.save_live_settings``), never through a revision.


class LiveSettingsForm(forms.Form):
    """A form of live-row fields, refused when they changed since it was rendered.

    ``based_on`` carries the values the member saw; a colleague's save in
    between makes it differ, and the save is refused with the input kept.
    """

    live_fields: tuple[str, ...] = ()
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, company, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.company = company
        self.initial["based_on"] = self.version(company)

    @classmethod
    def version(cls, company) -> str:
        return "|".join(str(getattr(company, name) or "") for name in cls.live_fields)

    def is_stale(self, live) -> bool:
        return self.data.get(self.add_prefix("based_on"), "") != self.version(live)

    def live_values(self) -> dict:
        """The live-row fields to write, from the cleaned data."""
        return {name: self.cleaned_data[name] for name in self.live_fields}

    def says_the_same(self, company, values: dict) -> bool:
        return all(getattr(company, name) == value for name, value in values.items())


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


DATE_MESSAGES = {"invalid": "Enter the date as YYYY-MM-DD, for example 2027-03-03."}
# Further ahead than this, nobody plans a production around it.
AVAILABILITY_HORIZON_DAYS = 2 * 366


def date_field(label: str, help_text: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=DateInput,
        error_messages=DATE_MESSAGES,
        help_text=help_text,
    )


class AvailabilityForm(LiveSettingsForm):
    """Available now, from a date, or booked until a date; shown at once, confirmed today."""

    live_fields = ("availability", "availability_date", "availability_confirmed_at")

    availability = forms.ChoiceField(
        label="Can you take on new work?",
        choices=[("", "Don’t show our availability"), *Availability.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text="Commissioners can search for companies free by a date. It shows at once, "
        "with no approval, and holds for 60 days unless you confirm it again.",
    )
    available_from = date_field("Available from", "With “Available from a date”.")
    booked_until = date_field("Booked until (the last busy day)", "With “Booked until a date”.")

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, company=company, **kwargs)
        self.initial["availability"] = company.availability
        if company.availability == Availability.FROM:
            self.initial["available_from"] = company.availability_date
        elif company.availability == Availability.BOOKED:
            self.initial["booked_until"] = company.availability_date

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("availability", "")
        field = {Availability.FROM: "available_from", Availability.BOOKED: "booked_until"}.get(kind)
        if field is None or field in self.errors:
            return cleaned
        day = cleaned.get(field)
        label = self.fields[field].label.split(" (")[0]
        if day is None:
            self.add_error(field, f"Give the date for “{label}”, or choose another answer.")
            return cleaned
        today = timezone.localdate()
        # An unchanged date may have passed since it was given: it still saves as it was.
        if field in self.changed_data and day < today:
            if kind == Availability.FROM:
                self.add_error(field, "That day has passed: choose “Available now” instead.")
            else:
                self.add_error(
                    field, "That day has passed, so you are free now: choose “Available now”."
                )
        elif day > today + timedelta(days=AVAILABILITY_HORIZON_DAYS):
            self.add_error(field, "Choose a day within the next two years.")
        return cleaned

    def live_values(self) -> dict:
        """What the member said, with its date, confirmed now (a new statement is confirmed)."""
        kind = self.cleaned_data.get("availability", "")
        field = {Availability.FROM: "available_from", Availability.BOOKED: "booked_until"}.get(kind)
        return {
            "availability": kind,
            "availability_date": self.cleaned_data.get(field) if field else None,
            "availability_confirmed_at": timezone.now() if kind else None,
        }

    def says_the_same(self, company, values: dict) -> bool:
        # The statement, not its confirmation: "Still right" on the dashboard confirms.
        said = ("availability", "availability_date")
        return all(getattr(company, name) == values[name] for name in said)


def visibility_field(label: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=ContactVisibility.choices,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


class ContactVisibilityForm(LiveSettingsForm):
    """Who sees the email and the phone number; the enquiry form works whatever is chosen."""

    live_fields = ("email_visibility", "phone_visibility")

    email_visibility = visibility_field("Who sees your email address?")
    phone_visibility = visibility_field(
        "Who sees your phone number?",
        help_text="On the profile, in its data for search engines and in the API. "
        "Anyone can always send you an enquiry through the profile.",
    )

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, company=company, **kwargs)
        for name in self.live_fields:
            self.initial[name] = getattr(company, name)
