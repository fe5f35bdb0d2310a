"""Every existing credit gets its production: one per title key and year, made from the credits.

The credits' own text stays as it was (what the member wrote). Where several
credits name one production with different clients, the first client given
(by credit id) becomes the production's.
"""

from django.db import migrations

from directory.models import client_key, production_slug_base, production_title_key


def link_credits(apps, schema_editor):
    Production = apps.get_model("directory", "Production")
    CompanyCredit = apps.get_model("directory", "CompanyCredit")
    found = {(p.title_key, p.year): p for p in Production.objects.all()}
    slugs = set(Production.objects.values_list("slug", flat=True))
    for credit in CompanyCredit.objects.filter(work__isnull=True).order_by("pk").iterator():
        key = production_title_key(credit.production)
        if not key:
            continue
        production = found.get((key, credit.year))
        if production is None:
            production = Production.objects.create(
                title=credit.production.strip(),
                title_key=key,
                year=credit.year,
                client=credit.client.strip(),
                client_key=client_key(credit.client),
                slug=_free_slug(credit.production, credit.year, slugs),
            )
            found[(key, credit.year)] = production
        elif not production.client and credit.client:
            production.client = credit.client.strip()
            production.client_key = client_key(credit.client)
            production.save(update_fields=["client", "client_key"])
        credit.work_id = production.pk
        credit.save(update_fields=["work"])


def _free_slug(title, year, taken: set) -> str:
    base = production_slug_base(title, year)
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def unlink_credits(apps, schema_editor):
    apps.get_model("directory", "CompanyCredit").objects.update(work=None)
    apps.get_model("directory", "Production").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0010_productions")]

    operations = [migrations.RunPython(link_credits, unlink_credits)]
