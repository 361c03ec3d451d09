"""Names are shown with their control characters escaped: a VM name from a
lab file (or typed) cannot clear or retitle the terminal."""
import io

from hvshell.model.lab import Lab
from hvshell.repl.app import prompt_text
from hvshell.runtime.psobject import printable
from hvshell.runtime.session import Session
from hvshell.shell import new_interpreter


def test_printable_escapes_controls_but_keeps_tabs_and_line_breaks():
    assert printable("a\x1b]0;t\x07b\x9bc\0") == "a`e]0;t`ab`u{9b}c`0"
    assert printable("tab\there\nnext") == "tab\there\nnext"


def test_tables_lists_errors_and_the_prompt_show_names_escaped():
    session = Session(Lab(seed=1), seed=1)
    out, err = io.StringIO(), io.StringIO()
    interp = new_interpreter(session, stdout=out, stderr=err)
    interp.execute('New-LabHost HV01; New-VM -Name "web`e[2J01" -MemoryStartupBytes 1GB | Out-Null; '
                   'Get-VM | Format-Table Name; Get-VM | Format-List Name; '
                   'Get-VM -Name "x`e]0;owned`a"')
    text = out.getvalue() + err.getvalue()
    assert "\x1b" not in text and "\x07" not in text
    assert text.count("web`e[2J01") == 3 and "x`e]0;owned`a" in err.getvalue()
    session.computer_name = "HV\x1b[2J"
    assert prompt_text(session) == "[HV`e[2J]: PS HV`e[2J> "
