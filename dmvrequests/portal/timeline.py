"""The portal in the case's timeline: messages with the officer, files of released records
delivered (registered with `cases.timeline.register_source` from the app's ready())."""

from dmvrequests.cases.timeline import TimelineEvent, TimelineKind
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


def portal_events(case, kinds):
    messages = PortalMessage.objects.filter(case_id=case.pk)
    files = ReleaseFile.objects.filter(case_id=case.pk).select_related("uploaded_by")
    return [_message(m) for m in messages] + [_delivered(f) for f in files]
