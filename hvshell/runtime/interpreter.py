"""The interpreter: walks the AST, runs pipelines, handles errors.

Output of statements goes to a sink (a callable taking one object): the
top-level sink is Out-Default, a function's sink is the next pipeline
element, and a value context (`$x = ...`, `(...)`) collects into a list.

Errors follow PowerShell: a non-terminating error is reported and the
command goes on; a statement-terminating error (binding, unknown command,
a cmdlet's terminating error, a failing expression) ends the statement and
the script goes on; a script-terminating error (`throw`, `-ErrorAction
Stop`, `$ErrorActionPreference = 'Stop'`) unwinds to the nearest `catch`
or ends the script.

The interpreter has no formatter of its own (hvshell/format sits above the
runtime): it is given one (`Output`) by the composition root,
hvshell/shell.py, which builds interpreters with the cmdlets and the model
plugged in.
"""
from __future__ import annotations

import os
import random
import re
import sys
from typing import Any, Callable, Protocol, TextIO

from hvshell.lang import ast
from hvshell.pstypes.registry import script_types
from hvshell.runtime import operators as ops
from hvshell.runtime.commands import CommandRunner
from hvshell.runtime.conversions import Version
from hvshell.runtime.dotnet_limits import from_python
from hvshell.runtime.errors import (CALL_DEPTH_EXCEPTION, CALL_DEPTH_MESSAGE, ErrorRecord,
                                    ParseError, PSError, exception_named, internal_error_record,
                                    parse_error_records)
from hvshell.runtime.expressions import ExpressionEvaluator
from hvshell.runtime.binder import Arg
from hvshell.runtime.invocation import InvocationInfo, script_info
from hvshell.runtime.pipeline import FunctionInfo, ScriptProcessor, Sink
from hvshell.runtime.preferences import DEFAULT_PREFERENCES, ActionPreference
from hvshell.runtime.psobject import Hashtable
from hvshell.runtime.scope import Scope
from hvshell.runtime.session import Session
from hvshell.runtime.signals import BreakSignal, ContinueSignal, ReturnSignal
from hvshell.runtime.statements import StatementRunner
from hvshell.runtime.variables import VariableStore


class Console(Protocol):
    """Out-Default: objects (or format records) in, lines of text out."""

    def write(self, obj: Any) -> None: ...

    def flush(self) -> None: ...       # print what is held back (column widths)

    def close(self) -> None: ...       # the end of one input: close the open block


class Output(Protocol):
    """How the interpreter turns objects into text."""

    def console(self, write: Callable[[str], None], width: int) -> Console: ...

    def render(self, objects: list[Any], width: int) -> str: ...   # as a console shows them


_CLI_PARAMETER = re.compile(r"-([A-Za-z_][\w-]*)(?::(.*))?", re.S)


class ScriptTerminated(Exception):
    """Raised out of `execute` when a script-terminating error was not caught."""


class Interpreter(StatementRunner, CommandRunner, ExpressionEvaluator, VariableStore):
    """One shell: its scopes, functions, errors and output.  Statements,
    pipelines, expressions and variables are its parts (statements.py,
    commands.py, expressions.py, variables.py)."""

    def __init__(self, session: Session, stdout: TextIO | None = None,
                 stderr: TextIO | None = None, width: int = 120, output: Output | None = None):
        self.session = session
        self.output = output
        session.interpreter = self
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.width = width
        self.global_scope = Scope(is_script=True)
        self.scope = self.global_scope
        self.source = ast.Source("")
        self.functions: dict[str, FunctionInfo] = {}
        self.script_binders: dict[int, tuple] = {}    # see pipeline._script_binder
        self.namespaces: list[str] = []               # from `using namespace`
        # Set-Alias / New-Alias: lower-case name -> (name as written, what it
        # stands for, its -Option).
        self.aliases: dict[str, tuple[str, str, str]] = {}
        # Modules in use: imported, or auto-loaded when one of their cmdlets ran.
        self.imported_modules: set[str] = {"Microsoft.PowerShell.Management",
                                           "Microsoft.PowerShell.Utility"}
        # The classes and enums scripts define (lower-case name -> class) and
        # the definition each came from.
        self.script_types: dict[str, type] = {}
        self.type_definitions: dict[str, ast.Node] = {}
        self.errors: list[ErrorRecord] = []
        self.last_status = True
        self.try_depth = 0
        self.call_depth = 0
        self.script_path: str | None = None
        self.env: dict[str, str] = {"USERNAME": "Administrator", "PROCESSOR_ARCHITECTURE": "AMD64",
                                    "OS": "Windows_NT", "SystemRoot": "C:\\Windows"}
        self._guid_random = random.Random(session.seed ^ 0x5EED)
        for name, value in DEFAULT_PREFERENCES.items():
            self.global_scope.set_local(name, value)
        self.global_scope.set_local("PSVersionTable", Hashtable(
            # Windows Management Framework 5.1 on Windows Server 2012 R2.
            [("PSVersion", Version("5.1.14409.1005")), ("PSEdition", "Desktop"),
             ("PSCompatibleVersions", [Version(v) for v in
                                       ("1.0", "2.0", "3.0", "4.0", "5.0", "5.1.14409.1005")]),
             ("BuildVersion", Version("10.0.14409.1005")), ("CLRVersion", Version("4.0.30319.42000")),
             ("WSManStackVersion", Version("3.0")), ("PSRemotingProtocolVersion", Version("2.3")),
             ("SerializationVersion", Version("1.1.0.1"))]))
        self._out_default: Any = None
        # Where the streams go while a redirected command runs (2>&1, 3>$null ...),
        # by stream number; a stream not here goes to the console.
        self.stream_targets: dict[str, Callable[[Any], None]] = {}
        self.current_error: ErrorRecord | None = None
        self.after_statement: Callable[[], None] | None = None

    # ==================================================================
    # Entry points
    # ==================================================================

    def parse(self, text: str, path: str | None = None) -> ast.Script:
        from hvshell.lang.parser import parse
        return parse(text, path)

    def parse_or_report(self, text: str, path: str | None = None) -> ast.Script | None:
        """The parsed script, or None after printing its parse errors."""
        try:
            return self.parse(text, path)
        except ParseError as error:
            for record in parse_error_records(error):
                self.record_error(record)
                self.write_error_record(record)
            self.flush()
            return None

    def execute(self, text: str, path: str | None = None) -> bool:
        """Parse and run one input, printing output and errors.  False when a
        parse error or an uncaught script-terminating error ended it.
        `exit` raises ExitSignal to the caller."""
        script = self.parse_or_report(text, path)
        if script is None:
            return False
        try:
            self.run_script(script)
        except ScriptTerminated:
            return False
        finally:
            self.end_output()
        return True

    def run_script(self, script: ast.Script, args: list[Any] | None = None) -> None:
        """Run a parsed script at top level; raises ScriptTerminated after
        printing an uncaught script-terminating error, ExitSignal on `exit`.
        `after_statement` (the --lab save) runs after each top-level statement."""
        previous = self.source
        self.source = script.source
        if args is not None:
            self.global_scope.set_local("args", list(args))
        try:
            with script_types(self.script_types):
                self._run_body(script, args)
        except PSError as error:
            if self.errors[:1] != [error.record]:
                self.record_error(error.record)
            self.write_error_record(error.record)
            raise ScriptTerminated() from None
        except (BreakSignal, ContinueSignal, ReturnSignal):
            pass                     # break outside a loop ends the script quietly
        finally:
            self.source = previous

    def _run_body(self, script: ast.Script, args: list[Any] | None) -> None:
        """Its using statements, its classes and enums (usable above their
        text), its parameters, then its statements."""
        sink = self.out_default_sink()
        body = script.body
        for using in body.usings:
            self._use(using)
        blocks = [b for b in (body.begin, body.process, body.end) if b is not None]
        for block in blocks:
            for statement in block.statements:
                if isinstance(statement, (ast.ClassDef, ast.EnumDef)):
                    self.define_type(statement)
        if body.parameters is not None:
            self._bind_script(script, args or [])
        elif script.source.path is not None:
            command = script_info(script.source.path)
            self.scope.set_local("MyInvocation", InvocationInfo(
                command, command.Name, Hashtable(), list(args or []), None, None, False))
        for block in blocks:
            self.run_block(block, sink, self.after_statement)

    def _use(self, using: ast.UsingStatement) -> None:
        """`using namespace` lets type names drop the namespace; `using
        module` needs a module the lab has; assemblies are never loaded."""
        if using.kind == "namespace":
            if using.name.lower() not in (n.lower() for n in self.namespaces):
                self.namespaces.append(using.name)
            return
        if using.kind == "module":
            from hvshell.runtime.cmdlet import module_names
            known = module_names()
            if using.name.lower() in (m.lower() for m in known):
                return
            message = (f"Could not find the module '{using.name}'. The lab has the modules "
                       f"{', '.join(known)}.")
            error_id = "ModuleNotFoundDuringParse"
        else:
            message = (f"Cannot load the assembly '{using.name}': hvshell runs no .NET "
                       f"assemblies, only the types of its lab.")
            error_id = "ErrorLoadingAssembly"
        error = PSError(ErrorRecord(message, error_id, "ParserError", None,
                                    "System.Management.Automation.ParseException",
                                    extent=using.extent, source=self.source))
        error.script_terminating = True
        raise error

    def _bind_script(self, script: ast.Script, args: list[Any]) -> None:
        """A script's own param() block, bound from its command-line
        arguments as PowerShell binds `powershell -File script.ps1 -Name x`:
        `-Name` names a parameter, `-Name:value` gives its value."""
        written: list[Arg] = []
        for arg in args:
            text = arg if isinstance(arg, str) else None
            m = _CLI_PARAMETER.fullmatch(text) if text else None
            if m is None:
                written.append(Arg(None, arg, True))
            elif m.group(2) is not None:
                written.append(Arg(m.group(1), m.group(2), True, text="-" + m.group(1)))
            else:
                written.append(Arg(m.group(1), None, False, text=text))
        path = script.source.path or "<script>"
        command = script_info(path)
        processor = ScriptProcessor(self, command.Name, script.body, script.source, written,
                                    ast.NO_EXTENT, False, dot_source=True, command=command)
        processor.caller = None          # run from the command line, not from a script
        processor.scope = self.scope
        processor.bind_parameters()

    # ==================================================================
    # Output
    # ==================================================================

    def out_default_sink(self) -> Sink:
        if self._out_default is None:
            self._out_default = self.formatter().console(self._write_stdout, self.width)
        return self._out_default.write

    def formatter(self) -> Output:
        if self.output is None:
            raise RuntimeError("this interpreter was given no Output to format objects with: "
                               "build it with hvshell.shell.new_interpreter")
        return self.output

    def _write_stdout(self, text: str) -> None:
        self.stdout.write(text)

    def flush(self) -> None:
        if self._out_default is not None:
            self._out_default.flush()
        self.stdout.flush()

    def end_output(self) -> None:
        """The end of one top-level input (a script, a command line, a REPL
        entry): Out-Default closes its open table or list block."""
        if self._out_default is not None:
            self._out_default.close()
        self.flush()

    def write_host_text(self, text: str, newline: bool = True) -> None:
        """Text that bypasses the pipeline (Write-Host, warnings, verbose)."""
        if self._out_default is not None:
            self._out_default.flush()
        self.stdout.write(text + ("\n" if newline else ""))
        self.stdout.flush()

    def write_error_record(self, record: ErrorRecord) -> None:
        from hvshell.runtime.errorview import render_error
        self.flush()
        self.stderr.write(render_error(record, self.width))
        self.stderr.flush()

    # ==================================================================
    # Errors
    # ==================================================================

    def report_terminating(self, record: ErrorRecord) -> None:
        """A statement-terminating error nobody caught: show it, go on."""
        self.last_status = False
        preference = self.preference("ErrorActionPreference")
        if preference == ActionPreference.Ignore:
            return
        self.record_error(record)
        if preference != ActionPreference.SilentlyContinue:
            self.write_error_record(record)

    def record_error(self, record: ErrorRecord) -> None:
        self.errors.insert(0, record)
        del self.errors[256:]

    def runtime_error(self, message: str, extent: ast.Extent | None,
                      error_id: str = "RuntimeException", category: str = "InvalidOperation",
                      exception_type: str = "System.Management.Automation.RuntimeException",
                      target: Any = None, inner: str | None = None) -> PSError:
        return PSError(ErrorRecord(message, error_id, category, target, exception_type,
                                   extent=extent, source=self.source, inner_exception_type=inner))

    def member_error(self, error: Any, extent: ast.Extent | None) -> PSError:
        """A MemberError: a method that threw shows as PowerShell shows it
        (NotSpecified, MethodInvocationException, the thrown exception's name)."""
        if error.exception_type:
            # The thrown exception (its name is the error id) is the wrapper's inner one.
            return self.runtime_error(str(error), extent, error.error_id, "NotSpecified",
                                      error.exception_type, inner=exception_named(error.error_id))
        return self.runtime_error(str(error), extent, error.error_id)

    def call_depth_error(self, extent: ast.Extent | None) -> PSError:
        """Recursion too deep: the whole script fails, as in PowerShell (the
        levels above do not go on with half their results)."""
        error = self.runtime_error(CALL_DEPTH_MESSAGE, extent, "CallDepthOverflow",
                                   exception_type=CALL_DEPTH_EXCEPTION)
        error.script_terminating = True
        return error

    def unhandled_error(self, error: Exception, extent: ast.Extent | None) -> PSError:
        """The record for an exception that reached a statement unhandled:
        recursion past Python's depth is PowerShell's call-depth overflow, a
        .NET edge (overflow, out of memory, regex timeout) its exception, and
        anything else a defect reported as one (HVSHELL_DEBUG=1 lets it out)."""
        if isinstance(error, RecursionError):
            return self.call_depth_error(extent)
        thrown = from_python(error)
        if thrown is not None:
            return self.operator_error(ops.OperatorError.wrapping(thrown), extent)
        if os.environ.get("HVSHELL_DEBUG"):
            raise error
        record = internal_error_record(error)
        record.extent, record.source = extent, self.source
        return PSError(record)

    def operator_error(self, error: ops.OperatorError, extent: ast.Extent | None,
                       target: Any = None) -> PSError:
        # A wrapped .NET failure (divide by zero) shows as NotSpecified, as PowerShell does.
        category = "NotSpecified" if error.inner else "InvalidOperation"
        return self.runtime_error(str(error), extent, error.error_id, category,
                                  target=target, inner=error.inner)
