"""Editors and Moderators may manage productions (and so merge duplicates), as the other terms."""

from django.db import migrations

from cms.editor_permissions import editor_permission_grants

CODENAMES = ["add_production", "change_production", "delete_production", "view_production"]

grant, revoke = editor_permission_grants("directory", CODENAMES)


class Migration(migrations.Migration):
    dependencies = [("directory", "0011_link_credits_to_productions")]

    operations = [migrations.RunPython(grant, revoke)]
