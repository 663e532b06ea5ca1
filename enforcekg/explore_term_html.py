"""A term page as escaped HTML fragments: the header, statement tables and links; project terms
become ``<a data-term>`` links the app makes clickable."""

from __future__ import annotations

import html

from rdflib import BNode, Literal

from .explore import is_project_term, pick
from .explore_term import TermPage
from .store import compact


def link_html(term, labels: dict | None = None, lang: str = "en") -> str:
    """A project term as ``<a data-term>`` (clickable in the app), anything else as text; escaped."""
    if isinstance(term, Literal):
        text = html.escape(str(term))
        tag = f' <span class="curie">@{html.escape(term.language)}</span>' if term.language else ""
        if term.datatype is not None and not term.language:
            tag = f' <span class="curie">{html.escape(compact(term.datatype))}</span>'
        return text + tag
    if isinstance(term, BNode):
        text = "（匿名 OWL 类表达式）" if lang == "zh" else "(an anonymous OWL class expression; see the HTML documentation)"
        return f'<span class="more">{text}</span>'
    name = html.escape(pick(labels or {}, lang, compact(term)))
    curie = html.escape(compact(term))
    if is_project_term(term):
        return f'<a href="#" data-term="{curie}" title="{curie}">{name}</a>'
    return f'<span title="{html.escape(str(term))}">{name}</span>'


def statements_html(groups, lang: str = "en", per_property: int = 25) -> str:
    """Statements grouped by property as a two-column table (inferred ones marked)."""
    if not groups:
        return '<p class="more">none</p>'
    rows = []
    for prop, statements in groups:
        shown = statements[:per_property]
        values = []
        for st in shown:
            value = link_html(st.value, st.value_labels, lang)
            if st.inferred:
                value += ' <span class="inferred">inferred</span>'
            values.append(value)
        if len(statements) > per_property:
            values.append(f'<span class="more">… and {len(statements) - per_property} more</span>')
        name = html.escape(statements[0].property_label(lang))
        rows.append(f'<tr><th title="{html.escape(compact(prop))}">{name}</th><td>{"<br>".join(values)}</td></tr>')
    return "<table>" + "".join(rows) + "</table>"


def term_header_html(page: TermPage, lang: str = "en") -> str:
    """The head of a term page: the other-language label, CURIE, kind and classes, definition,
    synonyms and sources, as one escaped fragment with clickable links."""
    other = "zh" if lang == "en" else "en"
    esc = html.escape
    parts = []
    if page.labels.get(other):
        parts.append(f'<div class="other-label" lang="{other}">{esc(page.labels[other])}</div>')
    classes = ", ".join(link_html(l.term, l.labels, lang) for l in page.classes)
    meta = f'<code class="curie">{esc(page.curie)}</code> · {esc(page.kind)}' + (f" of {classes}" if classes else "")
    parts.append(f'<div class="meta">{meta}</div>')
    definition = page.definition(lang) or page.definition("en")
    if definition:
        parts.append(f"<blockquote>{esc(definition)}</blockquote>")
    if page.alt_labels:
        alts = " · ".join(f'<span lang="{esc(a.language or "")}">{esc(str(a))}</span>' for a in page.alt_labels)
        parts.append(f'<div class="row"><b>{"别名" if lang == "zh" else "Also called"}:</b> {alts}</div>')
    if page.sources:
        sources = "<br>".join(link_html(l.term, l.labels, lang) for l in page.sources)
        parts.append(f'<div class="row"><b>{"来源" if lang == "zh" else "Source"}:</b><div class="sources">{sources}</div></div>')
    return "".join(parts)
