"""The letters' case pages by URL name, in words, for the access log's refused looks
(see dmvrequests.cases.pages)."""

from django.db import models


class LetterPage(models.TextChoices):
    CASE_LETTERS = "correspondence:case_letters", "Letters of the case"
    ISSUE = "correspondence:issue", "Issue a letter"
    LETTER = "correspondence:letter", "A letter"
    LETTER_PDF = "correspondence:letter_pdf", "A letter's PDF"
    EMAIL = "correspondence:email", "Email a letter"
    MAILED = "correspondence:mailed", "Record a letter as mailed"
    LETTERHEAD = "correspondence:letterhead", "The office's letterhead"
