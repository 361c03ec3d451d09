"""The documentation in docs/ stays true to the code: the cmdlet table is
what scripts/cmdlet-coverage writes from the declarations now."""
from __future__ import annotations

import importlib.util
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
CMDLETS_PAGE = ROOT / "docs" / "cmdlets.md"


def _coverage_script():
    spec = importlib.util.spec_from_file_location("cmdlet_coverage",
                                                  ROOT / "scripts" / "cmdlet_coverage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cmdlet_table_is_current():
    # In a fresh interpreter: tests declare cmdlets of their own, which
    # must not reach the table.
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "cmdlet_coverage.py"), "--check"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, (
        "docs/cmdlets.md is out of date with the cmdlet declarations: run scripts/cmdlet-coverage "
        f"and commit docs/cmdlets.md\n{run.stdout}{run.stderr}")


def test_no_cmdlet_is_missing_from_its_2012r2_module():
    """A cmdlet declared in Hyper-V, FailoverClusters or ClusterAwareUpdating
    exists in that module on 2012 R2 (the page names any that does not)."""
    assert "Not in the 2012 R2 module:" not in CMDLETS_PAGE.read_text(encoding="utf-8")


def test_module_lists():
    lists = _coverage_script().read_module_lists()
    assert {m: len(names) for m, names in lists.items()} == {
        "Hyper-V": 178, "FailoverClusters": 80, "ClusterAwareUpdating": 17}
    for module, names in lists.items():
        lowered = [n.lower() for n in names]
        assert len(lowered) == len(set(lowered)), f"{module} lists a cmdlet twice"


# Files a person who clones the repository does not have; code, tests and
# docs cite docs/ instead.  (Spelled in pieces so this file does not cite them.)
OUTSIDE = ("../" + "shared", "shared/" + "reference", "SPEC" + ".md",
           "hyperv-" + "cmdlets.md", "migration-" + "figures.md", "powershell-" + "language.md")


def _repository_files() -> list[pathlib.Path]:
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                                check=True).stdout.decode().split("\0")
        return [ROOT / name for name in listed if name]
    except (OSError, subprocess.CalledProcessError):     # not a git checkout
        skip = {".git", ".venv", "__pycache__"}
        return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.parts)
                and not p.parent.name.endswith(".egg-info")]


def test_nothing_cites_files_outside_the_repository():
    found = []
    for path in _repository_files():
        if not path.is_file() or path.is_symlink():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            for name in OUTSIDE:
                if name in line:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {name}")
    assert not found, "cite docs/ instead of:\n" + "\n".join(found)
