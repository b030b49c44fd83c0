"""Saving an edit: refused unless it validates, its tests pass and the file is as it was opened;
written atomically; recorded (who, when, what, why) in a change log beside the file or as a git commit.
"""
from __future__ import annotations

import getpass
import os
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .edits import sha_of
from .settings import CHANGELOG_NAME, GIT_TIMEOUT_S

BEIJING = timezone(timedelta(hours=8), "北京时间")


@dataclass
class Change:
    path: Path  # the file written
    what: str  # 规则 execution.x / 配置参数 explanation_threshold
    who: str
    why: str


class SaveRefused(Exception):
    """Why a save was not done, in Chinese, with the details (problems, failed tests) to show."""

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.message, self.details = message, details or []


def default_author() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (a container without passwd entry)
        return "未知用户"


def check_unchanged(path: Path, opened_sha: str) -> str:
    """The file's text, provided it is still the one that was opened."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SaveRefused(f"无法读取 {path.name}（{exc.strerror or exc}），未保存。") from None
    if sha_of(text) != opened_sha:
        raise SaveRefused(f"{path.name} 在你打开之后已被修改（可能是别人或别的程序改的），未保存。"
                          "请复制你的修改，重新打开后再改。")
    return text


def write_atomic(path: Path, text: str) -> None:
    """Temporary file in the same folder, then rename: a crash leaves the old file or the new, never half.
    The file keeps its permissions."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _git_root(folder: Path) -> Path | None:
    try:
        out = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, timeout=GIT_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return Path(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else None


def record(change: Change) -> str:
    """A git commit of that one file when its folder is in a git work tree, else a change-log entry;
    returns what was done, in Chinese."""
    root = _git_root(change.path.parent)
    if root is not None:
        done = _commit(root, change)
        if done:
            return done
    return _append_log(change)


def _commit(root: Path, change: Change) -> str:
    message = f"{change.what}：{change.why}\n\n由 {change.who} 在规则工作台中修改（perfcheck serve）。"
    author = f"{change.who} <{change.who}@perfcheck-workbench>"
    env = dict(os.environ, GIT_COMMITTER_NAME=change.who, GIT_COMMITTER_EMAIL=f"{change.who}@perfcheck-workbench")
    relative = str(change.path.resolve().relative_to(root.resolve()))
    steps = (["git", "-C", str(root), "add", "--", relative],
             ["git", "-C", str(root), "commit", "--quiet", "--only", f"--author={author}", "-m", message, "--", relative])
    for step in steps:
        try:
            out = subprocess.run(step, capture_output=True, text=True, env=env, timeout=GIT_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        if out.returncode != 0:
            return ""
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                          timeout=GIT_TIMEOUT_S).stdout.strip()
    return f"已提交到 git（{head}）。"


def _append_log(change: Change) -> str:
    log = change.path.parent / CHANGELOG_NAME
    when = datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    entry = (f"\n## {when}（北京时间） {change.who}\n\n- 文件：{change.path.name}\n- 修改：{change.what}\n"
             f"- 原因：{change.why}\n")
    head = "" if log.exists() else "# 规则与配置修改记录\n\n由规则工作台（perfcheck serve）每次保存时追加。\n"
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(head + entry)
    return f"已记入 {log.name}。"
