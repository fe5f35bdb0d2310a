"""Entries hold their company's freshness (``updated_month``), filled here for existing ones.

The database backend breaks relevance ties by it; held on the entry, the
ordering needs no join with Wagtail's page table. Filled from the pages'
last publication and confirmation, as ``indexing`` writes it, so an upgraded
site ranks the same before and after, without a rebuild of the entries.
"""

from django.db import migrations, models

BATCH_SIZE = 1000


def fill_updated_month(apps, schema_editor):
    # The month rule is code, not schema: it is read as the app reads it.
    from directory.models import updated_month_number

    entries = apps.get_model("directory_search", "CompanySearchEntry")
    pages = apps.get_model("directory", "CompanyPage")
    rows = pages.objects.filter(search_entry__isnull=False).values_list(
        "pk", "last_published_at", "confirmed_at"
    )
    batch = []
    for pk, published, confirmed in rows.order_by("pk").iterator(chunk_size=BATCH_SIZE):
        dates = [d for d in (published, confirmed) if d is not None]
        month = updated_month_number(max(dates)) if dates else None
        batch.append(entries(company_id=pk, updated_month=month))
        if len(batch) >= BATCH_SIZE:
            entries.objects.bulk_update(batch, ["updated_month"])
            batch = []
    entries.objects.bulk_update(batch, ["updated_month"])


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0007_company_confirmed_at"),
        ("directory_search", "0006_search_pins"),
    ]

    operations = [
        migrations.AddField(
            model_name="companysearchentry",
            name="updated_month",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Year × 12 + month − 1 of the last update or confirmation.",
                null=True,
            ),
        ),
        migrations.RunPython(fill_updated_month, migrations.RunPython.noop),
    ]
