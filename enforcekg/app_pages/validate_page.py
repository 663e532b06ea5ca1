"""Validate: upload matters (Turtle, JSON-LD or CSV), or pick matters on the SPARQL endpoint, and read the report
by matter and severity."""

from __future__ import annotations

import hashlib

import streamlit as st

from ..paths import TEMPLATES_DIR
from .common import MAX_UPLOAD_MB, case_server, lang, pick_server_matters, save_uploads, upload_too_big

TEMPLATE = TEMPLATES_DIR / "matters.csv"
ICONS = {"Violation": ":red[:material/error:]", "Warning": ":orange[:material/warning:]", "Info": ":blue[:material/info:]"}
WORDS = {"en": {"Violation": "Violations", "Warning": "Warnings", "Info": "Notes"},
         "zh": {"Violation": "违规", "Warning": "警告", "Info": "提示"}}


class _Named:
    """A file from disk that looks like an upload (name, size, getvalue)."""

    def __init__(self, path):
        self.name = path.name
        self._data = path.read_bytes()
        self.size = len(self._data)

    def getvalue(self) -> bytes:
        return self._data


def _validate(files, lg: str) -> dict:
    from ..intake import IntakeError, read_files
    from ..load import GraphLoadError

    paths = save_uploads(files)
    try:
        case = read_files(paths)
    except (IntakeError, GraphLoadError) as exc:
        message = str(exc)
        for path in paths:
            message = message.replace(str(path), path.name)
        return {"error": message}
    return _outcome(case, lg, str(paths[0].parent) + "/")


def _outcome(case, lg: str, folder: str = "") -> dict:
    """The validation of *case*, ready to show; *folder* (where uploads were saved) is cut from file names."""
    from .. import report as report_mod
    from ..validate import validate

    conforms, graph, text = validate(case, lang=lg)
    rows = report_mod.build_rows(graph, case, lg)
    for row in rows:
        if row.get("file"):
            row["file"] = row["file"].rsplit("/", 1)[-1]
    matters = sorted(case.matters().items(), key=lambda kv: kv[1][0])
    return {
        "conforms": conforms,
        "rows": rows,
        "matters": [(matter_id, origin.name if origin else None) for _, (matter_id, origin) in matters],
        "text": text.replace(folder, ""),
        "json": report_mod.render("json", rows, graph, case, lg).replace(folder, ""),
        "turtle": graph.serialize(format="turtle"),
    }


def _show(outcome: dict, lg: str) -> None:
    if "error" in outcome:
        st.error(f"The file could not be read, so nothing was validated:\n\n`{outcome['error']}`")
        return
    rows = outcome["rows"]
    counts = {s: sum(1 for r in rows if r["severity"] == s) for s in ICONS}
    failing = {r["matter"] for r in rows if r["severity"] == "Violation"}
    total = len(outcome["matters"])
    (st.success if outcome["conforms"] else st.error)(
        f"{total} matter(s) checked, {total - len(failing)} conform · {counts['Violation']} violation(s), "
        f"{counts['Warning']} warning(s), {counts['Info']} note(s).")
    by_matter: dict = {}
    for row in rows:
        by_matter.setdefault(row["matter"], []).append(row)
    order = [m for m, _ in outcome["matters"]] + [m for m in by_matter if m not in {x for x, _ in outcome["matters"]}]
    origins = dict(outcome["matters"])
    for matter in order:
        found = by_matter.get(matter, [])
        n_viol = sum(1 for r in found if r["severity"] == "Violation")
        status = "conforms" if not n_viol else f"{n_viol} violation(s)"
        where = f" · {origins[matter]}" if origins.get(matter) else ""
        with st.expander(f"Matter {matter}{where} — {status}, {len(found) - n_viol} other finding(s)", expanded=bool(n_viol),
                         icon=":material/error:" if n_viol else ":material/check_circle:"):
            if not found:
                st.write("No problems found.")
            for severity in ICONS:
                items = [r for r in found if r["severity"] == severity]
                if not items:
                    continue
                st.markdown(f"**{ICONS[severity]} {WORDS[lg][severity]} ({len(items)})**")
                for r in items:
                    what = r["focus_kind"] or r["focus"]
                    field = f" › {r['field']}" if r.get("field") else ""
                    st.markdown(f"- **{what}{field}** — {r['message']}")
                    details = []
                    if r.get("value"):
                        details.append(f"value: `{r['value']}`")
                    if r.get("sources"):
                        details.append("source: " + "; ".join(f"{l} (`{s}`)" if l != s else f"`{s}`"
                                                              for l, s in zip(r["source_labels"], r["sources"])))
                    details.append(f"check: `{r['code']}`")
                    st.caption("  " + " · ".join(details))
    cols = st.columns(3)
    cols[0].download_button("Download report (text)", outcome["text"], "validation-report.txt", "text/plain", key="dl-txt")
    cols[1].download_button("Download report (JSON)", outcome["json"], "validation-report.json", "application/json",
                            key="dl-json")
    cols[2].download_button("Download report (Turtle, SHACL)", outcome["turtle"], "validation-report.ttl",
                            "text/turtle", key="dl-ttl")


def render() -> None:
    lg = lang()
    st.title("Validate matters")
    st.caption("Check case files against the SHACL shapes: required facts, datatypes and allowed values, and the legal "
               "consistency checks (two-year limit, court level, documents, service…). Every finding says what is "
               "wrong in plain words and the source it rests on. Messages follow the label language in the sidebar.")
    if case_server() is not None and st.radio(
            "Validate", ["files", "server"], horizontal=True, key="validate-source",
            format_func={"files": "uploaded files", "server": "matters on the server"}.get) == "server":
        case = pick_server_matters("validate-server")
        if case is not None:
            chosen = tuple(sorted(map(str, case.matters())))
            _show(_cached(("server", chosen, lg), f"Validating {len(chosen)} matter(s)…", lambda: _outcome(case, lg)), lg)
        return
    uploads = st.file_uploader(f"Turtle (.ttl), JSON-LD (.jsonld) or CSV (.csv) — up to {MAX_UPLOAD_MB:g} MB per file",
                               type=["ttl", "jsonld", "json", "csv"], accept_multiple_files=True, key="validate-uploads")
    if TEMPLATE.exists():
        cols = st.columns([1, 1, 2])
        if cols[0].button("Validate the CSV template", key="use-template",
                          help=f"data/templates/{TEMPLATE.name}: the template analysts fill in, one row per matter"):
            st.session_state["validate-template"] = True
        cols[1].download_button("Download the CSV template", TEMPLATE.read_bytes(), TEMPLATE.name, "text/csv",
                                key="dl-template")
    files = list(uploads or [])
    if not files and st.session_state.get("validate-template") and TEMPLATE.exists():
        files = [_Named(TEMPLATE)]
    if uploads:
        st.session_state["validate-template"] = False
    if not files:
        st.info("Upload one or more case files to validate them.")
        return
    refused = [m for m in (upload_too_big(f) for f in files) if m]
    if refused:
        for message in refused:
            st.error(message)
        return
    digest = hashlib.sha1(b"".join(f.name.encode() + f.getvalue() for f in files) + lg.encode()).hexdigest()
    outcome = _cached(digest, f"Validating {', '.join(f.name for f in files)}…", lambda: _validate(files, lg))
    st.caption("Validated: " + ", ".join(f.name for f in files))
    _show(outcome, lg)


def _cached(digest, message: str, compute) -> dict:
    """The last outcome when *digest* (what was validated, in which language) is unchanged, else a new one."""
    cached = st.session_state.get("validate-outcome")
    if not cached or cached[0] != digest:
        with st.spinner(message):
            cached = (digest, compute())
        st.session_state["validate-outcome"] = cached
    return cached[1]
