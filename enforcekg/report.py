"""Render a case validation report: human (grouped by matter, then severity), table, JSON, Turtle."""

from __future__ import annotations

import json
import re
from functools import lru_cache

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH

from .load import load_knowledge_graph
from .namespaces import PREFIXES

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
SEVERITY_WORDS = {
    "en": {"Violation": "Violation", "Warning": "Warning", "Info": "Note"},
    "zh": {"Violation": "违规", "Warning": "警告", "Info": "提示"},
}
CASE_BASE = "https://w3id.org/enforcekg/case/"
SHAPES_BASE = "https://w3id.org/enforcekg/shapes#"
SCHEMA_NAME = "https://schema.org/name"


@lru_cache(maxsize=1 << 16)
def curie(node) -> str:
    """*node* written compactly (``case:…``, a project prefix, ``_:`` for a blank node)."""
    text = str(node)
    if text.startswith(CASE_BASE):
        return "case:" + text[len(CASE_BASE):]
    for prefix, namespace in PREFIXES.items():
        if text.startswith(str(namespace)) and len(text) > len(str(namespace)):
            return f"{prefix}:{text[len(str(namespace)):]}"
    if isinstance(node, BNode):
        return f"_:{text}"
    return text


@lru_cache(maxsize=1 << 14)
def _label(node, lang: str) -> str | None:
    """The shipped graph's label of *node* in *lang* (else English)."""
    labels = {l.language: str(l) for l in load_knowledge_graph(copy=False).objects(node, RDFS.label)}
    return labels.get(lang) or labels.get("en")


def build_rows(report: Graph, case, lang: str = "en") -> list[dict]:
    """One dict per validation result, with its matter, in a stable order."""
    matters = case.matters()
    owner = case.matter_of()
    types: dict = {}
    names: dict = {}
    for t in case.triples:
        if t.predicate.value == str(RDF.type):
            types.setdefault(t.subject.value, []).append(URIRef(t.object.value))
        elif t.predicate.value == SCHEMA_NAME:
            names.setdefault(t.subject.value, t.object.value)
    rows = []
    for result in report.objects(None, SH.result):
        focus = report.value(result, SH.focusNode)
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        messages = {m.language or "en": str(m) for m in report.objects(result, SH.resultMessage)}
        matter = owner.get(focus)
        matter_id, origin = matters.get(matter, (None, None))
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        shape = report.value(result, SH.sourceShape)
        sources = sorted(report.objects(result, DCTERMS.source), key=str)
        kinds = [k for k in types.get(str(focus), []) if _label(k, lang)]
        rows.append({
            "matter": matter_id or "(no matter)",
            "matter_node": curie(matter) if matter is not None else None,
            "file": str(origin) if origin else None,
            "severity": severity,
            "focus": curie(focus),
            "focus_kind": _label(kinds[0], lang) if kinds else None,
            "focus_name": names.get(str(focus)),
            "path": curie(path) if isinstance(path, URIRef) else None,
            "field": (_label(path, lang) or curie(path)) if path is not None else None,
            "value": curie(value) if value is not None and value != focus else None,
            "message": messages.get(lang) or messages.get("en") or "",
            "message_en": messages.get("en", ""),
            "message_zh": messages.get("zh", ""),
            "sources": [curie(s) for s in sources],
            "source_labels": [_label(s, lang) or curie(s) for s in sources],
            "code": str(shape)[len(SHAPES_BASE):] if str(shape).startswith(SHAPES_BASE) else curie(shape),
        })
    rows.sort(key=lambda r: (r["matter"], SEVERITY_ORDER.get(r["severity"], 9), r["focus"], r["path"] or "", r["code"], r["message"]))
    unique, seen = [], set()
    for row in rows:  # two constraints of one shape failing on the same value give the same message
        key = (row["matter"], row["severity"], row["focus"], row["path"], row["value"], row["code"], row["message"])
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return unique


def _summary(rows, case, lang) -> str:
    counts = {s: sum(1 for r in rows if r["severity"] == s) for s in SEVERITY_ORDER}
    total = len(case.matters())
    failing = len({r["matter"] for r in rows if r["severity"] == "Violation"})
    if lang == "zh":
        return (f"共检查 {total} 个案件事项，其中 {total - failing} 个符合要求；"
                f"违规 {counts['Violation']} 项，警告 {counts['Warning']} 项，提示 {counts['Info']} 项。\n")
    return (f"{total} matter(s) checked, {total - failing} conform; "
            f"{counts['Violation']} violation(s), {counts['Warning']} warning(s), {counts['Info']} note(s).\n")


def render_human(rows, report, case, lang) -> str:
    words = SEVERITY_WORDS[lang]
    out = []
    by_matter: dict = {}
    for row in rows:
        by_matter.setdefault(row["matter"], []).append(row)
    for node, (matter_id, origin) in sorted(case.matters().items(), key=lambda kv: kv[1][0]):
        found = by_matter.pop(matter_id, [])
        where = f" ({origin})" if origin else ""
        heading = f"案件事项 {matter_id}{where}" if lang == "zh" else f"Matter {matter_id}{where}"
        if not found:
            out.append(f"{heading}: " + ("未发现问题" if lang == "zh" else "no problems found"))
            continue
        out.append(heading)
        for row in found:
            out.append(_human_row(row, words, lang))
    for matter_id, found in by_matter.items():  # results not tied to a matter
        out.append(matter_id)
        out.extend(_human_row(row, words, lang) for row in found)
    out.append(_summary(rows, case, lang))
    return "\n".join(out)


def _human_row(row, words, lang) -> str:
    what = row["focus_kind"] or row["focus"]
    if row["focus_name"]:
        what += f" “{row['focus_name']}”"
    field = f" › {row['field']} ({row['path']})" if row["path"] else ""
    lines = [f"  [{words[row['severity']]}] {what}{field}", f"      {row['message']}"]
    details = []
    if row["value"]:
        details.append(("值" if lang == "zh" else "value") + f": {row['value']}")
    if row["sources"]:
        label = "依据" if lang == "zh" else "source"
        details.append(f"{label}: " + "; ".join(f"{l} ({s})" if l != s else s for l, s in zip(row["source_labels"], row["sources"])))
    details.append(("检查项" if lang == "zh" else "check") + f": {row['code']} · {row['focus']}")
    lines.append("      " + " · ".join(details))
    return "\n".join(lines)


def render_table(rows, report, case, lang) -> str:
    columns = ["matter", "severity", "focus", "path", "code", "sources", "message"]
    body = [[r[c] if not isinstance(r[c], list) else " ".join(r[c]) for c in columns] for r in rows]
    body = [[re.sub(r"\s+", " ", str(v or "")) for v in line] for line in body]
    widths = [max([len(c)] + [len(line[i]) for line in body]) if c != "message" else 0 for i, c in enumerate(columns)]
    def fmt(line):
        return " | ".join(v.ljust(w) if w else v for v, w in zip(line, widths)).rstrip()
    return "\n".join([fmt(columns)] + [fmt(line) for line in body]) + "\n" + _summary(rows, case, lang)


def render_json(rows, report, case, lang) -> str:
    conforms = not any(r["severity"] == "Violation" for r in rows)
    matters = [{"matter": m, "node": str(n), "file": str(f) if f else None,
                "conforms": not any(r["matter"] == m and r["severity"] == "Violation" for r in rows)}
               for n, (m, f) in sorted(case.matters().items(), key=lambda kv: kv[1][0])]
    return json.dumps({"conforms": conforms, "matters": matters, "results": rows}, ensure_ascii=False, indent=2) + "\n"


def render_turtle(rows, report, case, lang) -> str:
    return report.serialize(format="turtle")


RENDERERS = {"human": render_human, "table": render_table, "json": render_json, "turtle": render_turtle}


def render(fmt: str, rows, report, case, lang: str = "en") -> str:
    return RENDERERS[fmt](rows, report, case, lang)
