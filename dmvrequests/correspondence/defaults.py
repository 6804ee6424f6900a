"""The shipped letters: the project's own plain-language text, in English and Spanish.

An office replaces any of them with its own (LetterTemplate). A body is plain text:
a blank line starts a paragraph, `{name}` is a placeholder (placeholders.py), and a
placeholder that is a list prints one "- item" line per item.
"""

from dmvrequests.correspondence.models import LetterKind

ENGLISH, SPANISH = "en", "es"

DEFAULTS = {
    (LetterKind.ACKNOWLEDGMENT, ENGLISH): (
        "We received your request {case_number}",
        """{agency}
Attention: {requester}

Re: your request for motor vehicle records, case {case_number}

We received your request on {received_date} and opened case {case_number}. Please keep this number in the subject line of every email about the request, written as [{case_number}], so that your message reaches the right file.

What you asked for:
{categories_asked}

What happens next: a clerk checks the request and the legal documents that came with it, and legal counsel decides whether the law allows the release. We aim to decide by {decision_due}. We will write to you with the decision.

How to send legal process: if you have a subpoena, a court order or a warrant signed by a judge, send a copy by replying to this letter's email with [{case_number}] in the subject, or by mail to the address at the top of this letter. A document we have not received cannot be considered.

This office applies the federal Driver's Privacy Protection Act (18 U.S.C. 2721-2725) and {profile_citation}.""",
    ),
    (LetterKind.INFO_REQUEST, ENGLISH): (
        "Information needed for request {case_number}",
        """{agency}
Attention: {requester}

Re: your request for motor vehicle records, case {case_number}, received {received_date}

Before we can decide on your request, we need the following:

{question}

Until we receive it, the request is on hold and the time to decide does not run. Reply by email with [{case_number}] in the subject, or by mail to the address at the top of this letter. If the information is a legal document, send a complete copy, including every page and the signature.

The rules that apply: {profile_citation}.""",
    ),
    (LetterKind.DENIAL, ENGLISH): (
        "Decision on request {case_number}: denied",
        """{agency}
Attention: {requester}

Re: your request for motor vehicle records, case {case_number}, received {received_date}

Your request is denied. No record has been released.

What you asked for:
{categories_asked}

Why the request is denied:
{reasons}

{process_needed}

If you believe this decision is wrong, or if you obtain the legal process described above, write to us with [{case_number}] in the subject. A new or corrected document is reviewed as a new submission on the same case.""",
    ),
    (LetterKind.RELEASE, ENGLISH): (
        "Records released for request {case_number}",
        """{agency}
Attention: {requester}

Re: your request for motor vehicle records, case {case_number}, received {received_date}

Your request is approved in the terms below. The records are sent separately, by the method agreed with your agency.

Released:
{categories_released}

Not released, and why:
{categories_withheld}

The records are released only for the purpose you stated and may not be disclosed further except as the Driver's Privacy Protection Act (18 U.S.C. 2721(c)) allows. Keep this letter with the records.

The rules that apply: {profile_citation}.""",
    ),
    (LetterKind.SUBJECT_NOTICE, ENGLISH): (
        "Notice: your motor vehicle records were requested",
        """{subject_name}

Re: a request for your motor vehicle records (our reference {case_number})

The law requires us to tell you about this request ({notice_rule}).

Who asked: {agency}.
When: {received_date}.

What they asked for:
{categories_asked}

What we released:
{categories_released}

Our decision: {decision}.

You do not have to do anything. If you have questions about this notice or about your records, contact us at the address or telephone number at the top of this letter, and give the reference {case_number}.

You may want to talk to a lawyer. These organisations give free or low-cost legal help:
{legal_aid}""",
    ),
    (LetterKind.SUBJECT_NOTICE, SPANISH): (
        "Aviso: se solicitaron sus registros de vehículos motorizados",
        """{subject_name}

Asunto: una solicitud de sus registros de vehículos motorizados (nuestra referencia {case_number})

La ley nos obliga a informarle sobre esta solicitud ({notice_rule}).

Quién la hizo: {agency}.
Cuándo: {received_date}.

Qué pidieron:
{categories_asked}

Qué entregamos:
{categories_released}

Nuestra decisión: {decision}.

Usted no tiene que hacer nada. Si tiene preguntas sobre este aviso o sobre sus registros, comuníquese con nosotros a la dirección o al teléfono que aparecen arriba, en el membrete de esta carta, e indique la referencia {case_number}.

Tal vez le convenga hablar con un abogado. Estas organizaciones ofrecen ayuda legal gratuita o de bajo costo:
{legal_aid}""",
    ),
    (LetterKind.ACKNOWLEDGMENT, SPANISH): (
        "Recibimos su solicitud {case_number}",
        """{agency}
Atención: {requester}

Asunto: su solicitud de registros de vehículos motorizados, caso {case_number}

Recibimos su solicitud el {received_date} y abrimos el caso {case_number}. Escriba este número en el asunto de cada correo electrónico sobre la solicitud, así: [{case_number}], para que su mensaje llegue al expediente correcto.

Lo que usted pidió:
{categories_asked}

Lo que sigue: un empleado revisa la solicitud y los documentos legales que la acompañan, y un abogado de la oficina decide si la ley permite entregar la información. Esperamos decidir a más tardar el {decision_due}. Le escribiremos con la decisión.

Cómo enviar documentos legales: si tiene una citación, una orden judicial o una orden firmada por un juez, envíe una copia respondiendo al correo de esta carta con [{case_number}] en el asunto, o por correo postal a la dirección que aparece en el membrete de esta carta.

Esta oficina aplica la ley federal de protección de la privacidad de los conductores (Driver's Privacy Protection Act, 18 U.S.C. 2721-2725) y {profile_citation}.""",
    ),
    (LetterKind.INFO_REQUEST, SPANISH): (
        "Información necesaria para la solicitud {case_number}",
        """{agency}
Atención: {requester}

Asunto: su solicitud de registros de vehículos motorizados, caso {case_number}, recibida el {received_date}

Antes de decidir sobre su solicitud, necesitamos lo siguiente:

{question}

Mientras no lo recibamos, la solicitud queda en espera y el plazo para decidir no corre. Responda por correo electrónico con [{case_number}] en el asunto, o por correo postal a la dirección que aparece en el membrete de esta carta. Si se trata de un documento legal, envíe una copia completa, con todas sus páginas y la firma.

Normas que se aplican: {profile_citation}.""",
    ),
    (LetterKind.DENIAL, SPANISH): (
        "Decisión sobre la solicitud {case_number}: denegada",
        """{agency}
Atención: {requester}

Asunto: su solicitud de registros de vehículos motorizados, caso {case_number}, recibida el {received_date}

Su solicitud ha sido denegada. No se ha entregado ningún registro.

Lo que usted pidió:
{categories_asked}

Por qué se deniega la solicitud:
{reasons}

Si considera que esta decisión es incorrecta, o si obtiene una orden firmada por un juez u otro proceso legal que la ley exija, escríbanos con [{case_number}] en el asunto. Un documento nuevo o corregido se revisa como una nueva presentación en el mismo caso.""",
    ),
    (LetterKind.RELEASE, SPANISH): (
        "Registros entregados para la solicitud {case_number}",
        """{agency}
Atención: {requester}

Asunto: su solicitud de registros de vehículos motorizados, caso {case_number}, recibida el {received_date}

Su solicitud ha sido aprobada en los términos siguientes. Los registros se envían por separado, por el medio acordado con su agencia.

Entregado:
{categories_released}

No entregado, y por qué:
{categories_withheld}

Los registros se entregan solo para el fin que usted declaró y no pueden divulgarse a terceros, salvo en los casos que permite la ley federal de protección de la privacidad de los conductores (18 U.S.C. 2721(c)). Conserve esta carta junto con los registros.

Normas que se aplican: {profile_citation}.""",
    ),
}

SHIPPED_LANGUAGES = ((ENGLISH, "English"), (SPANISH, "Español (Spanish)"))


def default_for(kind, language):
    """(subject, body) shipped for the kind and language, or None."""
    return DEFAULTS.get((kind, language))
