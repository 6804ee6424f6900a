"""The shapes the API reads and writes (pydantic, through django-ninja); the OpenAPI document
at /api/v1/openapi.json is generated from them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from dmvrequests.vocabulary import Issuer, LegalProcessType, Purpose, RecordCategory


class ErrorDetail(Schema):
    code: str = Field(description="Stable code to branch on, e.g. `not_found`, `invalid`.")
    message: str = Field(description="What happened and what to do, for people.")
    fields: dict[str, Any] = Field(
        description="Per request field (dotted for nested ones), what is wrong with it."
    )


class Error(Schema):
    error: ErrorDetail


class TokenInfo(Schema):
    name: str
    expires_at: datetime


class Me(Schema):
    name: str
    email: str
    agency: str
    portal_administrator: bool = Field(
        description="True: sees every request of the agency; else only the officer's own."
    )
    may_submit: bool
    submit_refusal: str | None = Field(description="Why the officer may not submit now.")
    token: TokenInfo


class RequestIn(Schema):
    """A new request. At least one subject identifier; the attestation must be true."""

    purpose: Purpose
    categories: list[RecordCategory] = Field(min_length=1, max_length=len(RecordCategory))
    subject_name: str = Field("", max_length=200)
    subject_dob: date | None = Field(None, description="The subject's date of birth.")
    subject_license_number: str = Field("", max_length=40)
    subject_plate: str = Field("", max_length=20)
    subject_vin: str = Field("", max_length=17)
    narrative: str = Field("", max_length=5000, description="What the request is about.")
    emergency: bool = Field(False, description="Danger of death or serious injury.")
    bulk: bool = Field(False, description="Records of many people at once.")
    attested: bool = Field(
        description="True: the officer attests, under penalty of perjury, that the information "
        "is true and that the purpose is as stated."
    )


class AnswerIn(Schema):
    answer: str = Field(min_length=1, max_length=5000)


class DocumentOut(Schema):
    id: int
    type: str
    type_words: str
    issuer: str
    court: str
    docket_number: str
    issued_on: date | None
    expires_on: date | None
    filename: str
    size: int = Field(description="Bytes.")
    sha256: str
    uploaded_at: datetime
    recognised_type: str | None = Field(
        None,
        description="Only in the answer to attaching the document: the legal process type "
        "its PDF text names (document recognition, e.g. administrative_warrant for ICE Form "
        "I-200), a hint to check the `type` sent, which is kept as sent. Null otherwise.",
    )
    recognised_as: str | None = Field(
        None,
        description='The same hint in words, e.g. "I-200, filed as Administrative warrant (ICE I-200 / I-205)".',
    )


class QuestionOut(Schema):
    question: str
    asked_at: datetime
    answer: str
    answered_at: datetime | None


class RequestSummary(Schema):
    number: str
    status: str = Field(
        description="received, in_review, needs_info, approved, denied, fulfilled, closed, "
        "withdrawn."
    )
    status_words: str
    received_at: datetime
    purpose: str
    emergency: bool
    officer: str = Field(description="The officer who sent the request.")


class RequestOut(RequestSummary):
    categories: list[str]
    subject_name: str
    subject_dob: date | None
    subject_license_number: str
    subject_plate: str
    subject_vin: str
    narrative: str
    bulk: bool
    due_date: date | None
    decided_at: datetime | None
    questions: list[QuestionOut] = Field(
        description="The legal unit's questions, newest first; answer the open one with "
        "POST .../answer."
    )
    documents: list[DocumentOut]


class RequestPage(Schema):
    count: int
    page: int
    pages: int
    results: list[RequestSummary]


class Paging(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="Which page, from 1.")
    page_size: int = Field(25, ge=1, le=100, description="Requests per page, 1 to 100.")


class DocumentIn(Schema):
    """The form fields sent with the file (multipart/form-data, field `file`: PDF, PNG, JPEG
    or TIFF, at most 25 MiB)."""

    type: LegalProcessType = Field(description="What the document is.")
    issuer: Issuer = Field(Issuer.NONE, description="Who issued or signed it.")
    court: str = Field("", max_length=200)
    docket_number: str = Field("", max_length=80)
    issued_on: date | None = None
    expires_on: date | None = None


class LetterOut(Schema):
    """A letter the DMV issued to the agency about the request (never a notice to the
    subject)."""

    id: int
    kind: str = Field(description="acknowledgment, info_request, denial or release.")
    kind_words: str
    subject: str
    language: str = Field(description="The letter's language, in words.")
    issued_at: datetime
    filename: str = Field(description="The PDF's file name.")
    pdf_size: int = Field(description="Bytes of the PDF; 0 when it was issued without one.")
    pdf_sha256: str = Field(description="Hex SHA-256 of the PDF as issued; empty without one.")


class LetterPdfOut(LetterOut):
    pdf_base64: str = Field(
        description="The PDF as issued, base64 (RFC 4648): decoded, its SHA-256 is pdf_sha256."
    )
