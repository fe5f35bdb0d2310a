# A starter list of the screen industries' synonyms, so that search understands
# commissioners from the first day. Editors change them in the admin (Search
# synonyms); both backends read them at every search, so no reindex is needed.
# Two-way unless marked: a search for any term also finds the others. One-way:
# a search for the first term also finds the others, not the reverse.

from django.db import migrations

TWO_WAY = [
    "VFX, visual effects",
    "CGI, computer generated imagery, computer-generated imagery",
    "CG, computer graphics",
    "DoP, DP, director of photography, cinematographer",
    "post, post-production",
    "UAV, drone, unmanned aerial vehicle",
    "colourist, colour grading, colour grader",
    "claymation, stop motion, clay animation",
    "sound, audio",
    "hire, rental",
    "captions, subtitles, closed captions",
    "SFX, special effects, practical effects",
    "AR, augmented reality",
    "VR, virtual reality",
    "XR, extended reality, mixed reality",
    "motion capture, mocap, performance capture",
    "motion graphics, mograph",
    "ADR, automated dialogue replacement, dialogue replacement",
    "foley, sound effects",
    "VO, voiceover, voice artist",
    "BSL, British Sign Language",
    "TVC, TV commercial, television commercial",
    "TV, television",
    "film, movie",
    "OB, outside broadcast",
    "DIT, digital imaging technician",
    "live streaming, livestream, webcast",
    "showreel, demo reel",
    "composer, music composition, film score",
    "runner, production assistant",
    "HMU, hair and make-up",
    "360 video, 360-degree video, spherical video",
    "video games, computer games",
    "first AD, 1st AD, first assistant director",
]
ONE_WAY = [
    "immersive, VR, AR, XR",
    "factual, documentary",
    "commercials, TVC, advertising",
]


def load(apps, schema_editor):
    Synonym = apps.get_model("directory_search", "Synonym")
    for terms in TWO_WAY:
        Synonym.objects.get_or_create(terms=terms, defaults={"one_way": False})
    for terms in ONE_WAY:
        Synonym.objects.get_or_create(terms=terms, defaults={"one_way": True})


def unload(apps, schema_editor):
    Synonym = apps.get_model("directory_search", "Synonym")
    Synonym.objects.filter(terms__in=TWO_WAY + ONE_WAY).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("directory_search", "0002_analysed_entries"),
    ]

    operations = [migrations.RunPython(load, unload)]
