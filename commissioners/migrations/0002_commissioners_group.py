"""The "Commissioners" group, and the editors' right to see and verify commissioners.

Every commissioner with a confirmed email is in the group: other code asks
"is this a signed-in commissioner?" as "an active user in this group"
(``commissioners.models.is_commissioner``). The group has no permissions.
Wagtail's Editors and Moderators may view and change commissioners (to tick
*verified by editor*), not add or delete them: people sign up themselves.
"""

from django.db import migrations

from cms.editor_permissions import editor_permission_grants

GROUP_NAME = "Commissioners"
CODENAMES = ["view_commissioner", "change_commissioner"]

grant, revoke = editor_permission_grants("commissioners", CODENAMES)


def forwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=GROUP_NAME)
    grant(apps, schema_editor)


def backwards(apps, schema_editor):
    revoke(apps, schema_editor)
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("commissioners", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
