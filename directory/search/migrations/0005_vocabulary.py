"""The directory's vocabulary (``SearchWord``), counted from the entries already written.

``spelling`` corrects a query's unknown words to these. Counting here means an
upgraded site corrects typos at once, without a rebuild of the entries.
"""

from collections import Counter

from django.db import migrations, models


def count_existing_entries(apps, schema_editor):
    # The analysis is code, not schema: the words are read as the app reads them.
    from directory.search.analysis import term
    from directory.search.spelling import MAX_WORD_LENGTH, WORD_FIELDS, entry_words

    entries = apps.get_model("directory_search", "CompanySearchEntry")
    search_word = apps.get_model("directory_search", "SearchWord")
    counts = Counter()
    for values in entries.objects.values(*WORD_FIELDS).iterator(chunk_size=2000):
        counts.update(entry_words(values))
    search_word.objects.bulk_create(
        [
            search_word(
                word=word,
                term=term(word)[:MAX_WORD_LENGTH],
                initial=word[0],
                length=len(word),
                documents=documents,
            )
            for word, documents in counts.items()
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("directory_search", "0004_editors_manage_synonyms"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=60, unique=True)),
                ("term", models.CharField(db_index=True, max_length=60)),
                ("initial", models.CharField(max_length=1)),
                ("length", models.PositiveSmallIntegerField()),
                (
                    "documents",
                    models.PositiveIntegerField(default=0, help_text="Listed companies using it."),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["initial", "length"], name="search_word_initial_length")
                ],
            },
        ),
        migrations.RunPython(count_existing_entries, migrations.RunPython.noop),
    ]
