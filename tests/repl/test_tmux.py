"""End to end: the installed `hvshell` in a real terminal (tmux), typed into
with send-keys and read back with capture-pane."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def hvshell_command() -> str:
    installed = Path(sys.executable).with_name("hvshell")
    return str(installed) if installed.exists() else str(ROOT / "scripts" / "hvshell")


class Terminal:
    def __init__(self, data_home: Path):
        self.name = "hvshell-test-" + uuid.uuid4().hex[:8]
        env = {"XDG_DATA_HOME": str(data_home), "TERM": "xterm-256color"}
        exports = " ".join(f"{key}={value}" for key, value in env.items())
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", "132", "-y", "40",
                        f"cd {ROOT} && env {exports} {hvshell_command()} --empty"], check=True)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name],
                              capture_output=True, text=True, check=True).stdout

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def literal(self, text: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", text], check=True)

    def wait_for(self, pattern: str, timeout: float = 30.0) -> re.Match:
        deadline = time.monotonic() + timeout
        while True:
            match = re.search(pattern, self.screen(), re.M)
            if match:
                return match
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} not on screen:\n{self.screen()}")
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def terminal(tmp_path):
    term = Terminal(tmp_path)
    yield term
    term.close()


def prompt_line(term: Terminal, rest: str) -> re.Match:
    """The prompt line reading `rest` after `PS HOST> ` (capture-pane drops
    trailing blanks, so an empty line ends at `>`)."""
    return term.wait_for(r"^PS (\S+)>" + (" " + rest if rest else "") + r"\s*$")


def clear_line(term: Terminal) -> None:
    """Ctrl+C, then wait for the fresh prompt: keys sent before it is drawn
    would be echoed by the terminal between two prompts."""
    term.keys("C-c")
    prompt_line(term, "")


def test_typing_and_tab_completion_in_a_terminal(terminal, tmp_path):
    prompt_line(terminal, "")
    terminal.literal("New-LabHost HV01; New-LabHost HV02; New-VM web01 -MemoryStartupBytes 1GB")
    terminal.keys("Enter")
    terminal.wait_for(r"^PS HV01>\s*$")              # the first host is the session host

    terminal.literal("Get-V")
    terminal.keys("Tab")
    first = prompt_line(terminal, r"(Get-V\w+)").group(2)
    terminal.keys("Tab")
    second = prompt_line(terminal, rf"(?!{first}\b)(Get-V\w+)").group(2)
    assert first.lower() < second.lower()                        # cycles in sorted order

    clear_line(terminal)
    terminal.literal("Move-VM web01 -Dest")
    terminal.keys("Tab")
    prompt_line(terminal, "Move-VM web01 -DestinationHost")
    terminal.literal(" ")
    terminal.keys("Tab")
    prompt_line(terminal, "Move-VM web01 -DestinationHost HV01")

    clear_line(terminal)
    terminal.literal("Set-VMHost -VirtualMachineMigrationPerformanceOption ")
    terminal.keys("Tab")
    prompt_line(terminal, "Set-VMHost -VirtualMachineMigrationPerformanceOption TCPIP")
    terminal.keys("Tab")
    prompt_line(terminal, "Set-VMHost -VirtualMachineMigrationPerformanceOption Compression")

    clear_line(terminal)
    terminal.literal("'multi-line' + {")
    terminal.keys("Enter")
    terminal.wait_for(r"^>>\s*$")
    clear_line(terminal)

    terminal.literal("Get-VM")
    terminal.keys("Enter")
    terminal.wait_for(r"^Name\s+State\s+CPUUsage\(%\)")
    terminal.literal("exit")
    terminal.keys("Enter")
    deadline = time.monotonic() + 10
    while subprocess.run(["tmux", "has-session", "-t", terminal.name],
                         capture_output=True).returncode == 0:
        assert time.monotonic() < deadline, "hvshell did not exit"
        time.sleep(0.1)
    assert "Get-VM" in (tmp_path / "hvshell" / "history").read_text()


def test_ctrl_c_stops_a_script_waiting_on_the_simulated_clock(terminal):
    # A loop waiting for a state that never comes: Ctrl+C ends it, and the
    # shell (and what the loop did so far) stays.
    prompt_line(terminal, "")
    terminal.literal("$n = 0; while ($true) { Start-Sleep 5; $n++ }")
    terminal.keys("Enter")
    time.sleep(1.0)
    terminal.keys("C-c")
    terminal.wait_for(r"Operation cancelled")
    prompt_line(terminal, "")
    terminal.literal("$n -gt 100 -and (Get-Date) -gt [datetime]'2014-03-25 09:10'")
    terminal.keys("Enter")
    terminal.wait_for(r"^True\s*$")
