"""The demo lab (README.md, A short tour), defined as a script in hvshell's own language.

Building it runs the script (about a quarter of a second); the built lab is
kept in hvshell's cache as a saved lab and loaded from there next time.
The cache key covers the script, the seed and hvshell's own source files,
so any change to what the script would build makes a new one.
"""
from __future__ import annotations

import hashlib
import io
from importlib import resources
from pathlib import Path
from typing import Any

import hvshell
from hvshell.cache import cache_dirs


def demo_script() -> str:
    return resources.files(__package__).joinpath("lab.hvps").read_text(encoding="utf-8")


def build_demo_lab(lab: Any) -> None:
    """Run the demo script against `lab`; any error in it is a defect and
    is raised with the script's own error text."""
    from hvshell.runtime.interpreter import ScriptTerminated
    from hvshell.runtime.session import Session
    from hvshell.shell import new_interpreter
    out, err = io.StringIO(), io.StringIO()
    session = Session(lab, seed=getattr(lab, "seed", 0))
    interp = new_interpreter(session, stdout=out, stderr=err)
    interp.global_scope.set_local("ErrorActionPreference", "Stop")
    try:
        ok = interp.execute(demo_script(), "demo/lab.hvps")
    except ScriptTerminated:
        ok = False
    if not ok or err.getvalue():
        raise RuntimeError("the demo lab script failed:\n" + err.getvalue())


def _cache_key(seed: int) -> str:
    """Changes with the script, the seed, and any of hvshell's source files
    (by size and modification time: no need to read them)."""
    digest = hashlib.sha256(demo_script().encode())
    digest.update(str(seed).encode())
    root = Path(hvshell.__file__).parent
    for path in sorted(root.rglob("*.py")):
        stat = path.stat()
        digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:24]


def cached_demo_lab(seed: int) -> Path | None:
    """The cached demo lab file for `seed`, if there is one."""
    name = f"demo-lab-{_cache_key(seed)}.json"
    return next((d / name for d in cache_dirs() if (d / name).is_file()), None)


def demo_lab(seed: int) -> Any:
    """The demo lab for `seed`: from the cache when it holds one, else built
    (and then cached)."""
    from hvshell.model.kernel.errors import LabFileError, LabSaveError
    from hvshell.model.lab import Lab
    from hvshell.model.kernel.persist import load_lab, save_lab
    cached = cached_demo_lab(seed)
    if cached is not None:
        try:
            return load_lab(cached)
        except (LabFileError, OSError):
            pass                      # damaged: build it again and replace it
    name = f"demo-lab-{_cache_key(seed)}.json"
    lab = Lab(seed=seed)
    build_demo_lab(lab)
    for directory in cache_dirs():
        try:
            save_lab(lab, directory / name)
            break
        except LabSaveError:
            continue
    return lab
