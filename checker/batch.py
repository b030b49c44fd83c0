"""Run reports through the pipeline in worker processes (pebble), one report per task.

durable_rules' C core and pdfminer can crash, hang or run out of memory on bad input. In a
worker that costs one report, not the batch: a crash, a timeout or MemoryError becomes
`status: "error"` with a code for that report, pebble replaces the worker, the rest goes on.
Workers are recycled after `max_tasks` reports, so nothing one document leaves behind in
the engine can grow without bound.
"""
from __future__ import annotations

import multiprocessing
import traceback
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .model import ReportError, ReportResult

_STATE: dict = {}  # per worker process: the compiled pack (never shared between processes)


@dataclass(frozen=True)
class BatchOptions:
    rule_paths: tuple[str, ...]
    profile: str = "national"
    jobs: int = 1
    timeout: float = 120.0
    max_memory_mb: int = 4096
    max_tasks: int = 200
    cache_dir: str | None = None  # fact cache; None: no cache
    isolate: bool = True
    scheduler: str | None = None  # Dask: "tcp://host:8786", or "local" / "local:N" for a local cluster  # False: run in this process (debugging, or where processes are unavailable)


def _init_worker(rule_paths: tuple[str, ...], max_memory_mb: int, pack=None) -> None:
    if max_memory_mb:
        try:
            import resource

            limit = max_memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ImportError, ValueError, OSError):
            pass  # not on this platform: the timeout still protects the batch
    _STATE.clear()
    if pack is not None:  # the parent has read and validated the pack already: do not read it again
        _STATE["pack"] = (rule_paths, pack)


def _compiled(rule_paths: tuple[str, ...], profile: str):
    given = _STATE.get("pack")
    given = given[1] if given and given[0] == rule_paths else None
    key = (rule_paths, profile, given.digest if given is not None else None)
    if _STATE.get("key") != key:
        from .evaluate import compile_pack
        from .profile import load_profile
        from .rulebook.loader import load_pack

        pack = given if given is not None else load_pack([Path(p) for p in rule_paths])[0]
        _STATE.update(key=key, cpack=compile_pack(pack, load_profile(profile)))
    return _STATE["cpack"]


def check_one(source: str, rule_paths: tuple[str, ...], profile: str = "national",
              cache_dir: str | None = None) -> ReportResult:
    """Worker entry: the whole pipeline for one file; unexpected errors become a result."""
    from .cache import FactCache
    from .pipeline import check_file

    try:
        cache = FactCache(Path(cache_dir)) if cache_dir else None
        result = check_file(source, _compiled(rule_paths, profile), cache=cache)
        result.facts = []  # the parent renders findings only: do not pickle every fact back
        return result
    except MemoryError:
        return _error(source, "check.out-of-memory", "检查这份报告时内存不足（报告过大或文件异常）。请拆分文件后重试。")
    except Exception as exc:  # a bug of ours: say so for this report, keep the batch going
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return _error(source, "check.internal-error", f"perfcheck 内部错误，未能检查这份报告（{detail}）。请把报告和此信息反馈给维护者。")


def _error(source: str, code: str, message: str) -> ReportResult:
    return ReportResult(source, "error", error=ReportError(code, message))


def run_batch(sources: list[str], options: BatchOptions,
              on_result: Callable[[ReportResult], None] | None = None,
              task: Callable[..., ReportResult] = check_one, pack=None) -> list[ReportResult]:
    """Check every source; results come back in input order. `task` is replaceable for tests."""
    if not options.isolate:
        if pack is not None:  # the caller has read and validated the pack: do not read it again
            _STATE["pack"] = (options.rule_paths, pack)
        results = []
        for source in sources:
            result = task(source, options.rule_paths, options.profile, options.cache_dir)
            results.append(result)
            if on_result:
                on_result(result)
        return results
    if options.scheduler:
        return _run_dask(sources, options, on_result, task)
    results: list[ReportResult] = []
    with _pool(options, max(1, options.jobs), pack) as pool:
        chunks = _chunks(sources, options.jobs)
        futures = [pool.schedule(run_chunk, args=(chunk, options, task), timeout=options.timeout * len(chunk))
                   for chunk in chunks]
        for chunk, future in zip(chunks, futures):
            try:
                done = future.result()
            except Exception:  # a crash or hang somewhere in the chunk: check its reports one by one
                done = [_collect(_schedule(pool, task, s, options), s, options) for s in chunk]
            for result in done:
                results.append(result)
                if on_result:
                    on_result(result)
    del pool, futures  # the pool's semaphores unregister themselves before the tracker is stopped
    _stop_resource_tracker()
    return results


def _stop_resource_tracker() -> None:
    """Wait for multiprocessing's resource tracker, which a spawn pool starts and nothing joins: it
    would outlive the CLI for a moment (a zombie where PID 1 does not reap). `_stop` (3.8+) closes its
    pipe and waits for it; the next pool starts a new one."""
    import gc
    from multiprocessing import resource_tracker

    gc.collect()
    stop = getattr(resource_tracker._resource_tracker, "_stop", None)
    if stop is not None:
        stop()


def _chunks(sources: list[str], jobs: int) -> list[list[str]]:
    """Several small reports per task: a task costs milliseconds of pool bookkeeping, which a
    cached re-check of thousands of reports would otherwise spend more on than on checking."""
    size = max(1, min(16, len(sources) // (max(1, jobs) * 8)))
    return [sources[i: i + size] for i in range(0, len(sources), size)]


def run_chunk(chunk: list[str], options: BatchOptions, task=check_one) -> list[ReportResult]:
    return [task(source, options.rule_paths, options.profile, options.cache_dir) for source in chunk]


def _pool(options: BatchOptions, workers: int, pack=None):
    from pebble import ProcessPool

    context = multiprocessing.get_context("spawn")  # no fork: the parent may hold engine state
    return ProcessPool(max_workers=workers, max_tasks=options.max_tasks, context=context,
                       initializer=_init_worker, initargs=(options.rule_paths, options.max_memory_mb, pack))


def _schedule(pool, task, source: str, options: BatchOptions):
    return pool.schedule(task, args=(source, options.rule_paths, options.profile, options.cache_dir),
                         timeout=options.timeout)


def _collect(future, source: str, options: BatchOptions) -> ReportResult:
    """A worker's result, or the error that ended it, for this report only."""
    from pebble import ProcessExpired

    try:
        return future.result()
    except FutureTimeout:
        return _error(source, "check.timeout",
                      f"检查超过 {options.timeout:g} 秒仍未完成，已中止。文件可能异常或过大；可用 --timeout 放宽时限。")
    except ProcessExpired as exc:
        return _error(source, "check.crashed",
                      f"检查进程意外退出（退出码 {exc.exitcode}），多半是 PDF 或规则引擎的底层库崩溃。其他报告不受影响；请反馈此文件。")
    except MemoryError:
        return _error(source, "check.out-of-memory", "检查这份报告时内存不足。")
    except Exception as exc:  # the pool itself failed (workers cannot start, …): this report only
        return _error(source, "check.worker-failed",
                      f"检查进程无法运行（{type(exc).__name__}: {exc}）。可用 --in-process 在本进程中检查。")


# ---------------------------------------------------------------- Dask

_DASK_POOL: dict = {}  # per Dask worker process: one pebble pool, created on first use


def dask_task(source: str, options: BatchOptions, task=check_one) -> ReportResult:
    """Runs on a Dask worker. The check itself runs in a pebble child process, as in a local
    batch: the engine needs a main thread, and a crash must cost only this report."""
    import threading

    lock = _DASK_POOL.setdefault("lock", threading.Lock())
    with lock:
        if "pool" not in _DASK_POOL:
            _DASK_POOL["pool"] = _pool(options, 1)
        future = _schedule(_DASK_POOL["pool"], task, source, options)
    return _collect(future, source, options)


def _run_dask(sources: list[str], options: BatchOptions, on_result, task) -> list[ReportResult]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise RuntimeError("使用 --scheduler 需要安装 Dask：pip install 'perfcheck[dask]'") from None
    import dask

    # each report runs in a child of the Dask worker (isolation, main thread for the engine):
    # workers must not be daemonic. Real clusters: DASK_DISTRIBUTED__WORKER__DAEMON=False
    dask.config.set({"distributed.worker.daemon": False})
    cluster = None
    if options.scheduler.startswith("local"):
        workers = int(options.scheduler.split(":", 1)[1]) if ":" in options.scheduler else max(1, options.jobs)
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        address = cluster
    else:
        address = options.scheduler
    results: dict[int, ReportResult] = {}
    try:
        with Client(address) as client:
            futures = {client.submit(dask_task, s, options, task, pure=False, key=f"perfcheck-{i}"): i
                       for i, s in enumerate(sources)}
            for future in as_completed(futures):
                index = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # the Dask worker itself died (KilledWorker) or was lost
                    result = _error(sources[index], "check.worker-lost",
                                    f"Dask 工作进程丢失（{type(exc).__name__}），这份报告未能检查；其他报告不受影响。")
                results[index] = result
                if on_result:
                    on_result(result)
    finally:
        if cluster is not None:
            cluster.close()
    return [results[i] for i in range(len(sources))]

