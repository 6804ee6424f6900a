"""A page that names no case, refused to a signed-in user's role (403), leaves a denied
`open_page` record naming the page, as a refused look at a case does: the access log shows
who tried to open the staff-email queue or the reports without the role."""

import pytest
from django.urls import reverse

from dmvrequests.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


def refusals():
    return list(AuditRecord.objects.filter(outcome="denied", action="open_page").order_by("seq"))


@pytest.mark.parametrize(
    "url_name,args", [("outbound:queue", []), ("outbound:item", [1]), ("outbound:patterns", [])]
)
def test_a_clerk_refused_a_staff_email_page_is_recorded(django_app, clerk, url_name, args):
    django_app.get(reverse(url_name, args=args), user=clerk, status=403)
    (record,) = refusals()
    assert record.user == clerk
    assert record.detail == {"page": url_name}
    assert record.case_number == ""


def test_the_access_log_says_the_refusal_in_words(django_app, clerk, auditor):
    django_app.get(reverse("outbound:queue"), user=clerk, status=403)
    log = django_app.get(reverse("audit:access_log"), {"outcome": "denied"}, user=auditor)
    text = " ".join(log.html.get_text(" ").split())
    assert "Asked for a page" in text
    assert "Access to records and pages" in text  # not "to case data": no case was asked for
    assert "Page: Staff email: queue" in text
    assert "outbound:queue" not in text


def test_a_page_the_role_may_open_records_no_refusal(django_app, counsel):
    django_app.get(reverse("outbound:queue"), user=counsel, status=200)
    assert refusals() == []


def test_signed_out_visitors_are_sent_to_sign_in_and_nothing_is_recorded(django_app):
    django_app.get(reverse("outbound:queue"), status=302)
    assert refusals() == []


def test_a_form_posted_without_its_token_is_no_refusal_of_the_page(django_app, administrator):
    # A CSRF failure is a 403 too, but the role was not refused.
    django_app.post(reverse("outbound:patterns"), {"text": "x"}, user=administrator, status=403)
    assert refusals() == []


@pytest.mark.parametrize(
    "url_name,words",
    [
        ("outbound:queue", "Staff email: queue"),
        ("reports:index", "Reports, first page"),
        ("admin:index", "Administration, first page"),
    ],
)
def test_refused_pages_are_named_in_words(url_name, words):
    from dmvrequests.vocabulary import label

    assert label(url_name) == words
