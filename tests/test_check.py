"""The QA queries pass on the shipped graph and each one catches what it is for."""

import pytest

from enforcekg import cli
from enforcekg.check import qa_checks, run_checks
from enforcekg.load import load_files

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def test_shipped_graph_passes_every_qa_check(shipped_graph):
    failures = {r.check.name: r.rows[:5] for r in run_checks() if r.failed}
    assert failures == {}


def test_there_are_qa_checks_for_each_rule():
    names = {check.name for check in qa_checks()}
    for rule in ("missing-english-label", "missing-chinese-label", "missing-definition", "missing-source",
                 "undeclared-term", "class-without-parent", "shared-label"):
        assert f"{rule}-violation" in names


@pytest.mark.parametrize("check", qa_checks(), ids=lambda c: c.name)
def test_each_check_fires_on_the_broken_fixture(check):
    """Every QA query finds at least one row in a module built to break every rule."""
    results = {r.check.name: r for r in run_checks(load_files([FIXTURES / "qa-broken.ttl"]))}
    assert results[check.name].rows, f"{check.name} found nothing in qa-broken.ttl"


def test_check_command_exit_codes(capsys):
    assert cli.main(["check"]) == 0
    assert cli.main(["check", str(FIXTURES / "qa-broken.ttl")]) == 1
    assert "ERROR" in capsys.readouterr().out
    assert cli.main(["check", str(FIXTURES / "does-not-exist.ttl")]) == 2
