"""What a served OSR builds before its workers fork: every builder runs, and one that
fails is logged without stopping the server or the others."""

import pytest

from osr.core import warmup


@pytest.fixture
def builders(monkeypatch):
    monkeypatch.setattr(warmup, "_builders", [])


def test_every_builder_runs_once_registered_once(builders):
    built = []
    warmup.register_warmup(lambda: built.append("first"))
    second = lambda: built.append("second")  # noqa: E731
    warmup.register_warmup(second)
    warmup.register_warmup(second)
    warmup.warm()
    assert built == ["first", "second"]


def test_a_failing_builder_is_logged_and_the_rest_still_run(builders, caplog):
    built = []

    def unreachable_database():
        raise ConnectionError("the database is not answering")

    warmup.register_warmup(unreachable_database)
    warmup.register_warmup(lambda: built.append("after"))
    warmup.warm()
    assert built == ["after"]
    assert "unreachable_database did not run at start" in caplog.text
    assert "the database is not answering" in caplog.text
