"""Wagtail's Editors and Moderators groups may manage the search synonyms.

Synonyms are the editors' to keep (the issue: "editable by editors; the demo
editor's group can manage them"), and Wagtail's stock groups hold only page and
image permissions. Reversing removes exactly these grants.
"""

from django.db import migrations

from cms.editor_permissions import editor_permission_grants

CODENAMES = ["add_synonym", "change_synonym", "delete_synonym", "view_synonym"]


grant, revoke = editor_permission_grants("directory_search", CODENAMES)


class Migration(migrations.Migration):
    dependencies = [
        ("directory_search", "0003_starter_synonyms"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
