"""The "Commissioners" group: every commissioner with a confirmed email is in it.

Other code asks "is this a signed-in commissioner?" as "an active user in
this group" (``commissioners.models.is_commissioner``). The group has no
admin permissions.
"""

from django.db import migrations

GROUP_NAME = "Commissioners"


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=GROUP_NAME)


def remove_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("commissioners", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
