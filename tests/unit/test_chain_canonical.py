"""The chain's canonical JSON is RFC 8785 byte for byte: the fast path (the C JSON encoder) and the
reference implementation (`rfc8785`) agree on every value, including the ones the fast path hands over
(floats, integers beyond the safe range, characters beyond U+FFFF) — DESIGN 4."""

from __future__ import annotations

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.chain import canonical

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**60), 2**60), TEXT,
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from(["\u0000\b\f\n\r\t\"\\/\x7f\u2028", "乘客甲", "𠀀", "\U0001F600", "é"]))
JSON = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(TEXT, inner, max_size=4)), max_leaves=20)


def reference(value: object) -> bytes | type[Exception]:
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:
        return rfc8785.CanonicalizationError


def ours(value: object) -> bytes | type[Exception]:
    try:
        return canonical(value)
    except rfc8785.CanonicalizationError:
        return rfc8785.CanonicalizationError


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(JSON)
def test_df_integrity_canonical_json_is_rfc8785_byte_for_byte(value):
    assert ours(value) == reference(value)


@pytest.mark.parametrize("value", [
    {"b": 1, "a": [True, None, "x"]}, {"\U0001F600": 1, "\uff61": 2}, {"n": 2**53}, {"n": -(2**53) + 1},
    {"f": 1.0}, {"f": 1e21}, {"f": -0.0}, {"s": "\ud800"}, {"t": (1, 2)}, float("nan"),
    {"k": "签署\u0000"}, 9007199254740991, [], {},
])
def test_df_integrity_canonical_json_edges_are_the_reference_s(value):
    assert ours(value) == reference(value)


def test_df_integrity_a_non_string_key_hashes_as_the_stored_json_reads_back():
    """The one difference, on purpose: RFC 8785 refuses a key that is not a string; the payload as stored
    (JSON) reads back with the key as a string, which is what verify recomputes, so both hash that."""
    assert ours({1: "int key"}) == reference({"1": "int key"})
