"""The hand-out download buttons (PDF, PowerPoint, Excel, PNG), for any page. Not a page.

Each file is made only when its button is clicked (Streamlit's deferred download runs the
callable on a thread of its own), from the same data and "as of" date the page shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import streamlit as st

from app_pages import _links
from app_pages._as_of import as_of
from app_pages._data import Loaded
from app_pages._words import lang, tr
from ita_model.handouts import FORMATS, MEDIA_TYPES, Handout, build_handout, export, file_name
from ita_model.handouts.chromium import warm

ICONS = {
    "pdf": ":material/picture_as_pdf:",
    "pptx": ":material/slideshow:",
    "xlsx": ":material/table_view:",
    "png": ":material/image:",
}


def current_handout(loaded: Loaded) -> Handout:
    """The hand-out of what the pages show: the loaded data, the "as of" date, the language."""
    return build_handout(
        loaded.dataset,
        framework=loaded.framework,
        organisation=loaded.organisation,
        readiness=loaded.readiness,
        as_of=as_of(),
        lang=lang(),
        sample_only=loaded.sample_only,
        links=_links.results(loaded),
    )


def handout_buttons(handout: Handout, *, key: str = "handout") -> None:
    """One download button per format, stacked; put them in a popover or a column."""
    download_buttons(FORMATS, partial(export, handout), partial(file_name, handout), key=key)


def download_buttons(
    formats: Sequence[str],
    make: Callable[[str], bytes],
    name: Callable[[str], str],
    *,
    key: str,
) -> None:
    """A download button per format (``make(fmt)`` run only when it is clicked, named
    ``name(fmt)``). Starts the hand-outs' browser in the background (if it is not running yet),
    so the first click does not wait the seconds Chromium takes to start."""
    warm()
    st.caption(tr("handout.buttons_help"))
    for fmt in formats:
        st.download_button(
            tr(f"handout.{fmt}"),
            data=partial(make, fmt),
            file_name=name(fmt),
            mime=MEDIA_TYPES[fmt],
            icon=ICONS[fmt],
            key=f"{key}_{fmt}",
            on_click="ignore",
            width="stretch",
        )
