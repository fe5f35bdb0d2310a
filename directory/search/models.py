"""Storage the search backends need besides the pages themselves."""

from django.core.exceptions import ValidationError
from django.db import models

from wagtail.admin.panels import FieldPanel


class CompanySearchEntry(models.Model):
    """The database backend's index: one row of analysed text per listed company.

    Written by ``DatabaseBackend.update_companies`` from the same
    ``CompanyDocument`` the Elasticsearch backend indexes, analysed by the same
    ``analysis.analyse``, so both backends match the same tokens (projects
    included). Each field is held twice: its *terms* (stems, matched whole) and
    its *words* (matched at word starts), padded with a space at each end. A
    company without an entry is not in the directory.
    """

    company = models.OneToOneField(
        "directory.CompanyPage",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
    )
    sort_title = models.CharField(max_length=255, help_text="The folded name, for name order.")
    title_terms = models.TextField(blank=True)
    title_words = models.TextField(blank=True)
    keyword_terms = models.TextField(blank=True, help_text="Skills, sectors and place.")
    keyword_words = models.TextField(blank=True)
    body_terms = models.TextField(blank=True, help_text="Strapline, about and project text.")
    body_words = models.TextField(blank=True)
    # The profile's freshness, the tie-break after relevance and verified
    # (``directory.models.updated_month_number`` of ``CompanyPage.updated_at``:
    # the month the card shows, the Elasticsearch document's ``updated_month``).
    # Held here so ordering by it needs no join with Wagtail's page table.
    updated_month = models.PositiveIntegerField(
        null=True, blank=True, help_text="Year × 12 + month − 1 of the last update or confirmation."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "company search entries"

    def __str__(self):
        return self.sort_title


class Synonym(models.Model):
    """Words commissioners use for the same thing, expanded at query time.

    ``terms`` is a comma-separated list ("vfx, visual effects"); a query for
    any of them also looks for the others (or, ``one_way``, a query for the
    first also looks for the others, not the reverse). Expanding at query
    time, not in an analyzer, works on the minimal Elasticsearch server and
    needs no reindex: a change applies to the next search on both backends.
    """

    terms = models.CharField(
        max_length=255,
        unique=True,
        help_text=(
            'Comma-separated words or phrases that mean the same, e.g. "VFX, visual effects".'
        ),
    )
    one_way = models.BooleanField(
        default=False,
        verbose_name="one-way",
        help_text=(
            "Only a search for the first term also finds the others "
            '(e.g. "animation, claymation": a search for claymation stays narrow).'
        ),
    )

    panels = [FieldPanel("terms"), FieldPanel("one_way")]

    class Meta:
        ordering = ["terms"]

    def __str__(self):
        return self.terms

    @property
    def term_list(self) -> list[str]:
        return [t.strip() for t in self.terms.split(",") if t.strip()]

    def clean(self):
        if len(self.term_list) < 2:
            raise ValidationError({"terms": "Give at least two terms, separated by commas."})


class SearchCompound(models.Model):
    """A word written hyphenated in some indexed text, and its parts ("stopmotion": "stop motion").

    Gathered while indexing (``indexing``): the directory's own vocabulary of
    compounds. A query for the joined form also looks for the split one and the
    other way round, whoever wrote which (see ``analysis``). Kept when the text
    that taught it goes: a known compound does no harm.
    """

    joined = models.CharField(max_length=100, unique=True)
    parts = models.CharField(max_length=120, help_text="The parts, separated by spaces.")

    def __str__(self):
        return f"{self.joined} ({self.parts})"


class PendingIndexUpdate(models.Model):
    """A company whose search-engine entry still has to be written.

    Rows are added in the same transaction as the edit that caused them, so an
    unreachable search engine never blocks or loses an edit; they are removed
    once the engine has accepted the change.
    """

    company_id = models.BigIntegerField(db_index=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["requested_at"]

    def __str__(self):
        return f"company {self.company_id}"


class SearchWord(models.Model):
    """A word some listed company's indexed text uses, and in how many companies.

    The directory's vocabulary, kept exact as entries are written
    (``indexing``): what a query's unknown word is corrected to (``spelling``).
    ``initial`` and ``length`` let a correction read only the words that
    could be within its edits; ``term`` (the word's stem) tells a word the
    directory knows by its stem ("animations") from an unknown one.
    """

    word = models.CharField(max_length=60, unique=True)
    term = models.CharField(max_length=60, db_index=True)
    initial = models.CharField(max_length=1)
    length = models.PositiveSmallIntegerField()
    documents = models.PositiveIntegerField(default=0, help_text="Listed companies using it.")

    class Meta:
        indexes = [models.Index(fields=["initial", "length"], name="search_word_initial_length")]

    def __str__(self):
        return f"{self.word} ({self.documents})"


def normalise_search_text(text: str) -> str:
    """A search's words as cluster insight keeps them: lower-cased, spaces collapsed.

    Pins are matched on this form, so the text an editor pins from the
    report (``insight``) is the one the next commissioner types, whatever the
    case or spacing.
    """
    return " ".join(str(text).lower().split())[:200]


class SearchPin(models.Model):
    """An editor's pick: a company shown first, labelled, for one search text.

    For a search commissioners make and find little for ("drone"), an editor
    knows a member who does it. ``run_search`` adds the pinned companies that
    are still listed to the first page of that search (``pins``), on both
    backends, the page and the API alike. Matched on the normalised text
    only: the filters and centre do not change an editor's pick.
    """

    text = models.CharField(
        max_length=200,
        verbose_name="search text",
        help_text='The words commissioners search for, e.g. "drone filming" (any case).',
    )
    company = models.ForeignKey(
        "directory.CompanyPage",
        on_delete=models.CASCADE,
        related_name="search_pins",
        help_text="Shown first, as the editor's pick; ignored while it is not listed.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("text"), FieldPanel("company")]

    class Meta:
        verbose_name = "search pin"
        ordering = ["text", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["text", "company"], name="search_pin_once_per_text")
        ]

    def __str__(self):
        return f"{self.text} → {self.company}"

    def save(self, *args, **kwargs):
        self.text = normalise_search_text(self.text)
        super().save(*args, **kwargs)

    def clean(self):
        self.text = normalise_search_text(self.text)
        if not self.text:
            raise ValidationError({"text": "Give the words of the search to pin the company for."})
