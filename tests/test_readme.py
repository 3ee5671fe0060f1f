"""The README documents every setting, and CI runs the README's test command."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from qa.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [f.name for f in fields(Settings) if f"| `{f.name}` |" not in readme]
    assert not missing, f"add these settings to the README table (`qa config --markdown`): {missing}"
    assert Settings().markdown_table() in readme, "README settings table is stale: paste `qa config --markdown`"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./run.sh test" in readme and "./run.sh chat" in readme
    assert "./run.sh test" in ci
