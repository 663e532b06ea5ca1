"""Compile the SHACL Core shapes to set-based SPARQL for pyoxigraph (:func:`compile_core`).

Every active shape with targets gives one ``SELECT`` per constraint — per parameter value where
pySHACL checks each value on its own (``sh:class``, the range bounds, ``sh:pattern``, the property
pairs, ``sh:not`` …). A query returns all the violations of the whole batch at once: ``?this`` and,
where pySHACL's result has an ``sh:value``, ``?value``; the result path is the shape's ``sh:path``
(a predicate, or an inverse, sequence, alternative or repeated path). An ``sh:property`` of a node
shape is compiled with the node shape's targets; ``sh:not``, ``sh:and``, ``sh:or`` and ``sh:xone``
(and, inside them, ``sh:node``) test their shapes inline. Anything else raises
:class:`UnsupportedShapeError`.

The queries run on the store ``validate.sparql_stage`` builds, which holds the superclass types of
every typed node, so ``rdf:type`` alone stands for ``rdf:type/rdfs:subClassOf*``. The semantics are
pySHACL's, seen through that store: a well-typed literal is compared in its canonical form
(:func:`shapes.restore_literals` gives reported values their written form back); a literal is
ill-typed by the XSD lexical rules oxigraph applies (rdflib also accepts ``"1e3"^^xsd:decimal``
or ``" 5 "^^xsd:integer``; only the datatypes oxigraph can cast are checked for well-formedness);
values SPARQL cannot compare (a date and a number, two IRIs) violate range and property-pair
constraints, where rdflib orders some of them; ``sh:pattern`` uses oxigraph's regular expressions
with pySHACL's flags (``i`` and ``m`` only); a shape without ``sh:message`` gives results without
messages (pySHACL writes generic English ones).
"""

from __future__ import annotations

from itertools import count

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from .shapes import SparqlConstraint, target_patterns, union

# The store holds every superclass type of every typed node (validate.sparql_stage materialises them),
# so rdf:type alone finds a class's instances, as rdf:type/rdfs:subClassOf* would: 4x faster at 10,000 matters.
_INSTANCE = f"<{RDF.type}>"


class UnsupportedShapeError(ValueError):
    """A shape uses something the compiler cannot turn into SPARQL."""

    def __init__(self, graph: Graph, shape, parameter, why: str = "not supported by the SHACL Core compiler"):
        self.graph, self.shape, self.parameter, self.why = graph, shape, parameter, why
        name = graph.namespace_manager.normalizeUri
        what = name(parameter) if parameter == SH.path else f"{name(parameter)} ({name(_component(parameter))})"
        super().__init__(f"shape {shape.n3()}: {what}: {why}")

    def within(self, shape) -> UnsupportedShapeError:
        """The same error, named after the targeted *shape* that uses the nested shape it is about."""
        if shape == self.shape:
            return self
        return UnsupportedShapeError(self.graph, shape, self.parameter, f"{self.why} (in {self.shape.n3()})")


# datatypes whose literals oxigraph can cast, so that an ill-typed literal can be told apart
_CASTABLE = {XSD[t] for t in ("string", "boolean", "integer", "decimal", "float", "double", "date", "time",
                              "dateTime", "duration", "yearMonthDuration", "dayTimeDuration", "gYear",
                              "gYearMonth", "gMonthDay", "gDay", "gMonth")}
_NODE_KINDS = {SH.IRI: ("isIRI",), SH.BlankNode: ("isBlank",), SH.Literal: ("isLiteral",),
               SH.BlankNodeOrIRI: ("isBlank", "isIRI"), SH.BlankNodeOrLiteral: ("isBlank", "isLiteral"),
               SH.IRIOrLiteral: ("isIRI", "isLiteral")}
_RANGES = {SH.minInclusive: ">=", SH.minExclusive: ">", SH.maxInclusive: "<=", SH.maxExclusive: "<"}
_PAIRS = {SH.lessThan: "<", SH.lessThanOrEquals: "<="}
_LOGICAL = {SH["and"]: " && ", SH["or"]: " || ", SH.xone: None}
_VALUE_TESTS = {SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.minLength, SH.maxLength, SH.pattern,
                SH.hasValue, SH["not"], SH.node, *_RANGES, *_LOGICAL}
_PATH_ONLY = {SH.minCount, SH.maxCount, SH.equals, SH.disjoint, *_PAIRS}
_SINGLE = {SH.datatype, SH.nodeKind, SH["in"], SH.minCount, SH.maxCount, SH.minLength, SH.maxLength}
_NO_VALUE = {SH.minCount, SH.maxCount, SH.hasValue}
_NOT_CONSTRAINTS = {SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.path, SH.message,
                    SH.severity, SH.deactivated, SH.name, SH.description, SH.order, SH.group, SH.defaultValue,
                    SH.flags, SH.property, SH.rule}  # sh:rule: run by shape_rules, not a constraint
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.target)
_PATH_WRAPPERS = {SH.inversePath: "^({})", SH.zeroOrMorePath: "({})*", SH.oneOrMorePath: "({})+",
                  SH.zeroOrOnePath: "({})?"}


def _component(parameter) -> URIRef:
    name = str(parameter).removeprefix(str(SH))
    return URIRef(f"{SH}{name[:1].upper()}{name[1:]}ConstraintComponent")


def compile_core(shapes: Graph) -> tuple[SparqlConstraint, ...]:
    """One set-based SPARQL constraint per active targeted shape and Core constraint of *shapes*.

    ``sh:sparql`` constraints are left to :func:`shapes.sparql_constraints`.
    """
    compiler = _Compiler(shapes)
    candidates = {s for p in _TARGETS for s in shapes.subjects(p, None)}
    candidates |= set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    for shape in sorted(candidates, key=str):
        targets = target_patterns(shapes, shape, _INSTANCE)
        if targets or (shape, SH.target, None) in shapes:
            try:
                compiler.shape(shape, union(targets))
            except UnsupportedShapeError as error:
                raise error.within(shape) from None
    return tuple(compiler.compiled)


def sparql_path(g: Graph, path) -> str:
    """The SPARQL property path of a SHACL path (predicate, inverse, sequence, alternative, repetition)."""
    if isinstance(path, URIRef):
        return path.n3()
    if isinstance(path, BNode):
        if g.value(path, RDF.first) is not None:
            return "(" + " / ".join(sparql_path(g, p) for p in g.items(path)) + ")"
        alternatives = g.value(path, SH.alternativePath)
        if alternatives is not None:
            return "(" + " | ".join(sparql_path(g, p) for p in g.items(alternatives)) + ")"
        for kind, wrapper in _PATH_WRAPPERS.items():
            inner = g.value(path, kind)
            if inner is not None:
                return wrapper.format(sparql_path(g, inner))
    raise ValueError(f"cannot read the path {path.n3()}")


class _Compiler:
    """Turns the constraints of a shapes graph into queries (fresh variables numbered across them)."""

    def __init__(self, graph: Graph):
        self.g = graph
        self.numbers = count()
        self.compiled: list[SparqlConstraint] = []

    def fresh(self, prefix: str) -> str:
        return f"?{prefix}{next(self.numbers)}"

    def path(self, shape) -> str:
        try:
            return sparql_path(self.g, self.g.value(shape, SH.path))
        except ValueError as error:
            raise UnsupportedShapeError(self.g, shape, SH.path, str(error)) from None

    def shape(self, shape, targets: str) -> None:
        """Compile the constraints of a targeted *shape*, and its ``sh:property`` shapes, for *targets*."""
        g = self.g
        if _deactivated(g, shape):
            return
        path = g.value(shape, SH.path)
        common = dict(shape=shape, constraint=None, messages=list(g.objects(shape, SH.message)),
                      severity=g.value(shape, SH.severity) or SH.Violation, path=path,
                      path_triples=tuple(g.cbd(path)) if isinstance(path, BNode) else ())
        for parameter, value in self.constraints(shape, nested=False):
            query, variables = self.query(shape, parameter, value, targets)
            self.compiled.append(SparqlConstraint(query=query, variables=variables, component=_component(parameter),
                                                  **common))
        for child in g.objects(shape, SH.property):
            if path is not None:
                raise UnsupportedShapeError(g, shape, SH.property, "sh:property on a property shape is not supported")
            self.shape(child, targets)

    def query(self, shape, parameter, value, targets: str) -> tuple[str, list[str]]:
        """The set-based query for one constraint of a targeted shape, and its variables.

        Where the values alone show a violation, the violating values are found first and the
        few of them checked to be targets; counts are grouped in one pass; a missing value is
        found with MINUS (an anti-join) over the enumerated targets.
        """
        g = self.g
        variables = ["this"] if parameter in _NO_VALUE else ["this", "value"]
        if g.value(shape, SH.path) is None:
            test = self.value_test(shape, parameter, value, "?this", ())
            projection = "?this" if parameter in _NO_VALUE else "?this (?this AS ?value)"
            return f"SELECT DISTINCT {projection} WHERE {{\n  {targets}\n  FILTER(!({test}))\n}}", variables
        path = self.path(shape)
        if parameter == SH.minCount:
            n = _count(g, shape, parameter, value)
            body = f"{targets}\n  MINUS {{ {self.distinct_values('?this', path, n)} }}" if n else "FILTER(false)"
        elif parameter == SH.hasValue:
            body = f"{targets}\n  MINUS {{ ?this {path} {value.n3()} }}"
        else:
            if parameter == SH.maxCount:
                # a predicate path cannot repeat a value (a store holds no duplicate triple): no DISTINCT needed
                distinct = "" if isinstance(g.value(shape, SH.path), URIRef) else "DISTINCT "
                pattern = (f"{{ SELECT ?this WHERE {{ ?this {path} ?x }} GROUP BY ?this "
                           f"HAVING (COUNT({distinct}?x) > {_count(g, shape, parameter, value)}) }}")
            else:
                pattern, variables = self.violation(shape, parameter, value, "?this", "?value", ())
            body = f"{pattern}\n  FILTER EXISTS {{ {targets} }}"
        return f"SELECT DISTINCT {' '.join('?' + v for v in variables)} WHERE {{\n  {body}\n}}", variables

    def constraints(self, shape, nested: bool) -> list[tuple]:
        """(parameter, value) for each Core constraint of *shape*, checked to be compilable."""
        g, found = self.g, []
        for parameter in sorted(set(g.predicates(shape, None)), key=str):
            if not str(parameter).startswith(str(SH)) or parameter in _NOT_CONSTRAINTS:
                continue
            if parameter == SH.sparql and not nested:
                continue  # SPARQL-based: compiled by shapes.sparql_constraints
            if parameter not in _VALUE_TESTS | _PATH_ONLY:
                raise UnsupportedShapeError(g, shape, parameter)
            if parameter == SH.node and not nested:
                raise UnsupportedShapeError(g, shape, parameter, "pySHACL also reports the nested shape's own "
                                            "results (sh:detail); supported inside sh:not, sh:and, sh:or, sh:xone")
            if parameter in _PATH_ONLY and g.value(shape, SH.path) is None:
                raise UnsupportedShapeError(g, shape, parameter, "only allowed on a property shape (one with sh:path)")
            values = list(g.objects(shape, parameter))
            if parameter in _SINGLE and len(values) > 1:
                raise UnsupportedShapeError(g, shape, parameter, "more than one value")
            found.extend((parameter, v) for v in values)
        return found

    def violation(self, shape, parameter, value, focus: str, var: str, stack: tuple) -> tuple[str, list[str]]:
        """A pattern matching the violations of one constraint of a property shape at *focus*, and its variables."""
        g, path = self.g, self.path(shape)
        this, name = focus.lstrip("?"), var.lstrip("?")
        if parameter == SH.minCount:
            n = _count(g, shape, parameter, value)
            return (f"FILTER NOT EXISTS {{ {self.distinct_values(focus, path, n)} }}" if n else "FILTER(false)"), [this]
        if parameter == SH.maxCount:
            return self.distinct_values(focus, path, _count(g, shape, parameter, value) + 1), [this]
        if parameter == SH.hasValue:
            return f"FILTER NOT EXISTS {{ {focus} {path} {value.n3()} }}", [this]
        if parameter in _PATH_ONLY and not isinstance(value, URIRef):
            raise UnsupportedShapeError(g, shape, parameter, "the value must be a property IRI")
        if parameter in _PAIRS:
            other = self.fresh("o")
            return (f"{focus} {path} {var} . {focus} {value.n3()} {other} . "
                    f"FILTER(!COALESCE({var} {_PAIRS[parameter]} {other}, false))"), [this, name, other.lstrip("?")]
        if parameter == SH.equals:
            return (f"{{ {focus} {path} {var} . FILTER NOT EXISTS {{ {focus} {value.n3()} {var} }} }} UNION "
                    f"{{ {focus} {value.n3()} {var} . FILTER NOT EXISTS {{ {focus} {path} {var} }} }}"), [this, name]
        if parameter == SH.disjoint:
            return f"{focus} {path} {var} . {focus} {value.n3()} {var} .", [this, name]
        test = self.value_test(shape, parameter, value, var, stack)
        return f"{focus} {path} {var} . FILTER(!({test}))", [this, name]

    def distinct_values(self, focus: str, path: str, n: int) -> str:
        """*n* pairwise different values of *path* at *focus*."""
        names = [self.fresh("n") for _ in range(n)]
        different = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1:]]
        pattern = " ".join(f"{focus} {path} {v} ." for v in names)
        return pattern + (f" FILTER({' && '.join(different)})" if different else "")

    def value_test(self, shape, parameter, value, var: str, stack: tuple) -> str:
        """A SPARQL expression true when the value node *var* satisfies one constraint."""
        g = self.g
        if parameter == SH["class"]:
            return f"EXISTS {{ {var} {_INSTANCE} {value.n3()} }}"
        if parameter == SH.datatype:
            well_typed = f" && COALESCE(sameTerm({value.n3()}({var}), {var}), false)" if value in _CASTABLE else ""
            return f"(isLiteral({var}) && datatype({var}) = {value.n3()}{well_typed})"
        if parameter == SH.nodeKind:
            if value not in _NODE_KINDS:
                raise UnsupportedShapeError(g, shape, parameter, f"unknown node kind {value.n3()}")
            return "(" + " || ".join(f"{kind}({var})" for kind in _NODE_KINDS[value]) + ")"
        if parameter == SH["in"]:
            return "(" + (" || ".join(f"sameTerm({var}, {m.n3()})" for m in g.items(value)) or "false") + ")"
        if parameter == SH.hasValue:
            return f"sameTerm({var}, {value.n3()})"
        if parameter in _RANGES:
            return f"COALESCE({var} {_RANGES[parameter]} {value.n3()}, false)"
        if parameter in (SH.minLength, SH.maxLength):
            n = _count(g, shape, parameter, value)
            if parameter == SH.minLength and n == 0:
                return "true"
            return f"(!isBlank({var}) && STRLEN(STR({var})) {'>=' if parameter == SH.minLength else '<='} {n})"
        if parameter == SH.pattern:
            flags = "".join(f for f in "im" if f in str(g.value(shape, SH.flags) or "").lower())
            return f"(!isBlank({var}) && REGEX(STR({var}), {Literal(str(value)).n3()}, \"{flags}\"))"
        stack = stack + (shape,)
        if parameter == SH["not"]:
            return f"!({self.conforms(value, var, stack)})"
        if parameter == SH.node:
            return self.conforms(value, var, stack)
        tests = [self.conforms(member, var, stack) for member in g.items(value)]
        if parameter == SH.xone:
            return "(" + " + ".join(f"IF({t}, 1, 0)" for t in tests) + " = 1)" if tests else "false"
        return _LOGICAL[parameter].join(f"({t})" for t in tests) or ("true" if parameter == SH["and"] else "false")

    def conforms(self, shape, var: str, stack: tuple) -> str:
        """A SPARQL expression true when *var* conforms to the nested *shape* (its targets ignored)."""
        if shape in stack:
            raise UnsupportedShapeError(self.g, stack[0], SH.node, f"recursive shapes ({shape.n3()})")
        if _deactivated(self.g, shape):
            return "true"
        if self.g.value(shape, SH.path) is not None and (shape, SH.property, None) in self.g:
            raise UnsupportedShapeError(self.g, shape, SH.property, "sh:property on a property shape is not supported")
        tests = []
        for parameter, value in self.constraints(shape, nested=True):
            if self.g.value(shape, SH.path) is None:
                tests.append(self.value_test(shape, parameter, value, var, stack))
            else:
                pattern, _ = self.violation(shape, parameter, value, var, self.fresh("v"), stack)
                tests.append(f"NOT EXISTS {{ {pattern} }}")
        tests += [self.conforms(child, var, stack + (shape,)) for child in self.g.objects(shape, SH.property)]
        return " && ".join(f"({t})" for t in tests) or "true"


def _deactivated(g: Graph, shape) -> bool:
    return g.value(shape, SH.deactivated) == Literal(True)


def _count(g: Graph, shape, parameter, value) -> int:
    number = value.value if isinstance(value, Literal) else None
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        raise UnsupportedShapeError(g, shape, parameter, f"expected a non-negative integer, got {value.n3()}")
    return number
