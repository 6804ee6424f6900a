"""On PostgreSQL the journal becomes a table partitioned by month of `timestamp` (declarative
partitioning; partitions are created as months are imported, see partitions.py). The primary
key is (id, timestamp), as PostgreSQL requires of a partitioned table; Django keeps using `id`.
SQLite keeps its plain table."""

from django.db import migrations

TABLE = "switchjournal_journalentry"
COLUMNS = [
    "id",
    "timestamp",
    "direction",
    "sequence",
    "message_key",
    "sender_ori",
    "destination",
    "control",
    "text",
    "agency_id",
    "agency_kind",
    "image",
    "name_only",
    "partial_plate",
    "blocked",
    "answered",
    "carries_data",
    "block_leak",
    "match_pending",
    "query_id",
]
CREATE = f"""
CREATE SEQUENCE {TABLE}_pid_seq;
CREATE TABLE {TABLE} (
    id bigint NOT NULL DEFAULT nextval('{TABLE}_pid_seq'),
    "timestamp" timestamp with time zone NOT NULL,
    direction varchar(3) NOT NULL,
    sequence bigint NOT NULL,
    message_key varchar(8) NOT NULL,
    sender_ori varchar(9) NOT NULL,
    destination varchar(9) NOT NULL,
    control varchar(40) NOT NULL,
    text text NOT NULL,
    agency_id bigint NULL,
    agency_kind varchar(32) NOT NULL,
    image boolean NOT NULL,
    name_only boolean NOT NULL,
    partial_plate boolean NOT NULL,
    blocked boolean NOT NULL,
    answered boolean NOT NULL,
    carries_data boolean NOT NULL,
    block_leak boolean NOT NULL,
    match_pending boolean NOT NULL,
    query_id bigint NULL,
    PRIMARY KEY (id, "timestamp"),
    CONSTRAINT journal_entry_once UNIQUE ("timestamp", direction, sequence, sender_ori)
) PARTITION BY RANGE ("timestamp");
ALTER SEQUENCE {TABLE}_pid_seq OWNED BY {TABLE}.id;
CREATE INDEX journal_sender_time_idx ON {TABLE} (sender_ori, "timestamp");
CREATE INDEX journal_dest_time_idx ON {TABLE} (destination, "timestamp");
CREATE INDEX journal_dir_time_idx ON {TABLE} (direction, "timestamp");
CREATE INDEX journal_agency_idx ON {TABLE} (agency_id);
"""


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    cursor = schema_editor.connection.cursor()
    cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_plain")
    for name in ("journal_sender_time_idx", "journal_dest_time_idx", "journal_dir_time_idx"):
        cursor.execute(f"DROP INDEX IF EXISTS {name}")
    cursor.execute(f"ALTER TABLE {TABLE}_plain DROP CONSTRAINT journal_entry_once")
    cursor.execute(CREATE)
    utc = "\"timestamp\" AT TIME ZONE 'UTC'"
    months = f"extract(year FROM {utc})::int, extract(month FROM {utc})::int"
    cursor.execute(f"SELECT DISTINCT {months} FROM {TABLE}_plain")  # noqa: S608
    for year, month in cursor.fetchall():
        end_year, end_month = year + month // 12, month % 12 + 1
        cursor.execute(
            f"CREATE TABLE {TABLE}_p{year:04d}{month:02d} PARTITION OF {TABLE} FOR VALUES "
            f"FROM ('{year:04d}-{month:02d}-01 00:00+00') "
            f"TO ('{end_year:04d}-{end_month:02d}-01 00:00+00')"
        )
    columns = ", ".join(f'"{name}"' for name in COLUMNS)
    cursor.execute(
        f"INSERT INTO {TABLE} ({columns}) SELECT {columns} FROM {TABLE}_plain"  # noqa: S608
    )
    cursor.execute(
        f"SELECT setval('{TABLE}_pid_seq', COALESCE((SELECT max(id) FROM {TABLE}), 0) + 1, "  # noqa: S608
        "false)"
    )
    cursor.execute(f"DROP TABLE {TABLE}_plain")


class Migration(migrations.Migration):
    dependencies = [("switchjournal", "0001_initial")]

    operations = [migrations.RunPython(partition, migrations.RunPython.noop)]
