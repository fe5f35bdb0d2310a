"""Editors' picks: a company pinned first for a search text.

Wagtail's Editors and Moderators groups may manage them (as the synonyms);
reversing removes exactly these grants.
"""

import django.db.models.deletion
from django.db import migrations, models

from cms.editor_permissions import editor_permission_grants


CODENAMES = ['add_searchpin', 'change_searchpin', 'delete_searchpin', 'view_searchpin']


grant, revoke = editor_permission_grants("directory_search", CODENAMES)


class Migration(migrations.Migration):

    dependencies = [
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ('directory', '0007_company_confirmed_at'),
        ('directory_search', '0005_vocabulary'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchPin',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.CharField(help_text='The words commissioners search for, e.g. "drone filming" (any case).', max_length=200, verbose_name='search text')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('company', models.ForeignKey(help_text="Shown first, as the editor's pick; ignored while it is not listed.", on_delete=django.db.models.deletion.CASCADE, related_name='search_pins', to='directory.companypage')),
            ],
            options={
                'verbose_name': 'search pin',
                'ordering': ['text', 'created_at', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('text', 'company'), name='search_pin_once_per_text')],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
