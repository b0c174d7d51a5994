"""A large graph is rebuilt beside the requests: they answer from the index they have
until the new one is ready, and never wait for it."""

import threading

import pytest

from osr.graph import kept_index
from osr.graph.kept_index import current_index, forget, settle
from osr.graph.models import GraphVersion
from osr.graph.queries import reach

from ..factories import DependencyFactory, ServiceFactory

# The rebuild's thread reads what is committed, as another request would.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_process():
    forget()
    yield
    settle(10)
    forget()


@pytest.fixture
def large(monkeypatch):
    """Every graph counts as large, as a million services' would."""
    monkeypatch.setattr(kept_index, "INLINE_REBUILD_LIMIT", 0)


def needs(index, slug: str) -> set[str]:
    return {index.slugs[n] for n in reach(index, index.node_for(slug), "upstream")}


def test_after_a_write_requests_answer_at_once_from_the_index_they_have(large):
    portal, api = ServiceFactory(slug="portal"), ServiceFactory(slug="api")
    before = current_index()  # a fresh process builds its first index in the request
    DependencyFactory(from_service=portal, to_service=api)

    answered = current_index()

    assert answered is before and needs(answered, "portal") == set()
    settle(10)
    rebuilt = current_index()
    assert rebuilt is not before
    assert rebuilt.version == GraphVersion.current()
    assert needs(rebuilt, "portal") == {"api"}


def test_a_small_graph_is_rebuilt_in_the_request_that_finds_it_changed():
    portal, api = ServiceFactory(slug="portal"), ServiceFactory(slug="api")
    current_index()
    DependencyFactory(from_service=portal, to_service=api)
    assert needs(current_index(), "portal") == {"api"}


def test_one_rebuild_at_a_time_however_many_requests_find_the_graph_changed(large, monkeypatch):
    portal, api = ServiceFactory(slug="portal"), ServiceFactory(slug="api")
    before = current_index()
    DependencyFactory(from_service=portal, to_service=api)
    release, builds = threading.Event(), []
    load = kept_index.load_index

    def slow_load(version):
        builds.append(version)
        release.wait(10)
        return load(version)

    monkeypatch.setattr(kept_index, "load_index", slow_load)
    assert all(current_index() is before for _ in range(5))
    release.set()
    settle(10)
    assert len(builds) == 1
    assert needs(current_index(), "portal") == {"api"}


def test_a_failed_rebuild_keeps_the_index_and_the_next_request_tries_again(
    large, monkeypatch, caplog
):
    portal, api = ServiceFactory(slug="portal"), ServiceFactory(slug="api")
    before = current_index()
    DependencyFactory(from_service=portal, to_service=api)
    load = kept_index.load_index

    def failing(version):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(kept_index, "load_index", failing)
    assert current_index() is before
    settle(10)
    assert "The graph index could not be rebuilt" in caplog.text
    assert current_index() is before  # still answering; a second rebuild starts

    settle(10)
    monkeypatch.setattr(kept_index, "load_index", load)
    current_index()
    settle(10)
    assert needs(current_index(), "portal") == {"api"}
