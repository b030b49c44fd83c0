"""The web process's side of the workers: pebble pools of one process each, every process holding a
fixed share of the sample reports (so a task for "my share" finds its facts already loaded).

pebble, as checker/batch.py uses it: a crash of the C rule engine or a hang costs one task (the
process is replaced and reloads its share lazily), never the server; `spawn`, never fork, because
the server's threads must not be copied into a process that runs the engine.
"""
from __future__ import annotations

import multiprocessing
import os

from .settings import MAX_DIFF_ROWS, MAX_SHARDS, TASK_TIMEOUT_S, WORKER_MAX_TASKS


class WorkerError(Exception):
    """A task that failed in the worker (crash, timeout): its Chinese message is for the page."""


class Workers:
    def __init__(self, sources: list[str], cache_dir: str | None, shards: int | None = None):
        from pebble import ProcessPool

        count = max(1, min(shards or MAX_SHARDS, os.cpu_count() or 1, max(len(sources), 1)))
        self.shares = [tuple(sources[i::count]) for i in range(count)]
        self.cache_dir = cache_dir
        context = multiprocessing.get_context("spawn")
        self.pools = [ProcessPool(max_workers=1, max_tasks=WORKER_MAX_TASKS, context=context) for _ in self.shares]

    def close(self) -> None:
        for pool in self.pools:
            pool.stop()
            pool.join()

    # ------------------------------------------------------------ plumbing
    # Tasks are named, not imported: checker/workbench/worker.py imports the rule engine, which the
    # web process never loads (tests/test_workbench.py checks durable is not in its modules).

    def _wait(self, future):
        from pebble import ProcessExpired

        try:
            return future.result()
        except TimeoutError:
            raise WorkerError(f"计算超过 {TASK_TIMEOUT_S} 秒仍未完成，已中止。") from None
        except ProcessExpired as exc:
            raise WorkerError(f"计算进程意外退出（退出码 {exc.exitcode}），多半是规则引擎崩溃；已重启，请重试。") from None

    def _all(self, task: str, *args) -> list:
        """Run worker.<task>(share, cache_dir, *args) on every share at once; results in share order."""
        futures = [pool.schedule(_call, args=(task, share, self.cache_dir, *args), timeout=TASK_TIMEOUT_S)
                   for pool, share in zip(self.pools, self.shares)]
        return [self._wait(f) for f in futures]

    def _owner(self, source: str) -> int:
        return next(i for i, share in enumerate(self.shares) if source in share)

    def _one(self, index: int, task: str, *args):
        future = self.pools[index].schedule(_call, args=(task, self.shares[index], self.cache_dir, *args),
                                            timeout=TASK_TIMEOUT_S)
        return self._wait(future)

    # ------------------------------------------------------------ tasks

    def load(self) -> dict:
        """Read the sample in every worker (facts from the cache); reports that could not be read."""
        errors = {}
        for part in self._all("load_sample"):
            errors.update(part)
        return errors

    def rule_counts(self, pack, profile) -> dict:
        return _sum_counts(self._all("rule_counts", pack, profile))

    def impact(self, saved: tuple, edited: tuple) -> dict:
        parts = self._all("impact", saved, edited)
        rows = {s: r for part in parts for s, r in part["rows"].items()}
        out = {"rows": rows, "reports": sum(p["reports"] for p in parts),
               "evaluated_rules": max(p["evaluated_rules"] for p in parts),
               "evaluated_docs": sum(p["evaluated_docs"] for p in parts),
               "seconds": max(p["seconds"] for p in parts),
               "counts_before": _sum_counts(p["counts_before"] for p in parts),
               "counts_after": _sum_counts(p["counts_after"] for p in parts)}
        out["total_rows"] = sum(len(r) for r in rows.values())
        out["truncated"] = out["total_rows"] > MAX_DIFF_ROWS
        return out

    def tests(self, pack, profile, only: str | None = None) -> list[dict]:
        future = self.pools[0].schedule(_call, args=("run_rule_tests", pack, profile, only), timeout=TASK_TIMEOUT_S)
        return self._wait(future)

    def report(self, pack, profile, source: str) -> dict:
        return self._one(self._owner(source), "report_detail", pack, profile, source)

    def explain(self, pack, profile, source: str, rule_id: str, subject: str | None) -> str:
        return self._one(self._owner(source), "explain_one", pack, profile, source, rule_id, subject)

    def findings(self, pack, profile, source: str) -> tuple[list, list]:
        return self._one(self._owner(source), "findings_of", pack, profile, source)


def _call(task: str, *args):
    """In the worker process: checker.workbench.worker.<task>(*args)."""
    from . import worker

    return getattr(worker, task)(*args)


def _sum_counts(parts) -> dict:
    total: dict = {}
    for part in parts:
        for rule_id, counts in part.items():
            mine = total.setdefault(rule_id, dict.fromkeys(counts, 0))
            for key, value in counts.items():
                mine[key] += value
    return total
