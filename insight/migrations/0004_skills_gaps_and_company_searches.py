"""Skills gaps editors mark from the report, and the searches that found each company.

Wagtail's Editors and Moderators groups may manage them (as the synonyms);
reversing removes exactly these grants.
"""

import django.db.models.deletion
from django.db import migrations, models

from cms.editor_permissions import editor_permission_grants


CODENAMES = ['add_skillsgap', 'change_skillsgap', 'delete_skillsgap', 'view_skillsgap']


grant, revoke = editor_permission_grants("insight", CODENAMES)


class Migration(migrations.Migration):

    dependencies = [
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ('directory', '0007_company_confirmed_at'),
        ('insight', '0003_cluster_numbers_page'),
    ]

    operations = [
        migrations.CreateModel(
            name='SkillsGap',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.CharField(help_text='The words commissioners search for, e.g. "drone filming".', max_length=200, unique=True, verbose_name='search text')),
                ('note', models.TextField(help_text='What is missing, and what the cluster might do about it.', max_length=2000)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'skills gap',
                'ordering': ['text'],
            },
        ),
        migrations.CreateModel(
            name='CompanySearchDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('text', models.CharField(max_length=200)),
                ('appearances', models.PositiveIntegerField(default=0)),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='insight_searches', to='directory.companypage')),
            ],
            options={
                'verbose_name': 'company search day',
                'constraints': [models.UniqueConstraint(fields=('company', 'day', 'text'), name='insight_one_search_count_per_day')],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
