from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "dmvrequests.correspondence"
    label = "correspondence"
    verbose_name = "Letters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from dmvrequests import vocabulary
        from dmvrequests.audit.protection import protect_table
        from dmvrequests.cases.agency_letters import register_agency_letter_reader
        from dmvrequests.cases.retention import register_retention_participant
        from dmvrequests.correspondence.erasure import LetterParticipant
        from dmvrequests.correspondence.pages import LetterPage
        from dmvrequests.correspondence.selectors import AgencyLetters
        from dmvrequests.correspondence.timeline import register_letter_sources

        vocabulary.register(letter_page=LetterPage)
        protect_table("correspondence_letter")
        protect_table("correspondence_letterdispatch")
        protect_table("correspondence_lettererasure")
        register_letter_sources()
        register_agency_letter_reader(AgencyLetters())
        register_retention_participant(LetterParticipant())
