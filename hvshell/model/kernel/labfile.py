"""Cheap looks into a saved lab file, without loading the model."""
from __future__ import annotations

import json
import os


def peek_local_host(path: str | os.PathLike) -> str | None:
    """The name of the host the shell stands on in the saved lab at `path`
    (its first host), or None when the file cannot tell."""
    try:
        with open(path, encoding="utf-8") as handle:
            hosts = json.load(handle)["lab"]["hosts"]
        return str(hosts[0]["name"]) if hosts else None
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None
