"""Editors and Moderators may manage productions (and so merge duplicates), as the other terms.

Permissions are normally made after all migrations; they are made here so a
fresh database can be granted them (as 0003 does for the taxonomies).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Editors", "Moderators")
CODENAMES = ["add_production", "change_production", "delete_production", "view_production"]


def _permissions_and_groups(apps):
    app_config = apps.get_app_config("directory")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = Permission.objects.filter(
        content_type__app_label="directory", codename__in=CODENAMES
    )
    return list(permissions), Group.objects.filter(name__in=GROUPS)


def grant(apps, schema_editor):
    permissions, groups = _permissions_and_groups(apps)
    for group in groups:
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    permissions, groups = _permissions_and_groups(apps)
    for group in groups:
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("directory", "0011_link_credits_to_productions")]

    operations = [migrations.RunPython(grant, revoke)]
