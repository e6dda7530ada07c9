"""A bounded fuzz run of the workbook reader: random bytes, a valid workbook with bytes
flipped, and well-formed zips with damaged parts. The importer answers each with its own
clear refusal (or accepts it); nothing else escapes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import IntakeState
from tasks.intake.receive import ImportOptions, import_file
from tests.helpers.workbooks import nhan_su_book, person, seed_tree

EXAMPLES = 60  # per strategy: a fixed, bounded number of inputs
FUZZED: list[int] = []


@pytest.fixture
def valid_xlsx(engine: object, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    seed_tree()
    path = tmp_path_factory.mktemp("fuzz") / "ns.xlsx"
    return nhan_su_book(path, [person(), person(**{"Họ và tên": "Lê Thị Bé"})]).read_bytes()


def _feed(data: bytes, folder: Path) -> None:
    FUZZED.append(1)
    path = folder / "fuzz.xlsx"
    path.write_bytes(data)
    outcome = import_file(path, ImportOptions(sender_code="CB-A", write_errors=False))
    assert outcome.state in (IntakeState.REJECTED, IntakeState.ACCEPTED, IntakeState.DUPLICATE)
    if outcome.state is IntakeState.REJECTED:
        assert outcome.message or outcome.errors  # a clear refusal, in words


def test_random_bytes_are_refused_clearly(valid_xlsx: bytes, tmp_path: Path) -> None:
    @settings(max_examples=EXAMPLES, database=None)
    @given(st.binary(max_size=4096) | st.just(b"PK\x03\x04") | st.just(valid_xlsx[:1000]))
    def run(data: bytes) -> None:
        _feed(data, tmp_path)

    run()


def test_a_workbook_with_flipped_bytes_is_refused_or_read(
    valid_xlsx: bytes, tmp_path: Path
) -> None:
    @settings(max_examples=EXAMPLES, database=None)
    @given(
        st.lists(
            st.tuples(st.integers(0, len(valid_xlsx) - 1), st.integers(0, 255)),
            min_size=1,
            max_size=8,
        )
    )
    def run(flips: list[tuple[int, int]]) -> None:
        data = bytearray(valid_xlsx)
        for pos, value in flips:
            data[pos] = value
        _feed(bytes(data), tmp_path)

    run()


def test_a_zip_with_damaged_parts_is_refused_or_read(valid_xlsx: bytes, tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(valid_xlsx)) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    names = sorted(parts)

    @settings(max_examples=EXAMPLES, database=None)
    @given(
        st.sampled_from(names),
        st.one_of(
            st.binary(max_size=512),
            st.sampled_from([b"", b"<x/>", b"<?xml version='1.0'?><worksheet/>", b"\xff\xfe"]),
            st.integers(1, 400).map(lambda n: b"<a>" * n),
        ),
        st.booleans(),
    )
    def run(name: str, payload: bytes, drop: bool) -> None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for n, content in parts.items():
                if n != name:
                    z.writestr(n, content)
                elif not drop:
                    z.writestr(n, payload)
        _feed(buf.getvalue(), tmp_path)

    run()
    print(f"fuzz: {len(FUZZED)} inputs fed to the importer so far, none crashed it")
