"""The fact cache: hits for the same bytes and code, misses after either changes; CLI commands."""
from pathlib import Path

from click.testing import CliRunner

from checker.cache import FactCache
from checker.cli import main
from checker.pipeline import read_facts

from conftest import EXAMPLE_TXT


def test_same_bytes_hit_changed_bytes_miss(tmp_path: Path, monkeypatch):
    import checker.pipeline as pipeline

    store = FactCache(tmp_path / "c")
    report = tmp_path / "r.txt"
    report.write_bytes(EXAMPLE_TXT.read_bytes())
    first = read_facts(report, store)
    calls = []
    monkeypatch.setattr(pipeline, "extract", lambda doc: calls.append(doc) or [])
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
