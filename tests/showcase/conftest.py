import pytest

from tests.directory.search.conftest import search_backend  # noqa: F401  (both backends)
from tests.showcase.oembed_replay import recorded_oembed


@pytest.fixture(autouse=True)
def oembed():
    """Every showcase test answers oEmbed from recordings; the finder code still runs."""
    with recorded_oembed() as adapter:
        yield adapter
