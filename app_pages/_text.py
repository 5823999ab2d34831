"""Text from workbooks (and file and user names) shown as text: never Markdown, never HTML.

Streamlit reads Markdown in ``st.markdown``, captions, titles, messages, widget labels, help
tooltips, metrics, expander labels, pills and ``st.table`` cells. A cell ``![](http://host/x)``
shown there makes every viewer's browser fetch that URL; ``[text](https://phishing)`` becomes a
live link. Every piece of such text goes through ``md()`` before it meets our own Markdown, and
a link is shown only for ``link()``'s validated http(s) URL. ``st.dataframe`` cells and
selectbox options are plain text already and need neither.
"""

from __future__ import annotations

import re

from ita_model.html_table import plain_link

# What can start Markdown inside a line: links and images ([ ]), autolinks and HTML (< >),
# emphasis, code, strikethrough (* ` ~), math ($), entities (&), e-mail autolinks (@), tables (|),
# headings (#), the escape itself; a colon before a non-space (http://, :material/icon:,
# Streamlit's :red[…] directives); "www." (an autolink); an underscore that is not inside a word.
# Each is backslash-escaped (CommonMark allows it for any ASCII punctuation), the rest left as is
# so that file names and Thai text read the same in the page's source.
_INLINE = re.compile(r"[\\`*{}\[\]<>#|~$&@]|:(?=\S)|(?<=(?i:www))\.|_")
# GFM also turns http://…, www.… and e-mail addresses in plain text into links after parsing, so
# escapes cannot stop those: an invisible word joiner after "://"'s colon, "www" and "@" does.
_AUTOLINK = re.compile(r"\\:(?=//)|(?i:www)(?=\\\.)|\\@")
_JOINER = "\u2060"
_LINE_START = re.compile(r"^([-+=]|\d+[.)])")  # a list, a rule or a heading under a line
_NEWLINES = {ord("\r"): " ", ord("\n"): " ", 0x2028: " ", 0x2029: " "}


def md(text: object) -> str:
    """``text`` to put inside our Markdown: shown exactly as typed, on one line."""
    if text is None:
        return ""
    line = str(text).translate(_NEWLINES).strip()
    line = _INLINE.sub(_escape, line)
    line = _AUTOLINK.sub(lambda m: m[0] + _JOINER, line)
    return _LINE_START.sub(
        lambda m: "".join("\\" + c if not c.isdigit() else c for c in m[1]), line
    )


def _escape(m: re.Match[str]) -> str:
    c, at, whole = m[0], m.start(), m.string
    if c == "_" and 0 < at < len(whole) - 1 and whole[at - 1].isalnum() and whole[at + 1].isalnum():
        return c  # inside a word an underscore never starts emphasis (oit_legal.xlsx)
    return "\\" + c


def link(url: object) -> str | None:
    """The URL when it is a plain http(s) link to a host, else None (then show it as ``md``):
    ``<{link}>`` in Markdown is then one link to that host (``html_table.plain_link``)."""
    return plain_link(url)
