"""Demo content for the site: home page, standard pages, contact, news, settings, an editor.

Run through ``python manage.py seed_demo``. Idempotent: pages are found by slug,
images by title, so a second run changes nothing and creates nothing new.
``generated_image()`` is shared with the other apps' seeders (logos, stills).
"""

from __future__ import annotations

import datetime
import io
import random
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.images import ImageFile
from django.db import transaction

from wagtail.images import get_image_model
from wagtail.models import Page, Site

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from cms.models import (
    ContactFormField,
    ContactPage,
    HomePage,
    NewsCategory,
    NewsIndexPage,
    NewsPage,
    SiteSettings,
    StandardPage,
)

EDITOR_USERNAME = "editor"

# Dark, saturated pairs: white text on them stays readable in the generated art.
PALETTES = [
    ((17, 16, 22), (176, 32, 58)),
    ((20, 33, 61), (35, 110, 160)),
    ((28, 25, 40), (120, 60, 160)),
    ((16, 42, 38), (22, 128, 100)),
    ((48, 22, 14), (200, 90, 30)),
    ((30, 30, 34), (90, 90, 110)),
]


def generated_image(title: str, *, label: str = "", palette: int = 0, size=(1600, 900)):
    """Get or create a Wagtail image (by title) drawn with Pillow: a gradient, a
    film-strip border and an optional label. Nothing is downloaded."""
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    dark, light = PALETTES[palette % len(PALETTES)]
    width, height = size
    canvas = PILImage.new("RGB", size, dark)
    draw = ImageDraw.Draw(canvas)
    # Diagonal gradient from the dark to the light colour.
    for x in range(0, width, 4):
        t = x / width
        colour = tuple(int(d + (li - d) * t * 0.9) for d, li in zip(dark, light, strict=True))
        draw.rectangle([x, 0, x + 4, height], fill=colour)
    # A few soft "lens flare" circles, placed from the title so each image differs.
    rng = random.Random(title)  # noqa: S311 - decoration, not security
    for _ in range(5):
        r = rng.randint(height // 10, height // 3)
        cx, cy = rng.randint(0, width), rng.randint(0, height)
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(255, 255, 255), width=3)
    # Film-strip sprocket holes along the top and bottom edges.
    strip = height // 12
    for y0 in (0, height - strip):
        draw.rectangle([0, y0, width, y0 + strip], fill=(10, 10, 12))
        for x in range(strip // 2, width, strip * 2):
            draw.rounded_rectangle(
                [x, y0 + strip // 4, x + strip, y0 + strip * 3 // 4], radius=6, fill=(235, 235, 235)
            )
    if label:
        font = ImageFont.load_default(size=height // 11)
        draw.multiline_text(
            (width // 14, height // 2),
            _wrap(label, 26),
            font=font,
            fill=(255, 255, 255),
            anchor="ls",
            spacing=height // 40,
        )
    buffer = io.BytesIO()
    canvas.save(buffer, format="JPEG", quality=82)
    filename = "".join(c if c.isalnum() else "-" for c in title.lower())[:60] + ".jpg"
    return Image.objects.create(title=title, file=ImageFile(buffer, name=filename))


def _wrap(text: str, width: int) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def _publish(page: Page) -> Page:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _child(parent: Page, model, slug: str, **fields):
    """The live child of ``parent`` with ``slug``, created and published if missing."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing, False
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    return _publish(page), True


# --- the steps ------------------------------------------------------------------


def ensure_home_page(stdout) -> HomePage:
    """The HomePage as the default site's root, replacing Wagtail's welcome page."""
    home = HomePage.objects.first()
    created = home is None
    if created:
        root = Page.get_first_root_node()
        home = HomePage(title="Platform", slug="platform-home")
        root.add_child(instance=home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Platform",
        )
    elif site.root_page_id != home.pk:
        welcome = site.root_page
        site.root_page = home
        site.site_name = site.site_name or "Platform"
        site.save()
        if welcome.specific_class is Page:  # only Wagtail's placeholder, never real content
            welcome.delete()
    if created:
        home.hero_heading = "Where Staffordshire’s moving-image makers meet"
        home.hero_text = (
            "Platform is the cluster of film, TV, animation, games, VFX, post-production "
            "and immersive companies in Stoke-on-Trent and Staffordshire. Find the right "
            "team for your next commission."
        )
        home.hero_image = generated_image(
            "Home hero: film strip over a red and charcoal gradient", palette=0
        )
        home.intro = (
            "<h2>A cluster, not a catalogue</h2><p>Our members have made BAFTA-nominated "
            "animation, broadcast documentaries, chart-topping games and immersive heritage "
            "experiences. The directory lists who does what and where; the news tells you "
            "what they are doing now.</p>"
        )
        home.seo_title = "Moving-image companies in Stoke-on-Trent and Staffordshire"
        home.search_description = (
            "Find film, TV, animation, games, VFX and immersive companies in "
            "Stoke-on-Trent and Staffordshire."
        )
        _publish(home)
    stdout.write(f"  home page {'created' if created else 'already there'}")
    return HomePage.objects.get(pk=home.pk)


def ensure_site_settings(home: HomePage, stdout) -> None:
    site = Site.objects.get(root_page=home)
    settings = SiteSettings.for_site(site)
    if settings.footer_text:
        stdout.write("  site settings already set")
        return
    settings.organisation_name = "Platform"
    settings.address = "Platform Studios\n1 Kiln Yard\nHanley\nStoke-on-Trent\nST1 1AA"
    settings.email = "hello@platform.example"
    settings.phone = "01782 000 000"
    settings.footer_text = (
        "Platform is the moving-image cluster for Stoke-on-Trent and Staffordshire: "
        "film, TV, animation, games, VFX, post-production and immersive."
    )
    settings.linkedin_url = "https://www.linkedin.com/company/example-platform"
    settings.instagram_url = "https://www.instagram.com/example.platform"
    settings.youtube_url = "https://www.youtube.com/@example-platform"
    settings.vimeo_url = "https://vimeo.com/exampleplatform"
    settings.save()
    stdout.write("  site settings set")


def paragraph(html):
    return ("paragraph", html)


def ensure_standard_pages(home: HomePage, stdout) -> None:
    about, created = _child(
        home,
        StandardPage,
        "about",
        title="About the cluster",
        show_in_menus=True,
        intro="Platform brings together the companies and freelancers who make moving "
        "images in Stoke-on-Trent and Staffordshire.",
        body=[
            paragraph(
                "<h2>Who we are</h2><p>Founded by a handful of studios in 2019, Platform now "
                "represents more than a hundred businesses, from one-person motion-graphics "
                "studios to post houses with broadcast-grade grading suites.</p>"
            ),
            (
                "quote",
                {
                    "quote": "We used to meet commissioners in Manchester. Now they come to us.",
                    "attribution": "Priya Shah",
                    "role": "Director, Kiln Animation",
                },
            ),
            paragraph(
                "<h2>What we do</h2><ul><li>Keep a searchable directory of members.</li>"
                "<li>Showcase members’ work to broadcasters, agencies and brands.</li>"
                "<li>Run training, networking and an annual showcase.</li></ul>"
            ),
        ],
    )
    stdout.write(f"  about page {'created' if created else 'already there'}")
    join, created = _child(
        home,
        StandardPage,
        "join",
        title="Join the cluster",
        show_in_menus=True,
        intro="Membership is free for companies and freelancers based in or working "
        "from Staffordshire.",
        body=[
            paragraph(
                "<h2>What you get</h2><ul><li>A profile in the directory, found by skill, "
                "sector and place.</li><li>Your showreels and projects in the showcase.</li>"
                "<li>Enquiries from commissioners straight to your inbox.</li></ul>"
            ),
        ],
    )
    stdout.write(f"  join page {'created' if created else 'already there'}")
    contact, created = _child(
        home,
        ContactPage,
        "contact",
        title="Contact",
        show_in_menus=True,
        intro="<p>Questions about membership, commissioning or the showcase? Write to us.</p>",
        thank_you_text="<p>Thank you: your message has reached the Platform team. "
        "We reply within two working days.</p>",
        to_address="hello@platform.example",
        from_address="website@platform.example",
        subject="Message from the Platform website",
    )
    if created:
        contact.form_fields = [
            ContactFormField(label="Your name", field_type="singleline", required=True),
            ContactFormField(label="Email", field_type="email", required=True),
            ContactFormField(
                label="Organisation",
                field_type="singleline",
                required=False,
                help_text="If you are writing on behalf of a company.",
            ),
            ContactFormField(
                label="Topic",
                field_type="dropdown",
                required=True,
                choices="Membership\nCommissioning\nShowcase\nSomething else",
            ),
            ContactFormField(label="Message", field_type="multiline", required=True),
        ]
        _publish(contact)
        # The join page ends with a button to the contact page, now that it exists.
        join.body.append(
            (
                "call_to_action",
                {
                    "heading": "Ready to join?",
                    "text": "Tell us about your company and we will send you an invitation "
                    "to create your profile.",
                    "button_text": "Contact us",
                    "page": contact,
                    "url": "",
                },
            )
        )
        _publish(join)
    stdout.write(f"  contact page {'created' if created else 'already there'}")


CATEGORIES = [
    ("Announcements", "News from the Platform team."),
    ("Member news", "Commissions, awards and launches from our members."),
    ("Events", "Screenings, meet-ups, training and the annual showcase."),
    ("Funding and opportunities", "Calls, funds and commissions open to members."),
]

ARTICLES = [
    (
        "Platform launches a directory of Staffordshire's screen companies",
        "Announcements",
        ["directory", "launch"],
        "A searchable directory of the cluster's members goes live.",
    ),
    (
        "Kiln Animation wins a children's series commission",
        "Member news",
        ["animation", "commission", "children's tv"],
        "A 26-part series will be made in Hanley.",
    ),
    (
        "Open call: immersive heritage fund for the Potteries",
        "Funding and opportunities",
        ["immersive", "funding", "heritage"],
        "Up to £25,000 for XR projects about local history.",
    ),
    (
        "Showcase night at the Victoria Hall",
        "Events",
        ["showcase", "screening"],
        "Members' showreels on the big screen, followed by a commissioners' mixer.",
    ),
    (
        "Leek post house adds a Dolby Vision grading suite",
        "Member news",
        ["post-production", "grading"],
        "HDR finishing is now possible without leaving the county.",
    ),
    (
        "Games studios form a Staffordshire guild",
        "Member news",
        ["games", "community"],
        "Six studios share a test lab and a graduate scheme.",
    ),
    (
        "Drone operators: new CAA training dates",
        "Events",
        ["drone", "training"],
        "Two-day courses in Stafford for members' camera operators.",
    ),
    (
        "Broadcasters meet the cluster: commissioning day recap",
        "Announcements",
        ["commissioning", "broadcast"],
        "What four commissioning editors told our members.",
    ),
    (
        "Student film festival returns to Stoke",
        "Events",
        ["festival", "students", "film"],
        "Submissions open to students from Staffordshire's colleges and universities.",
    ),
    (
        "VFX apprenticeships: ten places for 2027",
        "Funding and opportunities",
        ["vfx", "apprenticeships", "skills"],
        "Members take on apprentices with a training grant.",
    ),
    (
        "Documentary made in Burton reaches a national audience",
        "Member news",
        ["documentary", "broadcast"],
        "A Burton crew's film about brewing airs in prime time.",
    ),
    (
        "How to write a profile that commissioners read",
        "Announcements",
        ["directory", "tips"],
        "Five things the most-contacted members do in their profiles.",
    ),
    (
        "Motion design meet-up: type in motion",
        "Events",
        ["motion graphics", "meet-up"],
        "Three members show how they animate type for broadcast idents.",
    ),
    (
        "Regional screen fund opens its third round",
        "Funding and opportunities",
        ["funding", "film", "development"],
        "Development money for features and series.",
    ),
]


def ensure_news(home: HomePage, stdout) -> None:
    news, created = _child(
        home,
        NewsIndexPage,
        "news",
        title="News",
        show_in_menus=True,
        intro="<p>What the cluster’s members are making, winning and planning.</p>",
    )
    stdout.write(f"  news index {'created' if created else 'already there'}")
    categories = {}
    for name, description in CATEGORIES:
        categories[name], _ = NewsCategory.objects.get_or_create(
            name=name, defaults={"description": description}
        )
    today = datetime.date.today()
    made = 0
    for number, (title, category, tags, intro) in enumerate(ARTICLES):
        slug = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")[:60]
        slug = "-".join(part for part in slug.split("-") if part)
        if NewsPage.objects.child_of(news).filter(slug=slug).exists():
            continue
        image = generated_image(f"News: {title}", label=title, palette=number)
        page = NewsPage(
            title=title,
            slug=slug,
            intro=intro,
            category=categories[category],
            date=today - datetime.timedelta(days=6 * number + 1),
            author=["Alex Morgan", "Jo Bennett", "Sam Okafor"][number % 3],
            featured_image=image,
            featured_image_alt=(
                f"Title card reading “{title}” over a coloured gradient, "
                "framed by film-strip sprocket holes."
            ),
            body=[
                paragraph(
                    f"<p>{intro}</p><p>Platform members across Stoke-on-Trent and "
                    "Staffordshire continue to grow the region's screen economy. "
                    "This article is part of the demo content.</p>"
                ),
                (
                    "quote",
                    {
                        "quote": "It shows what a cluster can do when it works together.",
                        "attribution": "Platform team",
                        "role": "",
                    },
                ),
                paragraph(
                    "<h2>What happens next</h2><p>Members can find more in the "
                    "directory, and commissioners can get in touch through any "
                    "member's profile.</p>"
                ),
            ],
        )
        news.add_child(instance=page)
        page.tags.add(*tags)
        _publish(page)
        made += 1
        stdout.write(f"  news {number + 1}/{len(ARTICLES)}: {title}")
    if not made:
        stdout.write(f"  {len(ARTICLES)} news articles already there")


def ensure_editor(stdout, password: str | None = None) -> None:
    """A non-superuser editor who can write and publish pages, edit settings and categories."""
    User = get_user_model()
    user = User.objects.filter(username=EDITOR_USERNAME).first()
    if user is None:
        password = password or secrets.token_urlsafe(9)
        user = User.objects.create_user(
            EDITOR_USERNAME,
            email="editor@platform.example",
            password=password,
            first_name="Demo",
            last_name="Editor",
        )
        message = f"  demo editor created: sign in at /admin/ as '{EDITOR_USERNAME}' / '{password}'"
    elif password:
        user.set_password(password)
        user.save()
        message = f"  demo editor password reset: '{EDITOR_USERNAME}' / '{password}'"
    else:
        message = (
            f"  demo editor '{EDITOR_USERNAME}' already exists (password unchanged; "
            "pass --editor-password to set one)"
        )
    user.is_staff = True
    user.save()
    # Wagtail's own groups: Editors write pages and images, Moderators may publish them.
    user.groups.add(*Group.objects.filter(name__in=["Editors", "Moderators"]))
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="cms",
            codename__in=[
                "change_sitesettings",
                "add_newscategory",
                "change_newscategory",
                "delete_newscategory",
            ],
        )
    )
    stdout.write(message)


def seed(stdout, options) -> None:
    stdout.write("Site content (cms.demo)")
    with transaction.atomic():
        home = ensure_home_page(stdout)
        ensure_site_settings(home, stdout)
        ensure_standard_pages(home, stdout)
        ensure_news(home, stdout)
    ensure_editor(stdout, options.get("editor_password"))
