"""The `hvshell` command: REPL, script files, -c, and lab options (README.md, Command line)."""
from __future__ import annotations

import argparse
import os
import sys
import warnings
from typing import Any

from hvshell import __version__

DEFAULT_SEED = 2012
SCRIPT_WIDTH = 120     # console width when output is not a terminal (files, pipes, tests)


def _help_formatter(prog: str) -> argparse.HelpFormatter:
    """argparse's formatter at the terminal's width, found without shutil
    (argparse imports shutil, and with it bz2 and lzma, whenever it makes a
    formatter, even to check a declaration: 6 ms of hvshell's start)."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 80
    return argparse.HelpFormatter(prog, width=columns - 2)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hvshell", formatter_class=_help_formatter,
        description="A Hyper-V datacenter simulator driven by PowerShell.",
        epilog="With no FILE and no -c, starts the interactive shell on the demo lab.")
    parser.add_argument("-c", dest="command", metavar="COMMANDS",
                        help="run one command line and exit")
    parser.add_argument("--lab", metavar="FILE",
                        help="load the lab from FILE (created if missing) and save it back "
                             "after every top-level statement")
    parser.add_argument("--wait", action="store_true",
                        help="when another hvshell has the --lab file, wait for it to end "
                             "(instead of refusing)")
    parser.add_argument("--empty", action="store_true",
                        help="start from an empty lab instead of the demo lab")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"the simulation's random seed (default {DEFAULT_SEED})")
    parser.add_argument("--root", metavar="DIR",
                        help="real files are read and written only below DIR "
                             "(default: the current directory)")
    parser.add_argument("--max-sim-time", metavar="DURATION", type=_duration,
                        help="stop a script (or -c) that would take the lab's clock more than "
                             "DURATION past where it started: 90s, 45m, 12h, 30d")
    parser.add_argument("--version", action="version", version=f"hvshell {__version__}")
    parser.add_argument("file", nargs="?", metavar="FILE", help="a .hvps script to run")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the script ($args)")
    return parser


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _duration(text: str) -> tuple[str, float]:
    """--max-sim-time's value: a number of seconds, minutes, hours or days
    (30d, 1.5h; a bare number is seconds), as (the text, seconds)."""
    value = text.strip().lower()
    number, unit = (value[:-1], value[-1]) if value[-1:] in _UNITS else (value, "s")
    try:
        seconds = float(number) * _UNITS[unit]
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a duration: give a number and a unit, such as 90s, 45m, 12h "
            "or 30d")
    return text.strip(), seconds


def _bound_clock(limit: tuple[str, float]) -> Any:
    """What a session does with each lab it takes on under --max-sim-time:
    its clock may run that long from where it stands."""
    def bound(lab: Any) -> None:
        lab.clock.limit = lab.clock.now + limit[1]
    return bound


def _time_limit_record(lab: Any, limit: tuple[str, float]) -> Any:
    """The terminating error of a script stopped at --max-sim-time."""
    from hvshell.runtime.errors import ErrorRecord
    from hvshell.runtime.psobject import format_datetime
    reached = format_datetime(lab.time_at(lab.clock.limit))
    return ErrorRecord(
        f"The script was stopped: it would run the lab's clock past {reached}, "
        f"{limit[0]} of simulated time after it started (--max-sim-time {limit[0]}). "
        "What was due until then has happened. A loop that waits on the clock for a state "
        "that never comes (while (...) { Start-Sleep 5 }) ends here: check its condition, "
        "or give a longer --max-sim-time.",
        "SimulatedTimeLimitReached", "OperationStopped", None, "System.TimeoutException")


def build_lab(seed: int, empty: bool) -> Any:
    """A new lab: the demo lab, or an empty one."""
    if empty:
        from hvshell.model.lab import Lab
        return Lab(seed=seed)
    from hvshell.demo import demo_lab
    return demo_lab(seed)


def _saver(session: Any, path: str) -> Any:
    """The --lab save after each top-level statement: a save the system
    refuses is a terminating error (the file keeps the last save)."""
    from hvshell.model.kernel.errors import LabSaveError
    from hvshell.model.kernel.persist import save_lab
    from hvshell.runtime.errors import ErrorRecord, PSError

    def save() -> None:
        try:
            save_lab(session.lab, path)
        except LabSaveError as error:
            raise PSError(ErrorRecord(error.message, error.error_id, error.category,
                                      error.target, error.exception_type)) from None
    return save


def _fail(message: str) -> int:
    sys.stderr.write(f"hvshell: {message}\n")
    return 2


def main(argv: list[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    # Text a terminal cannot encode (a lone surrogate from [char]0xD800)
    # shows as '?', as on a console; Python's warnings are not the user's.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    warnings.simplefilter("ignore")
    if options.root and not os.path.isdir(options.root):
        return _fail(f"--root {options.root}: no such directory")
    try:
        return _run(options)
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        return 130
    except BrokenPipeError:
        # `hvshell ... | head`: the reader left; say nothing more on stdout.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:  # last resort: a defect is reported, never a traceback
        if os.environ.get("HVSHELL_DEBUG"):
            raise
        sys.stderr.write(f"hvshell: internal error: {type(error).__name__}: {error}\n"
                         f"(set HVSHELL_DEBUG=1 to see where)\n")
        return 70


def _run(options: argparse.Namespace) -> int:
    from hvshell.runtime.interpreter import ScriptTerminated
    from hvshell.runtime.session import Session
    from hvshell.runtime.signals import ExitSignal
    from hvshell.shell import new_interpreter
    from hvshell.sim.clock import TimeLimitReached

    lab_path = options.lab
    lab = None
    if lab_path:
        from hvshell.model.kernel.labfile import LabInUseError, lock_lab_file
        try:
            # Held until the process ends: no other hvshell saves over this one.
            options.lab_lock = lock_lab_file(lab_path, options.wait, lambda holder: sys.stderr.write(
                f"hvshell: waiting for the hvshell using {lab_path}"
                f"{f' (process {holder})' if holder else ''} to end\n"))
        except LabInUseError as error:
            return _fail(str(error))
    if lab_path and os.path.exists(lab_path):
        from hvshell.model.kernel.errors import LabFileError
        from hvshell.model.kernel.persist import load_lab
        try:
            lab = load_lab(lab_path)
        except LabFileError as error:
            return _fail(str(error))

    interactive = options.file is None and options.command is None
    session = Session(lab, seed=options.seed, root=options.root, interactive=interactive,
                      lab_factory=lambda: build_lab(options.seed, options.empty))
    if options.max_sim_time and not interactive:      # (the REPL has Ctrl+C)
        session.on_lab = _bound_clock(options.max_sim_time)
        if lab is not None:
            session.on_lab(lab)
    if interactive and lab is None:
        # The prompt can show the host while the REPL loads the lab behind it
        # (an empty lab has none: the shell stands on "localhost").
        if options.empty:
            session.host_hint = "localhost"
        else:
            from hvshell.demo import cached_demo_lab
            from hvshell.model.kernel.labfile import peek_local_host
            cached = cached_demo_lab(options.seed)
            session.host_hint = peek_local_host(cached) if cached else None
    width = SCRIPT_WIDTH
    if sys.stdout.isatty():
        width = max(40, os.get_terminal_size().columns)
    interp = new_interpreter(session, width=width)
    if lab_path:
        from hvshell.model.kernel.errors import LabSaveError
        from hvshell.model.kernel.persist import save_lab
        interp.after_statement = _saver(session, lab_path)
        if not os.path.exists(lab_path):
            try:
                save_lab(session.lab, lab_path)
            except LabSaveError as error:
                return _fail(error.message)

    if interactive:
        from hvshell.repl.app import run_repl
        return run_repl(interp) or 0

    if options.command is not None:
        text, path, args = options.command, None, []
    else:
        # The script named on the command line is the user's own choice: it is
        # read wherever it is; what the script then touches stays below --root.
        try:
            with open(options.file, encoding="utf-8-sig") as handle:
                text = handle.read()
        except OSError as error:
            return _fail(f"cannot read {options.file}: {error.strerror}")
        except UnicodeDecodeError:
            return _fail(f"cannot read {options.file}: it is not UTF-8 text")
        path, args = options.file, options.args
        interp.script_path = options.file
    try:
        script = interp.parse_or_report(text, path)
        if script is None:
            return 1
        interp.run_script(script, args)
    except ScriptTerminated:
        return 1
    except ExitSignal as signal:
        return signal.code
    except TimeLimitReached:
        record = _time_limit_record(session.lab, options.max_sim_time)
        interp.record_error(record)
        interp.write_error_record(record)
        return 1
    finally:
        interp.end_output()
    return 0


if __name__ == "__main__":
    sys.exit(main())
