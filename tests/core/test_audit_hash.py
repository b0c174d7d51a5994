"""A seal's hash is spelt one way for good: the quick spelling an import seals with is
``canonical``'s, whatever the value, so seals written before and after verify alike."""

from __future__ import annotations

import hashlib
from enum import StrEnum

from hypothesis import given
from hypothesis import strategies as st

from osr.core.audithash import canonical, digest, spelt


class Kind(StrEnum):
    """A choice's value, as a model's choices hand it back (a subclass of text)."""

    SERVICE = "service"


CONTENT = {
    "content_type": "catalogue.service",
    "object_pk": "120",
    "object_id": 120,
    "object_repr": "Waste tracking → Ré",
    "action": 0,
    "changes": {
        "name": ["None", "Waste tracking"],
        "id": ["None", "120"],
        "members": {"type": "m2m", "operation": "add", "objects": ["Jo", "Al"]},
    },
    "changes_text": "",
    "serialized_data": None,
    "additional_data": {"ratio": 0.5, "count": 30, "flag": True},
    "actor": 10,
    "actor_email": "jo@defra.example",
    "timestamp": "2026-11-30T08:00:00.000000+00:00",
    "cid": "req-1",
    "remote_addr": "10.0.0.1",
    "remote_port": 443,
}


def test_the_hash_of_an_entry_is_the_one_sealed_before_the_quick_spelling():
    # Worked out by the chain as first written, which spelt every value by ``canonical``.
    assert digest(CONTENT, 20, "a" * 64) == (
        "c51bd9889537183a2132a68f08177ae8f7040f90b1c92360a5527129c8958af5"
    )
    assert digest(CONTENT, 7, "0" * 64) == (
        "5cd46f3f1ccd95d84db0c2ef304fc8b7f2f92e52718257aaf001f3a7c6003bee"
    )


def test_the_hash_covers_the_canonical_spelling_of_entry_place_and_predecessor():
    sealed = {"entry": CONTENT, "sequence": 30, "prev_hash": "b" * 64}
    expected = hashlib.sha256(canonical(sealed).encode("ascii")).hexdigest()
    assert digest(CONTENT, 30, "b" * 64) == expected


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40).map(lambda n: n * 10),
    st.floats(allow_nan=False),
    st.text(),
    st.sampled_from([Kind.SERVICE, "1E+1", ":10,", "a\\", '"', "\u2192", 10**30 + 1]),
)
keys = st.one_of(st.text(), st.integers(), st.sampled_from([Kind.SERVICE, "10", "2"]))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(keys, inner, max_size=4),
    ),
    max_leaves=20,
)


@given(values)
def test_the_quick_spelling_is_the_canonical_one_for_any_value(value):
    assert spelt(value) == canonical(value)


@given(st.dictionaries(st.text(), values, max_size=6), st.integers(1, 10**6), st.text())
def test_any_entry_hashes_as_its_canonical_spelling(content, sequence, prev_hash):
    sealed = {"entry": content, "sequence": sequence, "prev_hash": prev_hash}
    expected = hashlib.sha256(canonical(sealed).encode("ascii")).hexdigest()
    assert digest(content, sequence, prev_hash) == expected
