"""The case page's reads: one selector gathers what the page shows and who may act on it.

`case_page(user=..., case=...)` returns a `CasePage`: the case's decisions (the
approved one, the one awaiting a second counsel), its subject notice, its documents
with counsel's latest check, the related lists the page shows, and the capabilities
of the user (`dmvrequests.cases.capabilities`). It reads only; the forms the page
offers are built from it by `dmvrequests.cases.page_forms`.
"""

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils import timezone

from dmvrequests.agencies.certifications import status_of
from dmvrequests.cases.capabilities import CaseCapabilities, Relation, capabilities_for
from dmvrequests.cases.models import (
    CaseShare,
    Decision,
    DecisionOutcome,
    DisclosureRequest,
    LegalDocument,
    NoticeStatus,
    Status,
    SubjectNotice,
)
from dmvrequests.cases.page_rows import PageRows, page_rows
from dmvrequests.cases.services import needs_callback
from dmvrequests.cases.workflow import CaseAction, actions_for

# The statuses in which documents may still be added or described.


@dataclass
class CasePage:
    """What the case page shows of `case` to `user`; `now` is local time for form defaults."""

    case: DisclosureRequest
    user: Any
    caps: CaseCapabilities
    now: str
    decisions: list[Decision]
    approved: Decision | None
    pending: Decision | None
    notice: SubjectNotice | None
    needs_callback: bool
    documents: list[LegalDocument] = field(default_factory=list)
    # The page's other lists, read with the decisions in one query (page_rows).
    rows: PageRows | None = None

    @property
    def clerk_here(self) -> bool:
        """A clerk who may act on this case (a read-only share may not)."""
        return _clerk_acts(self.user, self.caps)

    @property
    def counsel_here(self) -> bool:
        """Counsel who may decide this case."""
        return _counsel_decides(self.user, self.caps)

    @property
    def offers_submit(self) -> bool:
        """The clerk's "Submit for legal review" form is shown (a case in intake)."""
        return _offers_submit(self.user, self.caps, self.case)

    @property
    def offers_assign(self) -> bool:
        """Counsel's "Assign" form is shown (an open case)."""
        return _offers_assign(self.user, self.caps, self.case)

    @cached_property
    def takes_documents(self) -> bool:
        """The user may add or describe documents, and the case still accepts them (asked
        by several forms of the page)."""
        return (self.clerk_here or self.counsel_here) and self.accepts_documents

    @property
    def accepts_documents(self) -> bool:
        """`case.accepts_documents`, answered from the page's decisions (no query)."""
        waiting = any(d.emergency and d.followup_received_at is None for d in self.decisions)
        return self.case.is_open or waiting

    @property
    def notice_due(self) -> bool:
        return bool(self.notice and self.notice.status == NoticeStatus.DUE)

    @property
    def lists(self) -> PageRows:
        """The page's lists (`page_rows`), read now if the page was made without them."""
        if self.rows is None:
            self.rows = page_rows(self.case)
        return self.rows

    def reads(self) -> dict[str, Any]:
        """The page's read-only context (the lists were read with the decisions)."""
        case = self.case
        return {
            "case": case,
            "caps": self.caps,
            "decisions": self.decisions,
            "pending_approval": self.pending,
            "needs_callback": self.needs_callback,
            "callbacks": self.lists.callbacks,
            "info_requests": self.lists.info_requests,
            "releases": self.lists.releases,
            "emails": self.emails(),
            "notice": self.notice,
            "submit_missing": submit_missing(case) if self.clerk_here else [],
            "actions": self.actions(),
            "shares": self.shares(),
            "viewer_share": self.viewer_share(),
            # The requesting agency's certification on file (a record; no rule reads it).
            "certification": status_of(self.lists.certifications, timezone.localdate()),
        }

    def emails(self) -> list[tuple[str, Any]]:
        """The case's email thread, oldest first: ("in", message) received by email intake,
        ("out", message) sent by staff and found in the mail journal."""
        thread: list[tuple[str, Any, Any]] = [("in", m.received_at, m) for m in self.lists.inbound]
        thread += [("out", m.sent_at or m.created_at, m) for m in self.lists.outbound]
        thread.sort(key=lambda item: item[1])
        return [(direction, message) for direction, _, message in thread]

    def actions(self) -> list[CaseAction]:
        """Withdraw and close, when the workflow offers them and the user may act."""
        if not self.caps.act:
            return []
        offered = actions_for(self.case.status, self.user)
        return [CaseAction(a) for a in offered if a in (CaseAction.WITHDRAW, CaseAction.CLOSE)]

    def viewer_share(self) -> CaseShare | None:
        """The open share through which this user reads the case (theirs, else their
        office's), for the banner saying who shared it, why and until when; else None."""
        if self.caps.relation == Relation.PERSONAL_SHARE:
            found = [s for s in self.shares() if s.user_id == self.user.pk]
        elif self.caps.relation == Relation.OFFICE_SHARE:
            found = [s for s in self.shares() if s.office_id == self.user.office_id]
        else:
            return None
        return found[0] if found else None  # the shares come by (granted_at, id)

    def shares(self) -> list[CaseShare]:
        """The case's open shares, the oldest first."""
        return self.lists.shares


def case_page(*, user: Any, case: DisclosureRequest) -> CasePage:
    """The reads of the case page for `user`; the caller has already audited the read.
    The decisions, the notice, the documents with their checks and the page's other lists
    come in one query (`page_rows`)."""
    # What the page offers is what the capability model allows (a share reads only).
    caps = capabilities_for(user, case)
    rows = page_rows(case, share=caps.share, counsel=_offers_counsel(user, caps, case))
    decisions = rows.decisions
    return CasePage(
        case=case,
        user=user,
        caps=caps,
        now=timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        decisions=decisions,
        approved=next((d for d in decisions if d.outcome == DecisionOutcome.APPROVED), None),
        pending=next((d for d in decisions if d.awaiting_second_approval), None),
        notice=rows.notice,
        needs_callback=needs_callback(case),
        documents=rows.documents,
        rows=rows,
    )


def _clerk_acts(user: Any, caps: CaseCapabilities) -> bool:
    return bool(user.is_clerk and caps.act)


def _counsel_decides(user: Any, caps: CaseCapabilities) -> bool:
    return bool(user.is_counsel and caps.decide)


def _offers_submit(user: Any, caps: CaseCapabilities, case: DisclosureRequest) -> bool:
    return _clerk_acts(user, caps) and case.status == Status.RECEIVED


def _offers_assign(user: Any, caps: CaseCapabilities, case: DisclosureRequest) -> bool:
    return _counsel_decides(user, caps) and case.is_open


def _offers_counsel(user: Any, caps: CaseCapabilities, case: DisclosureRequest) -> bool:
    """Whether the page shows a form that offers the office's counsel (the submit or the
    assign form, page_forms): the page's lists then read them."""
    return _offers_submit(user, caps, case) or _offers_assign(user, caps, case)


def submit_missing(case: DisclosureRequest) -> list[str]:
    """What `case_submit` would refuse, said before the clerk presses the button."""
    missing = []
    if not case.categories:
        missing.append("Choose the records asked for (edit the intake).")
    if needs_callback(case):
        missing.append(
            "Confirm the requester: call the agency's published number and record the callback."
        )
    return missing
