"""Scenario tests: every file in data/scenarios is a matter plus its expected answers, as data.

A scenario states its expectations on the matter with the ekg:expect* properties of
ontology/assessment.ttl; this module checks each against the assessment. A knowledge engineer
adds a scenario by adding a Turtle file — no Python.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from enforcekg.assess import assess
from enforcekg.intake import read_files
from enforcekg.namespaces import EKG
from enforcekg.paths import DATA_DIR

SCENARIO_DIR = DATA_DIR / "scenarios"
SCENARIOS = sorted(SCENARIO_DIR.glob("*.ttl"))
E = str(EKG)


def _values(triples, subject, prop):
    return [t.object for t in triples if t.subject.value == subject and t.predicate.value == E + prop]


def _findings(result, key, iri, status=None):
    return [f for f in result.findings
            if isinstance(f.get(key), dict) and f[key]["iri"] == iri
            and (status is None or f["status"].get("notation") == status)]


def expectation_failures(result) -> list[str]:
    """Every expectation of the scenario matter that the assessment does not meet."""
    triples, matter, failures = result.triples, result.matter, []

    def check(ok, message):
        if not ok:
            failures.append(message)

    for route in _values(triples, matter, "expectRoute"):
        check(_findings(result, "routeKind", route.value), f"route {route.value} not found")
    for mechanism in _values(triples, matter, "expectMechanism"):
        check(_findings(result, "mechanism", mechanism.value, "applies"), f"{mechanism.value} does not apply")
    for mechanism in _values(triples, matter, "expectPossibleMechanism"):
        check(_findings(result, "mechanism", mechanism.value, "possible"), f"{mechanism.value} is not reported as possible")
    for mechanism in _values(triples, matter, "expectNotMechanism"):
        check(not _findings(result, "mechanism", mechanism.value, "applies"), f"{mechanism.value} applies but should not")
    for mechanism in _values(triples, matter, "expectNotYetInForce"):
        found = _findings(result, "mechanism", mechanism.value, "not-yet-in-force")
        check(found and all(f.get("notYetInForce") == "true" for f in found), f"{mechanism.value} is not reported as not yet in force")
    for condition in _values(triples, matter, "expectCondition"):
        check(_findings(result, "condition", condition.value, "applies"), f"condition {condition.value} not derived")
    for condition in _values(triples, matter, "expectNotCondition"):
        check(not _findings(result, "condition", condition.value, "applies"), f"condition {condition.value} derived but should not be")
    for expected in _values(triples, matter, "expectDeadline"):
        limit = _values(triples, expected.value, "expectTimeLimit")[0].value
        due = [d.value for d in _values(triples, expected.value, "expectDueDate")]
        found = _findings(result, "timeLimit", limit)
        check(found, f"deadline {limit} not reported")
        if found and due:
            check(any(f.get("dueDate") == due[0] for f in found), f"deadline {limit}: due {[f.get('dueDate') for f in found]}, expected {due[0]}")
        for flag in _values(triples, expected.value, "expectNonWorkingDay"):
            check(any(f.get("nonWorkingDay") == flag.value for f in found), f"deadline {limit}: non-working-day flag is not {flag.value}")
    return failures


def test_there_are_enough_scenarios():
    assert len(SCENARIOS) >= 25


def test_every_scenario_states_expectations():
    for path in SCENARIOS:
        text = path.read_text(encoding="utf-8")
        assert "ekg:expect" in text, f"{path.name} states no expected answers"


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path: Path):
    results = assess(read_files([path]))
    assert results, f"{path.name}: no matter found"
    for result in results:
        failures = expectation_failures(result)
        assert not failures, f"{path.name} ({result.matter_id}):\n  " + "\n  ".join(failures)


def test_every_scenario_holds_when_all_are_assessed_in_one_batch():
    results = assess(read_files(SCENARIOS), batch_size=len(SCENARIOS))
    assert len(results) >= len(SCENARIOS)
    failures = {result.matter_id: expectation_failures(result) for result in results}
    assert not any(failures.values()), {k: v for k, v in failures.items() if v}
