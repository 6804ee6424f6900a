"""`case_url` (cases/case_urls.py) gives the address `reverse` gives, whatever the number."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from dmvrequests.cases.case_urls import case_address, case_url


@pytest.mark.parametrize("number", ["DR-2026-003657", "DR-1999-000001", "X", "a b", "ü-1", "50%"])
@pytest.mark.parametrize("prefix", ["/", "/dmv/"])
def test_case_url_is_reverse(number, prefix):
    set_script_prefix(prefix)
    try:
        expected = reverse("cases:detail", args=[number])
        assert case_url(number) == expected
        assert expected.startswith(prefix) and expected.endswith("/")
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize("prefix", ["/", "/dmv/"])
def test_case_address_is_reverse_for_every_number(prefix):
    set_script_prefix(prefix)
    try:
        address = case_address()
        for number in ["DR-2026-003657", "DR-1999-000001", "X", "a b", "ü-1", "50%"]:
            assert address(number) == reverse("cases:detail", args=[number])
        with pytest.raises(NoReverseMatch):
            address("DR/2026")
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize("number", ["", "DR/2026"])
def test_case_url_refuses_what_reverse_refuses(number):
    with pytest.raises(NoReverseMatch):
        reverse("cases:detail", args=[number])
    with pytest.raises(NoReverseMatch):
        case_url(number)


def _names():
    from dmvrequests.cases.capabilities import URL_CAPABILITIES

    return sorted({*URL_CAPABILITIES, "portal:staff_case"})


@pytest.mark.parametrize("name", _names())
@pytest.mark.parametrize("prefix", ["/", "/dmv/"])
def test_every_case_address_is_reverses(name, prefix):
    """Each of a case's own addresses, with the ids it takes, as `reverse` gives it."""
    set_script_prefix(prefix)
    try:
        for ids in ((), (5,), (5, 61)):
            try:
                expected = reverse(name, args=["DR-2026-003657", *ids])
            except NoReverseMatch:
                continue
            assert case_url("DR-2026-003657", name, *ids) == expected
            assert case_url("DR-2026-003657", name, *ids) == expected  # the kept pattern
            assert case_url("a b", name, *ids) == reverse(name, args=["a b", *ids])
            break
        else:
            pytest.fail(f"{name} takes no case number and at most two ids")
    finally:
        set_script_prefix("/")


def test_an_id_that_is_no_int_goes_through_reverse():
    expected = reverse("cases:document_download", args=["DR-2026-000001", "7"])
    assert case_url("DR-2026-000001", "cases:document_download", "7") == expected
    with pytest.raises(NoReverseMatch):
        case_url("DR-2026-000001", "cases:document_download", "x")
