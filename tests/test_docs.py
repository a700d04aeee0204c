"""Documentation and entry points must not rot: settings, commands, the two README commands."""
from __future__ import annotations


from conftest import ROOT

from registry.cli import main
from registry.config import SETTINGS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    missing = [s.name for s in SETTINGS if f"| `{s.name}` |" not in README]
    assert not missing, f"settings missing from README's table: {missing}"


def test_every_command_is_documented():
    missing = [name for name in main.commands if f"`bamboe {name}" not in README]
    assert not missing, f"commands missing from README: {missing}"


def test_readme_test_command_is_what_ci_runs():
    block = README.split("## Two commands")[1].split("```bash")[1].split("```")[0]
    commands = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert commands[-1] == "bash .ci/run"
    assert commands[0].endswith("bamboe demo")
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pytest" in ci and "set -euo pipefail" in ci
