"""Honest counts: a pytest run fails when it executes fewer tests than it
collected, or when two collected tests share an id.

Why: a skip, a deselection by a plugin, or two items with one node id (which
pytest-xdist merges, so only one of them runs) would otherwise leave a green
run that checked less than it claims. The closing line states both figures.

Executed means the test's body ran: a "call" report, passed or failed (an
xfail counts too: its body ran). A test skipped in setup or in its body did
not execute. Under pytest-xdist the controller learns the collected ids from
each worker and receives every report, so the check runs there once.
"""

import pytest


class RunCounts:
    def __init__(self, config: pytest.Config):
        self.config = config
        self.collected: list[str] | None = None
        self.executed = 0
        self.not_executed: list[str] = []

    # Without xdist (and on each xdist worker) the session's items are known here.
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.collected = [item.nodeid for item in session.items]

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids) -> None:
        # Every worker collects the same list; the first one is the run's.
        if self.collected is None:
            self.collected = list(ids)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" and not report.skipped:
            self.executed += 1
        elif report.skipped and report.when in ("setup", "call"):
            self.not_executed.append(report.nodeid)

    def problems(self) -> list[str]:
        collected = self.collected or []
        found = []
        duplicates = sorted({nodeid for nodeid in collected if collected.count(nodeid) > 1})
        if duplicates:
            found.append(f"{len(duplicates)} test ids are shared by several tests, e.g. {duplicates[:3]}")
        if self.executed < len(collected):
            found.append(f"executed {self.executed} of {len(collected)} collected tests")
            found.extend(f"  not executed: {nodeid}" for nodeid in self.not_executed[:20])
        return found

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter) -> None:
        collected = len(self.collected or [])
        terminalreporter.write_line(f"run counts: collected {collected}, executed {self.executed}")
        for problem in self.problems():
            terminalreporter.write_line(f"run counts: {problem}", red=True, bold=True)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        # An interrupted or already failing run keeps its own status.
        if exitstatus == pytest.ExitCode.OK and self.problems():
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_configure(config: pytest.Config) -> None:
    # Only where the whole run is seen: a plain run, or the xdist controller.
    if hasattr(config, "workerinput") or config.option.collectonly:
        return
    config.pluginmanager.register(RunCounts(config), "run-counts")
