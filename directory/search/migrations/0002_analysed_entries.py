# The one text analysis (directory/search/analysis.py): entries hold each
# field's terms and words, synonyms can be one-way, and compounds are recorded.
# Entries written before this hold no analysed text: run
# `manage.py rebuild_directory_index --database-entries` once after migrating.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("directory_search", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(model_name="companysearchentry", name="title_text"),
        migrations.RemoveField(model_name="companysearchentry", name="keyword_text"),
        migrations.RemoveField(model_name="companysearchentry", name="body_text"),
        migrations.AddField(
            model_name="companysearchentry",
            name="sort_title",
            field=models.CharField(default="", help_text="The folded name, for name order.", max_length=255),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="companysearchentry",
            name="title_terms",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="companysearchentry",
            name="title_words",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="companysearchentry",
            name="keyword_terms",
            field=models.TextField(blank=True, help_text="Skills, sectors and place."),
        ),
        migrations.AddField(
            model_name="companysearchentry",
            name="keyword_words",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="companysearchentry",
            name="body_terms",
            field=models.TextField(blank=True, help_text="Strapline, about and project text."),
        ),
        migrations.AddField(
            model_name="companysearchentry",
            name="body_words",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="synonym",
            name="one_way",
            field=models.BooleanField(
                default=False,
                help_text='Only a search for the first term also finds the others (e.g. "animation, claymation": a search for claymation stays narrow).',
                verbose_name="one-way",
            ),
        ),
        migrations.CreateModel(
            name="SearchCompound",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("joined", models.CharField(max_length=100, unique=True)),
                ("parts", models.CharField(help_text="The parts, separated by spaces.", max_length=120)),
            ],
        ),
    ]
