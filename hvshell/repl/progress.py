"""The progress bar that long simulated operations show in the REPL.

The session calls `progress_hook(activity, status, percent,
seconds_remaining, completed)` as simulated time advances.  A simulated
drain can finish in a millisecond of real time, so each update is held on
screen for a moment, in proportion to the progress it reports, within a
budget of a few real seconds per command: long enough to watch, never long
enough to wait for.  The pause is also where Ctrl-C lands (the interpreter
then cancels the operation).
"""
from __future__ import annotations

import shutil
import sys
import time
from typing import Any, Callable, TextIO

# Real seconds the bars of one command may take in all, and at most per
# update, so that a 0->100 % jump does not freeze the screen.
BUDGET_SECONDS = 2.5
MAX_PAUSE_SECONDS = 0.25
UNKNOWN_PERCENT_PAUSE = 0.05


def format_remaining(seconds: float) -> str:
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def render_line(activity: str, status: str, percent: float, seconds_remaining: float,
                width: int) -> str:
    """One line: `activity [####......]  42%  status  00:01:23 left`, fitted
    to `width` columns by shortening the activity first (the numbers matter
    more than a long description)."""
    tail = []
    if status:
        tail.append(status)
    if seconds_remaining is not None and seconds_remaining >= 0:
        tail.append(format_remaining(seconds_remaining) + " left")
    tail_text = "  ".join(tail)
    if percent is not None and percent >= 0:
        shown = max(0.0, min(100.0, percent))
        bar_width = max(10, min(40, width // 4))
        filled = int(bar_width * shown / 100)
        bar = f"[{'#' * filled}{'.' * (bar_width - filled)}] {int(shown):3d}%"
    else:
        bar = "[" + "." * 10 + "]"
    room = width - 1 - len(bar) - len(tail_text) - 3
    if len(activity) > room:
        activity = activity[:max(10, room - 3)] + "..."
    line = f"{activity} {bar}  {tail_text}".rstrip()
    return line[:max(1, width - 1)]


class ProgressDisplay:
    """A `Session.progress_hook` that draws one updating line on `stream`."""

    def __init__(self, interp: Any, stream: TextIO | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 width: Callable[[], int] | None = None):
        self.interp = interp
        self.stream = stream or sys.stdout
        self.sleep = sleep
        self.width = width or (lambda: shutil.get_terminal_size((80, 24)).columns)
        self._last_percent: dict[str, float] = {}
        self._spent = 0.0
        self._shown = False

    def begin_command(self) -> None:
        """A new command starts: a fresh time budget."""
        self._last_percent.clear()
        self._spent = 0.0

    def enabled(self) -> bool:
        try:
            preference = self.interp.get_variable("ProgressPreference")
        except Exception:
            return True
        return str(preference).lower() != "silentlycontinue"

    def __call__(self, activity: str, status: str = "", percent: float = -1,
                 seconds_remaining: float = -1, completed: bool = False) -> None:
        if completed:
            self._last_percent.pop(activity, None)
            self.clear()
            return
        if not self.enabled():
            return
        self.stream.write("\r" + render_line(activity, status, percent, seconds_remaining,
                                             self.width()) + "\x1b[K")
        self.stream.flush()
        self._shown = True
        self._pause(activity, percent)

    def _pause(self, activity: str, percent: float) -> None:
        if percent is None or percent < 0:
            wanted = UNKNOWN_PERCENT_PAUSE
        else:
            previous = self._last_percent.get(activity, 0.0)
            self._last_percent[activity] = percent
            wanted = BUDGET_SECONDS * max(0.0, percent - previous) / 100
        pause = min(wanted, MAX_PAUSE_SECONDS, BUDGET_SECONDS - self._spent)
        if pause > 0:
            self._spent += pause
            self.sleep(pause)

    def clear(self) -> None:
        """Erase the bar, so that output and the prompt start on a clean line."""
        if self._shown:
            self._shown = False
            self.stream.write("\r\x1b[K")
            self.stream.flush()


class ClearsProgress:
    """An output stream that erases the progress bar before anything is
    written through it, so command output never lands on the bar's line."""

    def __init__(self, inner: TextIO, display: ProgressDisplay):
        self.inner = inner
        self.display = display

    def write(self, text: str) -> int:
        if text:
            self.display.clear()
        return self.inner.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
