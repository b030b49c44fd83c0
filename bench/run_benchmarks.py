#!/usr/bin/env python
"""perfcheck performance benchmarks: every figure is a ratio measured within one run on the
same generated files, written with the machine description to bench/RESULTS.md; the
profiles (pyinstrument, in-process) go to bench/PROFILE.md.

    pip install -e '.[bench]'    # pyinstrument (profiles) and reportlab (the generated PDFs)
    python bench/run_benchmarks.py [--quick] [--workdir DIR] [--no-profile]

--quick shrinks every size (smoke run; its RESULTS.md says so). Inputs come from
bench/make_corpus.py and are written under --workdir (default /tmp/perfcheck-bench,
wiped at the start); the fact cache of every run is a folder there (PERFCHECK_CACHE_DIR),
never the user's.

Figures:
 1. end-to-end pages/s (run_batch in-process without cache; the CLI as a subprocess) vs
    pdfplumber's own page.extract_text() over the same pages — target >= 0.8x;
 2. --jobs 2 vs --jobs 1 on 40 reports, cache disabled (CLI; run_batch isolate=True too)
    — target >= 1.8x;
 3. after a rule edit (a copy of rules/ with one threshold changed: new pack digest), N
    cached reports re-checked: time (target < 5 s) and speed-up over the uncached run of
    the same N (target >= 20x); cache hits are proven by the cache entries' mtimes;
 4. peak RSS of `perfcheck check --in-process` on the 300-page report (RUSAGE_CHILDREN of
    a wrapper process; target < 300 MB), and RSS sampled through a 1,000-report batch in
    one process (target: flat).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))
# The package is measured from a snapshot (see snapshot_package): other people edit the repo
# while a run takes minutes. RUN_DIR is where subprocesses start (never ROOT: '' on sys.path
# would put the live checker/ before the snapshot).
PACKAGE_PARTS = ("checker", "rules", "templates", "profiles")
RUN_DIR = Path("/tmp")

SIZES = {
    "full": dict(variants=40, big_pages=300, cached=1000, pilot=200, rss=1000, rss_every=100,
                 repeats=3, uncached_repeats=2, profile_loops=20, profile_cached=200),
    "quick": dict(variants=6, big_pages=30, cached=40, pilot=10, rss=40, rss_every=10,
                  repeats=1, uncached_repeats=1, profile_loops=3, profile_cached=20),
}
UNCACHED_LIMIT_S = 600  # the uncached N-report run must fit in 10 minutes, else extrapolate
RULE_EDIT = ("coverage.yaml", "when: coverage_stated < 100%", "when: coverage_stated < 99.5%")
MB = 1024 * 1024


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------- machine


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.1f} GB"
    except (OSError, AttributeError):
        pass
    versions = {}
    for dist in ("perfcheck", "pdfplumber", "pdfminer.six", "pypdfium2", "durable_rules", "Pebble",
                 "lark", "orjson", "PyYAML", "reportlab", "pyinstrument"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"platform": platform.platform(), "cpu": cpu, "cpu_count": os.cpu_count(), "usable_cpus": affinity,
            "memory": mem, "python": f"{platform.python_implementation()} {platform.python_version()}",
            "versions": versions}


# ---------------------------------------------------------------- helpers


def perfcheck_cmd() -> list[str]:
    """`perfcheck` as its console script runs it, but resolved in the snapshot: the installed
    script names an entry point (checker.cli:run or :main) that may not match the snapshot."""
    return [sys.executable, "-c",
            "import sys, checker.cli as c; sys.argv[0] = 'perfcheck'; sys.exit((getattr(c, 'run', None) or c.main)())"]


def run_cli(args: list[str], cache_dir: Path, out_json: Path | None = None, expect: int | None = None,
            cold_pack: bool = False) -> float:
    """Wall time of one `perfcheck check ...` subprocess; checks that every report was checked.

    cold_pack: remove the validated rule packs the CLI keeps in the cache folder (`packs/`) first, so
    the run reads and validates the pack as the first run after a rule edit does."""
    env = dict(os.environ, PERFCHECK_CACHE_DIR=str(cache_dir))
    if cold_pack:
        shutil.rmtree(cache_dir / "packs", ignore_errors=True)
    cmd = perfcheck_cmd() + ["check", *args, "-q"]
    if out_json is not None:
        cmd += ["--format", "json", "-o", str(out_json)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=RUN_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1) or "Traceback" in proc.stderr or (out_json is not None and not out_json.exists()):
        raise RuntimeError(f"perfcheck exited {proc.returncode}: {' '.join(cmd[:12])} ...\n{proc.stderr[-3000:]}")
    if out_json is not None and expect is not None:
        reports = json.loads(out_json.read_text(encoding="utf-8"))["reports"]
        bad = [r["source"] for r in reports if r["status"] != "checked"]
        if len(reports) != expect or bad:
            raise RuntimeError(f"expected {expect} checked reports, got {len(reports)}; not checked: {bad[:5]}")
    return elapsed


def plumber_pages(paths: list[Path]) -> tuple[int, float]:
    """pdfplumber's own page.extract_text() (default settings) over every page; (pages, seconds)."""
    import pdfplumber

    pages = 0
    t0 = time.perf_counter()
    for path in paths:
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
                pages += 1
    return pages, time.perf_counter() - t0


def api_run(paths: list[Path], rule_paths: tuple[str, ...], **kw) -> tuple[float, list]:
    from checker.batch import BatchOptions, run_batch

    opts = BatchOptions(rule_paths, **kw)
    t0 = time.perf_counter()
    results = run_batch([str(p) for p in paths], opts)
    elapsed = time.perf_counter() - t0
    bad = [r.source for r in results if r.status != "checked"]
    if len(results) != len(paths) or bad:
        raise RuntimeError(f"run_batch: {len(results)} results for {len(paths)} inputs; not checked: {bad[:5]}")
    return elapsed, results


def best_interleaved(fns: dict, repeats: int) -> dict:
    """Best (minimum) wall time of each fn() -> seconds over `repeats` rounds, the methods
    interleaved within each round so that a burst of other load on the machine hits them alike."""
    times: dict = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            times[name].append(fn())
    return {name: min(ts) for name, ts in times.items()}


def rss_kb() -> int:
    try:
        return int(re.search(r"VmRSS:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))
    except (OSError, AttributeError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cache_snapshot(cache_dir: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in (cache_dir / "facts").rglob("*.pickle")}


def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


# ---------------------------------------------------------------- worker modes (subprocesses)


def worker_rss(list_file: Path, every: int, out: Path) -> None:
    """One process, one batch (run_batch isolate=False, no cache): RSS every `every` reports."""
    from checker import engine
    from checker.batch import BatchOptions, _compiled, run_batch
    from checker.resources import rules_dir

    paths = [line for line in list_file.read_text().splitlines() if line]
    rule_paths = (str(rules_dir()),)
    _compiled(rule_paths, "national")
    start_rss = rss_kb()
    samples: list[dict] = []
    count = 0
    statuses: dict[str, int] = {}
    t0 = time.perf_counter()

    def on_result(result) -> None:
        nonlocal count
        count += 1
        statuses[result.status] = statuses.get(result.status, 0) + 1
        if count % every == 0 or count == len(paths):
            samples.append({"reports": count, "rss_kb": rss_kb(), "py_objects": len(gc.get_objects()),
                            "seconds": round(time.perf_counter() - t0, 2)})

    # results are not kept by the caller between samples: run in chunks so the list of
    # ReportResults (facts, findings) does not itself grow the RSS being measured
    for i in range(0, len(paths), every):
        run_batch(paths[i:i + every], BatchOptions(rule_paths, isolate=False, cache_dir=None), on_result=on_result)
    hosts = {name: {"fired_sessions_left": len(host.fired)} for name, (host, _) in engine._HOSTS.items()}
    out.write_text(json.dumps({"start_rss_kb": start_rss, "samples": samples, "statuses": statuses,
                               "hosts": hosts, "sessions_started": next(engine._sid_counter) - 1}))


# ---------------------------------------------------------------- what-if: the proposed fixes, monkeypatched
# Only in benchmark processes, never in the package: each patch is the change proposed in
# RESULTS.md, applied to the snapshot in memory so its effect is measured in the same run.

_PATCHED: set = set()


def patch_template_cache() -> None:
    """checker/evaluate.py render_message: compile each distinct message template once."""
    import functools

    import checker.evaluate as ev

    if "template" not in _PATCHED:
        ev._messages.from_string = functools.lru_cache(maxsize=None)(ev._messages.from_string)
        _PATCHED.add("template")


def patch_sentence_bounds() -> None:
    """checker/extract/textflow.py Flow.sentence_bounds: bisect over the sentence ends, found once
    (str.rfind/str.find for a mark absent from the text scan the whole text on every call)."""
    import bisect

    import checker.extract.textflow as tf

    if "sentence" in _PATCHED:
        return

    def sentence_bounds(self, start, end=None):
        end = start if end is None else end
        ends = self.__dict__.get("_bench_ends")
        if ends is None:
            ends = self.__dict__["_bench_ends"] = [i for i, ch in enumerate(self.text) if ch in tf.SENTENCE_END]
        i = bisect.bisect_left(ends, start)
        left = ends[i - 1] + 1 if i > 0 else 0
        j = bisect.bisect_left(ends, end)
        right = ends[j] + 1 if j < len(ends) else len(self.text)
        return left, right

    tf.Flow.sentence_bounds = sentence_bounds
    _PATCHED.add("sentence")


def patch_neighbours() -> None:
    """checker/derive/__init__.py _neighbours: group the amounts once per document instead of
    scanning every amount for every amount (quadratic)."""
    import checker.derive as dv

    if "neighbours" in _PATCHED:
        return
    if hasattr(dv, "_Amounts"):  # the checker indexes the amounts itself now: nothing to patch
        _PATCHED.add("neighbours")
        return
    index: dict = {}
    orig_mark = dv.mark_unit_anomalies

    def mark_unit_anomalies(facts):
        index.clear()
        try:
            return orig_mark(facts)
        finally:
            index.clear()

    def _neighbours(amount, amounts):
        idx = index.get(id(amounts))
        if idx is None:
            groups: dict = {}
            owners = []
            for a in amounts:
                groups.setdefault(a.meta.get("group"), []).append(a)
                if a.meta.get("owner"):
                    owners.append(a)
            idx = index[id(amounts)] = (groups, owners)
        groups, owners = idx
        same = [a for a in groups.get(amount.meta.get("group"), []) if a is not amount]
        if len(same) >= 2 or not amount.meta.get("owner"):
            return same
        return [a for a in owners if a is not amount]

    dv.mark_unit_anomalies = mark_unit_anomalies
    dv._neighbours = _neighbours
    _PATCHED.add("neighbours")


def patch_rule_identity() -> None:
    """checker/evaluate.py evaluate_document: `cr not in active` compares CompiledRule dataclasses
    field by field (whole rules and their condition ASTs); identity is what is meant."""
    import checker.evaluate as ev

    if "identity" not in _PATCHED:
        ev.CompiledRule.__eq__ = object.__eq__
        ev.CompiledRule.__hash__ = object.__hash__
        _PATCHED.add("identity")


def changes_present(sample_source: str, rule_paths: tuple[str, ...], cache_dir: str | None) -> dict:
    """Which proposed changes the measured snapshot already has (read from its source, before patching)."""
    import inspect

    def src(obj) -> str:
        try:
            return inspect.getsource(obj)
        except (OSError, TypeError):
            return ""

    import checker.derive as dv
    import checker.evaluate as ev
    import checker.extract.textflow as tf
    from checker.batch import check_one

    return {
        "A": "_messages.from_string(rule.message)" not in src(ev.render_message),
        "B": not check_one(sample_source, rule_paths, "national", cache_dir).facts,
        "C": "rfind" not in src(tf.Flow.sentence_bounds),
        "D": "for a in amounts if a is not amount" not in src(dv._neighbours),
        "E": "cr not in active" not in src(ev.evaluate_document) or ev.CompiledRule.__eq__ is object.__eq__,
    }


def task_template(source, rule_paths, profile="national", cache_dir=None):
    from checker.batch import check_one

    patch_template_cache()
    return check_one(source, rule_paths, profile, cache_dir)


def task_template_nofacts(source, rule_paths, profile="national", cache_dir=None):
    result = task_template(source, rule_paths, profile, cache_dir)
    result.facts = []  # the CLI never reads them: do not pickle them back to the parent
    return result


def task_nofacts(source, rule_paths, profile="national", cache_dir=None):
    from checker.batch import check_one

    result = check_one(source, rule_paths, profile, cache_dir)
    result.facts = []
    return result


def worker_whatif(args_file: Path, out: Path) -> None:
    """Measure the proposed fixes (monkeypatched here) against the unpatched code, same files."""
    import pickle

    from checker.batch import BatchOptions, _compiled, check_one, run_batch
    from checker.cache import FactCache
    from checker.derive import derive
    from checker.extract import extract
    from checker.ingest import load
    from checker.pipeline import check_file

    a = json.loads(args_file.read_text())
    rounds = a["repeats"]
    res: dict = {"present": changes_present(a["cached_paths"][0], (a["edit_rules"],), a["cache_dir"])}
    # 1. the cached re-check (the rule-edit path), pooled as the CLI runs it
    cached = a["cached_paths"]
    opts = BatchOptions((a["edit_rules"],), jobs=2, isolate=True, cache_dir=a["cache_dir"])
    tasks = {"as is": check_one, "template cache": task_template, "no facts back": task_nofacts,
             "template cache + no facts back": task_template_nofacts}
    times: dict = {k: [] for k in tasks}
    for _ in range(rounds):
        for name, task in tasks.items():
            t0 = time.perf_counter()
            out_ = run_batch(cached, opts, task=task)
            times[name].append(time.perf_counter() - t0)
            assert len(out_) == len(cached) and all(r.status == "checked" for r in out_), name
    res["cached_pool"] = {k: min(v) for k, v in times.items()}
    one = check_one(cached[0], (a["edit_rules"],), "national", a["cache_dir"])
    res["pickled_result_bytes"] = len(pickle.dumps(one))
    one.facts = []
    res["pickled_result_nofacts_bytes"] = len(pickle.dumps(one))
    # 2. jobs 2 vs jobs 1 without facts sent back (40 reports, no cache)
    v40 = a["v40"]
    times = {}
    for _ in range(rounds):
        for name, task in (("as is", check_one), ("no facts back", task_nofacts)):
            for jobs in (1, 2):
                o = BatchOptions((a["rules"],), jobs=jobs, isolate=True, cache_dir=None)
                t0 = time.perf_counter()
                run_batch(v40, o, task=task)
                times.setdefault(f"{name} j{jobs}", []).append(time.perf_counter() - t0)
    res["jobs"] = {k: min(v) for k, v in times.items()}
    # 2b. in-process, unpatched (the same loops are repeated after patching, below)
    cpack = _compiled((a["rules"],), "national")
    cpack_edit = _compiled((a["edit_rules"],), "national")
    cache = FactCache(Path(a["cache_dir"]))

    def in_process() -> dict:
        runs: dict = {"variants": [], "big": [], "cached": []}
        check_file(v40[0], cpack)
        for _ in range(rounds):
            t0 = time.perf_counter()
            for p in v40:
                check_file(p, cpack)
            runs["variants"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            check_file(a["big"], cpack)
            runs["big"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            for p in cached:
                check_file(p, cpack_edit, cache=cache)
            runs["cached"].append(time.perf_counter() - t0)
        return {k: min(v) for k, v in runs.items()}

    res["in_process_as_is"] = in_process()
    # 3. extract + derive of the big report, as is and with the two patches; same facts?
    doc = load(a["big"])
    t0 = time.perf_counter()
    facts0 = derive(extract(doc))
    t_before = time.perf_counter() - t0
    sig0 = pickle.dumps([(f.kind, f.subject, f.fields, f.evidence) for f in facts0])
    patch_sentence_bounds()
    patch_neighbours()
    t0 = time.perf_counter()
    facts1 = derive(extract(doc))
    t_after = time.perf_counter() - t0
    sig1 = pickle.dumps([(f.kind, f.subject, f.fields, f.evidence) for f in facts1])
    res["big_extract_derive"] = {"before_s": t_before, "after_s": t_after, "same_facts": sig0 == sig1}
    # 3b. ingest: pdfplumber with perfcheck's settings vs pypdfium2's text page (same pages)
    import pdfplumber
    import pypdfium2

    from checker.ingest.pdf import TEXT_SETTINGS

    for key, paths in (("variants", v40), ("big", [a["big"]])):
        t0 = time.perf_counter()
        plumber_texts = []
        for path in paths:
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    plumber_texts.append((page.extract_text(**TEXT_SETTINGS) or "").strip())
                    page.close()
        t_pl = time.perf_counter() - t0
        t0 = time.perf_counter()
        pdfium_texts = []
        for path in paths:
            doc_ = pypdfium2.PdfDocument(path)
            try:
                for i in range(len(doc_)):
                    pdfium_texts.append(doc_[i].get_textpage().get_text_range().replace("\r\n", "\n").strip())
            finally:
                doc_.close()
        t_pf = time.perf_counter() - t0
        res[f"pdfium_{key}"] = {"plumber_s": t_pl, "pdfium_s": t_pf, "pages": len(plumber_texts),
                                "identical_pages": sum(x == y for x, y in zip(plumber_texts, pdfium_texts))}
    # 4. in-process again with every patch on (C and D are on since step 3)
    patch_template_cache()
    patch_rule_identity()
    res["in_process_patched"] = in_process()
    out.write_text(json.dumps(res))


def whatif(sets: dict, size: dict, work: Path, rule_paths: tuple[str, ...]) -> dict:
    args = {"repeats": max(1, size["repeats"] - 1), "cached_paths": [str(p) for p in sets["pdfN"][: size["cached"]]],
            "edit_rules": str(work / "rules-edit"), "rules": rule_paths[0], "cache_dir": str(work / "cache-pdfN"),
            "v40": [str(p) for p in sets["v40"]], "big": str(sets["big"][0])}
    args_file, out = work / "whatif-args.json", work / "whatif.json"
    args_file.write_text(json.dumps(args))
    try:
        subprocess.run([sys.executable, __file__, "--worker", "whatif", str(args_file), str(out)], check=True,
                       cwd=RUN_DIR, timeout=1200)
        data = json.loads(out.read_text())
    except (subprocess.SubprocessError, OSError, ValueError) as exc:  # internals changed under the patches
        log(f"what-if measurements failed: {exc}")
        return {"error": str(exc)}
    log(f"what-if: {data}")
    return data


def worker_startup(out: Path) -> None:
    """Import + rule-pack compile cost of one process (paid by every CLI run and pool worker)."""
    t0 = time.perf_counter()
    import checker.cli  # noqa: F401  (click and the command line)
    t_cli = time.perf_counter()
    from checker.batch import _compiled
    from checker.evaluate import compile_pack
    from checker.pipeline import check_file  # noqa: F401
    from checker.profile import load_profile
    from checker.resources import rules_dir
    from checker.rulebook.loader import load_pack

    t1 = time.perf_counter()
    pack, _ = load_pack([rules_dir()])
    t_load = time.perf_counter()
    import tempfile

    from checker.cache import load_cached_pack

    with tempfile.TemporaryDirectory() as tmp:
        load_cached_pack([rules_dir()], Path(tmp))  # validates and stores
        t_c = time.perf_counter()
        load_cached_pack([rules_dir()], Path(tmp))  # what a later `check` with the same rule files does
        cached_pack_s = time.perf_counter() - t_c
    compile_pack(pack, load_profile("national"))
    t_comp = time.perf_counter()
    _compiled((str(rules_dir()),), "national")  # what a pool worker does before its first report
    t2 = time.perf_counter()
    out.write_text(json.dumps({"import_cli_s": t_cli - t0, "import_s": t1 - t0, "load_pack_s": t_load - t1,
                               "cached_pack_s": cached_pack_s, "compile_pack_s": t_comp - t_load,
                               "compile_s": t2 - t_comp}))


# ---------------------------------------------------------------- package snapshot


def snapshot_package(work: Path, attempts: int = 20, wait: float = 15.0) -> tuple[Path, str]:
    """Copy checker/, rules/, templates/, profiles/ to WORK/src and check the copy works (the
    rule pack validates, the example checks); retry while a concurrent edit leaves it broken."""
    import hashlib

    dst = work / "src"
    probe = ("import sys, checker\n"
             "from checker.resources import rules_dir\n"
             "from checker.rulebook.loader import load_pack\n"
             "assert checker.__file__.startswith(sys.argv[1]), checker.__file__\n"
             "pack, problems = load_pack([rules_dir()])\n"
             "[print(p) for p in problems]\n"
             "sys.exit(1 if problems else 0)\n")
    for attempt in range(1, attempts + 1):
        if dst.exists():
            shutil.rmtree(dst)
        for part in PACKAGE_PARTS:
            shutil.copytree(ROOT / part, dst / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        env = dict(os.environ, PYTHONPATH=str(dst), PERFCHECK_CACHE_DIR=str(work / "cache-none"))
        env.pop("PERFCHECK_RULES", None)
        ok = subprocess.run([sys.executable, "-c", probe, str(dst)], cwd=RUN_DIR, env=env,
                            capture_output=True, text=True)
        run = subprocess.run(perfcheck_cmd() + ["check", str(ROOT / "examples" / "baiyun-2023.pdf"), "--in-process",
                                                "--no-cache", "-q"], cwd=RUN_DIR, env=env, capture_output=True, text=True)
        if ok.returncode == 0 and run.returncode in (0, 1):
            h = hashlib.sha256()
            for path in sorted(dst.rglob("*")):
                if path.is_file():
                    h.update(str(path.relative_to(dst)).encode() + b"\0" + path.read_bytes())
            return dst, h.hexdigest()[:12]
        log(f"package snapshot {attempt} does not work (a concurrent edit?): "
            f"{(ok.stdout + ok.stderr + run.stderr).strip()[-300:]!r}; retrying in {wait:.0f} s")
        time.sleep(wait)
    raise SystemExit("no working snapshot of the package")


# ---------------------------------------------------------------- corpus


def build_corpus(work: Path, size: dict) -> dict:
    import make_corpus as mc

    corpus = work / "corpus"
    t0 = time.perf_counter()
    n_pdf = max(size["cached"], size["rss"])
    sets = {
        "v40": mc.write_variants(corpus / "v40", size["variants"]),
        "pdfN": mc.write_variants(corpus / "pdfN", n_pdf),
        "txtN": mc.write_variants(corpus / "txtN", size["cached"], fmt="txt"),
        "big": [mc.write_big_report(corpus / "big", size["big_pages"])],
    }
    for name in ("pdfN", "txtN"):
        digests = {p.read_bytes() for p in sets[name]}
        assert len(digests) == len(sets[name]), f"{name}: variants are not all distinct bytes"
    log(f"corpus: {sum(len(v) for v in sets.values())} files in {time.perf_counter() - t0:.1f} s")
    return sets


# ---------------------------------------------------------------- the figures


def fig1_throughput(sets: dict, size: dict, work: Path, rule_paths: tuple[str, ...]) -> dict:
    from checker.batch import _compiled

    _compiled(rule_paths, "national")  # warm: the pack compile is measured on its own (startup)
    plumber_pages([ROOT / "examples" / "baiyun-2023.pdf"])
    api_run([ROOT / "examples" / "baiyun-2023.pdf"], rule_paths, isolate=False, cache_dir=None)
    out = {}
    for key, paths in (("variants", sets["v40"]), ("big", sets["big"])):
        pages, _ = plumber_pages(paths)
        rows: dict = {"pages": pages, "files": len(paths)}
        folder = paths[0].parent
        jobs = os.cpu_count() or 1
        fns = {
            "plumber_s": lambda: plumber_pages(paths)[1],
            "api_s": lambda: api_run(paths, rule_paths, isolate=False, cache_dir=None)[0],
            "cli_j1_s": lambda: run_cli([str(folder), "--no-cache", "--jobs", "1"], work / "cache-none",
                                        work / "out" / f"f1-{key}-j1.json", len(paths)),
            "cli_in_process_s": lambda: run_cli([str(folder), "--no-cache", "--in-process"], work / "cache-none",
                                                work / "out" / f"f1-{key}-inproc.json", len(paths)),
        }
        if len(paths) > 1:
            fns["cli_jn_s"] = lambda: run_cli([str(folder), "--no-cache", "--jobs", str(jobs)], work / "cache-none",
                                              work / "out" / f"f1-{key}-jn.json", len(paths))
            rows["jobs"] = jobs
        rows.update(best_interleaved(fns, size["repeats"]))
        out[key] = rows
        log(f"fig1 {key}: {rows}")
    return out


def fig2_jobs(sets: dict, size: dict, work: Path, rule_paths: tuple[str, ...]) -> dict:
    paths = sets["v40"]
    folder = paths[0].parent
    out: dict = {"reports": len(paths)}
    fns = {}
    for jobs in (1, 2):
        fns[f"cli_j{jobs}_s"] = (lambda j: lambda: run_cli([str(folder), "--no-cache", "--jobs", str(j)], work / "cache-none",
                                                           work / "out" / f"f2-j{j}.json", len(paths)))(jobs)
        fns[f"api_j{jobs}_s"] = (lambda j: lambda: api_run(paths, rule_paths, isolate=True, jobs=j, cache_dir=None)[0])(jobs)
    out.update(best_interleaved(fns, size["repeats"]))
    log(f"fig2: {out}")
    return out


def rules_dir_now() -> str:
    from checker.resources import rules_dir

    return str(rules_dir())


def make_rule_copies(work: Path) -> tuple[Path, Path, str, str]:
    from checker.rulebook.loader import load_pack

    orig, edit = work / "rules-orig", work / "rules-edit"
    for d in (orig, edit):
        shutil.copytree(Path(rules_dir_now()), d)
    name, old, new = RULE_EDIT
    text = (edit / name).read_text(encoding="utf-8")
    assert old in text, f"rule edit: {old!r} not in rules/{name}"
    (edit / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    d1, p1 = load_pack([orig])
    d2, p2 = load_pack([edit])
    assert not p1 and not p2, (p1, p2)
    assert d1.digest != d2.digest
    return orig, edit, d1.digest, d2.digest


def fig3_rule_edit(sets: dict, size: dict, work: Path) -> dict:
    orig, edit, dig1, dig2 = make_rule_copies(work)
    jobs = str(os.cpu_count() or 1)
    out = {"pack_before": dig1, "pack_after": dig2, "edit": RULE_EDIT, "jobs": int(jobs)}
    for key in ("pdfN", "txtN"):
        paths = sets[key][: size["cached"]]
        folder = work / "corpus" / key
        n = len(paths)
        row: dict = {"reports": n}
        # pilot: would the uncached run fit in the time limit?
        pilot = paths[: size["pilot"]]
        t_pilot = run_cli([*map(str, pilot), "--no-builtin-rules", "--rules", str(orig), "--jobs", jobs],
                          work / f"cache-pilot-{key}", work / "out" / f"f3-{key}-pilot.json", len(pilot))
        estimate = t_pilot * n / len(pilot)
        row.update(pilot_reports=len(pilot), pilot_s=t_pilot, estimate_s=estimate)
        measured = paths
        if estimate > UNCACHED_LIMIT_S:
            measured = pilot
            row["extrapolated"] = True
        args = [*map(str, measured)] if measured is not paths or len(sets[key]) != n else [str(folder)]
        # the uncached run, repeated with a fresh cache each time (best counts); the first run's cache
        # is the one re-checked
        cache = work / f"cache-{key}"
        uncached = []
        for i in range(size["uncached_repeats"]):
            c = cache if i == 0 else work / f"cache-{key}-repeat{i}"
            uncached.append(run_cli([*args, "--no-builtin-rules", "--rules", str(orig), "--jobs", jobs], c,
                                    work / "out" / f"f3-{key}-uncached.json", len(measured)))
        row["uncached_runs"] = uncached
        row["uncached_s"] = min(uncached)
        before = cache_snapshot(cache)
        row["cache_entries"] = len(before)
        fns = {
            # every re-check is the first run after the edit: the edited pack is validated afresh (cold_pack)
            "cached_s": lambda: run_cli([*args, "--no-builtin-rules", "--rules", str(edit), "--jobs", jobs], cache,
                                        work / "out" / f"f3-{key}-cached.json", len(measured), cold_pack=True),
            "cached_j1_s": lambda: run_cli([*args, "--no-builtin-rules", "--rules", str(edit), "--jobs", "1"], cache,
                                           work / "out" / f"f3-{key}-cached-j1.json", len(measured), cold_pack=True),
            "cached_in_process_s": lambda: run_cli([*args, "--no-builtin-rules", "--rules", str(edit), "--in-process"],
                                                   cache, work / "out" / f"f3-{key}-cached-inproc.json", len(measured),
                                                   cold_pack=True),
            "cached_api_s": lambda: api_run(measured, (str(edit),), isolate=False, cache_dir=str(cache))[0],
        }
        row.update(best_interleaved(fns, size["repeats"]))
        after = cache_snapshot(cache)
        row["cache_hits_proven"] = before == after and len(after) == len(measured)
        if measured is not paths:
            scale = n / len(measured)
            for k in ("uncached_s", "cached_s", "cached_j1_s", "cached_in_process_s", "cached_api_s"):
                row[k + "_measured"] = row[k]
                row[k] *= scale
        out[key] = row
        log(f"fig3 {key}: {row}")
    return out


def fig4_memory(sets: dict, size: dict, work: Path) -> dict:
    wrapper = ("import resource, subprocess, sys, time\n"
               "t = time.perf_counter()\n"
               "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
               "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.perf_counter() - t)\n")
    out: dict = {}
    env = dict(os.environ, PERFCHECK_CACHE_DIR=str(work / "cache-none"))
    for key, path in (("example", ROOT / "examples" / "baiyun-2023.pdf"), ("big", sets["big"][0])):
        cmd = [sys.executable, "-c", wrapper, *perfcheck_cmd(), "check", str(path), "--in-process", "--no-cache", "-q",
               "--format", "json", "-o", str(work / "out" / f"f4-{key}.json")]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=RUN_DIR)
        code, maxrss_kb, seconds = proc.stdout.split()
        if code not in ("0", "1"):
            raise RuntimeError(f"peak memory run failed ({code}): {proc.stderr}")
        out[key] = {"max_rss_mb": int(maxrss_kb) / 1024, "seconds": float(seconds)}
    log(f"fig4 peak: {out}")
    for key in ("pdfN", "txtN"):
        paths = sets[key][: size["rss"]]
        list_file = work / f"rss-{key}.list"
        list_file.write_text("\n".join(map(str, paths)))
        result = work / f"rss-{key}.json"
        subprocess.run([sys.executable, __file__, "--worker", "rss", str(list_file), str(size["rss_every"]), str(result)],
                       check=True, cwd=RUN_DIR, env=env)
        data = json.loads(result.read_text())
        samples = data["samples"]
        first, last = samples[0], samples[-1]
        xs = [s["reports"] for s in samples]
        ys = [s["rss_kb"] for s in samples]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        var = sum((x - mx) ** 2 for x in xs)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var if var else 0.0
        growth_kb = last["rss_kb"] - first["rss_kb"]
        data.update(reports=len(paths), growth_mb=growth_kb / 1024, slope_kb_per_report=slope,
                    growth_pct=100 * growth_kb / first["rss_kb"],
                    flat=growth_kb <= 10 * 1024 and growth_kb <= 0.05 * first["rss_kb"])
        out[f"batch_{key}"] = data
        log(f"fig4 batch {key}: growth {growth_kb / 1024:.1f} MB, slope {slope:.2f} KB/report, flat={data['flat']}")
    return out


def startup(work: Path) -> dict:
    res = work / "startup.json"
    runs = []
    for _ in range(3):
        subprocess.run([sys.executable, __file__, "--worker", "startup", str(res)], check=True, cwd=RUN_DIR)
        runs.append(json.loads(res.read_text()))
    data = {k: min(r[k] for r in runs) for k in runs[0]}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True, cwd=RUN_DIR)
    data["python_s"] = time.perf_counter() - t0
    # a CLI run on one small report: interpreter + imports + compile (+ pool spawn when isolated)
    one = work / "corpus" / "txtN" / "variant-0000.txt"
    data["cli_one_in_process_s"] = min(run_cli([str(one), "--no-cache", "--in-process"], work / "cache-none") for _ in range(3))
    data["cli_one_in_process_cold_pack_s"] = min(run_cli([str(one), "--no-cache", "--in-process"], work / "cache-none",
                                                         cold_pack=True) for _ in range(3))
    data["cli_one_jobs2_s"] = min(run_cli([str(one), str(one.with_name("variant-0001.txt")), "--no-cache", "--jobs", "2"],
                                          work / "cache-none") for _ in range(3))
    log(f"startup: {data}")
    return data


# ---------------------------------------------------------------- profiles


def stage_breakdown(path: Path, cpack, loops: int) -> dict:
    from checker.derive import derive
    from checker.evaluate import evaluate_document
    from checker.extract import extract
    from checker.ingest import load
    from checker.model import ReportResult
    from checker.pipeline import document_summary
    from checker.render import to_json

    totals = {"ingest": 0.0, "extract": 0.0, "derive": 0.0, "evaluate": 0.0, "render_json": 0.0}
    for _ in range(loops):
        t0 = time.perf_counter()
        doc = load(path)
        t1 = time.perf_counter()
        facts = extract(doc)
        t2 = time.perf_counter()
        facts = derive(facts)
        t3 = time.perf_counter()
        summary = document_summary(facts, cpack.ctx)
        ev = evaluate_document(cpack, facts, summary.get("report_kind"))
        t4 = time.perf_counter()
        to_json([ReportResult(str(path), "checked", ev.findings, document=summary, rules=ev.summaries, facts=facts)])
        t5 = time.perf_counter()
        for key, dt in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
            totals[key] += dt
    out = {k: v / loops for k, v in totals.items()}
    out["facts"] = len(facts)
    out["findings"] = len(ev.findings)
    return out


def profiles(sets: dict, size: dict, work: Path, rule_paths: tuple[str, ...]) -> dict:
    from pyinstrument import Profiler

    from checker.batch import _compiled
    from checker.cache import FactCache
    from checker.pipeline import check_file

    cpack = _compiled(rule_paths, "national")
    example = ROOT / "examples" / "baiyun-2023.pdf"
    check_file(example, cpack)  # warm
    out: dict = {"breakdown": {
        "example": stage_breakdown(example, cpack, max(3, size["profile_loops"] // 2)),
        "big": stage_breakdown(sets["big"][0], cpack, 1),
    }}
    log(f"stages: {out['breakdown']}")
    cached_paths = sets["pdfN"][: size["profile_cached"]]
    cache = FactCache(work / "cache-pdfN")
    jobs = [
        ("example", f"examples/baiyun-2023.pdf, check_file x{size['profile_loops']} (warm: pack compiled, fonts loaded)",
         lambda: [check_file(example, cpack) for _ in range(size["profile_loops"])]),
        ("big", f"{sets['big'][0].name} ({size['big_pages']} pages), check_file x1",
         lambda: check_file(sets["big"][0], cpack)),
        ("cached", f"{len(cached_paths)} cached variant PDFs, check_file with the fact cache (the rule-edit re-check path)",
         lambda: [check_file(p, cpack, cache=cache) for p in cached_paths]),
    ]
    texts = {}
    for key, title, fn in jobs:
        prof = Profiler(interval=0.001)
        prof.start()
        fn()
        prof.stop()
        session = prof.last_session
        shares = frame_shares(session)
        tree = prof.output_text(unicode=True, color=False, show_all=False,
                                processor_options={"filter_threshold": 0.015})
        flat = prof.output_text(unicode=True, color=False, flat=True, processor_options={"filter_threshold": 0.0})
        texts[key] = {"title": title, "duration": session.duration, "tree": tree, "flat": flat, "shares": shares}
        log(f"profiled {key}: {session.duration:.2f} s")
    out["texts"] = texts
    return out


SHARE_FUNCTIONS = ("read_facts", "load", "_has_duplicate_chars", "extract_text", "find_tables", "extract", "derive",
                   "FactCache.get", "evaluate_document", "engine_fact", "run", "_judge", "render_message",
                   "CompiledRule.__eq__")


def frame_shares(session) -> dict[str, float]:
    """Share of the profile's time spent inside each function of SHARE_FUNCTIONS (outermost calls)."""
    root = session.root_frame()
    total = root.time if root is not None else 0.0
    found = {name: 0.0 for name in SHARE_FUNCTIONS}

    def walk(frame, inside: frozenset) -> None:
        name = frame.function or ""
        qual = f"{frame.class_name}.{name}" if frame.class_name else name
        hit = next((n for n in (qual, name) if n in found), None)
        if hit and hit not in inside:
            found[hit] += frame.time
            inside = inside | {hit}
        for child in frame.children:
            walk(child, inside)

    if root is not None:
        walk(root, frozenset())
    return {k: (v / total if total else 0.0) for k, v in found.items()}


def trim_tree(text: str, max_lines: int = 70) -> str:
    lines = [l.rstrip() for l in text.splitlines()]
    # drop pyinstrument's banner, keep the call tree
    start = next((i for i, l in enumerate(lines) if re.match(r"^\s*\d+\.\d+\s", l)), 0)
    body = [l for l in lines[start:] if l.strip() and not l.startswith("To view this report")]
    if len(body) > max_lines:
        body = body[:max_lines] + [f"… ({len(body) - max_lines} more lines)"]
    return "\n".join(body)


def trim_flat(text: str, top: int = 25) -> str:
    # pyinstrument 5.1's flat view adds "[self]  <file>" rows that do not add up (an artefact): dropped
    rows = [l.rstrip() for l in text.splitlines() if re.match(r"^\s*\d+\.\d+\s", l) and "[self]" not in l]
    return "\n".join(rows[:top])


# ---------------------------------------------------------------- report


def ratio(x: float, target: float) -> str:
    """x to 2 decimals, or 3 where 2 would round onto the target (0.796 is not 0.80)."""
    return f"{x:.3f}" if abs(x - target) < 0.005 else f"{x:.2f}"


def verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def write_results(path: Path, mode: str, size: dict, mach: dict, f1: dict, f2: dict, f3: dict, f4: dict,
                  st: dict, prof: dict | None, total_s: float, generated: str | None = None) -> None:
    v, b = f1["variants"], f1["big"]
    def pps(rows, key):
        return rows["pages"] / rows[key]

    r_api_v = pps(v, "api_s") / pps(v, "plumber_s")
    r_cli_v = pps(v, "cli_j1_s") / pps(v, "plumber_s")
    r_api_b = pps(b, "api_s") / pps(b, "plumber_s")
    r_cli_b = pps(b, "cli_j1_s") / pps(b, "plumber_s")
    sp_cli = f2["cli_j1_s"] / f2["cli_j2_s"]
    sp_api = f2["api_j1_s"] / f2["api_j2_s"]
    p3, t3 = f3["pdfN"], f3["txtN"]
    sp3 = p3["uncached_s"] / p3["cached_s"]
    sp3t = t3["uncached_s"] / t3["cached_s"]
    big_mb = f4["big"]["max_rss_mb"]
    bp, bt = f4["batch_pdfN"], f4["batch_txtN"]
    n3 = p3["reports"]
    extrap = " (extrapolated from a measured subset, see below)" if p3.get("extrapolated") else ""

    rows = [
        ("1a. end-to-end pages/s ÷ pdfplumber `extract_text()` pages/s — in-process API "
         f"(`run_batch`, isolate=False, no cache), {v['files']} variant reports / {v['pages']} pages",
         f"{ratio(r_api_v, 0.8)}× ({pps(v, 'api_s'):.1f} vs {pps(v, 'plumber_s'):.1f} pages/s)", "≥ 0.8×", r_api_v >= 0.8),
        (f"1b. same, CLI subprocess `perfcheck check DIR --no-cache --jobs 1` (includes start-up), {v['pages']} pages",
         f"{ratio(r_cli_v, 0.8)}× ({pps(v, 'cli_j1_s'):.1f} pages/s)", "≥ 0.8×", r_cli_v >= 0.8),
        (f"1c. same, in-process API, the {b['pages']}-page report",
         f"{ratio(r_api_b, 0.8)}× ({pps(b, 'api_s'):.1f} vs {pps(b, 'plumber_s'):.1f} pages/s)", "≥ 0.8×", r_api_b >= 0.8),
        (f"1d. same, CLI subprocess `--jobs 1`, the {b['pages']}-page report",
         f"{ratio(r_cli_b, 0.8)}× ({pps(b, 'cli_j1_s'):.1f} pages/s)", "≥ 0.8×", r_cli_b >= 0.8),
        (f"2a. `--jobs 2` vs `--jobs 1`, {f2['reports']} reports, `--no-cache` (CLI wall time)",
         f"{ratio(sp_cli, 1.8)}× ({fmt_s(f2['cli_j1_s'])} → {fmt_s(f2['cli_j2_s'])})", "≥ 1.8×", sp_cli >= 1.8),
        (f"2b. same via `run_batch(isolate=True, jobs=1|2, cache_dir=None)`",
         f"{ratio(sp_api, 1.8)}× ({fmt_s(f2['api_j1_s'])} → {fmt_s(f2['api_j2_s'])})", "≥ 1.8×", sp_api >= 1.8),
        (f"3a. after a rule edit, {n3} cached variant PDFs re-checked (CLI, `--jobs {f3['jobs']}`): time{extrap}",
         fmt_s(p3["cached_s"]), "< 5 s", p3["cached_s"] < 5),
        (f"3b. speed-up of that re-check over the uncached run of the same {n3} PDFs ({fmt_s(p3['uncached_s'])})",
         f"{sp3:.1f}×", "≥ 20×", sp3 >= 20),
        (f"3c. same for {t3['reports']} .txt variants: re-check time (uncached {fmt_s(t3['uncached_s'])})",
         fmt_s(t3["cached_s"]), "< 5 s", t3["cached_s"] < 5),
        ("3d. speed-up for the .txt variants (extraction of .txt is cheap: the cache cannot save much)",
         f"{sp3t:.1f}×", "≥ 20×", sp3t >= 20),
        (f"4a. peak RSS, `perfcheck check --in-process` on the {b['pages']}-page report (RUSAGE_CHILDREN)",
         f"{big_mb:.0f} MB (the 7-page example: {f4['example']['max_rss_mb']:.0f} MB)", "< 300 MB", big_mb < 300),
        (f"4b. RSS across a {bp['reports']}-report batch in one process (variant PDFs, no cache), sampled every {size['rss_every']}",
         f"{bp['samples'][0]['rss_kb'] / 1024:.0f} → {bp['samples'][-1]['rss_kb'] / 1024:.0f} MB "
         f"({bp['growth_mb']:+.1f} MB, {bp['slope_kb_per_report']:+.1f} KB/report)", "flat", bp["flat"]),
        (f"4c. same, {bt['reports']} .txt variants (engine + extraction, no pdfminer)",
         f"{bt['samples'][0]['rss_kb'] / 1024:.0f} → {bt['samples'][-1]['rss_kb'] / 1024:.0f} MB "
         f"({bt['growth_mb']:+.1f} MB, {bt['slope_kb_per_report']:+.1f} KB/report)", "flat", bt["flat"]),
    ]

    L = []
    L.append("# perfcheck benchmarks\n")
    L.append(f"Generated by `python bench/run_benchmarks.py{' --quick' if mode == 'quick' else ''}` on "
             f"{generated or datetime.now().astimezone().isoformat(timespec='seconds')}; the whole run took {total_s / 60:.1f} min. "
             "Every figure is a ratio (or a time) measured within this one run on the same generated files "
             "(`bench/make_corpus.py`: variants of `examples/baiyun-2023.txt` typeset like `examples/make_example.py`, "
             f"and one {size['big_pages']}-page report).\n")
    if mode == "quick":
        L.append("**Quick (smoke) run: every size is shrunk — these numbers are not the benchmark.**\n")
    L.append("## Machine\n")
    L.append(f"* platform: {mach['platform']}")
    L.append(f"* CPU: {mach['cpu']}; os.cpu_count() = {mach['cpu_count']}, usable = {mach['usable_cpus']}; memory {mach['memory']}")
    L.append(f"* Python: {mach['python']}")
    L.append(f"* load average (1, 5, 15 min) at start {tuple(round(x, 2) for x in mach['load_start'])}, at end "
             f"{tuple(round(x, 2) for x in mach['load_end'])} (other work on the machine shows up here)")
    L.append(f"* package measured: a snapshot of `checker/ rules/ templates/ profiles/` taken {mach['snapshot']['taken']} "
             f"(content digest {mach['snapshot']['digest']}), run from `{mach['snapshot']['dir']}` via PYTHONPATH, so "
             "concurrent edits to the repo cannot change the code or rules in the middle of the run")
    L.append("* packages: " + ", ".join(f"{k} {v}" for k, v in mach["versions"].items()) + "\n")
    L.append("## Results\n")
    L.append("| figure | measured | target | met? |")
    L.append("|---|---|---|---|")
    for name, measured, target, ok in rows:
        L.append(f"| {name} | {measured} | {target} | {verdict(ok)} |")
    L.append("")
    L.append("## Details\n")
    L.append(f"Sizes: {json.dumps(size)}.\n")
    L.append("**1. Throughput** (best of {r} interleaved runs; pdfplumber baseline: `pdfplumber.open` + `page.extract_text()` "
             "with default settings + `page.close()` for every page, in this process):\n".format(r=size["repeats"]))
    L.append("| input | pages | pdfplumber | API in-process | CLI --jobs 1 | CLI --in-process | CLI --jobs N |")
    L.append("|---|---|---|---|---|---|---|")
    for key, rows_ in (("variants", v), ("big report", b)):
        jn = f"{fmt_s(rows_['cli_jn_s'])} (N={rows_['jobs']})" if "cli_jn_s" in rows_ else "–"
        L.append(f"| {key} | {rows_['pages']} | {fmt_s(rows_['plumber_s'])} | {fmt_s(rows_['api_s'])} | "
                 f"{fmt_s(rows_['cli_j1_s'])} | {fmt_s(rows_['cli_in_process_s'])} | {jn} |")
    L.append("")
    L.append(f"Start-up paid by every process (best of 3): interpreter {st['python_s']:.2f} s, imports "
             f"{st['import_s']:.2f} s (of which the CLI {st['import_cli_s']:.2f} s), reading and validating the rule "
             f"pack (`load_pack`: YAML, lark, type check) {st['load_pack_s']:.2f} s — or {st['cached_pack_s']:.3f} s "
             "when `check` finds the pack validated from the same rule files in its cache folder (`packs/`, keyed by "
             "the rule files and the package's code) — compiling it "
             f"{st['compile_pack_s']:.3f} s; a spawned pool worker pays the interpreter and the imports again and "
             "receives the parent's pack (pickled) before its first report. A whole CLI run on one small .txt: "
             f"{st['cli_one_in_process_s']:.2f} s in-process ({st['cli_one_in_process_cold_pack_s']:.2f} s with the pack "
             f"validated afresh), {st['cli_one_jobs2_s']:.2f} s with two pool workers (2 reports). Figures 1 and 2 run "
             "with unchanged rules, so after their first run the pack comes from that cache, as for any user's second "
             "run; figure 3's re-checks are each the first run after the rule edit: the pack cache is emptied before "
             "every one of them. The in-process API figure excludes the compile (warmed once); the CLI figures include "
             "everything else.\n")
    L.append(f"**2. Parallelism**: {f2['reports']} variant PDFs, cache disabled, best of {size['repeats']} interleaved runs: "
             f"CLI {fmt_s(f2['cli_j1_s'])} (jobs 1) vs {fmt_s(f2['cli_j2_s'])} (jobs 2); run_batch isolate=True "
             f"{fmt_s(f2['api_j1_s'])} vs {fmt_s(f2['api_j2_s'])}.\n")
    L.append(f"**3. Rule edit**: `{f3['edit'][0]}`: `{f3['edit'][1]}` → `{f3['edit'][2]}` in a copy of `rules/` "
             f"(pack digest {f3['pack_before']} → {f3['pack_after']}); both runs `--no-builtin-rules --rules COPY "
             f"--jobs {f3['jobs']} --format json -o FILE`, `PERFCHECK_CACHE_DIR` a fresh folder. "
             f"The uncached run (original rules, empty cache; best of {size['uncached_repeats']}, each with a fresh cache) "
             f"fills the cache; the re-checks (edited rules) are best of {size['repeats']} interleaved runs. Cache hits "
             "are proven: the cache had one entry per report after the first uncached run, and no entry was rewritten "
             "by any re-check (same files, same mtimes).\n")
    L.append("| set | reports | uncached | cached re-check --jobs N | cached --jobs 1 | cached --in-process | cached run_batch in-process (API) | all hits? | pilot |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for key, r in (("variant PDFs", p3), (".txt variants", t3)):
        runs = ", ".join(fmt_s(x) for x in r.get("uncached_runs", []))
        L.append(f"| {key} | {r['reports']} | {fmt_s(r['uncached_s'])} (runs: {runs}) | {fmt_s(r['cached_s'])} | {fmt_s(r['cached_j1_s'])} | "
                 f"{fmt_s(r['cached_in_process_s'])} | {fmt_s(r['cached_api_s'])} | {r['cache_hits_proven']} | "
                 f"{r['pilot_reports']} in {fmt_s(r['pilot_s'])} → est. {fmt_s(r['estimate_s'])} |")
    L.append("")
    for key, r in (("variant PDFs", p3), (".txt variants", t3)):
        if r.get("extrapolated"):
            L.append(f"*{key}: the uncached run was estimated at {fmt_s(r['estimate_s'])} (> {UNCACHED_LIMIT_S} s), "
                     f"so both runs were measured on {r['pilot_reports']} reports and scaled ×{r['reports'] / r['pilot_reports']:g} "
                     "(linear extrapolation).*\n")
    L.append(f"**4. Memory**: peak RSS of the checking process (wrapper's RUSAGE_CHILDREN ru_maxrss): "
             f"{b['pages']}-page report {f4['big']['max_rss_mb']:.0f} MB in {fmt_s(f4['big']['seconds'])}, the example "
             f"{f4['example']['max_rss_mb']:.0f} MB. Batch in one process (`run_batch(isolate=False, cache_dir=None)`, "
             "results dropped after each chunk of the sampling interval; 'flat' = growth from the first to the last "
             "sample ≤ 10 MB and ≤ 5 %):\n")
    for key, d in (("variant PDFs", bp), (".txt variants", bt)):
        L.append(f"* {key}: after warm-up {d['start_rss_kb'] / 1024:.0f} MB; "
                 + ", ".join(f"{s['reports']}: {s['rss_kb'] / 1024:.1f} MB" for s in d["samples"])
                 + f"; Python objects {d['samples'][0]['py_objects']} → {d['samples'][-1]['py_objects']}; "
                 f"engine sessions started {d['sessions_started']}, sessions with findings left in the host "
                 f"{sum(h['fired_sessions_left'] for h in d['hosts'].values())}; statuses {d['statuses']}.")
    L.append("")
    if prof:
        L.append("**Where the time goes** (per report, `bench/PROFILE.md` has the profiles):\n")
        L.append("| input | ingest (pdfplumber) | extract | derive | evaluate | JSON | facts | findings |")
        L.append("|---|---|---|---|---|---|---|---|")
        for key, d in prof["breakdown"].items():
            L.append(f"| {key} | {d['ingest'] * 1e3:.1f} ms | {d['extract'] * 1e3:.1f} ms | {d['derive'] * 1e3:.1f} ms | "
                     f"{d['evaluate'] * 1e3:.1f} ms | {d['render_json'] * 1e3:.1f} ms | {d['facts']} | {d['findings']} |")
        L.append("")
    L.append("## Why targets are missed\n")
    L.append(EXPLANATIONS_PLACEHOLDER)
    path.write_text("\n".join(L) + "\n", encoding="utf-8")


EXPLANATIONS_PLACEHOLDER = "(filled in below)"


def render_results(raw: dict, prof: dict | None, generated: str) -> None:
    results_md = BENCH / "RESULTS.md"
    write_results(results_md, raw["mode"], raw["size"], raw["machine"], raw["fig1"], raw["fig2"], raw["fig3"],
                  raw["fig4"], raw["startup"], prof, raw["total_s"], generated)
    text = results_md.read_text(encoding="utf-8")
    text = text.replace(EXPLANATIONS_PLACEHOLDER, explanations(raw) + "\n## What would fix it (measured)\n\n"
                        + whatif_section(raw))
    results_md.write_text(text, encoding="utf-8")


def write_profile(path: Path, prof: dict, mode: str) -> None:
    L = ["# perfcheck profiles (pyinstrument, in-process)\n",
         f"Generated by `python bench/run_benchmarks.py{' --quick' if mode == 'quick' else ''}` "
         f"({datetime.now().astimezone().isoformat(timespec='seconds')}). Sampling interval 1 ms. "
         "pyinstrument's per-call hook slows call-heavy code (pdfminer) about 2-3x, so absolute times here are "
         "inflated; the per-stage times measured without the profiler are in `bench/RESULTS.md`.\n"]
    for key, t in prof["texts"].items():
        L.append(f"## {t['title']} — {t['duration']:.2f} s\n")
        shares = ", ".join(f"{k} {v * 100:.0f} %" for k, v in t["shares"].items() if v >= 0.005)
        L.append(f"Share of the time inside (outermost calls): {shares}.\n")
        L.append("Largest self times (flat):\n")
        L.append("```\n" + trim_flat(t["flat"]) + "\n```\n")
        L.append("Call tree (frames ≥ 1.5 % of the total):\n")
        L.append("```\n" + trim_tree(t["tree"]) + "\n```\n")
    path.write_text("\n".join(L) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="shrink every size (smoke run)")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/perfcheck-bench"))
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--render", type=Path, metavar="RESULTS_JSON",
                    help="write bench/RESULTS.md again from a run's results.json (its figures; today's wording)")
    ap.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        mode, *rest = args.worker
        if mode == "rss":
            worker_rss(Path(rest[0]), int(rest[1]), Path(rest[2]))
        elif mode == "startup":
            worker_startup(Path(rest[0]))
        elif mode == "whatif":
            worker_whatif(Path(rest[0]), Path(rest[1]))
        return 0

    if args.render:
        raw = json.loads(args.render.read_text(encoding="utf-8"))
        prof = {"breakdown": raw["breakdown"]} if raw.get("breakdown") else None
        render_results(raw, prof, raw.get("finished_at") or datetime.fromtimestamp(
            args.render.stat().st_mtime).astimezone().isoformat(timespec="seconds"))
        log(f"rendered {BENCH / 'RESULTS.md'} from {args.render}")
        return 0
    mode = "quick" if args.quick else "full"
    size = SIZES[mode]
    work = args.workdir / mode
    if work.exists():
        shutil.rmtree(work)
    (work / "out").mkdir(parents=True)
    (work / "cache-none").mkdir()
    os.environ["PERFCHECK_CACHE_DIR"] = str(work / "cache-none")
    os.environ.pop("PERFCHECK_RULES", None)
    t_start = time.perf_counter()
    mach = machine()
    mach["load_start"] = os.getloadavg()
    log(f"{mode} run in {work}; {mach['cpu_count']} CPUs, {mach['python']}, load {mach['load_start']}")
    src, src_digest = snapshot_package(work)
    mach["snapshot"] = {"dir": str(src), "digest": src_digest, "taken": datetime.now().astimezone().isoformat(timespec="seconds")}
    sys.path.insert(0, str(src))  # this process and its spawned pool workers
    os.environ["PYTHONPATH"] = str(src) + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else "")
    log(f"package snapshot {src_digest} in {src}")

    from checker.resources import rules_dir

    import checker

    assert Path(checker.__file__).is_relative_to(src), checker.__file__
    rule_paths = (str(rules_dir()),)
    sets = build_corpus(work, size)
    st = startup(work)
    f1 = fig1_throughput(sets, size, work, rule_paths)
    f2 = fig2_jobs(sets, size, work, rule_paths)
    f3 = fig3_rule_edit(sets, size, work)
    f4 = fig4_memory(sets, size, work)
    wi = whatif(sets, size, work, rule_paths)
    prof = None if args.no_profile else profiles(sets, size, work, rule_paths)
    total = time.perf_counter() - t_start
    mach["load_end"] = os.getloadavg()
    raw = {"mode": mode, "size": size, "machine": mach, "startup": st, "fig1": f1, "fig2": f2, "fig3": f3, "fig4": f4,
           "whatif": wi,
           "breakdown": prof["breakdown"] if prof else None,
           "shares": {k: t["shares"] for k, t in prof["texts"].items()} if prof else None, "total_s": total,
           "finished_at": datetime.now().astimezone().isoformat(timespec="seconds")}
    (work / "results.json").write_text(json.dumps(raw, indent=1, default=str))
    render_results(raw, prof, raw["finished_at"])
    if prof:
        write_profile(BENCH / "PROFILE.md", prof, mode)
    log(f"done in {total / 60:.1f} min: {BENCH / 'RESULTS.md'}" + ("" if args.no_profile else f", {BENCH / 'PROFILE.md'}"))
    return 0


CHANGES = {
    "A": ("`checker/evaluate.py` · `render_message`", "compile each rule's message template once (cache per "
          "message), not once per finding"),
    "B": ("`checker/batch.py` · `check_one`", "return the `ReportResult` without `facts` (the CLI never reads them; "
          "they are most of the pickled result the parent must unpickle)"),
    "C": ("`checker/extract/textflow.py` · `Flow.sentence_bounds`", "find the sentence ends by bisect in a list built "
          "once per document (`str.rfind`/`str.find` for a mark the text lacks scan the whole text on every call "
          "from `Flow.quote`)"),
    "D": ("`checker/derive/__init__.py` · `_neighbours` (from `mark_unit_anomalies`)", "group the amounts by context "
          "once per document instead of scanning all amounts for every amount (quadratic) — done in the checker "
          "(`_Amounts`), so this patch is a no-op there"),
    "E": ("`checker/evaluate.py` · `evaluate_document`", "`cr not in active` → a set of ids (or "
          "`@dataclass(eq=False)` on `CompiledRule`): it compares whole rules and their ASTs field by field"),
    "F": ("`checker/ingest/pdf.py` · `_read_page`", "the largest cost: take a page's text from pypdfium2's text page "
          "(C, already a dependency for `(cid:)` pages) when the page has no ruled table, instead of building "
          "pdfplumber's per-character dicts (`Page.chars`, first touched by `_has_duplicate_chars`); keep pdfplumber "
          "for table pages and wherever the accuracy corpus (`bench/extraction_accuracy.py`) says pdfium's text differs"),
}


def whatif_section(raw: dict) -> str:
    wi = raw.get("whatif") or {}
    if not wi or "error" in wi:
        return f"(the what-if measurements did not run: {wi.get('error', 'skipped')})\n"
    present = wi.get("present", {})
    f1, f2, f3 = raw["fig1"], raw["fig2"], raw["fig3"]
    n = f3["pdfN"]["reports"]
    cp = wi["cached_pool"]
    cli_extra = max(0.0, f3["pdfN"]["cached_s"] - cp["as is"])  # what the CLI adds to the pool (start-up, JSON)
    ed = wi["big_extract_derive"]
    v, b = f1["variants"], f1["big"]
    ip0, ip1 = wi["in_process_as_is"], wi["in_process_patched"]
    r_v0, r_b0 = v["plumber_s"] / ip0["variants"], b["plumber_s"] / ip0["big"]
    r_v1, r_b1 = v["plumber_s"] / ip1["variants"], b["plumber_s"] / ip1["big"]
    j = wi["jobs"]

    def tag(key: str) -> str:
        return " *(already in the measured snapshot: its effect is in the 'as is' column too)*" if present.get(key) else ""

    L = ["Each change was applied to the snapshot **in memory only** (monkeypatched in a benchmark subprocess, "
         "`worker_whatif`; the package is not modified) and measured on the same files in this run, best of "
         f"{max(1, raw['size']['repeats'] - 1)} for both columns. Changes the snapshot already contains are marked; for "
         "those the two columns differ only by noise. "
         f"Re-check rows: {n} cached variant PDFs, edited rules, `run_batch(isolate=True, jobs=2)` (the CLI run of "
         f"figure 3 took {fmt_s(f3['pdfN']['cached_s'])}, this pool {fmt_s(cp['as is'])}). "
         f"A pickled result is {wi['pickled_result_bytes'] / 1024:.0f} KB as returned, "
         f"{wi['pickled_result_nofacts_bytes'] / 1024:.0f} KB without facts.\n",
         "| change | file · function: what | measured on | as is | with the change |", "|---|---|---|---|---|"]
    for key in "ABCDEF":
        where, what = CHANGES[key]
        L.append(f"| {key} | {where}: {what}{tag(key)} | {'(rows below)'} | | |")
    L += [
        f"| A | | re-check, pool | {fmt_s(cp['as is'])} | {fmt_s(cp['template cache'])} |",
        f"| B | | re-check, pool | {fmt_s(cp['as is'])} | {fmt_s(cp['no facts back'])} |",
        f"| A+B | | re-check, pool | {fmt_s(cp['as is'])} | {fmt_s(cp['template cache + no facts back'])} "
        f"(CLI ≈ {fmt_s(cp['template cache + no facts back'] + cli_extra)}, ≈ "
        f"{f3['pdfN']['uncached_s'] / (cp['template cache + no facts back'] + cli_extra):.1f}× faster than uncached) |",
        f"| all | | re-check, one process ({n} reports, `check_file` with the cache) | {fmt_s(ip0['cached'])} | "
        f"{fmt_s(ip1['cached'])} |",
        f"| B | | `--jobs 2` vs `--jobs 1`, {f2['reports']} reports, run_batch | "
        f"{j['as is j1'] / j['as is j2']:.2f}× | {j['no facts back j1'] / j['no facts back j2']:.2f}× |",
        f"| C+D | | extract + derive, {b['pages']}-page report | {fmt_s(ed['before_s'])} | {fmt_s(ed['after_s'])} "
        f"(same facts: {'yes' if ed['same_facts'] else '**NO**'}) |",
        f"| all | | end to end in-process (`check_file`) ÷ figure 1's pdfplumber time, {v['pages']} pages of variants | "
        f"{r_v0:.2f}× ({fmt_s(ip0['variants'])}) | {r_v1:.2f}× ({fmt_s(ip1['variants'])}) |",
        f"| all | | same, the {b['pages']}-page report | {r_b0:.2f}× ({fmt_s(ip0['big'])}) | "
        f"{r_b1:.2f}× ({fmt_s(ip1['big'])}) |",
    ]
    for key, label in (("variants", f"{v['pages']} pages of variants"), ("big", f"the {b['pages']}-page report")):
        pf = wi.get(f"pdfium_{key}")
        if pf:
            L.append(f"| F | | page text only, {label}: pdfplumber `extract_text(x_tolerance_ratio=0.6)` vs pypdfium2 "
                     f"`get_text_range()` | {fmt_s(pf['plumber_s'])} | {fmt_s(pf['pdfium_s'])} "
                     f"({pf['plumber_s'] / pf['pdfium_s']:.1f}× faster; identical text on {pf['identical_pages']} of "
                     f"{pf['pages']} pages) |")
    sh = (raw.get("shares") or {}).get("cached", {})
    st = raw["startup"]
    L += ["", "Not measured here (proposals, with the costs this run measured):", "",
          f"* G — done in the measured code: pool workers receive the pack the parent has validated (`initargs`), an "
          f"in-process batch reuses it too, and `check` keeps the validated pack in its cache folder keyed by the rule "
          f"files and the package's code (`load_pack` {st['load_pack_s']:.2f} s → {st['cached_pack_s']:.3f} s while the "
          "rules are unchanged). Still open: create the pool before the parent's start-up so the two overlap.",
          f"* H — partly done in the measured code (`checker/rulebook/condition.py` · `evaluate` dispatches on the node "
          "class, and `checker/evaluate.py` · `engine_fact` converts each field once per fact, not once per rule). On "
          f"the cached path the reference evaluation (`engine_fact`) is still {sh.get('engine_fact', 0) * 100:.0f} % of "
          f"the time and unpickling the cached facts {sh.get('FactCache.get', 0) * 100:.0f} %; compiling each condition "
          "once into Python closures is the next per-report saving.", ""]
    L += ["", "F is measured at the text level only: the generated PDFs are reportlab's simple one-column layout, so "
          "identical text here does not prove it for Word/WPS exports with letter spacing, fake bold or tables; "
          "the accuracy corpus must decide where pdfium's text can replace pdfplumber's.", ""]
    return "\n".join(L)


def explanations(raw: dict) -> str:
    """Why each missed target is missed, from the stage breakdown and the profiles of this run."""
    f1, f2, f3, f4, st = raw["fig1"], raw["fig2"], raw["fig3"], raw["fig4"], raw["startup"]
    bd = raw.get("breakdown") or {}
    sh = raw.get("shares") or {}
    present = (raw.get("whatif") or {}).get("present", {})
    out: list[str] = []

    def missing(*keys: str) -> list[str]:
        return [k for k in keys if not present.get(k)]

    def pct(x: float) -> str:
        return f"{x * 100:.0f} %"

    # 1. throughput
    for key, label in (("variants", "variant reports"), ("big", "big report")):
        r = f1[key]
        api = (r["pages"] / r["api_s"]) / (r["pages"] / r["plumber_s"])
        cli = (r["pages"] / r["cli_j1_s"]) / (r["pages"] / r["plumber_s"])
        if api < 0.8:
            d = bd.get("big" if key == "big" else "example", {})
            e = bd.get("example", {})
            if d:
                tot = sum(d[k] for k in ("ingest", "extract", "derive", "evaluate", "render_json"))
                per_file_plumber = r["plumber_s"] / r["files"]
                text = (f"* **1 (API, {label}) {api:.2f}×**: ingest takes {d['ingest']:.2f} s, as much as pdfplumber's "
                        f"own `extract_text()` over the same pages ({per_file_plumber:.2f} s): it is the same pdfminer "
                        "layout work (in the profile it shows under `_has_duplicate_chars` → `Page.chars`, which parses "
                        "the page first; `extract_text` then reuses the chars). What perfcheck adds is extract "
                        f"{d['extract']:.2f} s + derive {d['derive']:.2f} s + evaluate {d['evaluate']:.2f} s = "
                        f"{pct((d['extract'] + d['derive'] + d['evaluate']) / per_file_plumber)} of pdfplumber's time, "
                        "where 25 % would still meet the target.")
                if key == "big" and e:
                    grow_pages = r["pages"] / 7
                    text += (f" Extract and derive grow faster than the document: {e['extract'] * 1e3:.1f} + "
                             f"{e['derive'] * 1e3:.1f} ms on the 7-page example, {d['extract'] * 1e3:.0f} + "
                             f"{d['derive'] * 1e3:.0f} ms on {r['pages']} pages ({grow_pages:.0f}× the pages, "
                             f"{(d['extract'] + d['derive']) / (e['extract'] + e['derive']):.0f}× the time).")
                    causes = []
                    if "C" in missing("C"):
                        causes.append("`str.find`/`str.rfind` self time from `Flow.sentence_bounds` (called by "
                                      "`Flow.quote` for every figure in `extract_figures` and `extract_amounts`; a "
                                      "sentence mark that does not occur in the text makes each call scan the whole "
                                      "text) — change C")
                    if "D" in missing("D"):
                        causes.append("the list comprehension in `derive._neighbours` (every amount against every "
                                      "amount) — change D")
                    if causes:
                        text += " The profile names the cause(s): " + "; ".join(causes) + "."
                out.append(text)
        if cli < 0.8:
            fixed = r["cli_j1_s"] - r["api_s"]
            out.append(f"* **1 (CLI `--jobs 1`, {label}) {ratio(cli, 0.8)}× while the API reaches {api:.2f}×**: the difference, "
                       f"{fixed:.2f} s for the run, is fixed start-up, not per-page cost: the parent process (interpreter "
                       f"{st['python_s']:.2f} s, imports {st['import_s']:.2f} s, the rule pack from the pack cache "
                       f"{st['cached_pack_s']:.3f} s), then a *spawned* pool worker that starts a new interpreter, imports "
                       "the package again (unpickling the pack imports YAML, Jinja2 and lark; the first report imports "
                       "pdfplumber and the extractors) before its first report, and pebble's pool start and stop. A whole "
                       f"CLI run on one small .txt costs {st['cli_one_in_process_s']:.2f} s in-process and "
                       f"{st['cli_one_jobs2_s']:.2f} s with a pool. On {r['pages']} pages that is "
                       f"{fixed / r['pages'] * 1e3:.1f} ms per page against pdfplumber's "
                       f"{r['plumber_s'] / r['pages'] * 1e3:.0f} ms; the ratio approaches the API's on larger batches. "
                       "Still to cut: start the pool before the parent's own start-up so that the worker's overlaps it; "
                       "run a batch of one report in-process (no pool to start).")
    # 2. jobs
    sp = f2["cli_j1_s"] / f2["cli_j2_s"]
    if sp < 1.8 and f2["cli_j2_s"] >= f2["cli_j1_s"]:
        out.append(f"* **2 (`--jobs 2` {sp:.2f}×)**: {f2['reports']} reports are too few for a second worker to pay "
                   "for its start-up (spawn, import, pack compile).")
    elif sp < 1.8:
        t1, t2 = f2["cli_j1_s"], f2["cli_j2_s"]
        pool = max(0.0, st["cli_one_jobs2_s"] - st["cli_one_in_process_s"])  # what a 2-worker pool adds to a run
        fixed = st["cli_one_in_process_s"] + pool  # a whole CLI run with a pool, on 2 tiny reports
        best_t2 = fixed + (t1 - fixed) / 2
        v1 = f1["variants"]
        same = v1.get("cli_j1_s")
        noise = f" The same {f2['reports']} files' `--jobs 1` CLI run took {fmt_s(same)} in figure 1 and {fmt_s(t1)} here" \
            f" ({abs(t1 - same) / min(t1, same) * 100:.0f} % apart), and `--jobs 2` {fmt_s(v1['cli_jn_s'])} there" \
            f" ({same / v1['cli_jn_s']:.2f}× in figure 1's rounds)." if same and v1.get("cli_jn_s") else ""
        ls, le = raw["machine"].get("load_start"), raw["machine"].get("load_end")
        load = (f" The load average was {ls[0]:.2f} / {ls[1]:.2f} (1 / 5 min) at the start of the run and "
                f"{le[0]:.2f} / {le[1]:.2f} at its end, on 2 cores." if ls and le else "")
        out.append(f"* **2 (`--jobs 2` {sp:.2f}×)**: the reports are independent and are handed to the 2 workers in "
                   f"small chunks, so only the fixed part cannot be halved. That part is measured: a whole CLI run with a "
                   f"2-worker pool on 2 tiny reports takes {fmt_s(st['cli_one_jobs2_s'])} (in one process "
                   f"{fmt_s(st['cli_one_in_process_s'])}: the spawned workers' interpreter, imports and first report, and "
                   f"the pool's start and stop cost about {pool:.2f} s). With t1 = {fmt_s(t1)} that allows "
                   f"t2 ≥ {fmt_s(best_t2)}, i.e. at most {t1 / best_t2:.2f}× even with both cores free; measured {fmt_s(t2)}. "
                   "The rest is most likely CPU the workers did not get — inferred, not measured: this run records no "
                   "per-process CPU time. The machine has 2 cores: the two workers share them with the parent process "
                   "(it receives and writes each result, and drives the pool) and with whatever else runs on the "
                   "machine." + load + noise +
                   f" run_batch with isolated workers and no CLI at all gives {f2['api_j1_s'] / f2['api_j2_s']:.2f}×, "
                   "so the shortfall is not the CLI's start-up.")
    # 3. rule edit
    for key, label in (("pdfN", "variant PDFs"), ("txtN", ".txt variants")):
        r = f3[key]
        n = r["reports"]
        speed = r["uncached_s"] / r["cached_s"]
        per = (r["cached_api_s"] - st["compile_s"]) / n * 1e3
        c = sh.get("cached", {})
        detail = ""
        if c:
            detail = (f" The profile of the cached path (`bench/PROFILE.md`): `evaluate_document` "
                      f"{pct(c.get('evaluate_document', 0))} — `_judge` {pct(c.get('_judge', 0))} (of which "
                      f"`render_message` {pct(c.get('render_message', 0))}), the durable_rules session (`engine.run`) "
                      f"{pct(c.get('run', 0))}, `engine_fact` {pct(c.get('engine_fact', 0))}, `CompiledRule.__eq__` "
                      f"{pct(c.get('CompiledRule.__eq__', 0))}; unpickling the facts (`FactCache.get`) "
                      f"{pct(c.get('FactCache.get', 0))}.")
            todo = missing("A", "B", "E")
            if todo:
                detail += " Changes not yet in the snapshot that address it: " + ", ".join(todo) + " (below)."
        if r["cached_s"] >= 5:
            text = (f"* **3 ({label}) re-check {fmt_s(r['cached_s'])} ≥ 5 s**: with the facts cached every report still "
                    f"pays evaluate, about {per:.1f} ms in one process (in-process API: {fmt_s(r['cached_api_s'])} for {n}).")
            if not present.get("B"):
                text += (f" Two workers should halve that, yet the pooled CLI run is only "
                         f"{r['cached_in_process_s'] / r['cached_s']:.2f}× faster than `--in-process`: every result "
                         "travels back to the parent pickled together with all its facts, which the CLI never reads, "
                         "and the parent unpickles them on the same 2 cores (change B).")
            out.append(text + detail)
        if speed < 20:
            if key == "txtN":
                d = bd.get("example", {})
                out.append(f"* **3 ({label}) speed-up {speed:.1f}×**: reading a .txt is cheap (the text reader plus "
                           f"extract/derive, a few ms), so the cache has little to save: the uncached run is "
                           f"{fmt_s(r['uncached_s'])} and the re-check {fmt_s(r['cached_s'])}, both mostly evaluate and "
                           "start-up. 20× is only reachable where extraction dominates (PDF).")
            else:
                # the edited pack is validated; a noisy start-up sample cannot exceed the whole re-check
                fixed = min(r["cached_s"], st["cli_one_jobs2_s"] + max(0.0, st["load_pack_s"] - st["cached_pack_s"]))
                need = r["uncached_s"] / 20
                out.append(f"* **3 ({label}) speed-up {speed:.1f}×**: the cache removes ingest/extract/derive "
                           f"(uncached: {r['uncached_s'] / n * 1e3:.0f} ms per report with {f3['jobs']} workers) but the "
                           f"re-check of {fmt_s(r['cached_s'])} still has a fixed part — about {fixed:.2f} s, a whole "
                           "CLI run with a 2-worker pool on 2 small reports (figure 1's start-up) plus validating the edited pack "
                           f"({st['load_pack_s']:.2f} s) — and "
                           f"{(r['cached_s'] - fixed) / n * 1e3:.1f} ms per report: evaluate on two workers "
                           f"({per:.1f} ms per report in one process), unpickling the cached facts, sending the result "
                           f"back, JSON. 20× needs ≤ {fmt_s(need)}, i.e. {fmt_s(r['cached_s'] - need)} less: the start-up "
                           "fixes under figure 1 and the evaluate costs below." + detail)
    # 4. memory
    if f4["big"]["max_rss_mb"] >= 300:
        out.append(f"* **4a**: peak RSS {f4['big']['max_rss_mb']:.0f} MB on the big report.")
    for key in ("batch_pdfN", "batch_txtN"):
        d = f4[key]
        if not d["flat"]:
            out.append(f"* **4 ({key})**: RSS grew {d['growth_mb']:.1f} MB over {d['reports']} reports "
                       f"({d['slope_kb_per_report']:.1f} KB/report); Python objects "
                       f"{d['samples'][0]['py_objects']} → {d['samples'][-1]['py_objects']} (a Python-side leak if these grow, "
                       "otherwise C-side: durable_rules state or pdfminer caches).")
    if not out:
        return "All targets met.\n"
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
