"""`case_url` (cases/case_urls.py) gives the address `reverse` gives, whatever the number."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from dmvrequests.cases.case_urls import case_url


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


@pytest.mark.parametrize("number", ["", "DR/2026"])
def test_case_url_refuses_what_reverse_refuses(number):
    with pytest.raises(NoReverseMatch):
        reverse("cases:detail", args=[number])
    with pytest.raises(NoReverseMatch):
        case_url(number)
