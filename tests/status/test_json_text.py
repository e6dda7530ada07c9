"""`daihoi status --json` writes the document in pieces: joined, exactly status_json's text."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tasks.status import present
from tasks.status.present import status_json, status_json_chunks


def _unit(i: int) -> dict[str, Any]:
    return {
        "code": f"CB-{i}",
        "name": f"Chi bộ số {i} — “Khu phố”",
        "parent": None if i == 0 else "DU",
        "stages": {"personnel": {"state": "done", "progress": 1.0, "warnings": []}},
    }


@pytest.mark.parametrize("units", [0, 1, 2, 5])
def test_the_pieces_join_to_the_one_serialisation_whatever_the_units(
    units: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(present, "UNITS_PER_CHUNK", 2)
    doc = {
        "schema": 1,
        "org": "DU",
        "year": None,
        "stages": {"personnel": {"units": units, "progress": None}},
        "units": [_unit(i) for i in range(units)],
        "trend": [{"as_of": "2025-03-08", "stages": {}}],  # a key after the units
    }
    pieces = list(status_json_chunks(doc))
    assert "".join(pieces) == status_json(doc)
    assert json.loads("".join(pieces)) == doc
    assert all(p.count('"code"') <= 2 for p in pieces)  # never the whole list at once
