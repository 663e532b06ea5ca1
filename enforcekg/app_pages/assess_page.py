"""Assess a matter: a guided form, a case file or matters published on the SPARQL endpoint in; route, court,
deadlines, risks and remedies out, each with its why and what is missing (from :func:`enforcekg.assess.assess`)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from .assess_form import guided_form, matter_files, row_to_case
from .common import case_server, lang, pick_server_matters, save_uploads, upload_too_big


def show_assessment(result, lg: str) -> None:
    from .. import assess

    ui = assess.UI.get(lg, assess.UI["en"])
    headline = assess.headline
    why_lines = assess.why_lines
    instrument = ", ".join(assess.localized(i, lg) for i in result.facts.get("instrument", []))
    debtors = ", ".join(assess.localized(d, lg) for d in result.facts.get("debtors", []))
    st.subheader(f"{ui['title']} {result.matter_id} — {ui['asOf']} {result.as_of.isoformat()}")
    st.caption(f"{ui['instrument']}: {instrument} · {ui['debtor']}: {debtors}")
    held = [assess.localized(f["condition"], lg) for f in result.findings
            if f.get("condition") and f.get("status", {}).get("notation") == "applies"]
    if held:
        st.markdown(f"**{ui['established']}:** " + "; ".join(held))
    sections: dict = {}
    for finding in result.findings:
        if finding.get("condition") or finding.get("status", {}).get("notation") == "superseded":
            continue
        title = assess.localized(finding.get("kind", {"en": "—"}), lg).split("：")[-1].split(": ", 1)[-1]
        sections.setdefault((finding.get("order", 99), title), []).append(finding)
    icons = {"applies": ":green[:material/check_circle:]", "excluded": ":red[:material/block:]",
             "possible": ":orange[:material/help:]", "not-yet-in-force": ":gray[:material/schedule:]"}
    for (order, title), items in sorted(sections.items()):
        status = lambda f: f.get("status", {}).get("notation")  # noqa: E731
        residual = [f for f in items if status(f) == "residual"]
        possible = [f for f in items if status(f) == "possible" and not f.get("timeLimit") and order >= 5
                    and f.get("mechanism")]
        full = [f for f in items if f not in residual and f not in possible]
        with st.expander(f"{order}. {title[:1].upper() + title[1:]} ({len(full) + len(possible)})", expanded=True):
            for finding in full:
                st.markdown(f"{icons.get(status(finding), ':material/circle:')} **{headline(finding, lg, ui)}**")
                lines = why_lines(finding, lg, ui)
                if lines:
                    st.caption("  \n".join(lines))
            if possible:
                st.markdown(f"**{ui['possible']}:**")
                for finding in possible:
                    missing = "; ".join(assess.localized(c, lg) for c in finding.get("missingConditions", [])) or "—"
                    st.markdown(f"{icons['possible']} {assess.localized(finding['mechanism'], lg)} — *{ui['missing']}: {missing}*")
            if residual:
                st.caption(f"{ui['residual']}: " + "; ".join(assess.localized(f["mechanism"], lg) for f in residual
                                                            if f.get("mechanism")))


def render() -> None:
    lg = lang()
    st.title("Assess a matter")
    try:
        from .. import assess
    except ImportError:
        st.info("Assessment is not available in this version of enforcekg yet (`enforcekg.assess` is missing).")
        return
    st.caption("The route, the competent court, every deadline, the risks and the remedies for one matter — each with "
               "the facts and rule it rests on, its source, and what is missing. Answer only what you know.")
    sources = {"form": "a few questions", "file": "a case file (Turtle, JSON-LD or CSV)"}
    if case_server() is not None:
        sources["server"] = "matters on the server"
    source = st.radio("Start from", list(sources), horizontal=True, key="assess-source", format_func=sources.get)
    ask, answer = st.columns([1, 1], gap="large") if source == "form" else (st.container(), st.container())
    case, csv_text = None, None
    with ask:
        if source == "form":
            row = guided_form(lg)
            try:
                case, csv_text = row_to_case(row)
            except ValueError as exc:
                st.error(f"Some answers cannot be used: {exc}")
        elif source == "server":
            case = pick_server_matters("assess-server")
        else:
            upload = st.file_uploader("Case file", type=["ttl", "jsonld", "json", "csv"], key="assess-upload")
            if upload is not None:
                problem = upload_too_big(upload)
                if problem:
                    st.error(problem)
                else:
                    from ..intake import read_files

                    try:
                        case = read_files(save_uploads([upload]))
                    except ValueError as exc:
                        st.error(f"The file could not be read: {str(exc).split('/')[-1]}")
        as_of = st.date_input("Assess as of", value=date.today(), key="assess-as-of",
                              help="Deadlines are counted to this day, and rules not yet in force on it do not fire.")
        run = case is not None and st.button("Assess", type="primary", key="assess-run")
    if case is None:
        return
    signature = (hash(tuple(sorted(str(t) for t in case.triples))), as_of)
    if run:
        with answer, st.spinner("Reasoning over the matter…"):
            st.session_state["assessment"] = (signature, assess.assess(case, as_of))
    stored = st.session_state.get("assessment")
    with answer:
        if not stored:
            if source == "form":
                st.info("Answer what you know on the left, then press **Assess**. Questions you leave "
                        "unanswered come back as what is missing.")
            return
        if stored[0] != signature:
            st.info("The answers changed since the last assessment: press **Assess** again.")
            return
        _results(stored[1], case, csv_text, lg)


def _results(results, case, csv_text, lg: str) -> None:
    from .. import assess

    if not results:
        st.warning("No matter (ekg:Matter) was found in the file.")
        return
    names = [r.matter_id for r in results]
    chosen = st.selectbox("Matter", names, key="assess-matter") if len(names) > 1 else names[0]
    files = matter_files(case)
    cols = st.columns(2)
    cols[0].download_button("Matter as Turtle", files["ttl"], "matter.ttl", "text/turtle", key="dl-matter-ttl",
                            width="stretch")
    cols[1].download_button("Matter as JSON-LD", files["jsonld"], "matter.jsonld", "application/ld+json",
                            key="dl-matter-jsonld", width="stretch")
    cols[0].download_button("Assessment (text)", assess.render(results, "text", lg), "assessment.txt", "text/plain",
                            key="dl-assessment-txt", width="stretch")
    cols[1].download_button("Assessment (JSON)", assess.render(results, "json", lg), "assessment.json",
                            "application/json", key="dl-assessment-json", width="stretch")
    show_assessment(results[names.index(chosen)], lg)
    if csv_text:
        with st.expander("The same matter as a row of the CSV template"):
            st.code(csv_text, language="text")
