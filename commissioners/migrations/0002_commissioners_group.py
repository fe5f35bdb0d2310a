"""The "Commissioners" group, and the editors' right to see and verify commissioners.

Every commissioner with a confirmed email is in the group: other code asks
"is this a signed-in commissioner?" as "an active user in this group"
(``commissioners.models.is_commissioner``). The group has no permissions.
Wagtail's Editors and Moderators may view and change commissioners (to tick
*verified by editor*), not add or delete them: people sign up themselves.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Commissioners"
EDITOR_GROUPS = ("Editors", "Moderators")
CODENAMES = ["view_commissioner", "change_commissioner"]


def _editor_permissions(apps):
    # Permissions are made after all migrations (post_migrate); a fresh
    # database needs this app's now to grant them (as insight's 0002 does).
    app_config = apps.get_app_config("commissioners")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="commissioners", codename__in=CODENAMES
    )


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=GROUP_NAME)
    permissions = list(_editor_permissions(apps))
    for group in Group.objects.filter(name__in=EDITOR_GROUPS):
        group.permissions.add(*permissions)


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permissions = list(_editor_permissions(apps))
    for group in Group.objects.filter(name__in=EDITOR_GROUPS):
        group.permissions.remove(*permissions)
    Group.objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("commissioners", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
