"""Reads of letters; a case is always fetched first through the cases' scoped selectors."""

from django.db.models.functions import Length
from django.http import Http404

from dmvrequests.cases import selectors as case_selectors
from dmvrequests.correspondence.models import (
    AGENCY_KINDS,
    Language,
    Letter,
    LetterKind,
    LetterTemplate,
)
from dmvrequests.correspondence.notices import issued_without_address, notice_address
from dmvrequests.correspondence.services import pdf_filename, template_for
from dmvrequests.prepared import PreparedQuery


def letters_of(case):
    """The case's letters, oldest first, with how each was sent (no PDF bytes loaded)."""
    return _letters_of_case(case.pk)


def _letters_of_case(case_id):
    return (
        Letter.objects.filter(case_id=case_id)
        .defer("pdf", "html", "text")
        .select_related("issued_by")
        .prefetch_related("dispatches__outbound")
    )


# The case page lists them: compiled once (dmvrequests/prepared.py). No case has a negative id.
_CASE_LETTERS = PreparedQuery(_letters_of_case, probes=[-7_301_000_001])


def letters_list(case):
    """letters_of(case) as a list, read with SQL compiled once, each with `replacement`
    (mark_replaced)."""
    return mark_replaced(list(_CASE_LETTERS.run(case.pk)))


def letter_profile(letter):
    """(policy profile, version) behind a letter's citations: the profile and version that
    decided the case for a letter on a decision, else the active profile (version None:
    the one in force). For the letter's internal copy, which says whether counsel has
    reviewed that profile (docs/profiles.md, "Confidence and review")."""
    from dmvrequests.policy.models import PolicyProfile
    from dmvrequests.policy.services import profile_active

    decision = letter.decision
    if decision is not None and decision.profile_slug:
        profile = PolicyProfile.objects.filter(slug=decision.profile_slug).first()
        if profile is not None:
            return profile, decision.profile_version
    return profile_active(), None


def letter_of(case, letter_id, *, with_pdf=False):
    """The letter `letter_id` of `case` (a case the user may see); Http404 otherwise."""
    letters = Letter.objects.filter(case=case).select_related("issued_by", "decision")
    if not with_pdf:
        letters = letters.defer("pdf")
    try:
        return letters.get(pk=letter_id)
    except (Letter.DoesNotExist, ValueError):
        raise Http404("No such letter") from None


def template_table(offices):
    """[(office, kind label, [(language, source or '')...], kind)] for the templates page."""
    languages = list(Language.objects.all())
    rows = []
    for office in offices:
        for kind in LetterKind:
            cells = []
            for language in languages:
                found = template_for(office, kind.value, language.code)
                cells.append((language, found[2] if found else ""))
            rows.append((office, kind.label, cells, kind.value))
    return rows


def template_history(office, kind, language):
    """Every saved version of the office's template, newest first, each with `.version`
    (1 for the first text written, counting up)."""
    template = LetterTemplate.objects.filter(office=office, kind=kind, language=language).first()
    if template is None:
        return []
    rows = list(
        template.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    for number, row in zip(range(len(rows), 0, -1), rows, strict=True):
        row.version = number
    return rows


def office_case(office, number):
    return case_selectors.case_in_office(office_id=office.pk, number=number)


def notices_with_addresses(notices):
    """[(notice, mailing address or '')] for the notices-to-mail page: a notice without a
    recorded address is left out of the printed batch (notices.notices_batch). A notice
    without one is marked `issued_without_address` when a letter for it was issued
    without an address (counsel issue it again with one)."""
    rows = []
    for notice in notices:
        address = notice_address(notice)
        notice.issued_without_address = not address and issued_without_address(notice)
        rows.append((notice, address))
    return rows


def replacement_of(letter):
    """The letter that replaces `letter` (which is then void), or None."""
    return Letter.objects.filter(replaces=letter).select_related("issued_by").defer("pdf").first()


def mark_replaced(letters):
    """Set `replacement` on each of `letters` (one case's): the letter of the list that
    replaces it (it is void), or None. No query: the list holds both."""
    by_replaced = {x.replaces_id: x for x in letters if x.replaces_id}
    for letter in letters:
        letter.replacement = by_replaced.get(letter.pk)
    return letters


class AgencyLetters:
    """The reader of letters to a case's agency that correspondence registers with cases
    (`cases.agency_letters`), for the portal and the API: the acknowledgment, the request
    for information, the denial and the approval cover letter (AGENCY_KINDS), never a
    subject notice."""

    @staticmethod
    def _row(letter, pdf_size):
        from dmvrequests.cases.agency_letters import AgencyLetter

        return AgencyLetter(
            id=letter.pk,
            kind=letter.kind,
            kind_words=letter.get_kind_display(),
            subject=letter.subject,
            language_name=letter.language_name,
            issued_at=letter.issued_at,
            filename=pdf_filename(letter),
            pdf_size=pdf_size,
            pdf_sha256=letter.pdf_sha256,
        )

    def letters(self, case):
        rows = (
            Letter.objects.filter(case=case, kind__in=AGENCY_KINDS)
            .select_related("case")
            .defer("pdf", "html", "text")
            .annotate(pdf_size=Length("pdf"))
            .order_by("issued_at", "id")
        )
        return [self._row(letter, letter.pdf_size or 0) for letter in rows]

    def pdf(self, case, letter_id):
        try:
            letter = Letter.objects.select_related("case").get(
                case=case, kind__in=AGENCY_KINDS, pk=int(letter_id)
            )
        except (Letter.DoesNotExist, ValueError, TypeError):
            return None
        content = bytes(letter.pdf or b"")
        if not content:
            return None
        return self._row(letter, len(content)), content
