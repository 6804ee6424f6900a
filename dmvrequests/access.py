"""Deny by default: one table says who may use each URL.

Every URL name in the project is listed in ACCESS with the roles allowed to
use it (or PUBLIC / SIGNED_IN). AccessTableMiddleware refuses any view that is
not listed, so a new view is closed until someone decides who may open it;
tests walk every URL pattern to prove the table is complete. The table is the
first gate only: object views then fetch through scoped selectors (404).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from accounts.roles import Role

# What a form address reached by GET (a bookmark, a reload after sending) says on the page
# it sends the user back to; every app's form views use it.
FORM_ADDRESS = (
    "That address only receives a form, and nothing was sent to it: here is the page the "
    "form is on. Fill it in again if you still need to."
)

PUBLIC = "public"
# Signed in with a password, second factor possibly still pending.
SIGN_IN_STEP = "sign-in-step"
SIGNED_IN = "signed-in"
# The agency portal's pages: signed-in agency officers only (dmvrequests/agencies Officer).
# An officer is refused every other page but the public ones: officers never reach a staff
# page, whatever rule it has, and staff never reach a portal page.
OFFICER = "officer"
# The portal's second sign-in step (an officer signed in with a password, code pending).
OFFICER_SIGN_IN_STEP = "officer-sign-in-step"
PORTAL_RULES = (OFFICER, OFFICER_SIGN_IN_STEP)

CLERK, COUNSEL, ADMIN, AUDITOR = Role.CLERK, Role.COUNSEL, Role.ADMINISTRATOR, Role.AUDITOR
CASE_READERS = frozenset({CLERK, COUNSEL, AUDITOR})

ACCESS = {
    # Signing in and out.
    "accounts:login": PUBLIC,
    "accounts:logout": PUBLIC,
    "accounts:mfa_verify": SIGN_IN_STEP,
    "accounts:mfa_setup": SIGN_IN_STEP,
    "accounts:backup_codes": SIGNED_IN,
    "accounts:password_change": SIGNED_IN,
    "notifications:preferences": SIGNED_IN,
    # Role grants waiting for a second administrator (ROLE_GRANT_REQUIRES_SECOND_ADMIN).
    "accounts:role_grants": frozenset({ADMIN}),
    "accounts:role_grant_decide": frozenset({ADMIN}),
    "home": SIGNED_IN,
    "favicon": PUBLIC,
    # Cases.
    "cases:queue": frozenset({CLERK, COUNSEL}),
    "cases:search": CASE_READERS,
    "cases:create": frozenset({CLERK}),
    "cases:evaluate": frozenset({CLERK}),
    "cases:detail": CASE_READERS,
    "cases:edit": frozenset({CLERK}),
    "cases:submit": frozenset({CLERK}),
    "cases:decide": frozenset({COUNSEL}),
    "cases:transition": frozenset({CLERK, COUNSEL}),
    "cases:assign": frozenset({COUNSEL}),
    "cases:share": frozenset({COUNSEL}),
    "cases:share_revoke": frozenset({COUNSEL}),
    "cases:document_verify": frozenset({COUNSEL}),
    "cases:document_add": frozenset({CLERK, COUNSEL}),
    "cases:document_describe": frozenset({CLERK, COUNSEL}),
    "cases:callback": frozenset({CLERK}),
    "cases:ask": frozenset({COUNSEL}),
    "cases:answer": frozenset({CLERK}),
    "cases:second_approval": frozenset({COUNSEL}),
    "cases:release": frozenset({CLERK}),
    "cases:notice_sent": frozenset({CLERK, COUNSEL}),
    "cases:notice_exempt": frozenset({COUNSEL}),
    "cases:document_download": CASE_READERS,
    # Policy.
    "policy:try": frozenset({COUNSEL, ADMIN}),
    "policy:profiles": frozenset({COUNSEL, ADMIN}),
    "policy:profile_review": frozenset({ADMIN}),
    # Intake.
    "intake:quarantine": frozenset({CLERK}),
    "intake:quarantine_detail": frozenset({CLERK}),
    "intake:quarantine_release": frozenset({CLERK}),
    "intake:quarantine_discard": frozenset({CLERK}),
    "intake:message": frozenset({CLERK, COUNSEL}),
    # Staff email found in the mail journal (docs/outbound.md): counsel act, administrators
    # and auditors read.
    "outbound:queue": frozenset({COUNSEL, ADMIN, AUDITOR}),
    "outbound:item": frozenset({COUNSEL, ADMIN, AUDITOR}),
    "outbound:attachment": frozenset({COUNSEL, ADMIN, AUDITOR}),
    "outbound:message": frozenset({COUNSEL, ADMIN, AUDITOR}),
    "outbound:patterns": frozenset({ADMIN}),
    "outbound:link": frozenset({COUNSEL}),
    "outbound:open_case": frozenset({COUNSEL}),
    "outbound:dismiss": frozenset({COUNSEL}),
    # Audit.
    "audit:access_log": frozenset({AUDITOR}),
    "audit:access_log_csv": frozenset({AUDITOR}),
    "audit:history": frozenset({AUDITOR}),
    "audit:directory_history": frozenset({AUDITOR}),
    "audit:user_activity": frozenset({AUDITOR}),
    "audit:verification": frozenset({AUDITOR}),
    "audit:verify_now": frozenset({AUDITOR}),
    "audit:case_timeline": CASE_READERS,
    "audit:redact": frozenset({COUNSEL}),
    # Letters (docs/letters.md): read with the case, written by those who work on it.
    "correspondence:case_letters": CASE_READERS,
    "correspondence:issue": frozenset({CLERK, COUNSEL}),
    "correspondence:letter": CASE_READERS,
    "correspondence:letter_pdf": CASE_READERS,
    "correspondence:email": frozenset({CLERK, COUNSEL}),
    "correspondence:mailed": frozenset({CLERK, COUNSEL}),
    "correspondence:notices_batch": frozenset({CLERK, COUNSEL}),
    "correspondence:templates": frozenset({ADMIN}),
    "correspondence:letterhead": frozenset({ADMIN}),
    "correspondence:language_add": frozenset({ADMIN}),
    "correspondence:template_edit": frozenset({ADMIN}),
    # Reports. Auditors read the aggregate statistics and the published reports
    # (they verify the attestation); exports of case rows are administrators' only.
    "reports:index": frozenset({ADMIN, AUDITOR}),
    "reports:transparency": frozenset({ADMIN, AUDITOR}),
    "reports:transparency_csv": frozenset({ADMIN, AUDITOR}),
    "reports:attestation": frozenset({ADMIN, AUDITOR}),
    "reports:attestation_csv": frozenset({ADMIN, AUDITOR}),
    "reports:exports": frozenset({ADMIN}),
    "reports:cases_csv": frozenset({ADMIN}),
    "reports:export_job": frozenset({ADMIN}),
    "reports:export_job_status": frozenset({ADMIN}),
    "reports:export_job_download": frozenset({ADMIN}),
    # Network queries: the state switch's Nlets journal (docs/network-queries.md). Figures for
    # administrators and counsel; the entries behind them (personal data, each read recorded)
    # for counsel and auditors; the directory's ORIs and the block list for administrators.
    "network:index": frozenset({ADMIN, COUNSEL}),
    "network:figure_csv": frozenset({ADMIN, COUNSEL}),
    "network:agency": frozenset({ADMIN, COUNSEL}),
    "network:entries": frozenset({COUNSEL, AUDITOR}),
    "network:unknown_oris": frozenset({ADMIN}),
    "network:attribute": frozenset({ADMIN}),
    "network:blocklist": frozenset({ADMIN}),
    "network:blocklist_csv": frozenset({ADMIN}),
    "network:blocklist_text": frozenset({ADMIN}),
    "network:hand_over": frozenset({ADMIN}),
    "network:upload": frozenset({ADMIN}),
    "network:upload_job": frozenset({ADMIN}),
    "network:upload_status": frozenset({ADMIN}),
    # The REST API (docs/api.md): any other address under /api/ answers a JSON 404.
    "api_not_found": PUBLIC,
    # The agency portal (docs/portal.md): its own accounts, refused every staff page.
    "portal:login": PUBLIC,
    "portal:logout": PUBLIC,
    "portal:register": PUBLIC,
    "portal:verify": PUBLIC,
    "portal:mfa_setup": OFFICER_SIGN_IN_STEP,
    "portal:mfa_verify": OFFICER_SIGN_IN_STEP,
    "portal:home": OFFICER,
    "portal:submit": OFFICER,
    "portal:request": OFFICER,
    "portal:answer": OFFICER,
    "portal:message": OFFICER,
    "portal:letter_pdf": OFFICER,
    "portal:release_download": OFFICER,
    "portal:officers": OFFICER,
    "portal:officer_decide": OFFICER,
    # DMV administrators approve an agency's first officers and deactivate any.
    "portal:staff_officers": frozenset({ADMIN}),
    "portal:staff_officer_decide": frozenset({ADMIN}),
    # A portal case's messages with its officer and files of released records: read with
    # the case, written by those who work on it.
    "portal:staff_case": CASE_READERS,
    "portal:staff_message": frozenset({CLERK, COUNSEL}),
    "portal:staff_release_file": frozenset({CLERK, COUNSEL}),
    # Certifications on file: the agency's officers read theirs, its portal administrator
    # signs; DMV administrators read every agency's and record one signed on paper.
    "portal:certifications": OFFICER,
    "portal:certification_document": OFFICER,
    "portal:staff_certifications": frozenset({ADMIN}),
    "portal:staff_certification_document": frozenset({ADMIN}),
    # The API's pages on the portal (docs/api.md): an officer's own tokens; the agency's
    # webhook for its portal administrator; every agency's webhook for DMV administrators.
    "portal_api:tokens": OFFICER,
    "portal_api:token_revoke": OFFICER,
    "portal_api:webhook": OFFICER,
    "portal_api:webhook_rotate": OFFICER,
    "portal_api:webhook_send_again": OFFICER,
    "portal_api:staff_webhooks": frozenset({ADMIN}),
}

# Namespaces whose views keep their own stricter checks (Django admin requires
# is_staff on every view); the table still decides who may reach them at all.
NAMESPACE_ACCESS = {
    "admin": frozenset({ADMIN}),
    # The REST API authenticates every call itself by an officer's token (never a session)
    # and scopes every read to the officer (dmvrequests/api/auth.py, docs/api.md).
    "api": PUBLIC,
}


def rule_for(view_name):
    if view_name in ACCESS:
        return ACCESS[view_name]
    if ":" not in view_name:
        return None
    return NAMESPACE_ACCESS.get(view_name.split(":", 1)[0])


# Whose page it is, and whose account: "for counsel", "a clerk's".
ROLE_WORDS = {
    Role.CLERK: ("clerks", "a clerk's"),
    Role.COUNSEL: ("counsel", "counsel's"),
    Role.ADMINISTRATOR: ("administrators", "an administrator's"),
    Role.AUDITOR: ("auditors", "an auditor's"),
}


def role_refusal(user, rule) -> str:
    """The 403's sentence for a signed-in user whose role the page's rule leaves out: whose
    page it is and whose the account is ("This page is for counsel; your account is a
    clerk's."), so a clerk who reaches counsel's decision page by its address reads that
    deciding is counsel's step, not only that a role is missing."""
    pages = [ROLE_WORDS[role][0] for role in Role if role in rule]
    if not pages:
        return "Your role does not allow this page."
    who = pages[0] if len(pages) == 1 else f"{', '.join(pages[:-1])} or {pages[-1]}"
    mine = [ROLE_WORDS[role][1] for role in Role if role in user.role_names]
    account = f"your account is {mine[0]}" if len(mine) == 1 else "your role does not include it"
    return f"This page is for {who}; {account}."


class AccessTableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        view_name = match.view_name if match else None
        rule = rule_for(view_name) if view_name else None
        if rule is None:
            # Not in the table: refused, whoever asks.
            raise PermissionDenied(f"{view_name} is not in the access table.")
        if rule == PUBLIC:
            return None
        user = request.user
        if not user.is_authenticated:
            login = "portal:login" if rule in PORTAL_RULES else settings.LOGIN_URL
            return redirect_to_login(request.get_full_path(), login)
        if self.officer_refused(user, rule):
            request.permission_refused = True
            raise PermissionDenied("This page is not open to this kind of account.")
        if rule in (SIGN_IN_STEP, OFFICER_SIGN_IN_STEP):
            return None
        if rule == OFFICER:
            return self.officer_second_factor(request)
        if settings.DMV_REQUIRE_MFA and not user.is_verified():
            return self.second_factor(request)
        if rule == SIGNED_IN or user.has_role(*rule):
            return None
        # Recorded as a denied access when the URL names a case (cases/middleware.py).
        request.permission_refused = True
        raise PermissionDenied(role_refusal(user, rule))

    @staticmethod
    def officer_refused(user, rule):
        """True when an agency officer asks for a staff page, or staff for a portal page."""
        from dmvrequests.agencies.selectors import is_officer

        return is_officer(user) != (rule in PORTAL_RULES)

    @staticmethod
    def officer_second_factor(request):
        """Officers enrol an authenticator before any portal page, whatever DMV_REQUIRE_MFA
        says; the code is asked at sign-in when it is on, as for staff."""
        from accounts.mfa import has_mfa

        if not has_mfa(request.user):
            target = "portal:mfa_setup"
        elif settings.DMV_REQUIRE_MFA and not request.user.is_verified():
            target = "portal:mfa_verify"
        else:
            return None
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")

    def second_factor(self, request):
        """Signed in with a password only: ask for the code, or enrolment first."""
        from accounts.mfa import has_mfa

        target = "accounts:mfa_verify" if has_mfa(request.user) else "accounts:mfa_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
