"""Result serialisers for the command line and the app.

``table`` (aligned columns with CURIEs, or Turtle for CONSTRUCT / DESCRIBE) and the W3C SPARQL 1.1
Query Results formats ``csv``, ``tsv`` and ``json``; :func:`truncation_notice` is the notice
printed when the row cap cut an answer short.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata

from rdflib import BNode, Graph, Literal, URIRef

from .engine import PROJECT_PREFIXES, QueryResult
from .namespaces import bind_prefixes

FORMATS = ("table", "csv", "tsv", "json")

def compact(term) -> str:
    """A short human form: CURIEs for project IRIs, lexical forms for literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        value = str(term)
        best = None
        for prefix, namespace in PROJECT_PREFIXES.items():
            if value.startswith(namespace) and len(value) > len(namespace):
                if best is None or len(namespace) > len(PROJECT_PREFIXES[best]):
                    best = prefix
        return f"{best}:{value[len(PROJECT_PREFIXES[best]):]}" if best else f"<{value}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _clip(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    if _width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = _width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def render_table(result: QueryResult, max_width: int = 80) -> str:
    if result.kind == "ask":
        return "true" if result.boolean else "false"
    if result.kind == "graph":
        graph = bind_prefixes(Graph())
        for triple in result.rows:
            graph.add(triple)
        return graph.serialize(format="turtle").rstrip()
    cells = [[_clip(compact(t), max_width) for t in row] for row in result.rows]
    widths = [max([_width(v)] + [_width(r[i]) for r in cells]) for i, v in enumerate(result.variables)]
    lines = ["  ".join(_pad(v, w) for v, w in zip(result.variables, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines)


def _csv_value(term) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def render_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV: full IRIs, lexical forms of literals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
    else:
        writer.writerow(result.variables)
        writer.writerows([_csv_value(t) for t in row] for row in result.rows)
    return out.getvalue()


def _nt(term) -> str:
    if term is None:
        return ""
    if isinstance(term, (URIRef, BNode, Literal)):
        return term.n3()
    return str(term)


def render_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV: terms in Turtle/N-Triples syntax."""
    if result.kind == "ask":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(_nt(t).replace("\t", "\\t").replace("\n", "\\n") for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def term_json(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    value = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype is not None:
        value["datatype"] = str(term.datatype)
    return value


def result_json(result: QueryResult) -> dict:
    """SPARQL 1.1 Query Results JSON (as a Python object)."""
    if result.kind == "ask":
        return {"head": {}, "boolean": bool(result.boolean)}
    return {
        "head": {"vars": list(result.variables)},
        "results": {"bindings": [
            {v: term_json(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows
        ]},
    }


def render_json(result: QueryResult) -> str:
    return json.dumps(result_json(result), ensure_ascii=False, indent=2)


def render(result: QueryResult, fmt: str = "table") -> str:
    """*result* in one of :data:`FORMATS`."""
    renderers = {"table": render_table, "csv": render_csv, "tsv": render_tsv, "json": render_json}
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return renderers[fmt](result)


def truncation_notice(result: QueryResult) -> str | None:
    """The notice to print (on stderr) when the row cap cut the answer short."""
    if not result.truncated:
        return None
    return (f"notice: showing the first {result.limit:,} rows only; the query has more. "
            "Raise the cap with --limit N (0 for no cap) or narrow the query.")
