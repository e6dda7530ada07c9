"""The JSON Schema of `status --json`: accepts the contract, rejects the rest."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import Engine

from models.db import write_session
from models.enums import CommentKind, OrgKind, PartyRole
from tests.helpers.factories import add_org
from tests.helpers.status import (
    add_course,
    add_draft,
    add_figures,
    add_inspection,
    add_submission,
    attend,
    root_only,
    status,
    status_schema,
    validator,
)

pytestmark = pytest.mark.db


def _rich_document() -> dict[str, Any]:
    with write_session() as s:
        root = root_only(s)
        draft = add_draft(s, root, date(2025, 3, 10))
        dbcs = add_org(s, "DB", OrgKind.DANG_BO_CO_SO, root, committee_size=None)
        cell = add_org(s, "CT", OrgKind.CHI_BO_TRUC_THUOC, dbcs, committee_size=0)
        add_submission(s, draft, cell, date(2025, 3, 12), [(CommentKind.BO_SUNG, False)])
        add_inspection(s, dbcs, date(2025, 2, 1), date(2025, 2, 2))
        add_figures(s, dbcs, 2024, members=10, registered=10)
        (sess,) = add_course(s, [(date(2025, 2, 1), (PartyRole.BI_THU,))])
        other = add_org(s, "CS", parent=root, committee_size=1)
        attend(s, sess, other, PartyRole.BI_THU)
    return status(date(2025, 3, 15))


BREAKAGES = (
    "unit-missing-stage",
    "self-missing-stage",
    "summary-missing-stage",
    "feedback-without-late",
    "unknown-state",
    "progress-as-text",
    "progress-above-one",
    "done-on-not-a-date",
    "due-impossible-date",
    "warnings-not-strings",
    "schema-version-2",
    "summary-progress-missing",
    "count-negative",
    "target-met-not-bool",
    "unit-without-parent",
)


def _broken(doc: dict[str, Any], how: str) -> dict[str, Any]:
    bad = copy.deepcopy(doc)
    first = bad["units"][0]
    personnel = first["stages"]["personnel"]
    if how == "unit-missing-stage":
        del first["stages"]["training"]
    elif how == "self-missing-stage":
        del bad["self"]["stages"]["feedback"]
    elif how == "summary-missing-stage":
        del bad["stages"]["inspections"]
    elif how == "feedback-without-late":
        del bad["stages"]["feedback"]["late"]
    elif how == "unknown-state":
        personnel["state"] = "late"
    elif how == "progress-as-text":
        personnel["progress"] = "0.5"
    elif how == "progress-above-one":
        personnel["progress"] = 1.5
    elif how == "done-on-not-a-date":
        personnel["done_on"] = "15/03/2025"
    elif how == "due-impossible-date":
        personnel["due"] = "2025-02-30"
    elif how == "warnings-not-strings":
        personnel["warnings"] = [1]
    elif how == "schema-version-2":
        bad["schema"] = 2
    elif how == "summary-progress-missing":
        del bad["stages"]["training"]["progress"]
    elif how == "count-negative":
        bad["stages"]["personnel"]["done"] = -1
    elif how == "target-met-not-bool":
        bad["targets"][0]["met"] = "yes"
    elif how == "unit-without-parent":
        del first["parent"]
    return bad


def test_the_schema_accepts_the_contract_and_unknown_keys_and_rejects_the_rest(
    engine: Engine,
) -> None:
    Draft202012Validator.check_schema(status_schema())
    assert status_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    doc = _rich_document()  # validated by status()
    assert doc["schema"] == 1
    assert [u["code"] for u in doc["units"]] == ["CS", "DB", "CT"]
    check = validator()
    accepted = [how for how in BREAKAGES if check.is_valid(_broken(doc, how))]
    assert accepted == []
    # Consumers must ignore keys they do not know: the schema allows them everywhere.
    extended = copy.deepcopy(doc)
    extended["extra"] = {"anything": [1, 2]}
    extended["self"]["note"] = "x"
    extended["units"][0]["stages"]["personnel"]["new_figure"] = 3
    extended["stages"]["training"]["median"] = 0.5
    extended["targets"][0]["source"] = "974-CV/ĐU"
    check.validate(extended)
