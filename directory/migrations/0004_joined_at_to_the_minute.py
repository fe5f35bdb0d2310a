"""Companies' join times to the minute, on the pages and in their revisions.

Values finer than a minute differed between the database, the revisions and
the admin's form, so the moderation compare view showed a "Joined at" change
nobody made (see ``MinuteDateTimeField``). Truncating is not reversible, and
need not be: reversing leaves the values as they are.
"""

from django.db import migrations
from django.utils.dateparse import parse_datetime

import directory.models


def truncate(apps, schema_editor):
    CompanyPage = apps.get_model("directory", "CompanyPage")
    for page in CompanyPage.objects.only("pk", "joined_at").iterator():
        minute = directory.models.to_the_minute(page.joined_at)
        if minute != page.joined_at:
            CompanyPage.objects.filter(pk=page.pk).update(joined_at=minute)

    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    company_type = ContentType.objects.filter(app_label="directory", model="companypage").first()
    if company_type is None:
        return
    for revision in Revision.objects.filter(content_type=company_type).iterator():
        stored = parse_datetime(revision.content.get("joined_at") or "")
        if stored is None or stored == directory.models.to_the_minute(stored):
            continue
        revision.content["joined_at"] = directory.models.to_the_minute(stored).isoformat()
        Revision.objects.filter(pk=revision.pk).update(content=revision.content)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("directory", "0003_editors_manage_directory_terms"),
    ]

    operations = [
        migrations.AlterField(
            model_name="companypage",
            name="joined_at",
            field=directory.models.MinuteDateTimeField(
                default=directory.models.joined_now,
                help_text="When the company joined; used for 'newest' sorting.",
            ),
        ),
        migrations.RunPython(truncate, migrations.RunPython.noop),
    ]
