import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic import domains, postback
from civic.postback import Postback, PostbackError


def test_postback_data_round_trips():
    """GIVEN a booking postback WHEN encoded and decoded THEN the same domain, action and params come back."""
    data = Postback("booking", "confirm", {"slot": "2026-11-26T09:00", "p": "1"}).encode()
    assert data.startswith("1/bk/confirm?")
    assert postback.decode(data) == Postback("booking", "confirm", {"slot": "2026-11-26T09:00", "p": "1"})


def test_data_over_300_characters_cannot_be_made():
    """GIVEN params that would exceed LINE's 300 characters WHEN encoded THEN PostbackError."""
    with pytest.raises(PostbackError):
        Postback("citizen", "x", {"k": "v" * 300}).encode()


@pytest.mark.parametrize("data", ["", "2/bk/confirm", "1/zz/confirm", "1/bk", "1/bk/con;firm", "x" * 301,
                                  "1/bk/a?" + "&".join(f"k{i}=1" for i in range(13))])
def test_tampered_or_foreign_data_is_refused(data):
    """GIVEN postback data of another version, domain, shape or size WHEN decoded THEN PostbackError (row 25)."""
    with pytest.raises(PostbackError):
        postback.decode(data)


@pytest.mark.parametrize("raw", ["-1", "99999999999", "1e9", "", "٣"])
def test_numbers_out_of_bounds_or_not_plain_digits_are_refused(raw):
    """GIVEN a negative, huge, exponent, empty or non-ASCII number WHEN read with bounds THEN PostbackError."""
    with pytest.raises(PostbackError):
        Postback("booking", "seat", {"n": raw}).int_param("n", low=0, high=100)


@given(st.text(max_size=2000))
def test_fuzzed_data_only_raises_postback_error(data):
    """GIVEN any string WHEN decoded THEN a Postback or PostbackError, nothing else (row 30)."""
    try:
        result = postback.decode(data)
    except PostbackError:
        return
    assert result.domain in domains.BY_NAME
