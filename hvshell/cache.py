"""hvshell's private cache directories (the compiled grammar, the built demo lab).

Everything cached can be rebuilt: a missing, unwritable or damaged cache
only costs time.  A directory that other users can write to is never
trusted.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def cache_dirs() -> list[Path]:
    """Usable cache directories, best first: $XDG_CACHE_HOME/hvshell (or
    ~/.cache/hvshell), then a per-user directory in the temp folder."""
    candidates = []
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if os.path.isabs(base):
        candidates.append(Path(base) / "hvshell")
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    candidates.append(Path(tempfile.gettempdir()) / f"hvshell-cache-{uid}")
    return [d for d in candidates if _private_dir(d)]


def _private_dir(path: Path) -> bool:
    """Create `path` if needed; True if only this user can write to it."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = path.stat()
    except OSError:
        return False
    if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
        return False
    return True
