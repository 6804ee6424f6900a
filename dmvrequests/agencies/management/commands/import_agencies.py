"""Load or update the agency directory from a state's ORI list (CSV).

    python manage.py import_agencies [--json] FILE

Header: name,kind,oris,email_domains,published_phone,blocked,blocked_reason,blocked_since
(docs/network-queries.md, "Loading the directory"). With --json, prints
{"created": n, "updated": n, "rejected": [{"line": N, "reason": "..."}]}. Exit status 0 when the
file was read (even with refused rows), 2 with one line on standard error when it cannot be
read or its header is wrong.
"""

import csv
import io
import json

from django.core.management.base import BaseCommand

from dmvrequests.agencies.imports import AgencyFileError, agencies_import

EXIT_BAD_FILE = 2


class Command(BaseCommand):
    help = "Load or update the agency directory (ORIs, blocks) from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        parser.add_argument("file", metavar="FILE", help="The CSV file.")

    def handle(self, *args, file, **options):
        try:
            # A state's list is small: read whole, so a file that is not text loads nothing.
            with open(file, encoding="utf-8-sig", newline="") as source:
                text = source.read()
            if "\x00" in text:
                raise UnicodeError("NUL")
            result = agencies_import(lines=io.StringIO(text, newline=""))
        except (OSError, UnicodeError, AgencyFileError, csv.Error) as error:
            self.stderr.write(f"import_agencies: {file}: {_why(error)}")
            raise SystemExit(EXIT_BAD_FILE) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
        else:
            self.stdout.write(
                f"{result.created} created, {result.updated} updated, "
                f"{len(result.rejected)} rejected."
            )
            for rejected in result.rejected:
                self.stdout.write(f"line {rejected['line']}: {rejected['reason']}")


def _why(error):
    if isinstance(error, FileNotFoundError):
        return "no such file."
    if isinstance(error, IsADirectoryError):
        return "is a folder, not a file."
    if isinstance(error, PermissionError):
        return "not allowed to read it."
    if isinstance(error, UnicodeError):
        return "not UTF-8 text; save the list as CSV in UTF-8."
    if isinstance(error, AgencyFileError):
        return f"{error}."
    return f"cannot be read ({error})."
