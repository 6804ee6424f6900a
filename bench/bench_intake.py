"""Email intake throughput: messages per second, each with a PDF attachment.

    .venv/bin/python bench/bench_intake.py [--messages 300] [--pdf-kb 200]

Each message goes through intake.services.message_ingest as a delivery would:
parsed, stored raw, filed into a new case with its PDF as a legal document, one
transaction committed per message. It runs on a throwaway database of the
configured engine (a temporary SQLite file, or a PostgreSQL test database when
DATABASE_URL names one) and a temporary private-media folder: your own data is
never touched.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_messages(count, pdf_bytes):
    pdf = b"%PDF-1.7\n" + os.urandom(pdf_bytes)
    messages = []
    for number in range(count):
        message = EmailMessage()
        message["From"] = "Officer Ana Reyes <ana.reyes@ice.dhs.gov>"
        message["To"] = "records@dmv.example.gov"
        message["Subject"] = f"Request for driver record {number}"
        message["Message-ID"] = f"<bench-{number}@ice.dhs.gov>"
        message.set_content("Please provide the license record of Maria Lopez, DOB 1990-01-01.")
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename="warrant.pdf")
        messages.append(message.as_bytes())
    return messages


def measure(messages):
    from accounts.models import Office
    from dmvrequests.intake.services import message_ingest

    Office.objects.create(name="Bench legal unit", code="bench")
    outcomes = Counter()
    started = time.perf_counter()
    for raw in messages:
        outcomes[str(message_ingest(raw=raw, source="file").result)] += 1
    return len(messages) / (time.perf_counter() - started), outcomes


def hostile_message(parts=800_000):
    """8 MB of empty MIME parts: before the limits were enforced while parsing, 50 s and
    380 MB to quarantine (issue 13, item 4)."""
    head = (
        b"From: ana.reyes@ice.dhs.gov\r\nSubject: many parts\r\n"
        b"Message-ID: <bench-hostile@ice.dhs.gov>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
    )
    return head + b"--b\r\n\r\n" * parts + b"--b--\r\n"


def measure_hostile():
    from dmvrequests.intake.services import message_ingest

    raw = hostile_message()
    started = time.perf_counter()
    result = message_ingest(raw=raw, source="file")
    return len(raw), time.perf_counter() - started, str(result.result)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--pdf-kb", type=int, default=200)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="bench-intake-")
    os.environ["PRIVATE_MEDIA_ROOT"] = str(Path(scratch) / "private-media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dmvrequests.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    if connection.vendor == "sqlite":
        # A file, not the in-memory default: commits cost what they cost in use.
        connection.settings_dict["TEST"]["NAME"] = str(Path(scratch) / "bench.sqlite3")
    messages = build_messages(args.messages, args.pdf_kb * 1024)
    original_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        rate, outcomes = measure(messages)
        hostile_size, hostile_seconds, hostile_result = measure_hostile()
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)
        shutil.rmtree(scratch, ignore_errors=True)
    print(
        f"email intake: {rate:.1f} messages/second "
        f"({args.messages} messages, each with a {args.pdf_kb} KB PDF, on {connection.vendor}; "
        f"results: {dict(outcomes)})"
    )
    print(
        f"email intake, hostile message: {hostile_seconds:.2f} s to {hostile_result} "
        f"{hostile_size / 1024 / 1024:.1f} MB of 800,000 empty MIME parts"
    )
    if outcomes["created"] != args.messages:
        sys.exit("Not every message became a case: the figure does not measure case creation.")


if __name__ == "__main__":
    main()
