"""Reading in blocks (the import's path) gives exactly what the line-by-line reader gives:
the same messages and the same rejections, with the same line numbers, whatever the blocks."""

import gc
import gzip
import io

import pytest

from dmvrequests.switchjournal import fastjournal, parsing, services
from dmvrequests.switchjournal.parsing import Rejection, as_entries, read_journal

TRICKY = (
    "\ufeff2026-03-14T09:12:44-04:00 IN 1\nDQ.DCICE0100.NY.TXT\nOLN/D1234567.\n"
    "NAM/DOE,JANE.DOB/19800102.SEX/F.IMQ/Y\n\n \t\n\n"
    "2026-03-14T09:12:45-04:00 out 2\nrr.ny0000000.dcice0100.c7.txt\nFREE TEXT\n\n"
    "2026-03-14T09:12:46-04:00 IN 3\nRQ.NY0010100.NY.C1\nTXT\nLIC/ABC1234.\n\n"
    "2026-03-14T09:12:47-04:00 IN 4\nDQ.NY0010100.NY.TXT1.TXT\nOLN/D1.\n\n"
    "2026-03-14T09:12:48-04:00 IN 5\nDQ.NY0010100.NY.TXTOLN/D2.\n"
    "2026-03-14T09:12:49-04:00 IN 6\nDQ.NY0010100.NY.TXT\nOLN/D3.\n\n"
    "2026-03-14 IN 7\nDQ.NY0010100.NY.TXT\nOLN/D4.\n\n"
    "2026-03-14T09:12:50-04:00 IN 8\nDQ.NY0010100.NY.TXT\n\n"
    "2026-03-14T09:12:51-04:00 IN 9\nDQ.NY0010100.NY.TXT\nOLN/D5.\n\x0c\nOLN/D6.\n\n"
    "2026-03-14T09:12:52-04:00 IN 10\r\nDQ.NY0010100.NY.TXT\r\nOLN/D7.\r\n\r\n"
    "garbage line\n\n"
    "2026-03-14T09:12:53-04:00 IN 11\nDQ.NY0010100.NY.TXT\nOLN/D8.\nNOT IN 12\n"
).encode() + b"\n\n2026-03-14T09:12:54-04:00 IN 13\nDQ.NY0010100.NY.TXT\nNAM/\xff.\n\n"


def slow(data):
    """The line-by-line reader's messages, each as its row (what the fast reader yields)."""
    return list(as_entries(read_journal(iter(io.BytesIO(data).readlines()))))


def fast(data):
    return list(fastjournal.read_stream(io.BytesIO(data)))


@pytest.mark.parametrize("block", [1 << 20, 64, 7])
def test_blocks_read_as_lines_do(monkeypatch, block):
    monkeypatch.setattr(fastjournal, "BLOCK", block)
    monkeypatch.setattr(fastjournal, "PIECE", max(1, block // 3))
    expected = slow(TRICKY)
    assert sum(1 for item in expected if isinstance(item, list)) >= 6
    assert sum(1 for item in expected if hasattr(item, "reason")) >= 3
    assert fast(TRICKY) == expected


def test_a_csv_journal_and_a_gzip_cut_short():
    csv = (
        b"timestamp,direction,sequence,message_key,sender_ori,destination,control,text\n"
        b'2026-03-14T09:12:44-04:00,IN,1,DQ,DCICE0100,NY,,"OLN/D1.\nIMQ/Y"\n'
        b"2026-03-14T09:12:45-04:00,IN,x,DQ,DCICE0100,NY,,OLN/D1.\n"
    )
    assert fast(csv) == slow(csv)
    body = b"".join(
        f"2026-03-14T09:{i // 60:02d}:{i % 60:02d}-04:00 IN {i}\nDQ.NY0010100.NY.TXT\n"
        f"OLN/D{i:07d}.\n\n".encode()
        for i in range(3000)
    )
    packed = gzip.compress(body)
    cut = gzip.GzipFile(fileobj=io.BytesIO(packed[: len(packed) // 2]))
    items = list(fastjournal.read_stream(io.BufferedReader(cut)))
    last = items[-1]
    assert isinstance(last, Rejection) and last.reason.startswith("the file breaks off here")
    assert len(items) > 500  # what was read before the break is kept


@pytest.mark.parametrize("block", [1 << 20, 64])
def test_the_messages_of_one_offset_share_one_tzinfo_and_keep_their_times(monkeypatch, block):
    monkeypatch.setattr(fastjournal, "BLOCK", block)
    monkeypatch.setattr(fastjournal, "PIECE", max(1, block // 3))
    data = b"".join(
        f"2026-03-14T09:12:{i:02d}{offset} IN {i}\nDQ.NY0010100.NY.TXT\nOLN/D{i}.\n\n".encode()
        for i, offset in enumerate(["-04:00", "-05:00", "+00:00", "-04:00", "-05:00", "-04:00"])
    )
    messages = fast(data)
    assert messages == slow(data)  # the same times (aware datetimes compare by instant)
    assert [m[0].isoformat() for m in messages] == [m[0].isoformat() for m in slow(data)]
    by_offset: dict[object, set[int]] = {}
    for message in messages:
        by_offset.setdefault(message[0].utcoffset(), set()).add(id(message[0].tzinfo))
    assert len(by_offset) == 3
    assert all(len(zones) == 1 for zones in by_offset.values())


def test_a_message_past_the_allowance_in_its_own_offset_is_refused_as_by_lines(settings):
    settings.SWITCH_LOG_FUTURE_ALLOWANCE_SECONDS = 0
    data = (
        b"2026-03-14T09:12:44-04:00 IN 1\nDQ.NY0010100.NY.TXT\nOLN/D1.\n\n"
        b"2999-01-01T00:00:00-04:00 IN 2\nDQ.NY0010100.NY.TXT\nOLN/D2.\n\n"
    )
    messages = fast(data)
    assert messages == slow(data)
    assert isinstance(messages[1], Rejection)


def test_the_import_gives_the_garbage_collector_back_as_it_found_it():
    thresholds, frozen = gc.get_threshold(), gc.get_freeze_count()
    with pytest.raises(RuntimeError), services._few_collections():
        assert gc.get_threshold()[0] == services.GC_YOUNG
        raise RuntimeError
    assert gc.get_threshold() == thresholds
    if not frozen:  # a process that froze objects itself keeps those the import froze
        assert gc.get_freeze_count() == 0


def test_overlapping_imports_give_the_collector_back_when_the_last_one_ends():
    thresholds = gc.get_threshold()
    first, second = services._few_collections(), services._few_collections()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold()[0] == services.GC_YOUNG  # the second import still reads
    second.__exit__(None, None, None)
    assert gc.get_threshold() == thresholds


INNER_LINES = (
    b"2026-03-14T09:12:53-04:00 IN 1\nDQ.NY0010100.NY.TXT\nOLN/D8.\nNOT\tout\t12\n\n"
    b"2026-03-14T09:12:54-04:00 IN 2\nDQ.NY0010100.NY.TXT\nOLN/D9.\nLOGIN12.OUT12\n\n"
    b"2026-03-14T09:12:55-04:00 IN 3\nDQ.NY0010100.NY.TXT\nNO RECORD IN 3  \n\n"
    b"2026-03-14T09:12:56-04:00 IN 4\nDQ.NY0010100.NY.TXT\nLIC/ABC1234.\nSEEN IN 4 CASES\n\n"
    b"2026-03-14T09:12:57-04:00 IN 5\nDQ.NY0010100.NY.TXT\nLIC/ABC1235.\n"
)


def test_texts_with_and_without_spaces_or_tabs_read_as_lines_do():
    # The fast reader searches a text for an inner journal line only when it has a space or a
    # tab (the line needs one): texts with a journal line after a tab or a space go the slow
    # way, those without (`OUT12`) and those where the digits are not last stay fast.
    assert fast(INNER_LINES) == slow(INNER_LINES)
    assert [type(item).__name__ for item in fast(INNER_LINES)].count("list") >= 3


@pytest.mark.parametrize(
    "block",
    [
        "A\nB\n\nC\n\n\nD\n \nE\n\t\n\nF",  # blank lines after blank lines, of spaces, of tabs
        "\nA\nB\n\nC\nD\n\nE\n\n",  # one blank line between entries (str.split)
        "\n\nA\n\n",
        "",
    ],
)
def test_a_block_is_cut_into_the_same_entries_split_or_searched(block):
    searched = [
        (piece, 1 + block.count("\n", 0, start)) for piece, start in _pieces_and_starts(block)
    ]
    assert list(fastjournal._chunks(block, 1)) == searched


def _pieces_and_starts(block):
    """The text between SEPARATORs and where each begins, found by the expression alone."""
    start = 0
    for separator in fastjournal.SEPARATOR.finditer(block):
        yield block[start : separator.start()], start
        start = separator.end()
    yield block[start:], start


def test_a_broken_file_is_said_in_the_readers_words():
    packed = bytearray(gzip.compress(bytes(range(256)) * 400))
    packed[200:220] = b"x" * 20
    with pytest.raises(OSError) as damaged:
        gzip.decompress(bytes(packed))
    with pytest.raises(OSError) as not_gzip:
        gzip.decompress(b"plain text, not gzip")
    reasons = [
        parsing.broken_off(EOFError("Compressed file ended before the end-of-stream marker")),
        parsing.broken_off(damaged.value),
        parsing.broken_off(not_gzip.value),
        parsing.broken_off(PermissionError("denied")),
    ]
    assert [reason.split(": ")[1].split(".")[0] for reason in reasons] == [
        "the compressed file is cut short",
        "the compressed file is damaged",
        "what follows is not gzip data",
        "the file could not be read further (PermissionError)",
    ]
    assert all("send the whole file again" in reason for reason in reasons)


def _cut_reader(packed):
    return io.BufferedReader(gzip.GzipFile(fileobj=io.BytesIO(packed)))


def _slow_cut(packed):
    """The line-by-line reader over a gzip stream that may break off, as the import reads a
    source without `read` (services._guarded, parsing.before_break); the break last."""
    broken: list[Rejection] = []
    lines = services._guarded(iter(_cut_reader(packed)), broken)
    return [*as_entries(parsing.before_break(read_journal(lines), broken)), *broken]


TEXT_SHAPE = "2026-03-14T09:{:02d}:{:02d}-04:00 IN {}\nDQ.NY0010100.NY.TXT\n{}\n\n"
CSV_SHAPE = '2026-03-14T09:{:02d}:{:02d}-04:00,IN,{},DQ,NY0010100,NY,,"{}"\n'


@pytest.mark.parametrize(
    ("shape", "head", "first_line"),
    [
        (TEXT_SHAPE, "", lambda n: 5 * n + 1),  # five lines an entry
        (CSV_SHAPE, ",".join(parsing.CSV_HEADER) + "\n", lambda n: 2 * n + 2),  # two a row
    ],
)
def test_the_entry_a_break_may_have_cut_is_left_out_by_both_readers(shape, head, first_line):
    """Wherever a gzip file is cut, both readers give whole entries only, every entry before
    the break's line and none after: the entry the break may have cut is left out (stored cut
    short, the whole one sent again would be skipped as a duplicate)."""

    def text(i):
        return f"NAM/DOE,JANE{i}.\nOLN/D{i:07d}."

    body = head + "".join(shape.format(i // 60 % 60, i % 60, i, text(i)) for i in range(3000))
    packed = gzip.compress(body.encode())
    for cut in range(len(packed) // 4, len(packed) - 50, len(packed) // 50):
        for items in (
            list(fastjournal.read_stream(_cut_reader(packed[:cut]))),
            _slow_cut(packed[:cut]),
        ):
            rows = [item for item in items if isinstance(item, list)]
            assert [row[2] for row in rows] == list(range(len(rows)))
            assert all(row[7] == text(row[2]) for row in rows)
            assert isinstance(items[-1], parsing.BreakOff)
            # The break at the first line of the first entry not read (line 1: none read).
            assert items[-1].line == first_line(len(rows)) or (not rows and items[-1].line == 1)
            assert (
                items[-1].cause == "the compressed file is cut short: it ends before its end marker"
            )
