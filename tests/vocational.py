"""A test framework workbook shaped like the published 23-item vocational list of 2569.

The structure is public (ita-facts.md: O1–O17 in indicator 9 over 9.1–9.5, O18–O23 in indicator 10
over 10.1–10.2); every item name and component here is TEST DATA, not the NACC's wording.
"""

from __future__ import annotations

import io

import openpyxl

SUBS = [  # (sub-indicator, its public name, item numbers)
    ("9.1", "ข้อมูลพื้นฐาน", range(1, 6)),
    ("9.2", "การบริหารงาน ปฏิสัมพันธ์ข้อมูล และการดำเนินงาน", range(6, 10)),
    ("9.3", "การจัดซื้อจัดจ้างหรือการจัดหาพัสดุ", range(10, 12)),
    ("9.4", "การปฏิบัติหน้าที่", range(12, 16)),
    ("9.5", "การบริหารและพัฒนาทรัพยากรบุคคล", range(16, 18)),
    ("10.1", "การจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ", range(18, 20)),
    ("10.2", "มาตรการภายในเพื่อป้องกันการทุจริต", range(20, 24)),
]
RATINGS_HEADER = ["ระดับ", "ชื่ออังกฤษ", "คะแนนรวมขั้นต่ำ", "IIT ขั้นต่ำ", "EIT ขั้นต่ำ", "OIT ขั้นต่ำ", "ผ่าน"]
LEVELS = [
    ["ผ่านดีเยี่ยม", "Excellent pass", 95, 95, 95, 95, "ใช่"],
    ["ผ่านดี", "Good pass", 85, 85, 85, 85, "ใช่"],
    ["ผ่าน", "Pass", 85, None, None, None, "ใช่"],
    ["ต้องปรับปรุง", "Needs improvement", 70, None, None, None, "ไม่"],
    ["ต้องปรับปรุงโดยด่วน", "Needs urgent improvement", 0, None, None, None, "ไม่"],
]


def sample_item_name(n: int) -> str:
    return f"ข้อทดสอบ O{n} (test item {n})"


def vocational_workbook(ratings: list[list] | None = None) -> bytes:
    """The 23 test items and, by default, the five levels of 2567 on as a ratings sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "รายการข้อ"
    ws.append(["รหัสข้อ", "ชื่อข้อ", "ตัวชี้วัดย่อย", "องค์ประกอบด้านข้อมูล"])
    for sub, _, numbers in SUBS:
        for n in numbers:
            ws.append([f"O{n}", sample_item_name(n), sub, f"องค์ประกอบทดสอบของข้อ O{n} (test data)"])
    subs = wb.create_sheet("ตัวชี้วัดย่อย")
    subs.append(["ตัวชี้วัดย่อย", "ชื่อตัวชี้วัดย่อย", "น้ำหนัก"])
    for sub, name, _ in SUBS:
        subs.append([sub, name, 1])
    sheet = wb.create_sheet("ระดับผลการประเมิน")
    sheet.append(RATINGS_HEADER)
    for row in LEVELS if ratings is None else ratings:
        sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
