"""The roll-up's hand-outs (PDF, PowerPoint, Excel) for the scope and filters shown. Not a page.

Each file is made only when its button is clicked, from the very roll-up the page draws (its
fiscal year and "as of" date).
"""

from __future__ import annotations

from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from app_pages._handouts import download_buttons
from app_pages._words import lang, thai_digits, tr
from ita_model import rollup_figures as rf
from ita_model.handouts.rollup_report import ROLLUP_FORMATS, RollupHandout, export, file_name
from ita_model.rollup import Rollup


def rollup_handout_buttons(
    rollup: Rollup, agencies: pd.DataFrame, scope: str, chosen: rf.Filters, day: date
) -> None:
    """A popover of download buttons; the hand-out is gathered once it is opened. ``day``: the
    "as of" date the roll-up was read at (in its fiscal year)."""
    pop = st.popover(
        tr("rollup_page.handouts"),
        icon=":material/download:",
        key="rollup_handouts",
        on_change="rerun",
    )
    if not pop.open:
        return
    handout = RollupHandout(
        rollup=rollup,
        agencies=agencies,
        scope=scope,
        filters=rf.filters_text(chosen, lang()),
        as_of=day,
        lang=lang(),
        thai_digits=thai_digits(),
    )
    with pop:
        download_buttons(
            ROLLUP_FORMATS,
            partial(export, handout),
            partial(file_name, handout),
            key="rollup_handout",
        )
