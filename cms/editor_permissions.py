"""Granting Wagtail's Editors and Moderators groups an app's model permissions, in a migration.

Wagtail's stock groups hold only page and image permissions; models the
editors keep (synonyms, search pins, skills gaps) are granted to them by a
data migration::

    grant, revoke = editor_permission_grants("insight", ["add_skillsgap", ...])
    operations = [..., migrations.RunPython(grant, revoke)]

Reversing removes exactly these grants.
"""

from __future__ import annotations

from django.contrib.auth.management import create_permissions

EDITOR_GROUPS = ("Editors", "Moderators")


def editor_permission_grants(app_label: str, codenames: list[str], groups=EDITOR_GROUPS):
    """The ``(grant, revoke)`` pair of ``RunPython`` functions for these permissions."""

    def permissions(apps):
        # Permissions are made after all migrations (post_migrate); a fresh
        # database needs this app's now to grant them.
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
        Permission = apps.get_model("auth", "Permission")
        return list(
            Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )

    def grant(apps, schema_editor):
        found = permissions(apps)
        for group in apps.get_model("auth", "Group").objects.filter(name__in=groups):
            group.permissions.add(*found)

    def revoke(apps, schema_editor):
        found = permissions(apps)
        for group in apps.get_model("auth", "Group").objects.filter(name__in=groups):
            group.permissions.remove(*found)

    return grant, revoke
