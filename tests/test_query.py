"""Saved-query machinery: header parsing, typed binding, injection attempts, the `query` command."""

import json
from datetime import date

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from enforcekg import cli
from enforcekg.namespaces import EKG, EKGID
from enforcekg.query import (GROUPS, ParameterError, ParamSpec, SavedQuery, allowed_values, bind_parameters,
                             convert_value, get_query, parameter_specs, parse_param, run_saved_query,
                             saved_queries)
from enforcekg.queryfile import QueryFileError, parse_header, read_query_file
from enforcekg.store import LocalEngine, default_engine

EX = "http://example.org/"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # plain namespaces: pytest probes module attributes
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")

HEADER = """#+ title: A test query
#+ description: Exercises every parameter type.
#+ tags: test, binding
#+ tags: more
#+ param: thing iri required -- the thing
#+ values: thing = SELECT ?value ?label WHERE { ?value a <http://example.org/Thing> ; rdfs:label ?label }
#+ param: name string default="plain text" -- a string
#+ param: label langstring default=判决@zh -- a language-tagged label
#+ param: when date default=2024-01-01 -- a date
#+ param: count integer -- an optional whole number
#+ param: amount decimal default=5000 -- a number
#+ param: flag boolean default=true -- a flag
#+ param: lang string default=en -- a language
#+ values: lang = en | zh
SELECT ?thing ?name ?label ?when ?count ?amount ?flag ?lang WHERE { ?thing ?p ?o }
"""


def fixture_graph() -> Graph:
    g = Graph()
    for local, label in (("a", "alpha"), ("b", "beta"), ("c", "beta")):
        node = URIRef(EX + local)
        g.add((node, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(EX + "Thing")))
        g.add((node, RDFS.label, Literal(label, lang="en")))
    a = URIRef(EX + "a")
    g.add((a, URIRef(EX + "name"), Literal("plain text")))
    g.add((a, URIRef(EX + "label"), Literal("判决", lang="zh")))
    g.add((a, URIRef(EX + "when"), Literal("2024-01-01", datatype=XSD.date)))
    g.add((a, URIRef(EX + "count"), Literal("3", datatype=XSD.integer)))
    g.add((a, URIRef(EX + "amount"), Literal("5000.00", datatype=XSD.decimal)))
    g.add((a, URIRef(EX + "flag"), Literal("true", datatype=XSD.boolean)))
    g.add((a, URIRef(EX + "secret"), Literal("hidden")))
    return g


@pytest.fixture(scope="module")
def small_engine():
    engine = LocalEngine(graph=fixture_graph())
    yield engine
    engine.close()


@pytest.fixture
def test_query(tmp_path) -> SavedQuery:
    path = tmp_path / "test-query.rq"
    path.write_text(HEADER, encoding="utf-8")
    qf = read_query_file(path)
    return SavedQuery(qf, "explore", parameter_specs(path))


# --------------------------------------------------------------------------- header


def test_header_keys_and_repeatable_fields():
    header = parse_header(HEADER)
    assert header["title"] == "A test query"
    assert header["tags"] == ["test, binding", "more"]
    assert len(header["param"]) == 8 and len(header["values"]) == 2


def test_qa_style_headers_still_parse():
    header = parse_header("#+ title: T\n#+ description: D\n#+ severity: WARN\nSELECT * WHERE {}")
    assert header == {"title": "T", "description": "D", "severity": "WARN"}


def test_parameter_specs_from_a_file(test_query):
    specs = {p.name: p for p in test_query.params}
    assert list(specs) == ["thing", "name", "label", "when", "count", "amount", "flag", "lang"]
    assert specs["thing"] == ParamSpec("thing", "iri", None, True, "the thing", None,
                                       "SELECT ?value ?label WHERE { ?value a <http://example.org/Thing> ; rdfs:label ?label }")
    assert specs["name"].default == "plain text" and not specs["name"].required
    assert specs["label"].default == "判决@zh"
    assert specs["count"].default is None and not specs["count"].required
    assert specs["lang"].values == ["en", "zh"]
    assert test_query.tags == ["test", "binding", "more"]


@pytest.mark.parametrize("line, message", [
    ("x", "needs a name and a type"),
    ("x colour", "unknown type 'colour'"),
    ("1x string", "not a SPARQL variable name"),
    ("x string sometimes", "unknown option"),
    ('x string default="unclosed', "bad #\\+ param line"),
])
def test_bad_param_lines(line, message):
    with pytest.raises(QueryFileError, match=message):
        parse_param(line, "q.rq")


def test_param_line_variants():
    spec = parse_param("?country iri required default=ekgid:country-fr -- the state -- with dashes")
    assert (spec.name, spec.type, spec.required, spec.default) == ("country", "iri", True, "ekgid:country-fr")
    assert spec.help == "the state -- with dashes"


@pytest.mark.parametrize("header, message", [
    ("#+ param: d date default=2024-13-01\n", "expects a date"),
    ("#+ param: n integer default=many\n", "expects a whole number"),
    ("#+ param: l string default=fr\n#+ values: l = en | zh\n", "not among the allowed values"),
    ("#+ values: ghost = a | b\n", "declared parameter"),
    ("#+ param: a string\n#+ param: a string\n", "declared twice"),
])
def test_bad_headers_are_the_authors_error(tmp_path, header, message):
    path = tmp_path / "bad.rq"
    path.write_text("#+ title: t\n#+ description: d\n" + header + "SELECT * WHERE {}", encoding="utf-8")
    with pytest.raises(QueryFileError, match=message):
        parameter_specs(path)


# --------------------------------------------------------------------------- conversion


def spec(kind, **kw):
    return ParamSpec("p", kind, **kw)


@pytest.mark.parametrize("kind, raw, expected", [
    ("iri", "ekgid:country-fr", EKGID["country-fr"]),
    ("iri", "ekg:Remedy", EKG["Remedy"]),
    ("iri", "https://example.org/x", URIRef("https://example.org/x")),
    ("iri", "<https://example.org/x>", URIRef("https://example.org/x")),
    ("iri", "urn:isbn:123", URIRef("urn:isbn:123")),
    ("iri", "rdfs:label", RDFS.label),
    ("string", "anything \"} at all", Literal("anything \"} at all")),
    ("langstring", "支付令@zh", Literal("支付令", lang="zh")),
    ("langstring", "payment order@EN", Literal("payment order", lang="en")),
    ("langstring", "a@b.com@en-GB", Literal("a@b.com", lang="en-gb")),
    ("date", "2025-03-01", Literal("2025-03-01", datatype=XSD.date)),
    ("integer", "30", Literal("30", datatype=XSD.integer)),
    ("integer", "-007", Literal("-7", datatype=XSD.integer)),
    ("decimal", "5000", Literal("5000", datatype=XSD.decimal)),
    ("decimal", "0.5", Literal("0.5", datatype=XSD.decimal)),
    ("boolean", "TRUE", Literal("true", datatype=XSD.boolean)),
    ("boolean", "no", Literal("false", datatype=XSD.boolean)),
])
def test_values_become_typed_terms(kind, raw, expected):
    term = convert_value(spec(kind), raw)
    assert term == expected and type(term) is type(expected)
    if isinstance(expected, Literal):
        assert (term.datatype, term.language) == (expected.datatype, expected.language)


def test_today_is_a_date():
    assert convert_value(spec("date"), "today") == Literal(date.today().isoformat(), datatype=XSD.date)


@pytest.mark.parametrize("kind, raw, message", [
    ("iri", "France", "expects an IRI"),
    ("iri", "ekgid:country fr", "expects an IRI"),
    ("iri", "foo:bar", "unknown prefix 'foo'"),
    ("iri", "<not an iri>", "expects an IRI"),
    ("iri", "https://x.org/a> } ; DROP ALL ; <b", "expects an IRI"),
    ("iri", "javascript:alert(1)", "unknown prefix 'javascript'"),
    ("langstring", "no tag here", "text with a language tag"),
    ("langstring", "@en", "text with a language tag"),
    ("date", "2025-02-30", "a date as YYYY-MM-DD"),
    ("date", "01/03/2025", "a date as YYYY-MM-DD"),
    ("date", "20250301", "a date as YYYY-MM-DD"),
    ("integer", "3.5", "a whole number"),
    ("integer", "30 days", "a whole number"),
    ("decimal", "5,000", "a number"),
    ("decimal", "NaN", "a number"),
    ("boolean", "maybe", "true or false"),
])
def test_wrong_values_name_the_parameter_and_what_was_expected(kind, raw, message):
    with pytest.raises(ParameterError, match=message) as info:
        convert_value(spec(kind), raw)
    assert "parameter 'p'" in str(info.value)


def test_overlong_values_are_refused():
    with pytest.raises(ParameterError, match="too long"):
        convert_value(spec("string"), "x" * 5000)


# --------------------------------------------------------------------------- binding


def test_defaults_apply_and_optional_parameters_stay_unbound(test_query, small_engine):
    bindings = bind_parameters(test_query, {"thing": EX + "a"}, small_engine)
    assert bindings == {
        "thing": URIRef(EX + "a"), "name": Literal("plain text"), "label": Literal("判决", lang="zh"),
        "when": Literal("2024-01-01", datatype=XSD.date), "amount": Literal("5000", datatype=XSD.decimal),
        "flag": Literal("true", datatype=XSD.boolean), "lang": Literal("en"),
    }
    assert "count" not in bindings


def test_required_unknown_and_enumerated_values(test_query, small_engine):
    with pytest.raises(ParameterError, match="parameter 'thing' is required"):
        bind_parameters(test_query, {}, small_engine)
    with pytest.raises(ParameterError, match="has no parameter 'colour'"):
        bind_parameters(test_query, {"thing": EX + "a", "colour": "red"}, small_engine)
    with pytest.raises(ParameterError, match="parameter 'lang': 'fr' is not one of the allowed values: en, zh"):
        bind_parameters(test_query, {"thing": EX + "a", "lang": "fr"}, small_engine)
    with pytest.raises(ParameterError, match="parameter 'thing': .* is not one of the allowed values"):
        bind_parameters(test_query, {"thing": EX + "zzz"}, small_engine)
    # an enumerated IRI may be named by its label when that is unambiguous
    assert bind_parameters(test_query, {"thing": "Alpha"}, small_engine)["thing"] == URIRef(EX + "a")
    with pytest.raises(ParameterError, match="label of several allowed values"):
        bind_parameters(test_query, {"thing": "beta"}, small_engine)  # two things are called beta


def test_allowed_values_from_a_query_and_a_list(test_query, small_engine):
    specs = {p.name: p for p in test_query.params}
    assert sorted(str(t) for t, _ in allowed_values(specs["thing"], small_engine)) == [EX + "a", EX + "b", EX + "c"]
    assert allowed_values(specs["lang"]) == [(Literal("en"), "en"), (Literal("zh"), "zh")]
    assert allowed_values(specs["name"]) is None


@pytest.mark.parametrize("predicate, raw", [
    ("name", "plain text"),
    ("label", "判决@zh"),
    ("when", "2024-01-01"),
    ("count", "3"),
    ("amount", "5000"),
    ("flag", "true"),
])
def test_every_type_binds_and_matches_the_data(tmp_path, small_engine, predicate, raw):
    """A typed value matches the stored literal of the same type (5000 matches 5000.00 as decimals)."""
    kind = {"name": "string", "label": "langstring", "when": "date", "count": "integer", "amount": "decimal",
            "flag": "boolean"}[predicate]
    path = tmp_path / "bind.rq"
    path.write_text(f"#+ title: t\n#+ description: d\n#+ param: v {kind} required -- v\n"
                    f"SELECT ?s ?v WHERE {{ ?s <{EX}{predicate}> ?v }}", encoding="utf-8")
    query = SavedQuery(read_query_file(path), "explore", parameter_specs(path))
    result = run_saved_query(query, {"v": raw}, small_engine, timeout=5)
    assert result.variables == ["s"]  # the bound parameter's column is dropped
    assert result.rows == [(URIRef(EX + "a"),)]
    kept = run_saved_query(query, {"v": raw}, small_engine, timeout=None, keep_parameter_columns=True)
    assert kept.variables == ["s", "v"]


def test_wrong_type_does_not_match(tmp_path, small_engine):
    """"3" as a string is not the integer 3: binding is typed, not textual."""
    path = tmp_path / "typed.rq"
    path.write_text(f"#+ title: t\n#+ description: d\n#+ param: v string required -- v\n"
                    f"SELECT ?s ?v WHERE {{ ?s <{EX}count> ?v }}", encoding="utf-8")
    query = SavedQuery(read_query_file(path), "explore", parameter_specs(path))
    assert run_saved_query(query, {"v": "3"}, small_engine, timeout=None).rows == []


INJECTIONS = [
    '"} ; DROP ALL ; #',
    "x\" . ?s ?p ?o } #",
    "') } UNION { ?s ?p ?o } #",
    '"""} INSERT DATA { <http://a> <http://b> <http://c> } #',
    "\\u0022 } ; CLEAR ALL",
    "alpha\" || true || \"",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_attempts_cannot_change_the_query(tmp_path, small_engine, payload):
    path = tmp_path / "search.rq"
    text = (f"#+ title: t\n#+ description: d\n#+ param: text string required -- t\n"
            f"SELECT ?s ?text WHERE {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l "
            f"FILTER(CONTAINS(LCASE(STR(?l)), LCASE(?text))) }}")
    path.write_text(text, encoding="utf-8")
    query = SavedQuery(read_query_file(path), "explore", parameter_specs(path))
    before = len(small_engine.store)
    seen = []
    original = small_engine.select

    def spy(query_text, bindings=None, **kw):
        seen.append(query_text)
        return original(query_text, bindings, **kw)

    small_engine.select = spy
    try:
        result = run_saved_query(query, {"text": payload}, small_engine, timeout=5)
    finally:
        del small_engine.select
    assert result.rows == []  # nothing has such a label; the secret is not revealed
    assert seen == [read_query_file(path).text]  # the text sent to the store is the file's, untouched
    assert len(small_engine.store) == before
    langstring = SavedQuery(read_query_file(path), "explore", [ParamSpec("text", "langstring", required=True)])
    with pytest.raises(ParameterError):  # a payload without a valid language tag is refused outright
        run_saved_query(langstring, {"text": payload}, small_engine)


def test_iri_injection_is_refused(test_query, small_engine):
    with pytest.raises(ParameterError, match="expects an IRI"):
        bind_parameters(test_query, {"thing": "http://example.org/a> ?p ?o } UNION { ?s ?p"}, small_engine)


# --------------------------------------------------------------------------- the saved library


def test_library_has_every_group_and_at_least_thirty_queries():
    queries = saved_queries()
    assert len(queries) >= 30
    assert {q.group for q in queries} == set(GROUPS)


@pytest.mark.parametrize("query", saved_queries(), ids=lambda q: q.name)
def test_every_saved_query_is_well_formed(query):
    from rdflib.plugins.sparql.parser import parseQuery

    assert query.title and query.description and query.tags
    parseQuery(query.text)  # self-contained: its own PREFIX lines, no project prologue needed
    body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    projection = body[body.upper().index("SELECT"):body.upper().index("WHERE")]
    for param in query.params:
        assert param.help, f"{query.name}: parameter {param.name} has no help text"
        assert f"?{param.name}" in projection, f"{query.name}: parameter ?{param.name} must be projected"
        assert f"BOUND(?{param.name})" not in body.replace(" ", ""), "BOUND() on a parameter is folded away"
        assert f"(?{param.name} AS" not in body, "BIND(?param AS ?x) is folded away"
    if "values:" in query.text:
        for param in query.params:
            options = allowed_values(param, default_engine())
            assert options is None or options, f"{query.name}: no allowed values for {param.name}"


def test_get_query_by_name_and_path_and_suggestions():
    assert get_query("explore/class-tree").name == "class-tree"
    assert get_query("class-tree.rq").group == "explore"
    with pytest.raises(KeyError, match="did you mean class-tree"):
        get_query("class-tre")


# --------------------------------------------------------------------------- command line


def test_query_list_shows_every_query_with_its_description(capsys):
    assert cli.main(["query", "list"]) == 0
    out = capsys.readouterr().out
    for query in saved_queries():
        assert f"{query.name}: {query.title}" in out
        assert query.description in out
    assert cli.main(["query", "list", "--format", "json", "--group", "explore"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {item["group"] for item in data} == {"explore"}
    assert all("params" in item for item in data)


def test_query_show_prints_parameters_and_sparql(capsys):
    assert cli.main(["query", "show", "search-labels"]) == 0
    out = capsys.readouterr().out
    assert "text (string; default preservation)" in out
    assert "allowed: en | zh" in out
    assert "SELECT" in out
    assert cli.main(["query", "show", "class-tree", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["params"][1]["allowed"] == [{"value": "en", "label": "en"}, {"value": "zh", "label": "zh"}]


def test_query_run_errors_exit_2_with_a_clear_message(capsys):
    assert cli.main(["query", "run", "no-such-query"]) == 2
    assert "no saved query called 'no-such-query'" in capsys.readouterr().err
    assert cli.main(["query", "run", "class-tree", "--param", "root=Remedy"]) == 2
    assert "parameter 'root' expects an IRI" in capsys.readouterr().err
    assert cli.main(["query", "run", "class-tree", "--param", "lang=fr"]) == 2
    assert "parameter 'lang': 'fr' is not one of the allowed values: en, zh" in capsys.readouterr().err
    assert cli.main(["query", "run", "class-tree", "--param", "nonsense"]) == 2
    assert "--param expects NAME=VALUE" in capsys.readouterr().err
    assert cli.main(["query"]) == 2


def test_query_run_formats(capsys):
    assert cli.main(["query", "run", "guide-sections", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "section" in data["head"]["vars"]
    assert cli.main(["query", "run", "guide-sections", "--format", "csv", "--limit", "2"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[1].startswith("https://w3id.org/enforcekg/id/guide-s1-1,")
    assert len(captured.out.splitlines()) == 3 and "first 2 rows" in captured.err
