"""Words letters print in a language other than English.

English words come from the project's vocabulary (dmvrequests.vocabulary.label); the
tables here give the Spanish, written as plain-language legal Spanish for a reader
in the United States. A code with no entry for the letter's language falls back to
English words, never to the code itself.
"""

from dmvrequests.vocabulary import label

MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
}

SPANISH = {
    # Record categories.
    "license_record": "Datos de la licencia de conducir (nombre, número, clase, estado y fechas)",
    "address": "Domicilio",
    "photo": "Fotografía",
    "ssn": "Número de Seguro Social",
    "medical": "Información médica",
    "driving_history": "Historial de manejo",
    "vehicle_registration": "Registro de vehículos",
    "source_documents": "Documentos de identidad presentados al solicitar la licencia",
    "immigration_status": "Estatus migratorio",
    "place_of_birth": "Lugar de nacimiento",
    "facial_recognition": "Búsqueda por reconocimiento facial",
    "signature": "Firma",
    # Counsel's decisions.
    "approved": "Aprobada",
    "denied": "Denegada",
    # Reasons for a decision.
    "approved_full": "Aprobada: todo lo solicitado",
    "approved_partial": "Aprobada en parte",
    "insufficient_process": "No se presentó un proceso legal aceptado",
    "non_judicial_document": "Documento administrativo, no firmado por un juez",
    "prohibited_purpose": "Fin no permitido por la ley",
    "bulk_request": "Solicitud masiva",
    "agency_blocked": "La agencia está bloqueada",
    "category_restricted": "Categoría restringida",
    "requester_unverified": "No se pudo verificar la identidad de quien pidió",
    "outside_scope": "Fuera del alcance del documento presentado",
    "no_records": "No hay registros que coincidan",
    "withdrawn": "Retirada por la agencia",
    "duplicate": "Duplicada de otro caso",
    "other": "Otra razón",
    # The policy engine's findings.
    "AGENCY_BLOCKED": "La agencia está bloqueada",
    "BULK_IMMIGRATION": "Solicitud masiva con fines migratorios",
    "BULK_REQUEST": "Solicitud masiva",
    "CATEGORY_BARRED_FOR_IMMIGRATION": "Categoría que nunca se entrega con fines migratorios",
    "CATEGORY_NEVER_RELEASED": "Categoría que nunca se entrega",
    "CATEGORY_REQUIRES_PROCESS": "La categoría requiere un proceso legal que no se presentó",
    "EMERGENCY_CLAIM": "Se alegó una emergencia",
    "HRPI_CONSENT_REQUIRED": "Información altamente restringida: requiere su consentimiento",
    "IMMIGRATION_REQUEST": "Solicitud relacionada con inmigración",
    "INSUFFICIENT_PROCESS": "El proceso legal presentado no es suficiente",
    "JUDGE_REVIEW": "Firma judicial por verificar",
    "NONJUDICIAL_PROCESS": "Documento administrativo, no firmado por un juez",
    "NOTHING_RELEASABLE": "No hay información que se pueda entregar",
    "NOT_SIGNED_BY_JUDGE": "No está firmado por un juez",
    "NO_PERMISSIBLE_USE": "No hay un uso permitido por la ley",
    "PROCESS_EXPIRED": "El proceso legal estaba vencido",
    "SUBJECT_NOTICE_REQUIRED": "Se debe notificar a la persona",
}

PHRASES = {
    "en": {
        "none_released": "Nothing was released.",
        "none_released_yet": "Nothing has been released as of the date of this letter.",
        "none_withheld": "Nothing was withheld.",
        "none": "None.",
        "not_approved": "not approved by counsel",
        "pending": "not decided yet",
        "no_legal_aid": "Ask us for a list of legal-aid organisations near you.",
        "no_deadline": "as soon as possible",
        "batch_title": "Notices to the person whose records were asked for, printed {date}",
    },
    "es": {
        "none_released": "No se entregó nada.",
        "none_released_yet": "Hasta la fecha de esta carta no se ha entregado nada.",
        "none_withheld": "No se retuvo nada.",
        "none": "Ninguno.",
        "not_approved": "no fue aprobado por el abogado de la oficina",
        "pending": "todavía no se ha decidido",
        "no_legal_aid": "Pídanos una lista de organizaciones de ayuda legal cerca de usted.",
        "no_deadline": "lo antes posible",
        "batch_title": "Avisos a la persona cuyos registros se pidieron, impresos el {date}",
    },
}


def words(code, language):
    """The words for a code in `language` (English when there is no entry)."""
    if language == "es" and str(code) in SPANISH:
        return SPANISH[str(code)]
    return label(code)


def phrase(name, language):
    return PHRASES.get(language, PHRASES["en"]).get(name) or PHRASES["en"][name]


def batch_title(day, language):
    """The title and page footer of a printed batch of notices, in the notices' language;
    for a language with no words here, only the date (never English in another language's
    batch)."""
    when = long_date(day, language)
    if language not in PHRASES:
        return when
    return phrase("batch_title", language).format(date=when)


def long_date(day, language):
    """November 30, 2026 / 30 de noviembre de 2026; '' for no date."""
    if day is None:
        return ""
    months = MONTHS.get(language, MONTHS["en"])
    if language == "es":
        return f"{day.day} de {months[day.month - 1]} de {day.year}"
    return f"{months[day.month - 1]} {day.day}, {day.year}"
