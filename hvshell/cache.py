"""hvshell's private cache directories (the compiled grammar, the built demo lab).

Everything cached can be rebuilt: a missing, unwritable or damaged cache
only costs time.  A directory that other users can write to is never
trusted.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator


def cache_dirs() -> Iterator[Path]:
    """Usable cache directories, best first: $XDG_CACHE_HOME/hvshell (or
    ~/.cache/hvshell), then a per-user directory in the temp folder.  One
    by one: finding the temp folder imports tempfile (and shutil, bz2, lzma:
    6 ms of a start), which a cache found in the first never needs."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if os.path.isabs(base) and _private_dir(Path(base) / "hvshell"):
        yield Path(base) / "hvshell"
    import tempfile
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    temp = Path(tempfile.gettempdir()) / f"hvshell-cache-{uid}"
    if _private_dir(temp):
        yield temp


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
