"""The browser window's size, and a presenter's keys, for meeting mode. Not a page.

Streamlit does not tell a script how large the screen is, and a slide laid out for 1280×720
leaves half of a 1920×1080 projector empty. ``viewport()`` mounts a small component (Streamlit's
``st.components.v2``: JavaScript in the page, no iframe) that reports the window's inner size
and reports it again, debounced, when the window is resized; the first run of a session lays
out for ``DEFAULT`` and the next one for the real screen.

A table marked ``data-fit-rows`` (the missing items) shows as many of its rows as its scroll
box has room for, and fills in its "… and n more" line with the number left out: only the
browser knows how the Thai text wrapped.

The same component makes PageDown / Space move to the next slide and PageUp to the previous one
(presenter clickers send PageDown / PageUp), by clicking the page's own buttons, unless the
key is typed into a field or pressed on a focused control (where it already acts).
"""

from __future__ import annotations

import streamlit as st

DEFAULT = (1280, 720)
STATE_KEY = "meeting_viewport"

_JS = """
export default function(component) {
  const { setStateValue, data } = component;
  const known = (data && data.known) || [0, 0];
  let timer = null;
  const report = () => {
    const size = [window.innerWidth, window.innerHeight];
    if (size[0] !== known[0] || size[1] !== known[1]) {
      known[0] = size[0]; known[1] = size[1];
      setStateValue('size', size);
    }
  };
  const onResize = () => { clearTimeout(timer); timer = setTimeout(report, 250); };
  const next = (data && data.next) || '';
  const prev = (data && data.prev) || '';
  const onKey = (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    const tag = target && target.tagName ? target.tagName.toLowerCase() : '';
    if (['input', 'textarea', 'select', 'button'].includes(tag)) return;
    if (target && target.isContentEditable) return;
    let selector = '';
    if (event.key === 'PageDown' || event.key === ' ') selector = next;
    else if (event.key === 'PageUp') selector = prev;
    if (!selector) return;
    const button = document.querySelector(selector);
    if (!button) return;
    event.preventDefault();
    button.click();
  };
  // A table marked data-fit-rows shows as many rows as its scroll box has room for; the
  // hidden ones are counted in the box's ".mm-more[data-template]" line ("{n}" replaced).
  const fitRows = () => {
    document.querySelectorAll('table[data-fit-rows]').forEach((table) => {
      let box = table.parentElement;
      while (box && box !== document.body && getComputedStyle(box).overflowY === 'visible') {
        box = box.parentElement;
      }
      const more = box && box.querySelector('.mm-more[data-template]');
      if (!box || !more || !table.tBodies.length) return;
      const rows = [...table.tBodies[0].rows];
      rows.forEach((row) => { row.style.display = ''; });
      more.style.display = 'none';
      const over = () => box.scrollHeight > box.clientHeight + 1;
      if (!over()) return;
      more.style.display = '';
      let hidden = 0;
      for (let i = rows.length - 1; i > 0 && over(); i--) {
        rows[i].style.display = 'none';
        hidden += 1;
      }
      const text = more.dataset.template.replace('{n}', String(hidden));
      if (more.textContent !== text) more.textContent = text;
    });
  };
  let frame = 0;
  const onChange = () => { cancelAnimationFrame(frame); frame = requestAnimationFrame(fitRows); };
  const observer = new MutationObserver(onChange);
  observer.observe(document.body, { childList: true, subtree: true });
  document.fonts.ready.then(onChange);
  report();
  onChange();
  window.addEventListener('resize', onResize);
  window.addEventListener('resize', onChange);
  window.addEventListener('keydown', onKey);
  return () => {
    observer.disconnect();
    cancelAnimationFrame(frame);
    window.removeEventListener('resize', onChange);
    clearTimeout(timer);
    window.removeEventListener('resize', onResize);
    window.removeEventListener('keydown', onKey);
  };
}
"""

_component = st.components.v2.component("ita_meeting_viewport", js=_JS)


def _noop() -> None:
    """State changes only need the rerun Streamlit does anyway."""


def viewport(*, next_button: str = "", previous_button: str = "") -> tuple[int, int]:
    """The window's inner (width, height) in CSS pixels; ``DEFAULT`` until the browser said.
    ``next_button`` / ``previous_button``: CSS selectors of the buttons PageDown/Space and
    PageUp click."""
    known = st.session_state.get(STATE_KEY)
    result = _component(
        key="ita_viewport",
        data={"known": list(known or (0, 0)), "next": next_button, "prev": previous_button},
        on_size_change=_noop,
        height=0,
    )
    size = getattr(result, "size", None) if result is not None else None
    if isinstance(size, list | tuple) and len(size) == 2 and all(isinstance(v, int) for v in size):
        width, height = size
        if 320 <= width <= 10_000 and 240 <= height <= 10_000:
            st.session_state[STATE_KEY] = (width, height)
            return width, height
    return known or DEFAULT
