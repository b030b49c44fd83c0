"""The fact cache: hits for the same bytes and code, misses after either changes; CLI commands."""
from pathlib import Path

from click.testing import CliRunner

from checker.cache import FactCache
from checker.cli import main
from checker.pipeline import read_facts

from conftest import EXAMPLE_TXT


def test_same_bytes_hit_changed_bytes_miss(tmp_path: Path, monkeypatch):
    import checker.extract as extract_stage

    store = FactCache(tmp_path / "c")
    report = tmp_path / "r.txt"
    report.write_bytes(EXAMPLE_TXT.read_bytes())
    first = read_facts(report, store)
    calls = []
    monkeypatch.setattr(extract_stage, "extract", lambda doc: calls.append(doc) or [])
    again = read_facts(report, store)
    assert not calls and [f.subject for f in again] == [f.subject for f in first]
    report.write_bytes(EXAMPLE_TXT.read_bytes() + "\n补充一行。".encode())
    read_facts(report, store)
    assert len(calls) == 1  # changed bytes: read again
    assert store.info()[0] == 2


def test_code_change_invalidates(tmp_path: Path, monkeypatch):
    import checker.cache as cache

    store = FactCache(tmp_path / "c")
    store.put(EXAMPLE_TXT, ["facts"])
    assert store.get(EXAMPLE_TXT) == ["facts"]
    monkeypatch.setattr(cache, "code_digest", lambda: "another-extractor")
    assert store.get(EXAMPLE_TXT) is None


def test_cache_commands():
    runner = CliRunner()
    assert "位置" in runner.invoke(main, ["cache", "info"]).stdout
    assert "已删除" in runner.invoke(main, ["cache", "clear"]).stdout


def test_validated_pack_is_reused_until_a_rule_file_changes(tmp_path: Path, monkeypatch):
    import shutil

    import checker.rulebook.loader as loader
    from checker.cache import load_cached_pack

    from conftest import ROOT

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    store = tmp_path / "c"
    first, problems = load_cached_pack([rules], store)
    assert not problems and len(list((store / "packs").glob("*.pickle"))) == 1
    calls = []
    real = loader.load_pack
    monkeypatch.setattr(loader, "load_pack", lambda paths: calls.append(paths) or real(paths))
    again, problems = load_cached_pack([rules], store)
    assert not calls and not problems and again == first  # from the cache: not validated again
    edited = rules / "coverage.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("when: coverage_stated < 100%", "when: coverage_stated < 99.5%", 1),
                      encoding="utf-8")
    changed, problems = load_cached_pack([rules], store)
    assert len(calls) == 1 and not problems and changed.digest != first.digest
    edited.write_text(edited.read_text(encoding="utf-8").replace("when: coverage_stated < 99.5%", "when: coverage_sated < 99.5%", 1),
                      encoding="utf-8")
    for _ in range(2):  # a broken pack is never stored: its problems are reported every time
        _, problems = load_cached_pack([rules], store)
        assert problems and "coverage_sated" in str(problems[0])
    assert len(calls) == 3
