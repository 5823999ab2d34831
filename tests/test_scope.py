"""Scopes as a supervisor's account keeps them and the command line reads them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ita_model.agencies import AgencyRecord, agency_type_of
from ita_model.errors import CodedError
from ita_model.scope import Scope

PHAYAO = AgencyRecord(
    code="6560101", name="อบจ.พะเยา", type="local_government", province="พะเยา", parent="สถ."
)
NAN = AgencyRecord(code="6550101", name="อบจ.น่าน", province=" น่าน ")


def test_province_scope_covers_its_agencies_only() -> None:
    scope = Scope.parse("province:พะเยา")
    assert scope.covers(PHAYAO)
    assert not scope.covers(NAN)


def test_parts_are_a_union_and_round_trip_as_text() -> None:
    scope = Scope.parse(" province : พะเยา ; agencies:6550101 ")
    assert scope.covers(PHAYAO) and scope.covers(NAN)
    assert Scope.parse(scope.text()) == scope


def test_all_covers_everything() -> None:
    assert Scope.parse("ALL").everything
    assert Scope.all().covers(NAN)


def test_an_agency_without_a_province_is_not_in_a_province_scope() -> None:
    other = AgencyRecord(code="X1", name="ไม่มีจังหวัด", province="")
    assert other.province is None
    assert not Scope.parse("province:พะเยา").covers(other)


@pytest.mark.parametrize(
    "text", ["", ";", "city:พะเยา", "province:", "all:x", "agencies: , ", "x" * 20_000]
)
def test_bad_scopes_are_coded_errors(text: str) -> None:
    with pytest.raises(CodedError) as caught:
        Scope.parse(text)
    assert caught.value.issue.code == "bad_scope"
    assert " — " in str(caught.value)


@given(st.text(max_size=300))
def test_any_text_is_a_scope_or_a_bad_scope(text: str) -> None:
    try:
        scope = Scope.parse(text)
    except CodedError as exc:
        assert exc.issue.code == "bad_scope"
    else:
        assert Scope.parse(scope.text()).text() == scope.text()


def test_type_words_map_to_agency_types() -> None:
    assert agency_type_of(" องค์กรปกครอง\u200bส่วนท้องถิ่น ") == "local_government"
    assert agency_type_of("Local Government") == "local_government"
    assert agency_type_of("hospital") == "hospital"
    assert agency_type_of("เทศบาล") is None
