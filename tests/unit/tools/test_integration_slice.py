"""tools/run_checks.py's integration-slice (make test's oldest line): the targets it leaves out
exist, and the role target reads the marker that leaves out its 500-VM and browser checks."""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
TARGETS = REPO / "tests" / "integration" / "targets"


def test_each_target_the_slice_leaves_out_exists_and_says_why(run_checks):
    for name, reason in run_checks.SLICE_SKIPPED_TARGETS.items():
        assert (TARGETS / name / "aliases").is_file(), f"{name} is no integration target: the slice names a ghost"
        assert reason.strip(), name


def test_the_role_target_reads_the_marker_the_slice_writes(run_checks):
    marker = REPO / run_checks.SLICE_MARKER
    runme = (marker.parent / "runme.sh").read_text(encoding="utf-8")
    assert f"if [ -f {marker.name} ]; then" in runme


def test_the_marker_is_written_for_a_slice_and_removed_for_a_whole_run(run_checks, tmp_path):
    target = tmp_path / "role_replica_compliance"
    target.mkdir()
    marker = target / "integration-slice"
    run_checks.mark_slice(marker, True)
    assert "make test-matrix runs them" in marker.read_text(encoding="utf-8")
    run_checks.mark_slice(marker, False)
    assert not marker.exists()
    run_checks.mark_slice(tmp_path / "absent" / "integration-slice", True)  # no such target: nothing written
    assert not (tmp_path / "absent").exists()


def test_all_runs_integration_whole_not_the_slice(run_checks):
    assert "integration" in run_checks.ALL_STEPS and "integration-slice" not in run_checks.ALL_STEPS
