"""A fake ServiceNow served over real HTTP on 127.0.0.1, shared by the MyIT tests."""

import pytest

from osr.myit.client import Credentials, MyitClient
from osr.myit.fake import FakeServiceNow


@pytest.fixture(scope="session")
def fake_server():
    with FakeServiceNow() as fake:
        yield fake


@pytest.fixture
def fake_myit(fake_server, settings):
    """The fake, emptied, with OSR's settings pointing at it."""
    fake_server.reset()
    settings.OSR_MYIT_URL = fake_server.base_url
    settings.OSR_MYIT_USERNAME = fake_server.username
    settings.OSR_MYIT_PASSWORD = fake_server.password
    settings.OSR_MYIT_CLIENT_ID = ""
    settings.OSR_MYIT_CLIENT_SECRET = ""
    settings.OSR_MYIT_MAX_ATTEMPTS = 3
    settings.OSR_MYIT_TIMEOUT_SECONDS = 5
    yield fake_server
    fake_server.faults.clear()


@pytest.fixture
def waits():
    """The waits a client asked for, recorded instead of slept."""
    return []


@pytest.fixture
def client(fake_myit, waits):
    """A real client talking HTTP to the fake, which records its waits instead of sleeping."""
    with MyitClient(
        fake_myit.base_url,
        Credentials(username=fake_myit.username, password=fake_myit.password),
        max_attempts=3,
        timeout=5,
        sleep=waits.append,
    ) as made:
        yield made
