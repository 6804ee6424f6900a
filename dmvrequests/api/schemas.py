"""The shapes the API reads and writes (pydantic, through django-ninja); the OpenAPI document
at /api/v1/openapi.json is generated from them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field


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
