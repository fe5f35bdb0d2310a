"""The "Commissioners" auth group, whose active members see contact details shown to
signed-in commissioners (``directory.contact_privacy``).

``get_or_create``: the ``commissioners`` app, which puts each commissioner
account in the group, may have made it first; removing this migration leaves
the group (other apps' users may be in it).
"""

from django.db import migrations

COMMISSIONERS_GROUP = "Commissioners"  # directory.contact_privacy.COMMISSIONERS_GROUP


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=COMMISSIONERS_GROUP)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("directory", "0008_company_availability_and_contact_visibility"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
