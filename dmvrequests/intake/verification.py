"""Is the From address genuine? Judged only from our own server's Authentication-Results.

A From header is trivial to forge, and so is an Authentication-Results header.
The only results we believe are those stamped by the DMV's receiving server,
named by settings.INTAKE_TRUSTED_AUTHSERV_ID; that server must delete any
header carrying its own authserv-id before adding its own (RFC 8601 section 5),
which is what makes the stamp trustworthy. A stamp counts only for the domain it
names: DMARC's header.from or DKIM's header.d must be the From domain. Results from any other authserv-id
are what the sender says about itself and count for nothing.

The header's grammar (RFC 8601 section 2.2), as far as the decision needs it:
    authserv-id [version] ; method[/version]=result [reason=...] [ptype.property=value ...] ; ...
with comments in parentheses allowed almost anywhere.
"""

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MethodResult:
    method: str
    result: str
    properties: dict = field(default_factory=dict)


@dataclass(frozen=True)
class AuthenticationResults:
    authserv_id: str
    results: tuple


def _strip_comments(text):
    """Drop (comments), which may nest, keeping "quoted strings" as they are."""
    out = []
    depth = 0
    quoted = False
    escaped = False
    for char in text:
        if escaped:
            escaped = False
            if depth == 0:
                out.append(char)
            continue
        if char == "\\":
            escaped = True
            if depth == 0:
                out.append(char)
        elif quoted:
            quoted = char != '"'
            out.append(char)
        elif char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                out.append(" ")
        elif depth == 0:
            quoted = char == '"'
            out.append(char)
    return "".join(out)


def _split_outside_quotes(text, separators):
    """Split on any of `separators` outside "quoted strings"; linear, whatever the input."""
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif not quoted and char in separators:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _unquote(value):
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _method_result(segment):
    # CFWS may surround "=" and "/"; close it up so that tokens split on spaces.
    segment = re.sub(r" ?([=/]) ?", r"\1", re.sub(r"\s+", " ", segment.strip()))
    tokens = [t for t in _split_outside_quotes(segment, " \t") if t]
    match = re.fullmatch(r"([A-Za-z0-9_-]+)(?:/\d+)?=([A-Za-z]+)", tokens[0]) if tokens else None
    if match is None:
        return None
    properties = {}
    for token in tokens[1:]:
        name, sep, value = token.partition("=")
        if sep and "." in name:
            properties[name.lower()] = _unquote(value).lower().rstrip(".")
    return MethodResult(match.group(1).lower(), match.group(2).lower(), properties)


def parse_authentication_results(value):
    """One header's value as AuthenticationResults, or None when it has no authserv-id."""
    text = _strip_comments(value.replace("\r", " ").replace("\n", " "))
    segments = _split_outside_quotes(text, ";")
    head = segments[0].split()
    if not head:
        return None
    authserv_id = _unquote(head[0]).lower().rstrip(".")
    results = tuple(r for r in (_method_result(s) for s in segments[1:]) if r is not None)
    return AuthenticationResults(authserv_id, results)


def verification(*, from_domain, from_problem, header_values, trusted_authserv_id):
    """(verified, reason): DMARC or DKIM alignment with the single From domain.

    Verified only when our own server (authserv-id `trusted_authserv_id`) reports
    `dmarc=pass` whose `header.from` is the From domain (RFC 7489 section 3.1;
    RFC 8601 section 2.7.2 names the property), or `dkim=pass` whose `header.d` is
    the From domain (RFC 6376 signing domain, strict alignment). A pass for any
    other domain proves only that that other domain sent something. A From header
    that could be read as another sender (`from_problem`, several addresses:
    RFC 7489 section 6.6.1) is never verified. A trusted dmarc=fail vetoes a DKIM
    pass, since an aligned DKIM pass cannot honestly coexist with it. `reason`
    says why a message is not verified, for the clerk; it is "" when verified.
    """
    trusted = (trusted_authserv_id or "").strip().lower().rstrip(".")
    problem = _unverifiable(trusted, from_domain, from_problem)
    if problem:
        return False, problem
    results = _trusted_results(header_values, trusted)
    if not results:
        return False, f"the DMV's receiving server ({trusted}) reported no authentication results"
    return _aligned(results, from_domain)


def _unverifiable(trusted, from_domain, from_problem):
    """Why no authentication result could verify this message, or None."""
    if not trusted:
        # Said to clerks in words; administrators are told the setting by the deployment
        # check (intake/checks.py) and docs/intake.md.
        return (
            "this system has not been told which mail server of the DMV checks senders, so no "
            "emailed request can be verified yet; an administrator can set this up"
        )
    if not from_domain:
        return "the message has no From address"
    if from_problem:
        return f"the From header is ambiguous: {from_problem}"
    return None


def _trusted_results(header_values, trusted):
    """The method results reported by our own server (authserv-id `trusted`) only."""
    return [
        result
        for parsed in map(parse_authentication_results, header_values)
        if parsed is not None and parsed.authserv_id == trusted
        for result in parsed.results
    ]


def _aligned(results, from_domain):
    """(verified, reason) from trusted results: DMARC or DKIM aligned with `from_domain`."""
    dmarc = [r for r in results if r.method == "dmarc"]
    if any(r.result == "fail" for r in dmarc):
        return False, "the DMV's receiving server reports that DMARC failed for this message"
    if any(r.result == "pass" and r.properties.get("header.from") == from_domain for r in dmarc):
        return True, ""
    dkim_pass = [r for r in results if r.method == "dkim" and r.result == "pass"]
    if any(r.properties.get("header.d") == from_domain for r in dkim_pass):
        return True, ""
    return False, _unaligned_reason(dmarc, dkim_pass, from_domain)


def _unaligned_reason(dmarc, dkim_pass, from_domain):
    others = sorted(
        {r.properties.get("header.from", "") for r in dmarc if r.result == "pass"}
        | {r.properties.get("header.d", "") for r in dkim_pass}
    )
    others = [domain for domain in others if domain]
    if others:
        return (
            f"the authentication that passed is for {', '.join(others)}, "
            f"not for the From domain {from_domain}"
        )
    return f"neither DMARC nor DKIM passed for the From domain {from_domain}"


def sender_verified(*, from_domain, single_from, header_values, trusted_authserv_id):
    """True only when `verification` says so; single_from=False is an ambiguous From."""
    verified, _reason = verification(
        from_domain=from_domain,
        from_problem=None if single_from else "several From addresses",
        header_values=header_values,
        trusted_authserv_id=trusted_authserv_id,
    )
    return verified
