"""Load the shipped skills, sectors, places and postcode districts (directory/data/*.csv).

Uses the historical models, so it runs on an empty database (tests included).
Existing rows are matched by slug/code and left as editors made them; going
back is a no-op (by then the terms may be used by companies).
"""

from django.db import migrations


def load_shipped_terms(apps, schema_editor):
    from directory.gazetteer import MODEL_NAMES, load

    load({name: apps.get_model("directory", name) for name in MODEL_NAMES}, update=False)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(load_shipped_terms, migrations.RunPython.noop)]
