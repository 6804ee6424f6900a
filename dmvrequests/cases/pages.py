"""The case pages by URL name, in words: what an audit record of a refused look names.

A refusal on a case URL is recorded with `{"page": <URL name>}` (audit.services
`record_case_refusal`); the access log shows these words instead of the URL name.
"""

from django.db import models


class CasePage(models.TextChoices):
    QUEUE = "cases:queue", "Review queue"
    SEARCH = "cases:search", "Search"
    CREATE = "cases:create", "New request"
    EVALUATE = "cases:evaluate", "Policy check of a new request"
    DETAIL = "cases:detail", "Case page"
    EDIT = "cases:edit", "Edit the request"
    SUBMIT = "cases:submit", "Submit for review"
    DECIDE = "cases:decide", "Decide the case"
    TRANSITION = "cases:transition", "Move the case on"
    ASSIGN = "cases:assign", "Assign counsel"
    SHARE = "cases:share", "Share the case"
    SHARE_REVOKE = "cases:share_revoke", "End a share"
    CALLBACK = "cases:callback", "Record the callback"
    ASK = "cases:ask", "Ask the agency for information"
    ANSWER = "cases:answer", "Record the agency's answer"
    SECOND_APPROVAL = "cases:second_approval", "Confirm an approval"
    RELEASE = "cases:release", "Record a release"
    NOTICE_SENT = "cases:notice_sent", "Record the subject notice as sent"
    NOTICE_EXEMPT = "cases:notice_exempt", "Exempt the subject notice"
    DOCUMENT_ADD = "cases:document_add", "Add a legal document"
    DOCUMENT_DESCRIBE = "cases:document_describe", "Describe a document"
    DOCUMENT_VERIFY = "cases:document_verify", "Verify a document"
    DOCUMENT_DOWNLOAD = "cases:document_download", "Download a document"
