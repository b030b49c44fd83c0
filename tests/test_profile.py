"""Locality profiles: settings, inheritance, rule switches, clear errors."""
from decimal import Decimal
from pathlib import Path

import pytest

from checker.profile import ProfileError, available, load_profile


def test_shipped_profiles_load_and_inherit():
    assert {"national", "sichuan", "hubei"} <= set(available())
    national, sichuan, hubei = (load_profile(n) for n in ("national", "sichuan", "hubei"))
    assert national.params["explanation_threshold"].point == 95
    assert sichuan.params["explanation_threshold"].point == 90
    assert sichuan.params["execution_weight"].point == 10  # inherited
    assert hubei.params["execution_weight"].point == 20
    assert "execution.adjustment-explained" in sichuan.enable
    assert national.grade_bands[0] == (Decimal(90), "优")


def test_unknown_profile_names_the_available_ones():
    with pytest.raises(ProfileError) as info:
        load_profile("guangdong-typo")
    assert "national" in info.value.message


def test_profile_must_supply_every_setting(tmp_path: Path):
    (tmp_path / "p.yaml").write_text("name: p\nparams:\n  explanation_threshold: 90%\n", encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(str(tmp_path / "p.yaml"))
    assert "extends: national" in info.value.message


def test_profile_severity_override_and_switches(pack, tmp_path: Path):
    from checker.evaluate import compile_pack

    (tmp_path / "p.yaml").write_text(
        "name: p\nextends: national\nrules:\n  disable: [score.inflation]\n  severity: {indicators.output-dimensions: info}\n",
        encoding="utf-8")
    cpack = compile_pack(pack, load_profile(str(tmp_path / "p.yaml")))
    rules = {cr.rule.id: cr.rule for cr in cpack.rules}
    assert "score.inflation" not in rules and rules["indicators.output-dimensions"].severity == "info"


def test_grade_bands_come_from_the_profile(pack, tmp_path: Path):
    from checker.evaluate import compile_pack, evaluate_document
    from checker.extract.numbers import parse_value
    from checker.model import Fact

    (tmp_path / "p.yaml").write_text("name: p\nextends: national\ngrade_bands: {优: 85, 良: 75, 中: 60, 差: 0}\n",
                                     encoding="utf-8")
    fact = Fact("self_evaluation", "自评", {"score_total": parse_value("87分"), "grade_stated": "优"}, [], "t", fid=1)

    def fired(profile):
        result = evaluate_document(compile_pack(pack, profile), [fact], "项目")
        return any(f.rule == "score.grade-band" and f.outcome == "fired" for f in result.findings)

    assert fired(load_profile("national")) and not fired(load_profile(str(tmp_path / "p.yaml")))
