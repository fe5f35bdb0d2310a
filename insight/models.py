"""What cluster insight keeps: searches, and each company's views and appearances by day.

Nothing here names a person. A search is its words (or nothing, when they
looked like an email address or a phone number), its filters and what it
found; a view or an appearance is a count per company per day. No IP
address, user, session or cookie is ever recorded (``recording``).

Searches are kept one row each for ``INSIGHT_RAW_DAYS`` (90), then folded
into one row per day and distinct search (:class:`DailySearchCount`,
``folding``); company counts are daily from the start.
"""

from __future__ import annotations

from django.db import models


class Source(models.TextChoices):
    PAGE = "page", "Directory page"
    API = "api", "API"


class SearchAsked(models.Model):
    """What a search asked for: two searches asking the same are the same search once folded."""

    source = models.CharField(max_length=8, choices=Source.choices)
    # Lower-cased, spaces collapsed; "" with ``redacted`` when it looked personal.
    text = models.CharField(max_length=200, blank=True)
    redacted = models.BooleanField(default=False)
    # The filters as a canonical query string ("department=vfx&skill=2d"):
    # one string per meaning, so equal searches group together.
    filters = models.CharField(max_length=1000, blank=True)
    verified = models.BooleanField(default=False)
    near = models.CharField(max_length=100, blank=True)  # a gazetteer slug or district
    radius_miles = models.FloatField(null=True, blank=True)

    class Meta:
        abstract = True


SEARCH_KEY_FIELDS = tuple(field.name for field in SearchAsked._meta.fields)


class SearchEvent(SearchAsked):
    """One directory search as recorded (flushed from the cache by ``flushing``)."""

    at = models.DateTimeField(db_index=True)
    total = models.PositiveIntegerField()
    backend = models.CharField(max_length=40, blank=True)
    page = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "search"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.text or '(no text)'} ({self.total})"


class DailySearchCount(SearchAsked):
    """The searches of one day that asked the same thing, folded from :class:`SearchEvent`."""

    day = models.DateField(db_index=True)
    searches = models.PositiveIntegerField(default=0)  # every page of results asked for
    no_results = models.PositiveIntegerField(default=0)  # of those, how many found nothing
    results_sum = models.PositiveBigIntegerField(default=0)  # for the mean total

    class Meta:
        verbose_name = "daily search count"
        ordering = ["-day", "-searches"]
        indexes = [models.Index(fields=["day", "text"])]

    def __str__(self) -> str:
        return f"{self.day}: {self.text or '(no text)'} ×{self.searches}"


class CompanyDailyCount(models.Model):
    """How often a company's page was viewed, and it was shown in results, on one day."""

    company = models.ForeignKey(
        "directory.CompanyPage", on_delete=models.CASCADE, related_name="daily_insight"
    )
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    appearances = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "company daily count"
        constraints = [
            models.UniqueConstraint(fields=["company", "day"], name="insight_one_count_per_day")
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.company_id} {self.day}: {self.views} views, {self.appearances} shown"


# The public page lives in its own module (it reads the figures, which read
# these models); Django finds it through this one.
from .pages import ClusterNumbersPage  # noqa: E402, F401
