"""Effective status of shared items, 'latest workbook counts', and the counts per level."""

from __future__ import annotations

import os

import pytest

from ita_model.readiness import Source, compute_readiness, effective_status, load_dataset

URL = "https://www.pao-phayao.go.th/ita/x"


@pytest.mark.parametrize(
    ("owners", "expected"),
    [
        (["done", "done"], "done"),
        (["done", "in_progress"], "in_progress"),
        (["done", "not_started"], "in_progress"),
        (["in_progress", "not_started"], "in_progress"),
        (["not_started", "not_started"], "not_started"),
        (["not_applicable", "not_applicable"], "not_applicable"),
        (["done", "not_applicable"], "done"),
        (["not_applicable", "not_started"], "not_started"),
        ([], "not_started"),
    ],
)
def test_effective_status(owners, expected):
    assert effective_status(owners) == expected


def oit_book(book, name, rows):
    return book(name, {"OIT": [["ข้อ", "สถานะ", "ลิงก์"], *rows]})


def test_shared_item_needs_every_owner(book):
    legal = oit_book(book, "ฝ่ายนิติการ.xlsx", [["o30", "done", URL]])
    it = oit_book(book, "ฝ่ายสถิติข้อมูลและสารสนเทศ.xlsx", [["o30", "ยังไม่ดำเนินการ", None]])
    ready = compute_readiness(load_dataset([legal]))
    row = ready.items.set_index("item").loc["o30"]
    assert row.status == "in_progress"  # ฝ่ายสถิติ has not reported: counts as not started
    ready = compute_readiness(load_dataset([legal, it]))
    assert ready.items.set_index("item").loc["o30"].owner_status == {
        "legal": "done",
        "it": "not_started",
    }
    it2 = oit_book(book, "ฝ่ายสถิติ ข้อมูล และสารสนเทศ.xlsx", [["o30", "เผยแพร่แล้ว", URL]])
    ready = compute_readiness(load_dataset([legal, it, it2]))
    assert ready.items.set_index("item").loc["o30"].status == "done"


def test_latest_workbook_of_a_division_counts(book):
    old = oit_book(book, "กองคลัง-1.xlsx", [["o18", "done", URL], ["o19", "done", URL]])
    new = oit_book(book, "กองคลัง-2.xlsx", [["o18", "in_progress", None]])
    os.utime(old, (1, 1))
    ready = compute_readiness(load_dataset([old.parent]))
    by_item = ready.items.set_index("item")["status"]
    # the newer file replaces the whole division's data, o19 included
    assert (by_item["o18"], by_item["o19"]) == ("in_progress", "not_started")
    assert new.exists()


def test_counts_per_level(book):
    legal = oit_book(book, "x.xlsx", [[f"o{n}", "done", URL] for n in range(39, 44)])
    ready = compute_readiness(load_dataset([Source(legal, "x.xlsx", "ฝ่ายนิติการ")]))
    subs = ready.by_subindicator.set_index("subindicator")
    assert subs.loc["10.2", ["done", "total"]].tolist() == [2, 2]
    assert subs.loc["10.1", "done"] == 3 and subs.loc["10.1", "total"] == 8
    assert subs["total"].sum() == 43 and ready.done == 5
    inds = ready.by_indicator.set_index("indicator")
    assert inds.loc[10, "done"] == 5 and inds.loc[9, "done"] == 0
    legal_row = ready.by_division.set_index("division").loc["legal"]
    assert legal_row["done"] == 5 and legal_row["total"] == len(legal_row["items"])
