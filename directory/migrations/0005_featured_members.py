"""The home page's featured members belong to the directory now (they were ``cms``'s).

The table keeps its name, ``cms_homepagefeaturedcompany``. On a database
migrated before the move, ``cms.0002`` created it already: the operation below
adopts it instead of creating it again. On a new database it is created here.
"""

import django.db.models.deletion
import modelcluster.fields
from django.db import migrations, models


class CreateModelOrAdoptTable(migrations.CreateModel):
    """CreateModel that leaves an existing table of the same name as it is."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.name)
        if model._meta.db_table in schema_editor.connection.introspection.table_names():
            return
        super().database_forwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_home_hero_kicker"),
        ("directory", "0004_joined_at_to_the_minute"),
    ]

    operations = [
        CreateModelOrAdoptTable(
            name="HomePageFeaturedCompany",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                (
                    "company",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="directory.companypage",
                    ),
                ),
                (
                    "page",
                    modelcluster.fields.ParentalKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="featured_companies",
                        to="cms.homepage",
                    ),
                ),
            ],
            options={
                "verbose_name": "featured member",
                "db_table": "cms_homepagefeaturedcompany",
                "ordering": ["sort_order"],
                "abstract": False,
            },
        ),
    ]
