import pytest

from insight import buffer

# What a commissioner's browser sends; without one a request counts as a bot.
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture(autouse=True)
def empty_buffer(settings):
    """Each test starts with no events waiting (in this process, or on its Redis prefix)."""
    buffer.clear()
    yield
    buffer.clear()


@pytest.fixture
def browser(client):
    """The test client as a commissioner's browser."""
    client.defaults["HTTP_USER_AGENT"] = BROWSER
    return client
