"""Issue 13, item 5: bounded work per request.

A form set builds as many forms as the post's TOTAL_FORMS says, up to its
`absolute_max`. Every form set of the project caps that at its own `max_num`,
so a 300-byte post cannot make a page of a million forms.
"""

import importlib
import pkgutil

import pytest
from django import forms
from django.urls import reverse

import accounts
import dmvrequests
from dmvrequests.testing import AgencyFactory

HUGE = "99999999"


def project_formsets():
    """Every form set class defined in a module of the project (tests left out)."""
    found = {}
    for package in (accounts, dmvrequests):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".tests" in info.name or ".migrations" in info.name or info.name.endswith("wsgi"):
                continue
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                made_here = (
                    isinstance(value, type)
                    and issubclass(value, forms.BaseFormSet)
                    and hasattr(value, "form")  # made by formset_factory
                    and value.form.__module__ == module.__name__
                )
                if made_here:
                    found[f"{module.__name__}.{name}"] = value
    return found


def test_every_formset_is_capped_at_its_maximum():
    formsets = project_formsets()
    assert "dmvrequests.cases.document_forms.DocumentFormSet" in formsets
    assert "dmvrequests.policy.forms.LegalDocumentFormSet" in formsets
    for name, formset in formsets.items():
        assert formset.validate_max, name
        assert formset.absolute_max == formset.max_num, name
        assert formset.max_num <= 50, name


@pytest.mark.django_db
def test_a_huge_total_forms_on_a_new_case_builds_at_most_ten_forms(client, clerk):
    agency = AgencyFactory()
    client.force_login(clerk)
    prefix = client.get(reverse("cases:create")).context["documents"].prefix
    response = client.post(
        reverse("cases:create"),
        {
            "channel": "phone",
            "agency": agency.pk,
            f"{prefix}-TOTAL_FORMS": HUGE,
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "10",
        },
    )
    assert response.status_code == 200
    documents = response.context["documents"]
    assert len(documents.forms) <= 10
    assert "at most 10" in response.content.decode()
    # The page is the size of an ordinary form page, not megabytes of empty rows.
    assert len(response.content) < 300_000


@pytest.mark.django_db
def test_a_huge_total_forms_on_try_a_request_is_refused(client, counsel):
    client.force_login(counsel)
    response = client.post(
        reverse("policy:try"),
        {
            "documents-TOTAL_FORMS": HUGE,
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "3",
        },
    )
    assert response.status_code == 200
    assert len(response.context["documents"].forms) <= 3
    assert len(response.content) < 300_000
