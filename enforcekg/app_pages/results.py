"""Query results in the app: a table (IRIs link to the Explore page), a bar chart when a column is
numeric, and CSV / JSON (and Turtle) downloads."""

from __future__ import annotations

import streamlit as st
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .. import store
from ..store import compact

NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long, XSD.short,
           XSD.nonNegativeInteger, XSD.positiveInteger, XSD.negativeInteger, XSD.nonPositiveInteger,
           XSD.unsignedInt, XSD.unsignedLong}


def cell(term, lang_: str = "en"):
    """A result cell for a table: numbers as numbers, IRIs as CURIEs, other literals as text."""
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.datatype in NUMERIC:
            try:
                value = term.toPython()
                return float(value) if not isinstance(value, int) else value
            except (TypeError, ValueError):
                return str(term)
        if term.datatype == XSD.boolean:
            return str(term).lower() in ("true", "1")
        return str(term)
    return compact(term)


def result_frame(result):
    import pandas as pd

    columns = list(result.variables)
    return pd.DataFrame([[cell(t) for t in row] for row in result.rows], columns=columns)


def numeric_columns(result) -> list[str]:
    """Columns whose every bound value is a number (and at least one is bound)."""
    out = []
    for index, name in enumerate(result.variables):
        values = [row[index] for row in result.rows if row[index] is not None]
        if values and all(isinstance(v, Literal) and v.datatype in NUMERIC for v in values):
            out.append(name)
    return out


def show_result(result, name: str, key: str) -> None:
    """A query result as a table (and a bar chart when numeric), with CSV / JSON downloads."""
    if result.kind == "ask":
        st.metric("Answer (ASK)", "true" if result.boolean else "false")
    elif result.kind == "graph":
        st.caption(f"{len(result.rows):,} triple(s) in {result.elapsed:.2f} s")
        st.code(store.render_table(result), language="turtle")
    else:
        st.caption(f"{len(result.rows):,} row(s) in {result.elapsed:.2f} s")
        if not result.rows:
            st.info("No rows: nothing in the graph matches this question.")
        frame = result_frame(result)
        links = {}
        for index, name_ in enumerate(result.variables):
            values = [row[index] for row in result.rows if row[index] is not None]
            if values and all(isinstance(v, URIRef) and str(v).startswith("https://w3id.org/enforcekg/") for v in values):
                frame[name_] = ["?page=explore&term=" + compact(row[index]) if row[index] is not None else None
                                for row in result.rows]
                links[name_] = st.column_config.LinkColumn(name_, display_text=r"term=(.+)$",
                                                           help="Open the term on the Explore page")
        st.dataframe(frame, width="stretch", hide_index=True, column_config=links or None)
        numbers = numeric_columns(result)
        labels = [v for v in result.variables if v not in numbers]
        if numbers and labels and 1 < len(result.rows) <= 200:
            x = next((v for v in labels if "label" in v.lower()), labels[0])
            st.caption(f"Chart: {', '.join(numbers)} by {x}")
            height = max(220, 22 * len(result.rows) + 60)
            if len(numbers) == 1:  # bars in the query's order, with the whole label
                import altair as alt

                chart = alt.Chart(frame).mark_bar().encode(
                    y=alt.Y(f"{x}:N", sort=None, title=None, axis=alt.Axis(labelLimit=420)),
                    x=alt.X(f"{numbers[0]}:Q", title=numbers[0]),
                    tooltip=[x, numbers[0]]).properties(height=height)
                st.altair_chart(chart, width="stretch")
            else:
                st.bar_chart(frame, x=x, y=numbers, horizontal=True, sort=False, height=height)
    notice = store.truncation_notice(result)
    if notice:
        st.warning(f"Only the first {result.limit:,} rows are shown; the query has more. "
                   "Raise the row cap or narrow the query.")
    columns = st.columns(3)
    columns[0].download_button("Download CSV", store.render_csv(result), f"{name}.csv", "text/csv", key=f"{key}-csv")
    columns[1].download_button("Download JSON", store.render_json(result), f"{name}.json",
                               "application/sparql-results+json", key=f"{key}-json")
    if result.kind == "graph":
        columns[2].download_button("Download Turtle", store.render_table(result), f"{name}.ttl", "text/turtle",
                                   key=f"{key}-ttl")
