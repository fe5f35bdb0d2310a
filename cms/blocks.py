"""StreamField blocks for the site's rich page bodies (standard pages, news).

Every block carries an icon, a template, a preview value and a description, so
editors see what a block is for in the block picker before they use it.
"""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "document-link"]


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "cms/blocks/paragraph.html"
        label = "Paragraph"
        description = "Text with headings, lists and links."
        preview_value = (
            "<h2>Made in Stoke-on-Trent</h2><p>From animation studios in Hanley to "
            "post-production suites in Stafford, the cluster's members work on film, "
            "television, games and immersive projects.</p>"
        )


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(help_text="Describe the image for people who cannot see it.")
    caption = blocks.CharBlock(required=False, max_length=250)
    credit = blocks.CharBlock(required=False, max_length=120, help_text="Photographer or owner.")

    class Meta:
        icon = "image"
        template = "cms/blocks/image.html"
        label = "Image"
        description = "A full-width image with alt text, an optional caption and credit."
        preview_value = {"caption": "On set at a member studio.", "credit": "Platform"}


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=600)
    attribution = blocks.CharBlock(required=False, max_length=120)
    role = blocks.CharBlock(required=False, max_length=120, help_text="e.g. Producer, Studio Name")

    class Meta:
        icon = "openquote"
        template = "cms/blocks/quote.html"
        label = "Quote"
        description = "A pull quote with the name and role of who said it."
        preview_value = {
            "quote": "Finding a local VFX house took ten minutes, not ten days.",
            "attribution": "Sam Patel",
            "role": "Series producer",
        }


class VideoEmbedBlock(blocks.StructBlock):
    embed = EmbedBlock(help_text="A YouTube or Vimeo link, for example.")
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "media"
        template = "cms/blocks/embed.html"
        label = "Embed"
        description = "A video or other media embedded from its page's link."
        preview_value = {"caption": "A member's showreel."}


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False, max_length=400)
    button_text = blocks.CharBlock(max_length=60)
    page = blocks.PageChooserBlock(required=False, help_text="Link to a page on this site…")
    url = blocks.URLBlock(required=False, help_text="…or to another site.")

    class Meta:
        icon = "pick"
        template = "cms/blocks/call_to_action.html"
        label = "Call to action"
        description = "A highlighted panel with a heading, text and one button."
        preview_value = {
            "heading": "Join the cluster",
            "text": "List your company in the directory and reach commissioners.",
            "button_text": "Become a member",
            "url": "https://example.com/join/",
        }

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = "Choose a page or enter a link (one of the two)."
            raise blocks.StructBlockValidationError(
                block_errors={
                    "page": ErrorList([ValidationError(message)]),
                    "url": ErrorList([ValidationError(message)]),
                }
            )
        return value


class BodyBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    embed = VideoEmbedBlock()
    call_to_action = CallToActionBlock()
