"""คะแนนประมาณการ — will we pass 85? The estimate, how it was made, what-if, year on year."""

import pandas as pd
import streamlit as st

from app_pages._as_of import as_of
from app_pages._frame import guarded, page_data
from app_pages._memo import once
from app_pages._tables import disclosure, html_cards, html_chart, html_table, status_text
from app_pages._text import md
from app_pages._words import be, lang, tr
from ita_model import scoring
from ita_model.html_cards import Card
from ita_model.score_html import subindicator_chart, weakest_list, year_on_year_chart

WHAT_IF = "score_whatif"  # the items ticked in the what-if

# The page's own words (Thai, English); to move into ui_text.yaml under "score." when convenient.
WORDS: dict[str, tuple[str, str]] = {
    "title": ("คะแนนประมาณการ ITA", "Estimated ITA score"),
    "estimate_note": (
        "เป็นค่าประมาณ ไม่ใช่ผลการประเมินของสำนักงาน ป.ป.ช.",
        "An estimate, not the NACC's result.",
    ),
    "total": ("คะแนนรวมประมาณการ", "Estimated total"),
    "grade": ("ระดับ", "Rating"),
    "vs_pass": ("เทียบเกณฑ์ผ่าน {mark:g}", "Against the pass mark {mark:g}"),
    "pass": ("ผ่าน", "passes"),
    "below": ("ไม่ผ่าน", "below"),
    "oit": ("OIT (ตัวชี้วัดที่ 9–10)", "OIT (indicators 9–10)"),
    "no_total": (
        "ยังคำนวณคะแนนรวมไม่ได้: กรอกคะแนน IIT และ EIT ด้านบน",
        "No total yet: enter the IIT and EIT scores above.",
    ),
    "inputs": ("คะแนน IIT และ EIT ที่ใช้คำนวณ", "The IIT and EIT scores used"),
    "inputs_help": (
        "ค่าตั้งต้นมาจากไฟล์ผลคะแนน (ผลปีนี้ หรือผลปีที่แล้วเมื่อยังไม่มี) แก้ได้เพื่อดูผลที่เปลี่ยน",
        "Defaults come from the scores sheet (this year's, else last year's); change them to see "
        "the effect.",
    ),
    "provisional": (
        "กรอบการประเมินปี {year} เป็นฉบับชั่วคราว: การจัดข้อเข้าตัวชี้วัดย่อยเป็นการอนุมาน",
        "The {year} framework is provisional: which items form each sub-indicator is inferred.",
    ),
    "how": ("วิธีคำนวณและสมมติฐาน", "How it was computed, and the assumptions"),
    "by_sub": ("คะแนน OIT รายตัวชี้วัดย่อย", "OIT score by sub-indicator"),
    "what_if": ("ถ้า… (What-if)", "What if…"),
    "what_if_help": (
        "ติ๊กข้อที่คาดว่าจะดำเนินการเสร็จทันกำหนดส่ง OIT แล้วดูคะแนนและระดับที่เปลี่ยนไป "
        "เรียงตามคะแนนที่เพิ่มขึ้นมากที่สุด (ข้อในตัวชี้วัดย่อยที่มีข้อน้อยมีน้ำหนักมากกว่า)",
        "Tick the items you expect to finish by the OIT deadline and watch the score and grade "
        "move; ranked by how much each lifts the total (an item of a small sub-indicator weighs "
        "more).",
    ),
    "what_if_total": ("คะแนนรวมถ้าทำข้อที่ติ๊กเสร็จ", "Total if the ticked items are done"),
    "what_if_none": ("ยังไม่ได้ติ๊กข้อใด", "Nothing ticked yet"),
    "all_done": (
        "ทุกข้อที่ต้องดำเนินการเสร็จแล้ว ไม่มีข้อให้เลือก",
        "Every applicable item is done; nothing left to tick.",
    ),
    "clear": ("ล้างที่ติ๊กไว้", "Clear the ticks"),
    "ranked": ("ข้อที่เพิ่มคะแนนได้มากที่สุด", "The items that lift the score most"),
    "col_item": ("ข้อ", "Item"),
    "col_name": ("ข้อมูล", "Item name"),
    "col_sub": ("ตัวชี้วัดย่อย", "Sub-indicator"),
    "col_status": ("สถานะ", "Status"),
    "col_lift": ("คะแนนรวมเพิ่ม", "Total +"),
    "col_lift_ind": ("ตัวชี้วัดเพิ่ม", "Indicator +"),
    "yoy": ("เทียบกับผลปีที่แล้ว", "Against last year's results"),
    "yoy_none": (
        "ยังไม่มีผลคะแนนของปีก่อน (แผ่นงานผลคะแนน: ปี ตัวชี้วัด คะแนน) นำเข้าได้ที่หน้านำเข้าข้อมูล",
        "No earlier year's results yet (a scores sheet: year, indicator, score); load one on the "
        "Data-in page.",
    ),
    "yoy_caption": (
        "แท่งสีเทา: ผลทางการปี {prev}; แท่งสีน้ำเงิน: ประมาณการปี {year} (OIT จากสถานะปัจจุบัน); "
        "ตัวหนาและสีแดง = ต่ำกว่าเกณฑ์",
        "Grey: the {prev} official results; blue: the {year} estimate (OIT from the current "
        "statuses); bold and red = below the pass mark.",
    ),
    "yoy_hatched": (
        "ลายเส้นทแยง = คะแนน IIT/EIT ที่ใช้ แสดงซ้ำทุกตัวชี้วัดของแบบวัดนั้น",
        "Hatched = the IIT/EIT score used, repeated for each of its indicators.",
    ),
    "last_total": ("ผลรวมปี {prev}: {total} ({grade})", "{prev} total: {total} ({grade})"),
    "weakest": ("ตัวชี้วัดที่ต้องเร่งพัฒนา", "The weakest indicators"),
    "urgent": ("จุดอ่อนที่ต้องแก้ไขโดยเร่งด่วน", "urgent weakness"),
    "improve": ("ประเด็นที่ต้องพัฒนาให้ดีขึ้น", "to improve"),
    "none_weak": ("ไม่มีตัวชี้วัดที่ต่ำกว่าเกณฑ์", "No indicator is below the pass mark"),
    "weak_line": (
        "— ปี {prev}: {previous} · ปี {year}: {current}",
        "— {prev}: {previous} · {year}: {current}",
    ),
}


def w(key: str, **params: object) -> str:
    th, en = WORDS[key]
    return (en if lang() == "en" else th).format(**params)


def num(value: object) -> str:
    return "—" if value is None or pd.isna(value) else f"{float(value):.2f}"  # type: ignore[arg-type]


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def clear_ticks() -> None:
    st.session_state[WHAT_IF] = []


loaded = page_data()
st.title(w("title"))

if loaded is not None:
    with guarded():
        fw = loaded.framework
        org = loaded.organisation
        en = lang() == "en"
        st.caption(
            " · ".join(
                [
                    org.name_en if en else org.short_th,
                    tr("common.fiscal_year", year=fw.year),
                    tr("common.as_of", date=be(as_of())),
                    w("estimate_note"),
                ]
            )
        )
        scores = loaded.dataset.latest("scores")
        r = loaded.readiness
        # worked out once per loaded data and what-if (``_memo.once``), not at every run
        base = once(r, ("score", fw.year), lambda: scoring.estimate(r, scores, framework=fw))

        # --- IIT / EIT: default from the scores sheet (or last year), editable
        st.markdown(f"**{w('inputs')}**", help=w("inputs_help"))
        inputs = st.columns(2)
        entered = {}
        for col, code in zip(inputs, ("IIT", "EIT"), strict=True):
            tool = base.tools.get(code)
            default = rounded(tool.value) if tool else None
            entered[code] = col.number_input(
                f"{code} ({fw.tool(code).name_en if en else fw.tool(code).name_th})",
                min_value=0.0,
                max_value=100.0,
                value=default,
                step=0.01,
                format="%.2f",
                key=f"score_{code.lower()}",
            )
        changed = {
            c: v for c, v in entered.items() if v is not None and v != rounded(base.tools[c].value)
        }
        tools = tuple(sorted(changed.items()))
        est = once(r, ("score", fw.year, tools), lambda: scoring.with_tools(base, **changed))

        # --- the headline
        # one block of cards (seven st.metric in bordered columns were most of the browser's work)
        vs_pass = "—" if est.gap is None else (w("pass") if est.passed else w("below"))
        html_cards(
            [
                [
                    Card(w("total"), num(est.total)),
                    Card(w("grade"), est.rating_in(lang())),
                    Card(
                        w("vs_pass", mark=fw.pass_mark),
                        vs_pass,
                        "" if est.gap is None else f"{est.gap:+.2f}",
                    ),
                    Card(w("oit"), num(est.oit)),
                ]
            ]
        )
        if est.total is None:
            st.info(w("no_total"), icon=":material/edit:")
        step = scoring.next_step(est)
        if step is not None and step.shortfalls:
            st.info(step.text(lang()), icon=":material/trending_up:")
        notes = [tr("rating.provisional", year=fw.year)] if fw.ratings_provisional else []
        st.caption(" ".join([*notes, fw.scoring_note_en if en else fw.scoring_note_th]))
        if fw.provisional:
            st.warning(w("provisional", year=fw.year), icon=":material/construction:")
        disclosure(w("how"), est.assumptions(lang()), name="how")

        st.subheader(w("by_sub"))

        # --- what-if: read the ticks first, so the numbers above the boxes already move
        lifts = once(r, ("lifts", fw.year, tools), lambda: scoring.lifts(est))
        codes = list(lifts["item"])
        ticked = [c for c in st.session_state.get(WHAT_IF) or [] if c in codes]
        after = None
        if ticked:
            after = once(
                r, ("what_if", fw.year, tools, tuple(ticked)), lambda: scoring.what_if(est, ticked)
            )
        html_chart(subindicator_chart(est, after, lang()))

        st.subheader(w("what_if"))
        st.caption(w("what_if_help"))
        if not codes:
            st.success(w("all_done"), icon=":material/celebration:")
        else:
            shown = after or est
            delta = (
                ""
                if after is None or est.total is None or after.total is None
                else f"{after.total - est.total:+.2f}"
            )
            html_cards(
                [
                    [
                        # nothing ticked: the card says so where the change would show
                        Card(w("what_if_total"), num(shown.total), delta or w("what_if_none")),
                        Card(w("grade"), shown.rating_in(lang())),
                        Card(w("oit"), num(shown.oit)),
                    ]
                ]
            )
            names = dict(zip(lifts["item"], lifts["name_en" if en else "name_th"], strict=True))
            gains = dict(zip(lifts["item"], lifts["lift"], strict=True))
            # one element for every choice (forty checkboxes were forty elements to draw); the
            # gain first, then the item and its whole name: pills wrap, nothing is cut
            st.pills(
                w("what_if"),
                codes,
                selection_mode="multi",
                format_func=lambda c: f"+{gains[c]:.2f} · {c} {md(names[c])}",
                key=WHAT_IF,
                label_visibility="collapsed",
            )
            st.button(
                w("clear"),
                on_click=clear_ticks,
                type="tertiary",
                icon=":material/restart_alt:",
            )

            table = pd.DataFrame(
                {
                    w("col_item"): lifts["item"],
                    w("col_name"): lifts["name_en" if en else "name_th"],
                    w("col_sub"): lifts["subindicator"],
                    w("col_status"): [status_text(s) for s in lifts["status"]],
                    w("col_lift"): [f"+{x:.2f}" for x in lifts["lift"]],
                    w("col_lift_ind"): [f"+{x:.2f}" for x in lifts["lift_indicator"]],
                }
            )
            # every item, however many: a static table, no grid to scroll inside
            html_table(
                table,
                "score_lifts",
                nowrap=(w("col_item"), w("col_sub"), w("col_lift"), w("col_lift_ind")),
                title=w("ranked"),
            )

        # --- year on year
        st.subheader(w("yoy"))
        prev = scoring.previous_year(scores, fw.year)
        if prev is None:
            st.info(w("yoy_none"), icon=":material/history:")
        else:
            yoy = once(r, ("yoy", fw.year, tools), lambda: scoring.year_on_year(est, scores))
            last_total = scoring.official_total(fw, scores, prev)
            if last_total is not None:
                st.markdown(
                    w(
                        "last_total",
                        prev=prev,
                        total=num(last_total),
                        grade=fw.grade_for(round(last_total, 2)),
                    )
                )
            html_chart(year_on_year_chart(yoy, year=fw.year, pass_mark=fw.pass_mark, lang=lang()))
            caption = w("yoy_caption", prev=prev, year=fw.year)
            if (yoy["basis"] == "tool").any():  # only what is drawn
                caption += " " + w("yoy_hatched")
            st.caption(caption)
            weak = scoring.weakest(yoy)
            if not len(weak):
                st.markdown(f"**{w('weakest')}**")
                st.success(w("none_weak"), icon=":material/check_circle:")
            else:  # one block: a line of Markdown each was six more elements to draw
                html_chart(
                    weakest_list(
                        w("weakest"),
                        [
                            (
                                bool(row.urgent),
                                w("urgent") if row.urgent else w("improve"),
                                f"{row.indicator} {row.name_en if en else row.name_th}",
                                w(
                                    "weak_line",
                                    prev=prev,
                                    previous=num(row.previous),
                                    year=fw.year,
                                    current=num(row.current),
                                ),
                            )
                            for row in weak.itertuples(index=False)
                        ],
                    )
                )
