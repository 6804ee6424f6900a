"""`manage.py policy_check`: the policy engine from the command line (docs/policy-check.md).

Everything is read and validated before anything is evaluated or printed, so a bad
request anywhere gives exit 2, one line on standard error naming the field, and
nothing on standard output.
"""

import json
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand
from django.db import DatabaseError

from dmvrequests.policy import services
from dmvrequests.policy.engine import (
    PolicyInputError,
    public_result,
    validate_request,
    validate_rules,
)
from dmvrequests.policy.models import PolicyProfile

STDIN = "-"
EXIT_BAD_INPUT = 2


class BadInput(Exception):
    """Input the command refuses; the message names the source and the field."""


class DuplicateKeyError(ValueError):
    pass


def _refuse_duplicate_keys(pairs):
    # json keeps the last of two equal keys; a repeated key is a typo that could change the outcome.
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKeyError(key)
        seen[key] = value
    return seen


class Command(BaseCommand):
    help = (
        "Evaluate request objects (JSON) under a policy profile and print the results as JSON. "
        "Reads each FILE, or standard input when no FILE or '-' is given."
    )
    # Standard output is for scripts: nothing but results there, and no check chatter.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--profile", metavar="SLUG", help="Profile to use (default: the active profile)."
        )
        parser.add_argument(
            "files", nargs="*", metavar="FILE", help="A request object or a JSON list of them."
        )

    def handle(self, *args, profile=None, files=(), **options):
        try:
            results = self.evaluate_all(files or [STDIN], profile)
        except BadInput as error:
            self.stderr.write(f"policy_check: {error}")
            raise SystemExit(EXIT_BAD_INPUT) from None
        for result in results:
            self.stdout.write(json.dumps(result, indent=2))

    def evaluate_all(self, sources, slug):
        profile = _load_profile(slug)
        inputs = [_read_requests(source) for source in sources]
        return [
            _evaluate(requests, profile) if is_list else _evaluate(requests, profile)[0]
            for requests, is_list in inputs
        ]


def _evaluate(requests, profile):
    return [
        public_result(services.evaluate_with_profile(disclosure_request=request, profile=profile))
        for request in requests
    ]


def _load_profile(slug):
    try:
        profile = _find_profile(slug)
    except DatabaseError:
        raise BadInput(
            "the database has no policy profiles yet: run 'manage.py migrate' first"
        ) from None
    try:
        validate_rules(profile.rules)
    except PolicyInputError as error:
        raise BadInput(f"profile {profile.slug}: rules: {error}") from None
    return profile


def _find_profile(slug):
    if slug is None:
        try:
            return services.profile_active()
        except ImproperlyConfigured as error:
            raise BadInput(f"--profile: {error}") from None
    profile = PolicyProfile.objects.filter(slug=slug).first()
    if profile is None:
        installed = ", ".join(PolicyProfile.objects.values_list("slug", flat=True))
        raise BadInput(f"--profile: no profile named {slug!r}; installed profiles: {installed}")
    return profile


def _read_requests(source):
    """(validated requests, whether the input was a list) from one FILE or standard input."""
    name = "standard input" if source == STDIN else source
    document = _parse_json(name, _read_text(source))
    if isinstance(document, dict):
        return [_validate(name, document, None)], False
    if isinstance(document, list):
        return [_validate(name, item, index) for index, item in enumerate(document)], True
    raise BadInput(f"{name}: request: must be a JSON object or a list of request objects")


def _read_text(source):
    if source == STDIN:
        # Bytes, decoded here: a non-UTF-8 pipe is bad input (exit 2), not a traceback.
        raw = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
        if isinstance(raw, str):
            return raw
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadInput("standard input: cannot read it: it is not UTF-8 text") from None
    try:
        return Path(source).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"{source}: cannot read the file: it is not UTF-8 text") from None
    except OSError as error:
        raise BadInput(f"{source}: cannot read the file: {error.strerror or error}") from None


def _parse_json(name, text):
    try:
        return json.loads(text, object_pairs_hook=_refuse_duplicate_keys)
    except json.JSONDecodeError as error:
        raise BadInput(
            f"{name}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except DuplicateKeyError as error:
        raise BadInput(f"{name}: {error.args[0]}: the key appears twice in one object") from None


def _validate(name, request, index):
    try:
        return validate_request(request)
    except PolicyInputError as error:
        where = f"[{index}]." if index is not None else ""
        raise BadInput(f"{name}: {where}{error}") from None
