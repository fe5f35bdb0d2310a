"""Demo member companies: ``python manage.py seed_demo [--companies N]``.

``seed(stdout, options)`` creates the directory page at ``/directory/`` and the
member companies. With N up to ``len(CURATED)`` (60, the default) it makes that
many hand-shaped companies: a Pillow-drawn logo, skills and sectors that fit
their trade, a town in the gazetteer, credits, a showreel for most, some
verified and a few lapsed. Each is published through a revision, exactly as
an editor would. Everything is deterministic (seeded), so running again finds
every company by slug and changes nothing.

Beyond that, ``--companies N`` adds ``N - 60`` synthetic companies for
benchmarks, built in bulk (see ``bulk_create_companies``): 100,000 take a few
minutes instead of hours. Curated or synthetic, every company belongs to one
trade (``TRADES``: an animation studio, a VFX house, a drone unit...), which
decides its skills (from the seeded taxonomy, directory/data/skills.csv), its
sectors, strapline, about text, credits and gallery, so the demo reads as a
real directory and a search for "sound studio" finds sound studios. A few
companies write American spellings or joined forms ("color grading",
"postproduction"), as real members do.
"""

from __future__ import annotations

import io
import random
import re
import sys
import uuid
import zlib
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from tqdm import tqdm

from cms.demo import generated_image
from cms.models import HomePage, NewsPage, NewsPageFeature

from .availability import Availability
from .contact_privacy import ContactVisibility
from .models import (
    CompanyCredit,
    CompanyGalleryImage,
    CompanyPage,
    DirectoryIndexPage,
    HomePageFeaturedCompany,
    Place,
    ProductionIndexPage,
    Sector,
    Skill,
)
from .search.indexing import rebuild_database_entries
from .search.sync import companies_changed

# Open films by the Blender Foundation (Creative Commons) stand in for showreels;
# the showcase seeder stores their oEmbed answers, so nothing is fetched.
SHOWREELS = [
    "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
    "https://www.youtube.com/watch?v=eRsGyueVLvQ",
    "https://www.youtube.com/watch?v=R6MlUcmOul8",
    "https://vimeo.com/1084537",
]


@dataclass(frozen=True)
class Trade:
    """One believable kind of company: it decides the skills, sectors, words and work.

    ``skills`` are skill slugs from the seeded taxonomy (directory/data/skills.csv),
    the first two always held; ``work`` names the pools of productions and
    clients its credits come from; ``names`` are second words for synthetic
    companies of this trade.
    """

    label: str
    skills: tuple[str, ...]
    sectors: tuple[str, ...]  # sector slugs
    strapline: str
    about: str  # {size}, {town} and {skills} are filled in
    roles: tuple[str, ...]  # its role in credits
    work: str  # a key of WORK
    project_role: str  # its role on a showcase project
    tags: tuple[str, ...]  # showcase tags for projects it leads
    stills: tuple[str, ...]  # gallery captions
    names: tuple[str, ...]


TRADES = {
    "animation": Trade(
        "animation studio",
        (
            "2d-animation",
            "3d-animation",
            "character-design",
            "storyboarding",
            "rigging",
            "animatics",
            "illustration",
        ),
        ("animation", "childrens", "advertising", "education"),
        "Character animation from storyboard to final frame",
        "We are a {size} animation studio in {town}, making characters move for broadcasters, "
        "brands and children's channels: {skills}. Cartoons, explainers and series, from the "
        "first sketch to delivery.",
        ("Animation", "Character animation", "Storyboards"),
        "screen",
        "Animation",
        ("2d animation", "hand-drawn"),
        ("Storyboards for episode one", "Character turnarounds", "Final frame"),
        ("Animation", "Toons", "Cartoons"),
    ),
    "stop-motion": Trade(
        "stop motion studio",
        (
            "stop-motion",
            "character-design",
            "prop-making",
            "storyboarding",
            "animatics",
            "production-design",
        ),
        ("animation", "childrens", "advertising", "music-video"),
        "Stop motion and claymation, made by hand in Staffordshire",
        "A {size} stop motion studio in {town}: puppets, clay and sets built and animated in "
        "our own workshop. {skills}, frame by frame, for series, adverts and shorts.",
        ("Stop motion animation", "Puppet making", "Set build"),
        "screen",
        "Stop motion animation",
        ("stop-motion", "hand-made"),
        ("Puppets on the workbench", "Lighting the miniature set", "Clay heads drying"),
        ("Stop Motion", "Puppets", "Claymation"),
    ),
    "vfx": Trade(
        "VFX house",
        (
            "visual-effects",
            "compositing",
            "rotoscoping",
            "matchmoving",
            "cg-modelling",
            "texturing-and-look-development",
            "fx-simulation",
            "matte-painting",
            "vfx-supervision",
        ),
        ("film", "tv-drama", "advertising"),
        "Invisible effects and impossible shots",
        "Visual effects from a {size} VFX house in {town}: {skills}. We join productions in "
        "pre-production, supervise on set and deliver CGI shots on schedule.",
        ("Visual effects", "VFX supervision", "Compositing"),
        "screen",
        "VFX",
        ("vfx", "cgi"),
        (
            "Before and after the composite",
            "Set extension breakdown",
            "On set with tracking markers",
        ),
        ("VFX", "Visual Effects", "FX"),
    ),
    "grading": Trade(
        "post-production and colour grading house",
        (
            "colour-grading",
            "online-editing",
            "conform",
            "mastering-and-deliverables",
            "dit-and-data-wrangling",
        ),
        ("film", "tv-drama", "documentary", "advertising"),
        "Colour grading and finishing for screens of every size",
        "A {size} post-production house in {town} with a colourist in every suite: {skills}. "
        "Grades, conforms and deliverables that pass broadcasters' technical checks first time.",
        ("Colour grade", "Online and conform", "Deliverables"),
        "screen",
        "Colour grade",
        ("colour grading", "post-production"),
        ("In the grading suite", "Scopes and a reference monitor", "Finishing the conform"),
        ("Post", "Grade", "Colour"),
    ),
    "editing": Trade(
        "edit house",
        (
            "offline-editing",
            "trailer-editing",
            "online-editing",
            "edit-suite-hire",
            "archive-research",
        ),
        ("tv-drama", "factual", "documentary", "entertainment"),
        "Editors who find the story",
        "Our {size} edit house in {town} cuts drama, documentaries and entertainment: "
        "{skills}. Experienced editors, and cutting rooms to hire by the week.",
        ("Offline edit", "Editor", "Trailer edit"),
        "screen",
        "Editing",
        ("documentary", "post-production"),
        ("In the cutting room", "The paper edit", "Timeline on the last day"),
        ("Edit", "Editing", "Cutting Rooms"),
    ),
    "sound": Trade(
        "sound studio",
        (
            "sound-design",
            "dubbing-mixing",
            "foley",
            "adr-and-voice-recording",
            "music-composition",
            "location-sound-recording",
        ),
        ("film", "tv-drama", "games", "advertising"),
        "Sound design, mixing and music for picture",
        "Our {size} audio post studio in {town} records, designs and mixes sound for film, TV "
        "and games: {skills}. A dubbing theatre, a Foley stage and a voice booth.",
        ("Sound design", "Dubbing mix", "Original music"),
        "screen",
        "Sound",
        ("sound design", "foley"),
        ("Recording Foley", "At the dubbing desk", "In the voice booth"),
        ("Sound", "Audio", "Mix"),
    ),
    "access": Trade(
        "subtitling and access service",
        (
            "subtitling-and-captioning",
            "mastering-and-deliverables",
            "audio-description",
            "adr-and-voice-recording",
        ),
        ("tv-drama", "education", "public-sector", "heritage"),
        "Subtitles, captions and audio description",
        "A {size} access services company in {town}: {skills}. Closed captions, translated "
        "subtitles and described versions for broadcasters, museums and e-learning.",
        ("Subtitles", "Audio description", "Access versions"),
        "screen",
        "Subtitles and access",
        ("subtitles", "accessibility"),
        ("Timing subtitles", "Recording audio description", "The access suite"),
        ("Captions", "Subtitles", "Access"),
    ),
    "drone": Trade(
        "drone and aerial filming company",
        ("drone-filming", "camera-operating", "360-video", "publicity-and-stills-photography"),
        ("film", "tv-drama", "advertising", "sport", "heritage"),
        "Aerial filming with CAA-approved drone pilots",
        "A {size} aerial filming company in {town}: {skills}. Licensed pilots and UAV crews "
        "for drama, sport, property and heritage, with surveys and permissions handled.",
        ("Aerial filming", "Drone unit", "Aerial photography"),
        "screen",
        "Aerial filming",
        ("drone", "aerial"),
        ("Pre-flight checks", "Over the moorlands", "Aerial view of the kilns"),
        ("Aerials", "Drone", "Skyworks"),
    ),
    "camera": Trade(
        "camera crew",
        (
            "cinematography",
            "camera-operating",
            "focus-pulling",
            "steadicam",
            "gaffer-and-lighting",
            "grip",
            "underwater-filming",
        ),
        ("film", "tv-drama", "advertising", "music-video"),
        "Directors of photography and camera crews",
        "A {size} camera department based in {town}: {skills}. DoPs, operators and assistants "
        "who light and shoot drama, adverts and music promos across the region.",
        ("Director of photography", "Camera crew", "Lighting"),
        "screen",
        "Camera",
        ("live action", "cinematography"),
        ("On set with the camera crew", "Lighting the scene", "Steadicam rehearsal"),
        ("Camera", "Crew", "Lens"),
    ),
    "hire": Trade(
        "camera and lighting hire company",
        (
            "camera-and-lighting-hire",
            "studio-hire",
            "grip",
            "gaffer-and-lighting",
            "unit-and-vehicle-hire",
        ),
        ("film", "tv-drama", "advertising", "live-events"),
        "Camera, lighting and grip hire",
        "Kit hire from a {size} rental house in {town}: {skills}. Cameras, lenses, lights and "
        "grip, prepped and tested, dry hire or with crew.",
        ("Camera hire", "Lighting hire", "Studio hire"),
        "screen",
        "Equipment hire",
        ("equipment hire", "live action"),
        ("The prep bay", "Lenses ready to go", "Our drive-in studio"),
        ("Hire", "Rental", "Kit"),
    ),
    "locations": Trade(
        "location services company",
        ("location-management", "unit-and-vehicle-hire", "production-coordination", "studio-hire"),
        ("film", "tv-drama", "advertising", "heritage"),
        "Locations, permits and unit bases across Staffordshire",
        "A {size} location services company in {town}: {skills}. We find the mills, kilns, "
        "canals and country houses, agree the permits and run the unit base.",
        ("Locations", "Location manager", "Unit base"),
        "screen",
        "Locations",
        ("locations", "period drama"),
        ("Tech recce at the kilns", "Unit base by the canal", "Scouting the moorlands"),
        ("Locations", "Scouts", "Unit"),
    ),
    "documentary": Trade(
        "documentary production company",
        (
            "producing",
            "directing",
            "research",
            "archive-research",
            "offline-editing",
            "production-management",
        ),
        ("documentary", "factual", "news", "heritage"),
        "Documentaries for broadcasters and streamers",
        "A {size} documentary production company in {town}: {skills}. Observational films, "
        "investigations and history series, researched, shot and cut in-house.",
        ("Production", "Self-shooting director", "Edit producer"),
        "screen",
        "Production",
        ("documentary", "factual"),
        ("Filming an interview", "In the archive", "On location"),
        ("Docs", "Documentary", "Factual"),
    ),
    "drama": Trade(
        "drama production company",
        (
            "producing",
            "directing",
            "screenwriting",
            "script-editing",
            "development-producing",
            "line-production",
            "casting",
        ),
        ("film", "tv-drama", "comedy"),
        "Scripted drama and feature films with a Midlands voice",
        "An independent production company in {town} developing and producing scripted drama "
        "and feature films, with a {size} team: {skills}, and a slate of regional stories.",
        ("Production", "Development", "Co-production"),
        "screen",
        "Production",
        ("period drama", "live action"),
        ("Read-through day", "On set in Burslem", "Casting session"),
        ("Pictures", "Films", "Drama"),
    ),
    "corporate": Trade(
        "corporate video production company",
        ("producing", "directing", "camera-operating", "offline-editing", "commercials-directing"),
        ("corporate", "education", "public-sector"),
        "Corporate films, training videos and event coverage",
        "A {size} corporate video production company in {town}: {skills}. Company films, "
        "training and recruitment videos, case studies and conference filming for business.",
        ("Production", "Filming and edit", "Event filming"),
        "brand",
        "Production",
        ("corporate", "live action"),
        ("Filming at the factory", "Interview set-up", "Conference coverage"),
        ("Video", "Media", "Films"),
    ),
    "commercials": Trade(
        "commercials and brand film company",
        ("commercials-directing", "producing", "art-direction", "offline-editing", "casting"),
        ("advertising", "corporate", "music-video"),
        "Adverts, brand films and social content that work hard",
        "A {size} creative production company in {town} making adverts, brand films and social "
        "content for companies, charities and councils: {skills}, from idea to campaign.",
        ("Production", "Creative direction", "Direction"),
        "brand",
        "Production",
        ("advertising", "live action"),
        ("Product shoot", "Casting the campaign", "Art department at work"),
        ("Creative", "Commercials", "Brand Films"),
    ),
    "music-video": Trade(
        "music video production company",
        ("directing", "producing", "offline-editing", "colour-grading", "art-direction"),
        ("music-video", "live-events", "entertainment"),
        "Music videos and promos for artists and labels",
        "A {size} music video production company in {town}: {skills}. Promos, live sessions "
        "and tour visuals for bands, artists and labels, shot and cut in-house.",
        ("Direction", "Production", "Edit"),
        "events",
        "Music video",
        ("music video", "live action"),
        ("On the shoot with the band", "Live session", "Grading the promo"),
        ("Music Films", "Promos", "Sessions"),
    ),
    "motion": Trade(
        "motion graphics and title design studio",
        ("motion-graphics", "2d-animation", "title-design", "graphic-design", "illustration"),
        ("advertising", "corporate", "tv-drama", "film"),
        "Motion graphics, titles and on-screen design",
        "Motion graphics, title sequences and broadcast design from a {size} studio in "
        "{town}: {skills}. Explainers, idents and end credits for producers and agencies.",
        ("Titles", "Motion graphics", "Graphic design"),
        "brand",
        "Motion graphics",
        ("motion graphics", "titles"),
        ("Title sequence frames", "Style frames", "Animating the ident"),
        ("Motion", "Titles", "Graphics"),
    ),
    "games": Trade(
        "games developer",
        ("game-design", "game-programming", "game-art", "level-design", "qa-and-playtesting"),
        ("games", "education"),
        "Games for consoles, PC and mobile, made in Staffordshire",
        "A {size} independent games developer in {town}, building our own titles and "
        "co-developing with publishers: {skills}, all under one roof.",
        ("Co-development", "Game design", "Art"),
        "games",
        "Game development",
        ("games", "indie"),
        ("Playtest day", "Concept art wall", "Level blockout"),
        ("Games", "Interactive", "Play"),
    ),
    "cinematics": Trade(
        "games cinematics studio",
        (
            "3d-animation",
            "rigging",
            "cg-modelling",
            "texturing-and-look-development",
            "animatics",
            "game-art",
        ),
        ("games", "animation", "advertising"),
        "Game trailers and cinematics",
        "A {size} cinematics studio in {town} making game trailers, cut-scenes and in-engine "
        "cinematics for publishers: {skills}, rendered in real time or offline.",
        ("Cinematics", "Trailer", "Character animation"),
        "games",
        "Cinematics",
        ("games", "cgi"),
        ("Trailer storyboard", "Character rig", "Final render"),
        ("Cinematics", "Trailers", "CG"),
    ),
    "immersive": Trade(
        "immersive and XR studio",
        (
            "virtual-reality",
            "augmented-reality",
            "360-video",
            "projection-mapping",
            "volumetric-capture",
            "virtual-production",
            "interactive-web",
        ),
        ("immersive-xr", "heritage", "live-events", "education"),
        "Virtual, augmented and mixed reality experiences",
        "From a {size} studio in {town} we design immersive experiences for museums, venues "
        "and brands: {skills}.",
        ("Immersive experience", "Virtual production", "AR app"),
        "events",
        "Immersive",
        ("virtual production", "360 video"),
        ("Testing the headset", "Projection test on the bottle kiln", "LED volume"),
        ("XR", "Immersive", "Virtual"),
    ),
    "training": Trade(
        "screen skills training provider",
        (
            "training-and-workshops",
            "studio-hire",
            "camera-operating",
            "gaffer-and-lighting",
            "offline-editing",
        ),
        ("education", "film", "tv-drama"),
        "Courses and workshops for new and working crew",
        "A {size} training provider in {town}: {skills}. Short courses, apprenticeships and "
        "workshops that get new crew ready for set and help working crew step up.",
        ("Training", "Trainee scheme", "Workshops"),
        "courses",
        "Training",
        ("training", "live action"),
        ("Camera workshop", "Lighting masterclass", "Edit course"),
        ("Academy", "Training", "Skills"),
    ),
}

# Credits come from the kind of work a trade does: (productions, clients).
# Demo companies are invented, and so is every credit they claim.
WORK = {
    "screen": (
        (
            "The Last Firing",
            "Clay Hearts",
            "Canal Lights",
            "Northern Soul Kitchen",
            "The Potters",
            "Moorland Rescue",
            "Bottle Kilns",
            "Slip & Glaze",
            "Night Shift",
            "Saggar Makers",
            "The Lost Mill",
            "Green Chase",
            "After the Works",
            "Tile & Tide",
            "The Long Road to Leek",
            "Five Towns",
            "Wild Staffordshire",
        ),
        (
            "Channel Trent",
            "Five Towns TV",
            "Moorland Screen",
            "Northlight Pictures",
            "Kilnhouse Streaming",
            "Marl Films",
            "Midlands Screen Fund",
            "",
        ),
    ),
    "brand": (
        (
            "Made in the Potteries campaign",
            "Kiln to Table brand film",
            "Winter appeal",
            "Safety at the works",
            "Graduate recruitment film",
            "Annual review",
            "Open day film",
            "Spring sale",
            "Our apprentices",
        ),
        (
            "Saggar Tableware",
            "Potteries Borough Council",
            "Churnet Valley University",
            "Burslem Athletic FC",
            "Trent Water",
            "Staffordshire Hospice Trust",
        ),
    ),
    "games": (
        (
            "Shardfall",
            "Kiln Keeper",
            "Canal Racers",
            "Marl Mountain",
            "Night Potters",
            "Glazebound",
            "Bottle Oven Tycoon",
        ),
        ("Jasper Games", "Kilnhouse Streaming", "Marl Interactive", ""),
    ),
    "events": (
        (
            "Lights of the Five Towns",
            "Kiln Sessions",
            "Canal Nights",
            "Festival of Clay",
            "Northern Soul Weekender",
            "The Bottle Oven Tour",
            "Museum Nights",
        ),
        (
            "Bottle Oven Records",
            "Potteries Museum Trust",
            "Five Towns Festival",
            "Marl Records",
            "",
        ),
    ),
    "courses": (
        (
            "Camera trainee scheme",
            "Lighting for drama course",
            "Edit bootcamp",
            "New entrants programme",
            "Drone licence course",
            "Summer film school",
        ),
        ("Midlands Screen Fund", "Churnet Valley University", "Potteries Borough Council", ""),
    ),
}
CLIENTS = sorted({client for _, clients in WORK.values() for client in clients if client})

# Sixty plausible, fictional companies: (name, trade, town slug, voice). Names
# borrow from the Potteries and the Staffordshire moorlands, and a name with a
# town in it is based there; any likeness is coincidental. Most write British
# English; a few write American spellings ("us") or joined or hyphenated forms.
CURATED = [
    ("Kiln Light Studio", "animation", "hanley", "uk"),
    ("Saggar Post", "grading", "hanley", "uk"),
    ("Marl Pit VFX", "vfx", "stoke-on-trent", "uk"),
    ("Bottle Oven Sound", "sound", "burslem", "uk"),
    ("Slipcast Games", "games", "hanley", "uk"),
    ("Etruria Immersive", "immersive", "stoke-on-trent", "uk"),
    ("Trent Valley Pictures", "drama", "stoke-on-trent", "uk"),
    ("Moorland Films", "documentary", "biddulph", "uk"),
    ("Glaze Creative", "commercials", "hanley", "uk"),
    ("Churnet Camera Hire", "hire", "cheadle", "uk"),
    ("Potbank Music Films", "music-video", "burslem", "uk"),
    ("Lustre Motion", "motion", "newcastle-under-lyme", "uk"),
    ("Flint & Fire Animation", "animation", "burton-upon-trent", "uk"),
    ("Hanley Grade", "grading", "hanley", "us"),
    ("Cobalt Compositing", "vfx", "leek", "us"),
    ("Roaches Audio", "sound", "biddulph", "uk"),
    ("Clayhead Animation", "stop-motion", "burslem", "hyphen"),
    ("Lymelight XR", "immersive", "newcastle-under-lyme", "uk"),
    ("Spode Street Productions", "drama", "stoke", "uk"),
    ("Chase Documentary", "documentary", "cannock", "uk"),
    ("Canalside Media", "corporate", "stone", "uk"),
    ("Hednesford Grip & Light", "camera", "hednesford", "uk"),
    ("Tunstall Beat Films", "music-video", "tunstall", "uk"),
    ("Jasper Title Design", "motion", "blythe-bridge", "uk"),
    ("Penkridge Aerials", "drone", "penkridge", "uk"),
    ("Longton Edit House", "editing", "longton", "uk"),
    ("Wharf Street VFX", "vfx", "stone", "uk"),
    ("Foley Works Stafford", "sound", "stafford", "uk"),
    ("Pixel Pottery", "games", "burslem", "uk"),
    ("Needwood Virtual", "immersive", "burton-upon-trent", "us"),
    ("Rudyard Films", "drama", "biddulph", "uk"),
    ("Uttoxeter Factual", "documentary", "uttoxeter", "us"),
    ("Brewhouse Business Films", "corporate", "burton-upon-trent", "uk"),
    ("Moorland Lens Crew", "camera", "cheadle", "uk"),
    ("Kidsgrove Tape", "music-video", "kidsgrove", "us"),
    ("Majolica Motion", "motion", "eccleshall", "us"),
    ("Cheddleton Stop Motion", "stop-motion", "leek", "uk"),
    ("Fenton Finishing", "grading", "fenton", "joined"),
    ("Blue Glaze FX", "vfx", "tamworth", "uk"),
    ("Lichfield Mix", "sound", "lichfield", "us"),
    ("Tamworth Interactive", "games", "tamworth", "uk"),
    ("Clear Caption Co", "access", "stoke-on-trent", "uk"),
    ("Chase Drone Works", "drone", "hednesford", "uk"),
    ("Etruria Cutting Rooms", "editing", "stoke", "hyphen"),
    ("County Town Video", "corporate", "stafford", "us"),
    ("Leek Lens Hire", "hire", "leek", "uk"),
    ("Signpost Access Media", "access", "newcastle-under-lyme", "us"),
    ("Manifold Locations", "locations", "cheadle", "uk"),
    ("Tableware Toons", "animation", "longton", "us"),
    ("Biscuit Ware Models", "stop-motion", "fenton", "joined"),
    ("Salt Glaze Cinematics", "cinematics", "gnosall", "uk"),
    ("Weaver Hills Aerial", "drone", "uttoxeter", "us"),
    ("Crate & Kiln Cinematics", "cinematics", "newcastle-under-lyme", "hyphen"),
    ("Tunstall Camera Crew", "camera", "tunstall", "us"),
    ("Trentham Location Services", "locations", "stoke", "uk"),
    ("Trent Vale Edit", "editing", "newcastle-under-lyme", "joined"),
    ("Rugeley Reels", "commercials", "rugeley", "hyphen"),
    ("Cannock Kit Rental", "hire", "cannock", "us"),
    ("Staffordshire Screen Academy", "training", "stafford", "uk"),
    ("Codsall Crew Training", "training", "codsall", "uk"),
]
GALLERY_COMPANIES = 8  # the first few show a gallery of Pillow-drawn stills
LAPSED = {"Kidsgrove Tape", "Wharf Street VFX", "Lichfield Mix", "Tamworth Interactive"}

# How a company spells: most write British English; "us" companies write
# American spellings, "joined" ones run compounds together and "hyphen" ones
# hyphenate them, so the search has real variants to reconcile.
_US_SPELLINGS = [
    (r"colour", "color"),
    (r"centre", "center"),
    (r"theatre", "theater"),
    (r"programme", "program"),
    (r"licence", "license"),
    (r"modelling", "modeling"),
    (r"catalogue", "catalog"),
    (r"(visual|special|real|organ|custom|optim|recogn)is(e|es|ed|ing|ation|ations)\b", r"\1iz\2"),
]
_JOINED = [
    (r"post[- ]production", "postproduction"),
    (r"stop[- ]motion", "stopmotion"),
    (r"voice[- ]over", "voiceover"),
    (r"make[- ]up", "makeup"),
]
_HYPHENATED = [
    (r"post production", "post-production"),
    (r"stop motion", "stop-motion"),
    (r"voice over", "voice-over"),
]
VOICES = {"uk": [], "us": _US_SPELLINGS, "joined": _JOINED, "hyphen": _HYPHENATED}


def in_voice(text: str, voice: str) -> str:
    """``text`` as a company of ``voice`` writes it (keeping a capital first letter)."""
    for pattern, replacement in VOICES[voice]:

        def swap(match, replacement=replacement):
            new = match.expand(replacement)
            return new[:1].upper() + new[1:] if match.group(0)[:1].isupper() else new

        text = re.sub(rf"\b{pattern}", swap, text, flags=re.IGNORECASE)
    return text


def trade_of(slug: str) -> Trade | None:
    """The trade of a curated company, by its slug (None for any other company)."""
    return _TRADE_BY_SLUG.get(slug)


_TRADE_BY_SLUG = {slugify(name): TRADES[trade] for name, trade, _, _ in CURATED}


SIZE_WORDS = {
    "1": "one-person",
    "2-9": "small",
    "10-49": "growing",
    "50-249": "busy",
    "250+": "large",
}
PALETTE = [
    (200, 80, 40),
    (30, 90, 140),
    (40, 120, 90),
    (120, 60, 140),
    (190, 140, 30),
    (60, 60, 70),
    (170, 40, 80),
    (20, 120, 130),
]


def ensure_directory_index(stdout) -> DirectoryIndexPage | None:
    """The DirectoryIndexPage at /directory/ under the home page (created once)."""
    index = DirectoryIndexPage.objects.first()
    if index is not None:
        return index
    home = HomePage.objects.first()
    if home is None:
        stdout.write("  no home page: run cms.demo first")
        return None
    index = DirectoryIndexPage(
        title="Member directory",
        slug="directory",
        intro="<p>Find a member company by skill, sector or place: animation, post-production, "
        "VFX, sound, games and immersive studios across Stoke-on-Trent and Staffordshire.</p>",
    )
    index.show_in_menus = True
    home.add_child(instance=index)
    index.save_revision().publish()
    # The directory is what most visitors come for: first in the main menu.
    index.move(home, pos="first-child")
    stdout.write("  created the directory page at /directory/")
    return index


def logo_image(name: str, colour: tuple[int, int, int]):
    """A square Pillow-drawn logo (monogram in a roundel), found again by its title."""
    Image = get_image_model()
    title = f"{name} logo"
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    size = 400
    canvas = PILImage.new("RGB", (size, size), (250, 248, 244))
    draw = ImageDraw.Draw(canvas)
    draw.ellipse([24, 24, size - 24, size - 24], fill=colour)
    draw.ellipse([52, 52, size - 52, size - 52], outline=(255, 255, 255), width=6)
    initials = "".join(word[0] for word in name.replace("&", "").split()[:2]).upper()
    font = ImageFont.load_default(size=150)
    draw.text((size / 2, size / 2), initials, font=font, fill=(255, 255, 255), anchor="mm")
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG")
    image = Image(title=title, description=f"{name} logo")
    image.file = ImageFile(buffer, name=f"logo-{slugify(name)}.png")
    image.save()
    return image


def skills_phrase(skills) -> str:
    """ "colour grading, conform and online editing": skill names as a phrase in running text."""
    names = [s.name[:1].lower() + s.name[1:] if s.name[1:2].islower() else s.name for s in skills]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def trade_skills(trade: Trade, rng: random.Random, skills_by_slug: dict) -> list:
    """The trade's first two skills, then one to four more of its own (taxonomy order kept).

    The first skill's group stays the main one: no more skills from the trade's
    neighbouring groups than from it (a VFX house that also grades is still a
    VFX house).
    """
    own = [skills_by_slug[slug] for slug in trade.skills if slug in skills_by_slug]
    extra = rng.sample(own[2:], min(len(own) - 2, rng.randint(1, 4))) if len(own) > 2 else []
    chosen = [s for s in own if s in own[:2] or s in extra]
    main = [s for s in chosen if s.group_id == own[0].group_id]
    others = [s for s in chosen if s.group_id != own[0].group_id]
    kept = set(main + others[: len(main)])
    return [s for s in chosen if s in kept]


def trade_text(trade: Trade, voice: str, size: str, town: str, skills) -> tuple[str, str]:
    """(strapline, about paragraph text) of a company of ``trade``, written in its voice."""
    about = trade.about.format(size=SIZE_WORDS[size], town=town, skills=skills_phrase(skills))
    about = re.sub(r"([.:] )([a-z])", lambda m: m.group(1) + m.group(2).upper(), about)
    return in_voice(trade.strapline, voice), in_voice(about, voice)


def curated_page(
    number: int, spec: tuple[str, str, str, str], rng: random.Random, terms
) -> CompanyPage:
    name, trade_key, town, voice = spec
    trade = TRADES[trade_key]
    skills_by_slug, sectors, places = terms
    by_slug = {p.slug: p for p in places}
    place = by_slug.get(town) or places[number % len(places)]
    size = rng.choice(list(CompanyPage.SizeBand))
    skills = trade_skills(trade, rng, skills_by_slug)
    strapline, about = trade_text(trade, voice, size.value, place.name, skills)
    productions, clients = WORK[trade.work]
    page = CompanyPage(
        title=name,
        slug=slugify(name),
        strapline=strapline,
        about=f"<p>{about}</p>"
        f"<p>Members of the cluster since {2015 + number % 10}. "
        "Get in touch with your brief: we reply within two working days.</p>",
        place=place,
        service_area=rng.choice(list(CompanyPage.ServiceArea)),
        size_band=size,
        year_founded=rng.randint(1988, 2023),
        website=f"https://{slugify(name)}.example",
        email=f"hello@{slugify(name)}.example",
        phone=f"01782 {rng.randint(100000, 999999)}",
        linkedin_url=f"https://www.linkedin.com/company/{slugify(name)}-example",
        instagram_url=f"https://www.instagram.com/{slugify(name).replace('-', '')}"
        if number % 2
        else "",
        showreel_url=SHOWREELS[number % len(SHOWREELS)] if number % 5 != 4 else "",
        membership_status=(
            CompanyPage.MembershipStatus.LAPSED
            if name in LAPSED
            else CompanyPage.MembershipStatus.ACTIVE
        ),
        verified=number % 3 == 0,
        joined_at=timezone.now() - timezone.timedelta(days=30 * (len(CURATED) - number)),
        live=False,
    )
    if number % 4 == 0:  # a quarter give an exact location near the town centre
        page.latitude = round(place.latitude + rng.uniform(-0.01, 0.01), 5)
        page.longitude = round(place.longitude + rng.uniform(-0.01, 0.01), 5)
    page.skills = skills
    page.sectors = [sectors[slug] for slug in trade.sectors if slug in sectors]
    credits = []
    for production in rng.sample(productions, rng.randint(2, 5)):  # no production twice
        # One production has one year and client, whoever credits it; the draws
        # that used to pick them are still made, so every other detail of the
        # demo stays as it was (the relevance judgments are written against it).
        rng.choice(clients), rng.randint(0, 1)
        credits.append(
            CompanyCredit(
                production=production,
                client=production_client(production, clients),
                year=production_year(production),
                role=rng.choice(trade.roles),
            )
        )
    credits.sort(key=lambda c: -c.year)  # newest first
    for n, credit in enumerate(credits):
        credit.sort_order = n
    page.credits = credits
    page.logo = logo_image(name, PALETTE[number % len(PALETTE)])
    if number < GALLERY_COMPANIES:
        page.gallery_images = [
            CompanyGalleryImage(
                image=generated_image(
                    f"{name} still {n}", label=f"{name}\n{caption}", palette=number + n
                ),
                caption=caption,
                sort_order=n,
            )
            for n, caption in enumerate(trade.stills)
        ]
    return page


def production_year(production: str) -> int:
    """The year of a demo production, the same for every company credited on it."""
    return 2019 + zlib.crc32(production.encode()) % 7


def production_client(production: str, clients) -> str:
    """The broadcaster or client of a demo production (one of its trade's; some have none)."""
    return clients[zlib.crc32(production.encode()[::-1]) % len(clients)]


def ensure_productions_page(stdout) -> None:
    """The productions page at /productions/ under the home page (created once)."""
    if ProductionIndexPage.objects.exists():
        return
    home = HomePage.objects.first()
    if home is None:
        return
    page = ProductionIndexPage(
        title="Productions",
        slug="productions",
        intro="<p>Films, series, games and campaigns our member companies are credited on: "
        "see who worked on what, and for whom.</p>",
        show_in_menus=False,
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    stdout.write("  created the productions page at /productions/")


def demo_freshness(number: int, now=None) -> dict:
    """When curated company ``number`` was last updated or confirmed: varied, about two in
    five older than six months (the staleness report and the cards' "Updated ..." show
    them); every tenth was confirmed still accurate last week after a long quiet."""
    now = now or timezone.now()
    days = (number * 53) % 300
    if number % 10 == 5:
        return {
            "last_published_at": now - timezone.timedelta(days=days + 200),
            "confirmed_at": now - timezone.timedelta(days=7),
        }
    return {"last_published_at": now - timezone.timedelta(days=days)}


def demo_availability(number: int, now=None) -> dict:
    """What curated company ``number`` says about new work and who sees its contact details.

    Every kind of statement appears, dated from the day of seeding: available
    now, from a date, booked until a date, one left unconfirmed for 90 days
    (shown as unconfirmed, found by no date search) and some that say nothing.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = timezone.timedelta
    statements = (
        (Availability.NOW, None, 3),
        (Availability.FROM, today + days(days=21), 10),
        (Availability.BOOKED, today + days(days=45), 20),
        ("", None, None),
        (Availability.NOW, None, 90),  # unconfirmed: confirmed too long ago
        (Availability.FROM, today + days(days=75), 2),
    )
    kind, day, confirmed_days_ago = statements[number % len(statements)]
    visibility = (
        (ContactVisibility.EVERYONE, ContactVisibility.EVERYONE),
        (ContactVisibility.COMMISSIONERS, ContactVisibility.COMMISSIONERS),
        (ContactVisibility.EVERYONE, ContactVisibility.NOBODY),
    )[number % 3]
    return {
        "availability": kind,
        "availability_date": day,
        "availability_confirmed_at": (
            now - days(days=confirmed_days_ago) if confirmed_days_ago is not None else None
        ),
        "email_visibility": visibility[0],
        "phone_visibility": visibility[1],
    }


def taxonomy_terms():
    skills_by_slug = {s.slug: s for s in Skill.objects.order_by("pk")}
    sectors = {s.slug: s for s in Sector.objects.all()}
    places = list(Place.objects.order_by("pk"))
    return skills_by_slug, sectors, places


def seed(stdout, options) -> None:
    stdout.write("Member directory (directory.demo)")
    wanted = options.get("companies", len(CURATED))
    wanted = len(CURATED) if wanted is None else max(0, int(wanted))
    with transaction.atomic():
        index = ensure_directory_index(stdout)
    if index is None:
        return
    terms = taxonomy_terms()
    if not terms[2]:
        stdout.write("  the gazetteer is empty: run `manage.py load_gazetteer` first")
        return
    rng = random.Random(3)  # noqa: S311 - demo variety, the same on every run
    existing = set(CompanyPage.objects.child_of(index).values_list("slug", flat=True))
    created = 0
    for number, spec in enumerate(CURATED[:wanted]):
        # Draw from the generator even for existing companies, so each company's
        # details do not depend on which others already exist.
        page_rng = random.Random(rng.random())  # noqa: S311
        if slugify(spec[0]) in existing:
            continue
        with transaction.atomic():
            page = curated_page(number, spec, page_rng, terms)
            index.add_child(instance=page)
            page.save_revision().publish()
            # Before the commit hands the company to the search engine; the
            # database entry (written at publish) takes the dates again.
            CompanyPage.objects.filter(pk=page.pk).update(
                **demo_freshness(number), **demo_availability(number)
            )
            companies_changed([page.pk])
        created += 1
        if created % 10 == 0:
            stdout.write(f"  companies {created}…")
    curated = min(wanted, len(CURATED))
    stdout.write(f"  {created} companies created, {curated - created} already there")
    if wanted > len(CURATED):
        bulk_create_companies(index, wanted - len(CURATED), stdout, terms)
    feature_members(stdout)
    with transaction.atomic():
        ensure_productions_page(stdout)


def feature_members(stdout) -> None:
    """Feature up to four listed companies on the home page and in two articles.

    Runs once the companies exist, after the site content's seeder made the
    home page and the articles.
    """
    home = HomePage.objects.first()
    if home is None:
        return
    # Members with logos first: they make the best first impression.
    candidates = CompanyPage.objects.live().order_by(models.F("logo").asc(nulls_last=True), "pk")[
        :20
    ]
    companies = [c for c in candidates if c.is_listed][:4]
    if not companies:
        stdout.write("  no companies yet: featured members left empty")
        return
    if not home.featured_companies.exists():
        for order, company in enumerate(companies):
            HomePageFeaturedCompany.objects.create(page=home, company=company, sort_order=order)
        stdout.write(f"  featured {len(companies)} members on the home page")
    for article, company in zip(
        NewsPage.objects.filter(category__name="Member news").order_by("pk")[:2],
        companies,
        strict=False,
    ):
        NewsPageFeature.objects.get_or_create(
            news_page=article, page=company, defaults={"sort_order": 0}
        )


# -- synthetic companies in bulk ------------------------------------------------

SYNTHETIC_PREFIX = "member-"
FIRST = [
    "Kiln",
    "Saggar",
    "Marl",
    "Slip",
    "Glaze",
    "Flint",
    "Cobalt",
    "Lustre",
    "Trent",
    "Canal",
    "Moorland",
    "Chase",
    "Beacon",
    "Jasper",
    "Ember",
    "Shard",
    "Copper",
    "Heron",
    "Oak",
    "North",
]
SYNTHETIC_VOICES = ["uk"] * 7 + ["us", "joined", "hyphen"]  # mostly British, as curated


def bulk_create_companies(index, count: int, stdout, terms=None, batch_size: int = 2000) -> int:
    """Add ``count`` synthetic listed companies to the directory, fast; returns how many were made.

    Pages are built as rows, not through Wagtail: treebeard paths are computed
    here, ``wagtailcore_page`` rows are bulk-created in batches, the
    ``directory_companypage`` rows are inserted with ``executemany`` (Django
    cannot bulk-create a multi-table child), and the skills/sectors through rows
    are bulk-created too. Skipped, on purpose: revisions (the first edit in the
    admin makes one), logos, credits and gallery, Wagtail's own search index and
    reference index, and page signals (so search sync). The directory's search
    entries are rebuilt once at the end instead. Idempotent: synthetic companies
    are numbered (``member-000061``...) and only missing numbers are made.
    """
    skills_by_slug, sectors, places = terms or taxonomy_terms()
    trades = list(TRADES.values())
    start = len(CURATED) + 1
    have = set(
        CompanyPage.objects.child_of(index)
        .filter(slug__startswith=SYNTHETIC_PREFIX)
        .values_list("slug", flat=True)
    )
    numbers = [n for n in range(start, start + count) if f"{SYNTHETIC_PREFIX}{n:06d}" not in have]
    if not numbers:
        stdout.write(f"  {count} synthetic companies already there")
        return 0

    content_type = ContentType.objects.get_for_model(CompanyPage)
    locale = index.locale_id or Locale.get_default().pk
    rng = random.Random(11)  # noqa: S311
    now = timezone.now()
    company_fields = [
        f for f in CompanyPage._meta.local_concrete_fields if f.column != "page_ptr_id"
    ]
    table = connection.ops.quote_name(CompanyPage._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in company_fields)
    placeholders = ", ".join(["%s"] * (len(company_fields) + 1))
    # Only our own model's quoted table and column names go into the statement;
    # every value is a bound parameter.
    insert_sql = (
        f"INSERT INTO {table} ({connection.ops.quote_name('page_ptr_id')}, {columns}) "  # noqa: S608
        f"VALUES ({placeholders})"
    )
    SkillThrough = CompanyPage.skills.through
    SectorThrough = CompanyPage.sectors.through

    made = 0
    bar = tqdm(total=len(numbers), desc="Synthetic companies", unit="company", file=sys.stderr)
    with transaction.atomic():
        index = Page.objects.select_for_update().get(pk=index.pk)
        last = index.get_last_child()
        next_step = _step_of(last.path) + 1 if last else 1
        for offset in range(0, len(numbers), batch_size):
            batch = numbers[offset : offset + batch_size]
            pages, companies, terms_of = [], [], {}
            for number in batch:
                trade = rng.choice(trades)
                name = f"{rng.choice(FIRST)} {rng.choice(trade.names)} {number}"
                slug = f"{SYNTHETIC_PREFIX}{number:06d}"
                pages.append(
                    Page(
                        title=name,
                        draft_title=name,
                        slug=slug,
                        content_type=content_type,
                        path=Page._get_path(index.path, index.depth + 1, next_step),
                        depth=index.depth + 1,
                        numchild=0,
                        url_path=f"{index.url_path}{slug}/",
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=now,
                        last_published_at=now,
                        locale_id=locale,
                        translation_key=uuid.uuid4(),
                    )
                )
                next_step += 1
                place = rng.choice(places)
                size = rng.choice(CompanyPage.SizeBand.values)
                skills = trade_skills(trade, rng, skills_by_slug)
                strapline, about = trade_text(
                    trade, rng.choice(SYNTHETIC_VOICES), size, place.name, skills
                )
                own_sectors = [sectors[key] for key in trade.sectors if key in sectors]
                terms_of[slug] = (
                    skills,
                    rng.sample(own_sectors, min(len(own_sectors), rng.randint(1, 3))),
                )
                companies.append(
                    CompanyPage(
                        strapline=strapline,
                        about=f"<p>{about}</p>",
                        place_id=place.pk,
                        service_area=rng.choice(CompanyPage.ServiceArea.values),
                        size_band=size,
                        year_founded=rng.randint(1980, 2025),
                        website=f"https://{slug}.example",
                        email=f"hello@{slug}.example",
                        membership_status=CompanyPage.MembershipStatus.ACTIVE,
                        verified=rng.random() < 0.3,
                        joined_at=now - timezone.timedelta(minutes=number),
                    )
                )
            Page.objects.bulk_create(pages, batch_size=batch_size)
            rows, skill_rows, sector_rows = [], [], []
            for page, company in zip(pages, companies, strict=True):
                rows.append(
                    [page.pk]
                    + [
                        f.get_db_prep_save(getattr(company, f.attname), connection)
                        for f in company_fields
                    ]
                )
                skills, own_sectors = terms_of[page.slug]
                for skill in skills:
                    skill_rows.append(SkillThrough(companypage_id=page.pk, skill_id=skill.pk))
                for sector in own_sectors:
                    sector_rows.append(SectorThrough(companypage_id=page.pk, sector_id=sector.pk))
            with connection.cursor() as cursor:
                cursor.executemany(insert_sql, rows)
            SkillThrough.objects.bulk_create(skill_rows, batch_size=batch_size * 4)
            SectorThrough.objects.bulk_create(sector_rows, batch_size=batch_size * 4)
            made += len(batch)
            bar.update(len(batch))
        Page.objects.filter(pk=index.pk).update(numchild=index.get_children().count())
    bar.close()
    stdout.write(f"  {made} synthetic companies created in bulk")
    # Rebuilding the entries also refreshes PostgreSQL's planner statistics
    # of everything just loaded (cms.statistics).
    rebuild_search_entries(stdout)
    return made


def _step_of(path: str) -> int:
    """The number of the last step of a treebeard path (base 36, four characters)."""
    return int(path[-Page.steplen :], 36)


def rebuild_search_entries(stdout) -> None:
    """Bulk creation sends no signals, so build the directory's search entries once."""
    written = rebuild_database_entries(progress=True)
    stdout.write(f"  search entries rebuilt for {written} listed companies")
