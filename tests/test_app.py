"""The Streamlit app, page by page, through streamlit.testing.v1.AppTest (no browser)."""

import os

import pytest
from streamlit.testing.v1 import AppTest

from enforcekg.paths import DATA_DIR, EXAMPLES_DIR, ROOT, TEMPLATES_DIR

from oxigraph_server import free_port

APP = str(ROOT / "app.py")
os.environ.setdefault("ENFORCEKG_BUILD_DOCS", "0")  # the HTML documentation is not needed here
TIMEOUT = 120
TEMPLATE = TEMPLATES_DIR / "matters.csv"
SCENARIOS_DIR = DATA_DIR / "scenarios"


def start(page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if page:
        at.query_params["page"] = page
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
    parts += [w.value for w in at.warning] + [i.value for i in at.info] + [s.value for s in at.success]
    parts += [h.value for h in at.title] + [h.value for h in at.subheader]
    return "\n".join(str(p) for p in parts)


def button(at, label: str):
    matches = [b for b in at.button if b.label == label or b.label.startswith(label)]
    assert matches, f"no button {label!r}; have {[b.label for b in at.button][:20]}"
    return matches[0]


@pytest.mark.parametrize("page,title", [
    ("explore", "Explore the graph"), ("queries", "Saved queries"), ("sparql", "SPARQL workbench"),
    ("assess", "Assess a matter"), ("validate", "Validate matters"), ("source", "Data source"),
])
def test_every_page_renders(page, title):
    at = start(page)
    assert at.title[0].value == title
    assert at.sidebar.radio[0].value == page


def test_sidebar_switches_pages():
    at = start()
    assert at.title[0].value == "Explore the graph"
    at.sidebar.radio[0].set_value("validate").run()
    assert not at.exception and at.title[0].value == "Validate matters"
    assert at.query_params["page"] == "validate" or at.query_params["page"] == ["validate"]


# --------------------------------------------------------------------------- Explore


def test_explore_shows_counts_and_class_tree():
    at = start()
    labels = [m.label for m in at.metric]
    assert "Classes" in labels and "Individuals" in labels
    assert int(at.metric[0].value.replace(",", "")) > 100
    assert any(e.label.startswith("Class hierarchy (") for e in at.expander)


@pytest.mark.parametrize("text", ["sole shareholder", "一人公司", "一人有限责任公司"])
def test_explore_search_and_open_term(text):
    at = start()
    at.text_input(key="search").set_value(text).run()
    hit = button(at, "debtor is a one-person (sole shareholder) limited company")
    hit.click().run()
    assert not at.exception
    assert at.subheader[0].value == "debtor is a one-person (sole shareholder) limited company"
    assert at.session_state["term"] == "ekgid:cond-sole-shareholder-company"
    assert [t.label for t in at.tabs][0] == "Neighbourhood graph"


def test_explore_search_without_hits():
    at = start()
    at.text_input(key="search").set_value("qqq-nothing-like-this").run()
    assert "No term has a label containing" in texts(at)


def test_explore_term_from_url_and_language():
    at = start("explore", term="ekgid:cond-sole-shareholder-company")
    assert at.subheader[0].value == "debtor is a one-person (sole shareholder) limited company"
    at.sidebar.radio[1].set_value("zh").run()
    assert at.subheader[0].value == "被执行人为一人有限责任公司"
    button(at, "Close").click().run()
    assert not at.subheader and "term" not in at.session_state


def test_explore_unknown_term():
    at = start("explore", term="ekgid:no-such-term")
    assert "The graph says nothing about" in texts(at)


def test_explore_inferred_toggle():
    at = start("explore", term="ekg:Remedy")
    assert at.toggle(key="show-inferred").value is True
    at.toggle(key="show-inferred").set_value(False).run()
    assert not at.exception


# --------------------------------------------------------------------------- Saved queries


def test_saved_query_remedies_for_insolvent_sole_shareholder():
    at = start("queries", query="remedies-for-debtor-profile")
    assert next(s for s in at.selectbox if s.label == "Query").value == "remedies-for-debtor-profile"
    form = {s.key: s for s in at.selectbox}
    assert form["param-remedies-for-debtor-profile-condition1"].value.endswith("cond-sole-shareholder-company")
    assert form["param-remedies-for-debtor-profile-condition2"].value.endswith("cond-debtor-insolvent")
    button(at, "Run query").click().run()
    assert not at.exception and not at.error
    frame = at.dataframe[0].value
    cells = " ".join(str(v) for v in frame.to_numpy().ravel())
    assert "remedy-joinder-sole-shareholder" in cells
    assert "remedy-transfer-to-bankruptcy" in cells
    assert "condition3" not in frame.columns  # unbound and empty: left out
    assert {b.label for b in at.get("download_button")} >= {"Download CSV", "Download JSON"}


def test_saved_query_can_be_switched_and_stays_chosen():
    at = start("queries")
    target = "treaty-partners"
    next(s for s in at.selectbox if s.label == "Query").set_value(target).run()
    assert next(s for s in at.selectbox if s.label == "Query").value == target
    at.run()  # a later rerun keeps the choice
    assert next(s for s in at.selectbox if s.label == "Query").value == target
    assert at.session_state["saved-query"] == target


def test_saved_query_form_reports_bad_values_in_plain_words():
    from enforcekg.query import saved_queries

    query = next((q for q in saved_queries() if any(p.type == "integer" and not p.enumerated for p in q.params)), None)
    if query is None:
        pytest.skip("no saved query with a free integer parameter")
    spec = next(p for p in query.params if p.type == "integer" and not p.enumerated)
    at = start("queries", query=query.name)
    at.text_input(key=f"param-{query.name}-{spec.name}").set_value("many")  # committed with the form
    button(at, "Run query").click().run()
    assert any("Check the form" in e.value and spec.name in e.value for e in at.error)


def test_saved_query_with_a_numeric_column_draws_a_chart():
    from enforcekg.query import run_saved_query, saved_queries
    from enforcekg.app_pages.results import numeric_columns

    for query in saved_queries():
        if query.group == "analytics" or any(p.required and p.default is None for p in query.params):
            continue
        result = run_saved_query(query, {}, timeout=None)
        numbers = numeric_columns(result)
        if numbers and len(numbers) < len(result.variables) and 1 < len(result.rows) <= 200:
            break
    else:
        pytest.skip("no saved query answers with a numeric column")
    at = start("queries", query=query.name)
    button(at, "Run query").click().run()
    assert not at.exception
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"), "expected a bar chart"


# --------------------------------------------------------------------------- SPARQL workbench


def workbench() -> AppTest:
    at = start("sparql")
    at.toggle(key="plain-editor").set_value(True).run()
    return at


def run_sparql(at: AppTest, text: str, timeout: float | None = None) -> AppTest:
    area = [t for t in at.text_area if t.key.startswith("text-")][0]
    area.set_value(text).run()
    if timeout:
        at.number_input(key="sparql-timeout").set_value(timeout).run()
    at.button(key="sparql-run").click().run()
    assert not at.exception
    return at


def test_workbench_preloads_prefixes_and_runs_the_example():
    at = workbench()
    area = [t for t in at.text_area if t.key.startswith("text-")][0]
    assert "PREFIX ekg: <https://w3id.org/enforcekg/def#>" in area.value
    at.button(key="sparql-run").click().run()
    assert not at.error
    assert len(at.dataframe[0].value) > 5


def test_workbench_refuses_updates_in_plain_words():
    at = run_sparql(workbench(), "DELETE WHERE { ?s ?p ?o }")
    assert "refused" in at.error[0].value and "read-only" in at.error[0].value


def test_workbench_reports_syntax_errors():
    at = run_sparql(workbench(), "SELECT ?x WHERE { ?x ekg:nope }")
    assert "not a valid SPARQL query" in at.error[0].value


def test_workbench_row_cap():
    at = workbench()
    at.number_input(key="sparql-limit").set_value(3).run()
    at = run_sparql(at, "SELECT ?s WHERE { ?s a owl:Class }")
    assert len(at.dataframe[0].value) == 3
    assert any("Only the first 3 rows" in w.value for w in at.warning)


def test_workbench_ask_and_construct():
    at = run_sparql(workbench(), "ASK { ekg:Remedy a owl:Class }")
    assert at.metric[0].value == "true"
    at = run_sparql(at, "CONSTRUCT { ekg:Remedy rdfs:label ?l } WHERE { ekg:Remedy rdfs:label ?l }")
    assert "ekg:Remedy" in at.code[-1].value or "Remedy" in at.code[-1].value


def test_workbench_timeout():
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    at = run_sparql(workbench(), query, timeout=1.0)
    assert "stopped" in at.error[0].value and "raise the time limit" in at.error[0].value


# --------------------------------------------------------------------------- Validate


def test_validate_an_uploaded_turtle_file():
    example = sorted(EXAMPLES_DIR.glob("*.ttl"))
    if not example:
        pytest.skip("no example matters yet")
    at = start("validate")
    at.file_uploader[0].set_value((example[0].name, example[0].read_bytes(), "text/turtle")).run()
    assert not at.exception
    body = texts(at)
    assert "matter(s) checked" in body
    assert any(e.label.startswith("Matter ") for e in at.expander)
    assert {b.label for b in at.get("download_button")} >= {"Download report (text)", "Download report (JSON)"}


def test_validate_reports_unreadable_files_plainly():
    at = start("validate")
    at.file_uploader[0].set_value(("broken.ttl", b"@prefix ekg: <https://w3id.org/enforcekg/def#> .\nthis is not turtle",
                                   "text/turtle")).run()
    assert not at.exception
    assert "could not be read" in at.error[0].value and "broken.ttl" in at.error[0].value


def test_validate_refuses_large_uploads(monkeypatch):
    at = start("validate")
    big = b"#" * int(5.5 * 1024 * 1024)
    at.file_uploader[0].set_value(("huge.ttl", big, "text/turtle")).run()
    assert not at.exception
    assert any("are refused here" in e.value for e in at.error)


@pytest.mark.skipif(not TEMPLATE.exists(), reason="data/templates/matters.csv is not there yet")
def test_validate_the_csv_template():
    at = start("validate")
    button(at, "Validate the CSV template").click().run()
    assert not at.exception
    assert "matter(s) checked" in texts(at)


# --------------------------------------------------------------------------- Assess


assess_missing = False
try:
    import enforcekg.assess  # noqa: F401
except ImportError:
    assess_missing = True
needs_assess = pytest.mark.skipif(assess_missing, reason="enforcekg.assess is not there yet")


def test_assess_page_without_the_module(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_assess(name, globals=None, locals=None, fromlist=(), level=0):
        if fromlist and "assess" in fromlist and (name in ("", "enforcekg") or name.endswith("enforcekg")):
            raise ImportError("no assess")
        return real_import(name, globals, locals, fromlist, level)

    monkeypatch.setattr(builtins, "__import__", no_assess)
    at = start("assess")
    assert "not available" in texts(at)


def questions(at) -> set:
    return {w.key for w in at.segmented_control} | {w.key for w in at.selectbox} | {w.key for w in at.radio}


@needs_assess
def test_assess_asks_only_relevant_questions():
    at = start("assess")
    keys = questions(at)
    assert "q-place" in keys and "q-instrument_final" in keys          # a foreign judgment: where from, final?
    assert "q-debtor_sole_shareholder" in keys                          # the default debtor is a company
    assert "q-debtor_sole_shareholder_proves_separate_assets" not in keys
    assert "q-instrument_service_method" not in keys and "q-service" not in keys
    at.segmented_control(key="q-debtor_sole_shareholder").set_value("yes").run()
    assert "q-debtor_sole_shareholder_proves_separate_assets" in questions(at)
    at.segmented_control(key="q-instrument_default").set_value("yes").run()
    assert "q-service" in questions(at)                                 # a default judgment: how was it served?
    at.selectbox(key="q-kind").set_value("PaymentOrder").run()
    keys = questions(at)
    assert "q-place" not in keys and "q-instrument_final" not in keys   # domestic: no recognition questions
    at.selectbox(key="q-debtor-type").set_value("natural-person").run()
    assert "q-debtor_sole_shareholder" not in questions(at)


@needs_assess
def test_assess_an_insolvent_sole_shareholder_debtor_from_the_form():
    at = start("assess")
    at.selectbox(key="q-place").set_value("GB").run()
    at.segmented_control(key="q-debtor_sole_shareholder").set_value("yes").run()
    at.segmented_control(key="q-debtor_insolvent").set_value("yes").run()
    at.button(key="assess-run").click().run()
    assert not at.exception and not at.error
    assert at.subheader[0].value.startswith("Assessment of matter M-FORM")
    body = texts(at)
    assert "transfer from enforcement to bankruptcy review" in body
    assert "joinder of sole shareholder" in body and "Missing" in body
    labels = {b.label for b in at.get("download_button")}
    assert {"Matter as Turtle", "Matter as JSON-LD"} <= labels
    # a changed answer asks for a new assessment
    at.segmented_control(key="q-debtor_insolvent").set_value("no").run()
    assert any("press **Assess** again" in i.value for i in at.info)


@needs_assess
@pytest.mark.parametrize("suffix", ["ttl", "jsonld"])
def test_assess_a_matter_downloaded_from_the_form_can_be_loaded_again(suffix):
    from enforcekg.app_pages.assess_form import matter_files, row_to_case

    row = {"matter_id": "M-FORM", "instrument_kind": "PaymentOrder", "applicant_name": "A", "applicant_type": "company",
           "debtor_name": "D", "debtor_type": "company", "debtor_insolvent": "yes"}
    case, _ = row_to_case(row)
    data = matter_files(case)[suffix].encode("utf-8")
    at = start("assess")
    at.radio(key="assess-source").set_value("file").run()
    at.file_uploader(key="assess-upload").set_value((f"matter.{suffix}", data, "text/plain")).run()
    at.button(key="assess-run").click().run()
    assert not at.exception and not at.error
    assert at.subheader[0].value.startswith("Assessment of matter M-FORM")


@needs_assess
def test_assess_an_example_file():
    examples = sorted(EXAMPLES_DIR.glob("*.ttl"))
    if not examples:
        pytest.skip("no example matters yet")
    at = start("assess")
    at.radio(key="assess-source").set_value("file").run()
    at.file_uploader(key="assess-upload").set_value((examples[0].name, examples[0].read_bytes(), "text/turtle")).run()
    at.button(key="assess-run").click().run()
    assert not at.exception and not at.error
    assert at.subheader[0].value.startswith("Assessment of matter")
    assert any(e.label.startswith("1. ") for e in at.expander)


# --------------------------------------------------------------------------- Data source


def test_data_source_embedded():
    at = start("source")
    assert "Embedded graph" in at.success[0].value
    assert "ENFORCEKG_ENDPOINT" in texts(at)


def test_data_source_endpoint_down(monkeypatch):
    monkeypatch.setenv("ENFORCEKG_ENDPOINT", f"http://127.0.0.1:{free_port()}/query")
    at = start("source")
    assert "Remote SPARQL endpoint" in at.success[0].value
    assert any("does not answer" in e.value for e in at.error)
    at = start("explore")  # the pages say what is wrong instead of failing
    assert any("could not be answered" in e.value for e in at.error)
    at = start("assess")
    at.radio(key="assess-source").set_value("server").run()
    assert not at.exception and any("could not be listed" in e.value for e in at.error)


def test_data_source_bad_endpoint_falls_back_to_the_embedded_graph(monkeypatch):
    monkeypatch.setenv("ENFORCEKG_ENDPOINT", "ftp://example.org/sparql")
    at = start("source")
    assert "Embedded graph" in at.success[0].value
    assert any("cannot be used" in w.value for w in at.warning)
    assert "server" not in start("assess").radio(key="assess-source").options


# --------------------------------------------------------------------------- a real SPARQL server

ON_SERVER = [EXAMPLES_DIR / "m13-sequence-and-content-errors.ttl", SCENARIOS_DIR / "02-english-judgment-reciprocity.ttl"]


@pytest.fixture(scope="module")
def published(server):
    """The graph and two case files published to a real Oxigraph server; its query URL."""
    from enforcekg.dataset import build
    from enforcekg.publish import publish
    from enforcekg.remote import RemoteEngine

    publish(RemoteEngine(server.query_url, timeout=60), build(ON_SERVER))
    return server.query_url


def server_matters(published, path):
    """The matters of one published file, as the app lists them."""
    from enforcekg.casesource import list_matters
    from enforcekg.intake import read_files
    from enforcekg.remote import RemoteEngine

    iris = {str(node) for node in read_files([path]).matters()}
    return [m for m in list_matters(RemoteEngine(published)) if m.iri in iris]


@pytest.mark.server
def test_the_app_on_a_real_sparql_server(published, monkeypatch):
    monkeypatch.setenv("ENFORCEKG_ENDPOINT", published)
    at = start("source")
    assert "Remote SPARQL endpoint" in at.success[0].value and not at.error
    at = start()
    assert any("SPARQL endpoint" in c.value for c in at.sidebar.caption)
    at.text_input(key="search").set_value("一人公司").run()
    button(at, "debtor is a one-person (sole shareholder) limited company").click().run()
    assert not at.exception and not at.error
    assert at.subheader[0].value == "debtor is a one-person (sole shareholder) limited company"
    at = start("queries", query="remedies-for-debtor-profile")
    button(at, "Run query").click().run()
    cells = " ".join(str(v) for v in at.dataframe[0].value.to_numpy().ravel())
    assert "remedy-joinder-sole-shareholder" in cells
    at = workbench()
    at.button(key="sparql-run").click().run()
    assert not at.error and len(at.dataframe[0].value) > 5


@pytest.mark.server
@needs_assess
def test_assess_a_matter_on_the_server_as_from_its_file(published, monkeypatch):
    path = ON_SERVER[1]
    at = start("assess")
    at.radio(key="assess-source").set_value("file").run()
    at.file_uploader(key="assess-upload").set_value((path.name, path.read_bytes(), "text/turtle")).run()
    at.button(key="assess-run").click().run()
    from_file = texts(at.main)
    monkeypatch.setenv("ENFORCEKG_ENDPOINT", published)
    at = start("assess")
    at.radio(key="assess-source").set_value("server").run()
    at.multiselect(key="assess-server").set_value(server_matters(published, path)).run()
    at.button(key="assess-run").click().run()
    assert not at.exception and not at.error
    assert at.subheader[0].value.startswith("Assessment of matter S02")
    assert texts(at.main) == from_file


@pytest.mark.server
def test_validate_matters_on_the_server_as_their_file(published, monkeypatch):
    path = ON_SERVER[0]
    at = start("validate")
    at.file_uploader[0].set_value((path.name, path.read_bytes(), "text/turtle")).run()
    from_file = [m.value for m in at.markdown] + [e.value for e in [*at.error, *at.success]]
    labels = [e.label.replace(f" · {path.name}", "") for e in at.expander]
    monkeypatch.setenv("ENFORCEKG_ENDPOINT", published)
    at = start("validate")
    at.radio(key="validate-source").set_value("server").run()
    at.multiselect(key="validate-server").set_value(server_matters(published, path)).run()
    assert not at.exception
    assert [m.value for m in at.markdown] + [e.value for e in [*at.error, *at.success]] == from_file
    assert [e.label for e in at.expander] == labels and "violation(s)" in " ".join(labels)
