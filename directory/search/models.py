"""Storage the search backends need besides the pages themselves."""

from django.db import models

from wagtail.admin.panels import FieldPanel


class CompanySearchEntry(models.Model):
    """The database backend's index: one row of folded text per listed company.

    Written by ``DatabaseBackend.update_companies`` from the same
    ``CompanyDocument`` the Elasticsearch backend indexes, so both backends
    match the same words (projects included). A company without an entry is
    not in the directory.
    """

    company = models.OneToOneField(
        "directory.CompanyPage",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
    )
    title_text = models.CharField(max_length=255)
    keyword_text = models.TextField(blank=True, help_text="Skills, sectors and place.")
    body_text = models.TextField(blank=True, help_text="Strapline, about and project text.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "company search entries"

    def __str__(self):
        return self.title_text


class Synonym(models.Model):
    """Words commissioners use for the same thing, expanded at query time.

    ``terms`` is a comma-separated list ("vfx, visual effects"); a query for
    any of them also looks for the others. Expanding at query time, not in an
    analyzer, works on the minimal Elasticsearch server and needs no reindex.
    """

    terms = models.CharField(
        max_length=255,
        unique=True,
        help_text=(
            'Comma-separated words or phrases that mean the same, e.g. "VFX, visual effects".'
        ),
    )

    panels = [FieldPanel("terms")]

    class Meta:
        ordering = ["terms"]

    def __str__(self):
        return self.terms

    @property
    def term_list(self) -> list[str]:
        return [t.strip() for t in self.terms.split(",") if t.strip()]


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
