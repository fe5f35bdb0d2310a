"""Body blocks: each documents itself for editors, and the call to action validates its link."""

from wagtail.blocks import StructBlockValidationError

import pytest

from cms.blocks import BodyBlock, CallToActionBlock
from tests.directory.factories import home_page

CTA = {"heading": "Join", "text": "", "button_text": "Go"}


@pytest.mark.parametrize("name", list(BodyBlock.base_blocks))
def test_every_block_has_icon_template_preview_and_description(name):
    block = BodyBlock.base_blocks[name]
    assert block.meta.icon and block.meta.icon != "placeholder"
    assert block.meta.template.startswith("cms/blocks/")
    assert block.meta.description
    assert block.meta.preview_value or block.meta.default


@pytest.mark.django_db
def test_call_to_action_needs_exactly_one_link():
    block = CallToActionBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({**CTA, "page": None, "url": ""}))
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({**CTA, "page": home_page().pk, "url": "https://x.example/"}))
    cleaned = block.clean(block.to_python({**CTA, "page": None, "url": "https://x.example/"}))
    assert cleaned["url"] == "https://x.example/"


@pytest.mark.django_db
def test_call_to_action_renders_its_button():
    block = CallToActionBlock()
    html = block.render(block.to_python({**CTA, "page": None, "url": "https://x.example/"}))
    assert '<a class="button" href="https://x.example/">Go</a>' in html
