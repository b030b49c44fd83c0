"""Benchmark of the workbench's impact view: seconds from an edit to the diff on N cached reports.

The sample: N reports as .txt — variants of the example (bench/make_corpus.py: figures perturbed per
index, distinct bytes) and numbered copies of tests/variants/*.txt plus a project spending 92.2 % with
no reason (tools/workbench_screenshots.py), so a 95% -> 90% threshold has findings to remove. Their
facts are read once into a private fact cache; then the workbench is started as `perfcheck serve`
starts it (worker processes that take the facts from the cache) and each edit is sent to /api/impact
through Flask's test client: validation, the workers' re-evaluation, the diff and the HTML table,
i.e. what the page waits for. Target (issue 15): < 5 s for 1,000 cached reports.

    .venv/bin/python bench/workbench_impact.py [--reports 1000] [--repeats 3] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

EXAMPLE_SHARE = 0.7  # the rest are copies of tests/variants and the 92.2 % project
RULE = "execution.explanation-required"
TARGET_S = 5.0


def build_sample(folder: Path, count: int) -> list[str]:
    import make_corpus as mc

    spec = __import__("importlib.util").util.spec_from_file_location("wbs", ROOT / "tools" / "workbench_screenshots.py")
    tool = __import__("importlib.util").util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    examples = int(count * EXAMPLE_SHARE)
    paths = mc.write_variants(folder, examples, fmt="txt")
    tool.write_threshold_variant(folder / "seed-92.txt")
    seeds = [*sorted((ROOT / "tests" / "variants").glob("*.txt")), folder / "seed-92.txt"]
    for index in range(count - examples):
        seed = seeds[index % len(seeds)]
        target = folder / f"{seed.stem}-{index:04d}.txt"
        target.write_text(seed.read_text(encoding="utf-8") + f"\n（工作台基准样本 {index}）\n", encoding="utf-8")
        paths.append(target)
    (folder / "seed-92.txt").unlink()
    return sorted(str(p) for p in paths)


def edits(tmp: Path) -> dict:
    from checker.workbench.edits import block_text, find_block

    text = (tmp / "rules" / "execution.yaml").read_text(encoding="utf-8")
    block = block_text(text, find_block(text, RULE))
    return {
        "阈值 95% → 90%（配置）": {"kind": "profile", "params": {"explanation_threshold": "90%"}},
        "改一条规则的提示信息": {"kind": "rule", "file": "execution.yaml", "rule_id": RULE,
                              "text": block.replace("但该项目下没有说明原因", "但未说明原因")},
        "改一条规则的条件": {"kind": "rule", "file": "execution.yaml", "rule_id": RULE,
                           "text": block.replace("< profile.explanation_threshold", "< 85%", 1)},
        "全局参数 misreading_min_findings（全部重算）": {"kind": "profile", "params": {"misreading_min_findings": "3个"}},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="perfcheck-wb-bench-") as work:
        tmp = Path(work)
        for name in ("rules", "profiles"):
            shutil.copytree(ROOT / name, tmp / name)
        os.environ["PERFCHECK_PROFILES"] = str(tmp / "profiles")
        os.environ["PERFCHECK_CACHE_DIR"] = str(tmp / "cache")
        t0 = time.perf_counter()
        sources = build_sample(tmp / "reports", args.reports)
        figures = {"reports": len(sources), "write_s": time.perf_counter() - t0}
        print(f"{len(sources)} reports written in {figures['write_s']:.1f} s", flush=True)

        from checker.workbench.app import Config, create_app
        from checker.workbench.workers import Workers

        t0 = time.perf_counter()
        first = Workers(sources, str(tmp / "cache"))
        first.load()  # extraction, into the cache
        first.close()
        figures["extract_s"] = time.perf_counter() - t0
        print(f"facts extracted and cached in {figures['extract_s']:.1f} s", flush=True)

        t0 = time.perf_counter()
        app = create_app(Config(tmp / "rules", tmp / "profiles", "national", sources, cache_dir=str(tmp / "cache")))
        bench = app.extensions["workbench"]
        bench.workers.load()
        figures["start_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        bench.counts()  # the saved pack's findings on the whole sample (done at start and after each save)
        figures["baseline_s"] = time.perf_counter() - t0
        print(f"workbench started (facts from the cache) in {figures['start_s']:.1f} s; saved pack's findings "
              f"{figures['baseline_s']:.2f} s", flush=True)

        client = app.test_client()
        page = client.get("/").get_data(as_text=True)
        headers = {"X-CSRF-Token": re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)}
        sha_rule = re.search(r'data-sha="(\w+)"', client.get(f"/rule/{RULE}").get_data(as_text=True)).group(1)
        sha_profile = re.search(r'data-sha="(\w+)"', client.get("/profile").get_data(as_text=True)).group(1)
        figures["edits"] = {}
        for name, body in edits(tmp).items():
            body = dict(body, sha=sha_rule if body["kind"] == "rule" else sha_profile)
            times, result = [], None
            for repeat in range(args.repeats):
                bench.workers._all("forget_edits")  # each repeat computes the edit afresh
                t0 = time.perf_counter()
                result = client.post("/api/impact", json=body, headers=headers).get_json()
                times.append(time.perf_counter() - t0)
                assert result["ok"], result
            figures["edits"][name] = {"best_s": min(times), "worst_s": max(times), "changes": result["total"],
                                      "rules_evaluated": result["evaluated_rules"],
                                      "reports_evaluated": result["evaluated_docs"]}
            print(f"{name}: {min(times):.2f} s (worst {max(times):.2f} s), {result['total']} changes, "
                  f"{result['evaluated_rules']} rules × {result['evaluated_docs']} reports re-evaluated", flush=True)
        bench.workers.close()
    figures["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count(), "processor": platform.machine()}
    figures["target_met"] = all(e["best_s"] < TARGET_S for e in figures["edits"].values())
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(figures, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
