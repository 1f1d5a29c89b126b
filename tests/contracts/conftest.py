"""The contract suites: every layer in ``LAYER_CLASSES`` and every task in ``TASK_MODULES``.

Each test in ``test_every_layer.py`` / ``test_every_task.py`` is parametrised by class name (the
first part of its test id is the class name), so the run's summary can say how many classes of
each table the suites covered.
"""
from __future__ import annotations

SUITES = {"layers": "test_every_layer.py", "tasks": "test_every_task.py"}


def _class_of(nodeid: str) -> str | None:
    if "[" not in nodeid:
        return None
    return nodeid.split("[", 1)[1].rstrip("]").split("-")[0]


def pytest_terminal_summary(terminalreporter):
    from seqlab.nn.registry import LAYER_CLASSES
    from seqlab.tasks.registry import TASK_MODULES

    tables = {"layers": LAYER_CLASSES, "tasks": TASK_MODULES}
    lines = []
    for kind, module in SUITES.items():
        seen, failed, checks = set(), set(), 0
        for outcome in ("passed", "failed", "error"):
            for report in terminalreporter.stats.get(outcome, []):
                nodeid = getattr(report, "nodeid", "")
                name = _class_of(nodeid) if module in nodeid else None
                if name in tables[kind] and getattr(report, "when", "call") == "call":
                    seen.add(name)
                    checks += 1
                    if outcome != "passed":
                        failed.add(name)
        if seen:
            lines.append(f"{kind}: {len(seen)} of {len(tables[kind])} covered, {checks} checks, "
                         f"{len(seen) - len(failed)} passed every check")
    if lines:
        terminalreporter.write_sep("-", "contract suites")
        for line in lines:
            terminalreporter.write_line(line)
