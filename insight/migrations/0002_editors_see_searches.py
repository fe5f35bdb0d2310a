"""Wagtail's Editors and Moderators groups may see the search report (view_searchevent).

Watching what commissioners look for is the editors' job (DESIGN.md), and
Wagtail's stock groups hold only page and image permissions. Reversing
removes exactly this grant.
"""

from django.db import migrations

from cms.editor_permissions import editor_permission_grants

CODENAMES = ["view_searchevent"]


grant, revoke = editor_permission_grants("insight", CODENAMES)


class Migration(migrations.Migration):
    dependencies = [
        ("insight", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
