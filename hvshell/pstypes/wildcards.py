"""Name matching as PowerShell does it: case-insensitive wildcards."""
from __future__ import annotations

import functools
import re


def has_wildcard(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


@functools.lru_cache(maxsize=1024)
def wildcard_regex(pattern: str, case: bool = False) -> re.Pattern[str]:
    """A wildcard pattern as an anchored regex (ignoring case unless `case`)."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "`" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1:end]
                negate = body.startswith("!")
                if negate:
                    body = body[1:]
                body = body.replace("\\", "\\\\").replace("^", "\\^")
                out.append(f"[{'^' if negate else ''}{body}]")
                i = end + 1
                continue
        else:
            out.append(re.escape(ch))
        i += 1
    flags = re.DOTALL | (0 if case else re.IGNORECASE)
    try:
        return re.compile("".join(out) + r"\Z", flags)
    except re.error:
        # A bracket that is no valid range ("[5-1]") matches itself literally.
        return re.compile(re.escape(pattern) + r"\Z", flags)


def wildcard_match(pattern: str, text: str, case: bool = False) -> bool:
    """`text -like pattern`: `*`, `?`, `[a-z]`, `[!x]`, backtick escapes."""
    if not has_wildcard(pattern) and "`" not in pattern:
        return pattern == text if case else pattern.lower() == text.lower()
    return wildcard_regex(pattern, case).match(text) is not None
