"""Worker isolation: a crash, a hang or a failure in one report does not stop the batch."""
import os
import time

from checker.batch import BatchOptions, check_one, run_batch

from conftest import EXAMPLE_PDF, ROOT

RULES = (str(ROOT / "rules"),)


def crashing_task(source, rule_paths, profile, cache_dir=None):
    if "crash" in source:
        os.abort()  # what a segfault in the engine's C core looks like to the parent
    if "hang" in source:
        time.sleep(60)
    return check_one(source, rule_paths, profile, cache_dir)


def test_crash_and_hang_become_errors_for_that_report_only():
    sources = ["crash.pdf", str(EXAMPLE_PDF), "hang.pdf", str(EXAMPLE_PDF)]
    results = run_batch(sources, BatchOptions(RULES, jobs=2, timeout=5), task=crashing_task)
    assert [r.source for r in results] == sources
    assert results[0].status == "error" and results[0].error.code == "check.crashed"
    assert results[2].status == "error" and results[2].error.code == "check.timeout"
    assert results[1].status == results[3].status == "checked"
    assert results[3].count("error") == 2  # the replaced worker checks as well as the first


def test_in_process_mode_gives_the_same_findings():
    isolated = run_batch([str(EXAMPLE_PDF)], BatchOptions(RULES))[0]
    direct = run_batch([str(EXAMPLE_PDF)], BatchOptions(RULES, isolate=False))[0]
    assert [f.as_dict() for f in isolated.findings] == [f.as_dict() for f in direct.findings]
