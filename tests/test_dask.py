"""The batch on a Dask cluster (two local worker processes): same results, same isolation."""
import os

import pytest

from checker.batch import BatchOptions, check_one, run_batch

from conftest import EXAMPLE_PDF, ROOT

pytest.importorskip("dask.distributed")


def crashing(source, rule_paths, profile, cache_dir=None):
    if "crash" in source:
        os.abort()
    return check_one(source, rule_paths, profile, cache_dir)


def test_dask_local_cluster_checks_and_isolates_crashes():
    options = BatchOptions((str(ROOT / "rules"),), scheduler="local:2", timeout=60)
    sources = [str(EXAMPLE_PDF), "crash.pdf", str(EXAMPLE_PDF)]
    results = run_batch(sources, options, task=crashing)
    assert [r.source for r in results] == sources
    assert results[0].status == results[2].status == "checked" and results[0].count("error") == 2
    assert results[1].status == "error" and results[1].error.code == "check.crashed"
