"""Name matching as PowerShell does it: case-insensitive wildcards."""
from __future__ import annotations

import functools
import re


def has_wildcard(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


class WildcardPattern:
    """A compiled wildcard.  The pattern is cut at its `*`s into runs of
    fixed length (characters, `?`, `[...]`), found left to right, each as
    early as it can be: that is exact for wildcards, and linear, where the
    equivalent regex (`.*a.*a.*b`) backtracks without end on long text."""

    __slots__ = ("runs", "starred", "last_length")

    def __init__(self, runs: list[re.Pattern[str]], starred: bool, last_length: int):
        self.runs = runs            # one more than the groups of `*`
        self.starred = starred
        self.last_length = last_length

    def match(self, text: str) -> bool:
        runs = self.runs
        if not self.starred:
            return runs[0].fullmatch(text) is not None
        head = runs[0].match(text)
        if head is None:
            return False
        start, end = head.end(), len(text) - self.last_length
        if end < start or runs[-1].fullmatch(text, end) is None:
            return False
        for run in runs[1:-1]:
            found = run.search(text, start, end)
            if found is None:
                return False
            start = found.end()
        return True


@functools.lru_cache(maxsize=1024)
def compile_wildcard(pattern: str, case: bool = False) -> WildcardPattern:
    """A wildcard pattern compiled for matching whole names (ignoring case
    unless `case`)."""
    flags = re.DOTALL | (0 if case else re.IGNORECASE)
    runs: list[re.Pattern[str]] = []
    tokens: list[str] = []
    length = 0
    starred = False
    i = 0
    try:
        while i < len(pattern):
            ch = pattern[i]
            if ch == "`" and i + 1 < len(pattern):
                tokens.append(re.escape(pattern[i + 1]))
                length += 1
                i += 2
                continue
            if ch == "*":
                runs.append(re.compile("".join(tokens), flags))
                tokens, length, starred = [], 0, True
                while i < len(pattern) and pattern[i] == "*":
                    i += 1
                continue
            if ch == "?":
                tokens.append(".")
            elif ch == "[" and pattern.find("]", i + 1) != -1:
                end = pattern.find("]", i + 1)
                body = pattern[i + 1:end]
                negate = body.startswith("!")
                if negate:
                    body = body[1:]
                body = body.replace("\\", "\\\\").replace("^", "\\^").replace("[", "\\[")
                tokens.append(f"[{'^' if negate else ''}{body}]")
                i = end
            else:
                tokens.append(re.escape(ch))
            length += 1
            i += 1
        runs.append(re.compile("".join(tokens), flags))
    except re.error:
        # A bracket that is no valid range ("[5-1]") matches itself literally.
        return WildcardPattern([re.compile(re.escape(pattern), flags)], False, len(pattern))
    return WildcardPattern(runs, starred, length)


def wildcard_match(pattern: str, text: str, case: bool = False) -> bool:
    """`text -like pattern`: `*`, `?`, `[a-z]`, `[!x]`, backtick escapes."""
    if not has_wildcard(pattern) and "`" not in pattern:
        return pattern == text if case else pattern.lower() == text.lower()
    return compile_wildcard(pattern, case).match(text)
