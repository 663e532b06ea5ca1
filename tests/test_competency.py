"""Competency questions: questions the guide answers, asked of the graph with its OWL 2 RL closure.

Each ``tests/competency/*.rq`` file states the question, the guide section, the SPARQL and the
expected answer in its header: ``#+ expect:`` (the first column's values, exactly; for ASK the
boolean), ``#+ expect-includes:`` and ``#+ expect-excludes:``.
"""

from pathlib import Path

import pytest
from pyoxigraph import QueryBoolean

from enforcekg.load import to_oxigraph
from enforcekg.namespaces import PREFIXES
from enforcekg.queryfile import read_query_dir
from enforcekg.reason import ontology_closure

QUESTIONS = read_query_dir(Path(__file__).parent / "competency", required=("question", "source"))


def _curie(value: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if value.startswith(str(namespace)):
            return f"{prefix}:{value[len(str(namespace)):]}"
    return value


def _header_list(header, key):
    value = header.get(key, [])
    return value if isinstance(value, list) else [value]


@pytest.fixture(scope="module")
def closure_store():
    return to_oxigraph(ontology_closure())


def test_there_are_at_least_twenty_competency_questions():
    assert len(QUESTIONS) >= 20


@pytest.mark.parametrize("cq", QUESTIONS, ids=lambda q: q.name)
def test_competency_question(cq, closure_store):
    result = closure_store.query(cq.text)
    if isinstance(result, QueryBoolean):
        answers = {str(bool(result)).lower()}
    else:
        answers = {_curie(row[0].value) for row in result if row[0] is not None}
    expected = set(_header_list(cq.header, "expect"))
    assert expected or cq.header.get("expect-includes"), f"{cq.path} states no expected answer"
    if expected:
        assert answers == expected, cq.header["question"]
    for value in _header_list(cq.header, "expect-includes"):
        assert value in answers, f"{cq.header['question']}: {value} missing from {sorted(answers)}"
    for value in _header_list(cq.header, "expect-excludes"):
        assert value not in answers, f"{cq.header['question']}: {value} should not be an answer"
