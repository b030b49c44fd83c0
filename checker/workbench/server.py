"""`perfcheck serve`: check the folders, read the sample in the workers, then serve until Ctrl-C."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from .settings import LOCAL_HOSTS, MAX_REPORTS, TOKEN_BYTES

REPORT_SUFFIXES = (".pdf", ".docx", ".txt")


class ServeError(Exception):
    """A setting `serve` cannot start with, in Chinese."""


def find_reports(folder: Path) -> list[str]:
    """The sample: reports in the folder and below (hidden and ~$ files skipped), sorted."""
    return sorted(str(f) for f in folder.rglob("*") if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES
                  and not any(part.startswith((".", "~$")) for part in f.relative_to(folder).parts))


def build_config(rules: Path, profiles: Path, profile: str, reports: Path, token: str, cache_dir: str | None):
    from .app import Config

    if Path(profile).suffix in (".yaml", ".yml") and Path(profile).is_file():  # a profile file: its folder
        profiles, profile = Path(profile).resolve().parent, Path(profile).stem
    for label, folder in (("规则目录", rules), ("配置目录", profiles), ("样本报告目录", reports)):
        if not folder.is_dir():
            raise ServeError(f"{label}不存在或不是目录：{folder}")
    if not (profiles / f"{profile}.yaml").is_file():
        names = "、".join(sorted(p.stem for p in profiles.glob("*.yaml"))) or "（无）"
        raise ServeError(f"配置目录 {profiles} 中没有配置“{profile}”。可用：{names}")
    found = find_reports(reports)
    if not found:
        raise ServeError(f"样本报告目录 {reports} 中没有报告文件（PDF、.docx、.txt）。请用 --reports 指定。")
    notes = [f"样本目录中有 {len(found)} 份报告，只读取了前 {MAX_REPORTS} 份。"] if len(found) > MAX_REPORTS else []
    return Config(rules.resolve(), profiles.resolve(), profile, found[:MAX_REPORTS], token, cache_dir, notes=notes)


def access_token(host: str, given: str | None) -> str:
    """No token on a local address unless given; elsewhere the given one or a new one."""
    if given:
        return given
    return "" if host in LOCAL_HOSTS else secrets.token_urlsafe(TOKEN_BYTES)


def serve(config, host: str, port: int, say) -> None:
    from werkzeug.serving import make_server

    from .app import create_app

    os.environ["PERFCHECK_PROFILES"] = str(config.profiles_dir)  # extends: national, here and in the workers
    app = create_app(config)
    bench = app.extensions["workbench"]
    say(f"正在读取 {len(config.reports)} 份样本报告（已缓存的直接取事实）……")
    try:
        bench.unreadable = {Path(k).name: v for k, v in bench.workers.load().items()}
        for name, message in bench.unreadable.items():
            say(f"  无法读取 {name}：{message}")
        server = make_server(host, port, app, threaded=True)
    except OSError as exc:
        bench.workers.close()
        raise ServeError(f"无法在 {host}:{port} 上启动（{exc.strerror or exc}）。可用 --port 换一个端口。") from None
    address = f"http://{'[' + host + ']' if ':' in host else host}:{server.server_port}/"
    say(f"规则工作台已启动：{address}（规则 {config.rules_dir}，配置 {config.profile}，按 Ctrl-C 停止）")
    if config.token:
        say(f"注意：访问须带令牌，请打开 {address}?token={config.token}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        say("已停止。")
    finally:
        server.server_close()
        bench.workers.close()
