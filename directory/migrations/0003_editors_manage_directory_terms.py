"""Wagtail's Editors and Moderators groups may manage the directory's terms and read enquiries.

The issue asks for taxonomies "editable by editors as snippets", and Wagtail's
stock groups hold only page and image permissions, so without this a
non-superuser editor sees no Directory menu at all. Enquiries can be read,
marked (change) and deleted (spam) but never added: they come only from the
public form (the admin enforces that in ``wagtail_hooks.py`` as well).
Reversing removes exactly these grants.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Editors", "Moderators")
GRANTS = {
    "skill": ("add", "change", "delete", "view"),
    "skillgroup": ("add", "change", "delete", "view"),
    "sector": ("add", "change", "delete", "view"),
    "place": ("add", "change", "delete", "view"),
    "postcodedistrict": ("add", "change", "delete", "view"),
    "enquiry": ("change", "delete", "view"),
}


def _permissions(apps):
    # Permissions are normally made after all migrations (post_migrate); make
    # this app's now so that a fresh database can be granted them.
    app_config = apps.get_app_config("directory")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model, actions in GRANTS.items() for action in actions]
    return Permission.objects.filter(content_type__app_label="directory", codename__in=codenames)


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permissions = list(_permissions(apps))
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permissions = list(_permissions(apps))
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_load_taxonomies_and_gazetteer"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
