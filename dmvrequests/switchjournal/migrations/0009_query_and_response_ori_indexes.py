"""The ORI indexes hold one direction each (docs/network-queries.md, "Scale"): the senders of
queries, the destinations of responses, the only ORIs the readers look up (a query's
destination and a response's sender are the state's own ORI). Half the entries in each: at
1,000,000 entries, COPY into the journal took 7.3 s of PostgreSQL's time instead of 10.0 and
wrote 408 MB of WAL instead of 508 (docs/performance.md). On PostgreSQL each index is built on
the partitioned table, and so on every month's partition."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0008_certifications"),
        ("switchjournal", "0008_generation"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="journalentry",
            name="journal_sender_time_idx",
        ),
        migrations.RemoveIndex(
            model_name="journalentry",
            name="journal_dest_time_idx",
        ),
        migrations.AddIndex(
            model_name="journalentry",
            index=models.Index(
                condition=models.Q(("direction", "IN")),
                fields=["sender_ori", "timestamp"],
                name="journal_query_sender_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="journalentry",
            index=models.Index(
                condition=models.Q(("direction", "OUT")),
                fields=["destination", "timestamp"],
                name="journal_response_dest_idx",
            ),
        ),
    ]
