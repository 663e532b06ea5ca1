"""Query text for a remote endpoint: prefixes declared, parameters bound as terms, a row cap.

:func:`prepare_query` never pastes raw user text into a query: each bound value is an RDF term,
checked by pyoxigraph and written in N-Triples syntax into a ``VALUES`` block at the *start* of the
WHERE clause (Virtuoso mishandles a trailing VALUES). :class:`QueryShape` finds the query form and
the braces of the WHERE clause with a small SPARQL tokenizer that skips strings, IRIs and comments.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from .engine import PROJECT_PREFIXES, QueryError, QuerySyntaxError


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<word>[A-Za-z_][\w.\-]*(?::[^\s{}()\[\];,<>"']*)?|:[^\s{}()\[\];,<>"']*)
  | (?P<open>[{(])
  | (?P<close>[})])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


class QueryShape:
    """Where the parts of a query are: its form, the braces of its WHERE clause, its modifiers."""

    def __init__(self, text: str):
        self.text = text
        self.kind = None
        self.prefixes: set[str] = set()
        self.where_open = self.where_close = None
        self.has_limit = self.has_trailing_values = False
        self.short_construct = False
        tokens = [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(text)
                  if m.lastgroup not in ("ws", "comment")]
        depth, groups, form_at, previous = 0, 0, None, None
        for index, (kind, value, start) in enumerate(tokens):
            upper = value.upper() if kind == "word" else None
            if kind == "word" and previous == "PREFIX" and value.endswith(":"):
                self.prefixes.add(value[:-1])
            if depth == 0 and kind == "word":
                if form_at is None and upper in FORMS:
                    self.kind, form_at = FORMS[upper], index
                    following = tokens[index + 1][1].upper() if index + 1 < len(tokens) else ""
                    self.short_construct = upper == "CONSTRUCT" and following == "WHERE"
                elif self.where_close is not None and upper == "LIMIT":
                    self.has_limit = True
                elif self.where_close is not None and upper == "VALUES":
                    self.has_trailing_values = True
            if kind == "open":
                if value == "{" and depth == 0 and form_at is not None and self.where_open is None:
                    groups += 1
                    skip_template = self.kind == "graph" and tokens[form_at][1].upper() == "CONSTRUCT" \
                        and not self.short_construct and groups == 1
                    if not skip_template:
                        self.where_open = start
                depth += 1
            elif kind == "close":
                depth -= 1
                if depth == 0 and value == "}" and self.where_open is not None and self.where_close is None:
                    self.where_close = start
            previous = upper


def serialise_term(name: str, term) -> str:
    """The N-Triples form of a bound value, checked by pyoxigraph (a bad IRI or tag is refused)."""
    from .store import to_oxigraph

    try:
        node = to_oxigraph(term)
    except (TypeError, ValueError) as exc:
        raise QueryError(f"cannot bind parameter '{name}': {exc}") from None
    if isinstance(node, ox.BlankNode):
        raise QueryError(f"cannot bind parameter '{name}' to a blank node")
    return str(node)


def prepare_query(text: str, bindings: dict | None = None, *, limit: int | None = None,
                  project_prefixes: bool = True, max_rows: int | None = None) -> tuple[str, QueryShape]:
    """The text to send: project prefixes declared, bindings as a leading VALUES block, a row cap.

    The cap is sent as ``LIMIT limit+1`` (one more row tells that the answer was cut), but never
    above *max_rows*, the most a server will return (Virtuoso refuses a sorted query beyond it).
    """
    shape = QueryShape(text)
    if shape.kind is None:
        raise QuerySyntaxError("not a valid SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    bindings = {name.lstrip("?$"): term for name, term in (bindings or {}).items()}
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"cannot bind parameter {name!r}: not a SPARQL variable name")
    body = text
    if bindings:
        if shape.where_open is None or shape.short_construct:
            raise QueryError("cannot bind parameters: the query has no WHERE clause to bind them in")
        names = list(bindings)
        values = " ".join(serialise_term(n, bindings[n]) for n in names)
        block = f"\n  VALUES ({' '.join('?' + n for n in names)}) {{ ({values}) }}\n"
        body = text[: shape.where_open + 1] + block + text[shape.where_open + 1:]
    if limit is not None and shape.kind == "select" and not shape.has_limit and not shape.has_trailing_values:
        body = body.rstrip() + f"\nLIMIT {min(limit + 1, max_rows or limit + 1)}\n"
    if project_prefixes:
        missing = [f"PREFIX {p}: <{ns}>" for p, ns in PROJECT_PREFIXES.items() if p not in shape.prefixes]
        body = "\n".join(missing) + "\n" + body
    return body, shape
