"""tools/run_matrix.py: entries of make test, a line split into parts that each have their own
build copy and log, so two parts of one line can run at once."""
from __future__ import annotations

import argparse

import pytest


def test_the_main_line_and_its_part_share_the_venv_but_not_the_build(run_matrix):
    whole = run_matrix.parse_entry("2.21:sanity units", "2.21")
    part = run_matrix.parse_entry("2.21/checks:lint docs", "2.21")
    assert (whole.venv, part.venv) == (run_matrix.REPO / ".venv", run_matrix.REPO / ".venv")
    assert (whole.build, part.build) == (run_matrix.REPO / ".build", run_matrix.REPO / ".build" / "part-checks")
    assert (whole.log.name, part.log.name, part.summary_path.name) == ("2.21.log", "2.21-checks.log", "2.21-checks.json")
    assert part.steps == ["lint", "docs"]


def test_an_older_line_and_its_part(run_matrix):
    part = run_matrix.parse_entry("2.16/late:integration", "2.21")
    assert (part.venv.name, part.build.name, part.name) == (".venv-core-2.16", "core-2.16-late", "2.16-late")


@pytest.mark.parametrize("text", ["2.21", "2.21:", ":lint", "2.21/:lint", "2.21/a b:lint", "2.21/../x:lint"])
def test_a_malformed_entry_is_refused_with_the_form(run_matrix, text):
    with pytest.raises(argparse.ArgumentTypeError, match=r"expected LINE\[/PART\]:STEP"):
        run_matrix.parse_entry(text, "2.21")
