"""The honest-count plugin (tests/run_counts.py): a run that executes fewer
tests than it collected, or collects two tests under one id, fails."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PASSING = "def test_one():\n    assert True\n"
# A test whose body does not run; raised directly so that no skip marker
# stands in this suite (none of the project's own tests may skip).
NOT_RUN = "from _pytest.outcomes import Skipped\n\ndef test_two():\n    raise Skipped('not here')\n"
# The same item listed twice: two collected tests under one id.
SHARED_ID = """
def pytest_collection_modifyitems(items):
    items.append(items[0])
"""


def run(tmp_path: Path, files: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.run_counts", "-p", "no:django", "-p", "no:cacheprovider", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_run_where_every_test_executes_passes_and_says_so(tmp_path):
    result = run(tmp_path, {"test_a.py": PASSING + "\n\ndef test_b():\n    assert True\n"})
    assert result.returncode == 0, result.stdout
    assert "run counts: collected 2, executed 2" in result.stdout


def test_a_test_that_does_not_execute_fails_the_run(tmp_path):
    result = run(tmp_path, {"test_a.py": PASSING, "test_b.py": NOT_RUN})
    assert result.returncode == 1, result.stdout
    assert "executed 1 of 2 collected tests" in result.stdout
    assert "not executed: test_b.py::test_two" in result.stdout


def test_two_tests_with_one_id_fail_the_run_under_xdist(tmp_path):
    files = {"test_a.py": PASSING + "\n\ndef test_b():\n    assert True\n", "conftest.py": SHARED_ID}
    result = run(tmp_path, files, "-n", "2")
    assert result.returncode != 0, result.stdout
    assert "test ids are shared by several tests" in result.stdout
