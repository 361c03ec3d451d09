""".NET regular expressions on Python's `re`: the syntax translated, .NET's
group numbering and replacement strings, and a match timeout.

.NET throws RegexMatchTimeoutException when a match runs past its timeout;
Python's engine would backtrack on `(a+)+$` for as long as the universe
lasts.  Every match here runs under a wall-clock deadline (MATCH_TIMEOUT):
it only decides the outcome of a pattern that would otherwise never finish,
so scripts stay deterministic.  The deadline is a SIGALRM timer, which
CPython's regex engine checks while it runs; off the main thread (where no
signal can be handled) matches run without one.
"""
from __future__ import annotations

import re
import signal
import threading
import warnings
from typing import Any, Callable

from hvshell.runtime.dotnet_limits import ARGUMENT, REGEX_TIMEOUT, DotNetError
from hvshell.runtime.psobject import Hashtable

MATCH_TIMEOUT = 2.0          # seconds
TIMEOUT_MESSAGE = ("The RegEx engine has timed out while trying to match a pattern to an input "
                   "string. This can occur for many reasons, including very large inputs or "
                   "excessive backtracking caused by nested quantifiers, back-references and "
                   "other factors.")
_INT32_MAX = (1 << 31) - 1


class RegexError(DotNetError):
    """An invalid pattern (.NET's ArgumentException from the Regex constructor)."""

    def __init__(self, pattern: str, reason: str):
        super().__init__(f'parsing "{pattern}" - {reason}', ARGUMENT)
        self.pattern = pattern
        self.reason = reason


class _Expired(Exception):
    pass


def _expire(signum: int, frame: Any) -> None:
    raise _Expired()


def _with_deadline(call: Callable[..., Any], *args: Any) -> Any:
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread() \
            or signal.getitimer(signal.ITIMER_REAL)[0]:
        return call(*args)              # no signals here, or someone else's timer is running
    previous = signal.signal(signal.SIGALRM, _expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, MATCH_TIMEOUT)
        try:
            return call(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Expired:
        raise DotNetError(TIMEOUT_MESSAGE, REGEX_TIMEOUT) from None
    finally:
        signal.signal(signal.SIGALRM, previous)


class DotNetRegex:
    """A compiled pattern whose matching methods honour the timeout."""

    __slots__ = ("compiled",)

    def __init__(self, compiled: re.Pattern[str]):
        self.compiled = compiled

    @property
    def groups(self) -> int:
        return self.compiled.groups

    @property
    def groupindex(self) -> Any:
        return self.compiled.groupindex

    def search(self, text: str) -> re.Match[str] | None:
        return _with_deadline(self.compiled.search, text)

    def sub(self, replacement: Any, text: str) -> str:
        return _with_deadline(self.compiled.sub, replacement, text)

    def split(self, text: str, maxsplit: int = 0) -> list[str]:
        return _with_deadline(self.compiled.split, text, maxsplit)


def compile_regex(pattern: str, case: bool) -> DotNetRegex:
    """A .NET pattern compiled for Python (named groups and back-references
    in .NET's spelling); RegexError when it is not a valid pattern."""
    translated = re.sub(r"\(\?<([A-Za-z_]\w*)>", r"(?P<\1>", pattern)
    translated = re.sub(r"\\k<([A-Za-z_]\w*)>", r"(?P=\1)", translated)
    # .NET counts a quantifier in Int32 (Python's limit is higher, then an OverflowError).
    for bound in re.findall(r"\{(\d+)(?:,(\d*))?\}", translated):
        if any(part and (len(part) > 10 or int(part) > _INT32_MAX) for part in bound):
            raise RegexError(pattern, "Capture group numbers must be less than or equal to "
                                      "Int32.MaxValue.")
    try:
        with warnings.catch_warnings():
            # Python warns of syntax it may read differently one day ("[[");
            # a user's pattern is theirs, and the warning is no business of the terminal.
            warnings.simplefilter("ignore")
            return DotNetRegex(re.compile(translated, 0 if case else re.IGNORECASE))
    except re.error as error:
        raise RegexError(pattern, f"{error}.") from None
    except (OverflowError, RecursionError, ValueError) as error:
        raise RegexError(pattern, f"{error}.") from None


def dotnet_group_numbers(regex: Any) -> dict[int, int | str]:
    """.NET numbering of a regex's groups: unnamed groups first (1, 2, ...),
    then named groups by name.  Maps .NET number -> Python group index, and
    names map to themselves."""
    named = set(regex.groupindex.values())
    numbering: dict[int, int | str] = {}
    number = 0
    for index in range(1, regex.groups + 1):
        if index not in named:
            number += 1
            numbering[number] = index
    return numbering


def match_groups(m: re.Match[str]) -> Hashtable:
    """$Matches: numbered groups as .NET numbers them, named groups by name,
    key 0 the whole match (PowerShell lists them last to first)."""
    table = Hashtable()
    for name in sorted(m.re.groupindex, key=m.re.groupindex.get, reverse=True):
        if m.group(name) is not None:
            table[name] = m.group(name)
    numbering = dotnet_group_numbers(m.re)
    for number in sorted(numbering, reverse=True):
        if m.group(numbering[number]) is not None:
            table[number] = m.group(numbering[number])
    table[0] = m.group(0)
    return table


def replacement(sub: str) -> Callable[[re.Match[str]], str]:
    """A .NET replacement string ($1, ${name}, $0, $$) as a function."""
    def expand(m: re.Match[str]) -> str:
        numbering = dotnet_group_numbers(m.re)

        def one(token: re.Match[str]) -> str:
            text = token.group(0)
            if text == "$$":
                return "$"
            name = token.group(1) or token.group(2)
            if name.isdigit():
                number = int(name) if len(name) < 10 else -1
                key: int | str = 0 if number == 0 else numbering.get(number, -1)
            else:
                key = name
            try:
                return m.group(key) or ""
            except (IndexError, re.error):
                return text
        return re.sub(r"\$\$|\$\{(\w+)\}|\$(\d+)", one, sub)
    return expand


__all__ = ["RegexError", "DotNetRegex", "compile_regex", "dotnet_group_numbers", "match_groups",
           "replacement", "MATCH_TIMEOUT"]
