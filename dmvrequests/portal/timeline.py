"""The portal in the case's timeline: messages with the officer, files of released records
delivered (registered with `cases.timeline.register_source` from the app's ready())."""

from dmvrequests.cases.timeline import PERSON, TimelineEvent, TimelineKind, register_rows
from dmvrequests.portal.models import PortalMessage, ReleaseFile

MESSAGE_KINDS = {TimelineKind.MESSAGE}


def _message(message):
    if message.from_agency:
        sentence = f"{message.author_name} wrote to the legal unit on the agency portal"
    else:
        sentence = f"{message.author_name} wrote to the agency's officer on the portal"
    return TimelineEvent(
        message.sent_at, message.author_name, TimelineKind.MESSAGE, sentence, (), (message.body,)
    )


def _delivered(release_file):
    who = str(release_file.uploaded_by)
    sentence = f"{who} delivered {release_file.original_filename} to the agency on the portal"
    details: tuple[str, ...] = (f"SHA-256: {release_file.sha256}",)
    if release_file.description:
        details = (release_file.description, *details)
    return TimelineEvent(release_file.uploaded_at, who, TimelineKind.MESSAGE, sentence, (), details)


def _messages(case):
    return PortalMessage.objects.filter(case_id=case.pk)


def _files(case):
    return ReleaseFile.objects.filter(case_id=case.pk)


def register_portal_sources():
    """Messages with the officer and files delivered, in the timeline's one query (from the
    app's ready())."""
    register_rows(
        MESSAGE_KINDS,
        PortalMessage,
        _messages,
        lambda messages: [_message(m) for m in messages],
        order=("sent_at", "id"),
    )
    register_rows(
        MESSAGE_KINDS,
        ReleaseFile,
        _files,
        lambda files: [_delivered(f) for f in files],
        joins={"uploaded_by": PERSON},
        order=("uploaded_at", "id"),
    )
