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
"""
from __future__ import annotations

import contextlib
import decimal
import random
import sys
import uuid
from typing import Any, Callable, Iterator, TextIO

from hvshell.lang import ast
from hvshell.pstypes.wildcards import wildcard_match
from hvshell.runtime import operators as ops
from hvshell.runtime.binder import Arg
from hvshell.runtime.cmdlet import ALIASES, REGISTRY, Cmdlet
from hvshell.runtime.conversions import (AutomationNullType, ConversionError, TypeNotFoundError,
                                         Version, convert,
                                         canonical_type_name, is_known_type, to_bool, to_number,
                                         to_string)
from hvshell.runtime.errors import CmdletError, ErrorRecord, ParseError, PSError
from hvshell.runtime.members import (MemberError, TypeInfo, get_member, invoke_method,
                                     invoke_static, static_member)
from hvshell.runtime.pipeline import (CmdletProcessor, ExpressionProcessor, FunctionInfo,
                                      Processor, ScriptProcessor, scriptblock_processor)
from hvshell.runtime.preferences import (DEFAULT_PREFERENCES, ActionPreference,
                                         parse_action_preference)
from hvshell.runtime.psobject import (MISSING, Hashtable, PSObject, set_property,
                                      to_display_string, type_name)
from hvshell.runtime.scope import Scope
from hvshell.runtime.scriptblock import ScriptBlock
from hvshell.runtime.session import Session
from hvshell.runtime.signals import (BreakSignal, ContinueSignal, ExitSignal, FlowSignal,
                                     ReturnSignal, StopPipeline)

AUTOMATION_NULL = AutomationNullType()
Sink = Callable[[Any], None]


def _unwrap(items: list[Any]) -> Any:
    """A pipeline's result as a value: nothing, one object, or an array."""
    if not items:
        return AUTOMATION_NULL
    if len(items) == 1:
        return items[0]
    return items


def _null(value: Any) -> Any:
    return None if isinstance(value, AutomationNullType) else value


def _discard(obj: Any) -> None:
    """Where `> $null` and `2>$null` send things."""


class ScriptTerminated(Exception):
    """Raised out of `execute` when a script-terminating error was not caught."""


class Interpreter:
    def __init__(self, session: Session, stdout: TextIO | None = None,
                 stderr: TextIO | None = None, width: int = 120):
        self.session = session
        session.interpreter = self
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.width = width
        self.global_scope = Scope(is_script=True)
        self.scope = self.global_scope
        self.source = ast.Source("")
        self.functions: dict[str, FunctionInfo] = {}
        self.script_binders: dict[int, tuple] = {}    # see pipeline._script_binder
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
            [("PSVersion", Version("4.0")), ("PSEdition", "Desktop"), ("BuildVersion", "6.3.9600.16406"),
             ("CLRVersion", "4.0.30319.34014"), ("WSManStackVersion", "3.0"),
             ("PSRemotingProtocolVersion", "2.2"), ("SerializationVersion", "1.1.0.1")]))
        self._out_default: Any = None
        self._error_target: Callable[[Any], None] | None = None   # set by 2>&1 and 2>$null
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
            for record in error.records:
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
            sink = self.out_default_sink()
            body = script.body
            for block in (body.begin, body.process, body.end):
                if block is None:
                    continue
                for statement in block.statements:
                    try:
                        self.run_statement(statement, sink)
                    finally:
                        if self.after_statement is not None:
                            self.after_statement()
        except PSError as error:
            if self.errors[:1] != [error.record]:
                self.record_error(error.record)
            self.write_error_record(error.record)
            raise ScriptTerminated() from None
        except (BreakSignal, ContinueSignal, ReturnSignal):
            pass                     # break outside a loop ends the script quietly
        finally:
            self.source = previous

    # ==================================================================
    # Output
    # ==================================================================

    def out_default_sink(self) -> Sink:
        if self._out_default is None:
            from hvshell.format.outdefault import OutDefault
            self._out_default = OutDefault(self._write_stdout, self.width)
        return self._out_default.write

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
    # Statements
    # ==================================================================

    def run_block(self, block: ast.StatementBlock, sink: Sink) -> None:
        for statement in block.statements:
            self.run_statement(statement, sink)

    def run_statement(self, stmt: Any, sink: Sink) -> None:
        try:
            self.exec_statement(stmt, sink)
        except PSError as error:
            if getattr(error, "script_terminating", False) or self.try_depth > 0 \
                    or self.preference("ErrorActionPreference") == ActionPreference.Stop:
                error.script_terminating = True
                raise
            self.report_terminating(error.record)

    def report_terminating(self, record: ErrorRecord) -> None:
        """A statement-terminating error nobody caught: show it, go on."""
        self.last_status = False
        preference = self.preference("ErrorActionPreference")
        if preference == ActionPreference.Ignore:
            return
        self.record_error(record)
        if preference != ActionPreference.SilentlyContinue:
            self.write_error_record(record)

    def exec_statement(self, stmt: Any, sink: Sink) -> None:
        kind = type(stmt)
        handler = self._statement_handlers.get(kind)
        if handler is None:
            raise self.runtime_error(f"Unsupported statement {kind.__name__}.", stmt.extent)
        handler(self, stmt, sink)

    def _exec_pipeline(self, stmt: ast.Pipeline, sink: Sink) -> None:
        first = stmt.elements[0]
        if len(stmt.elements) == 1 and isinstance(first, ast.CommandExpression) and \
                isinstance(first.expression, ast.Unary) and \
                first.expression.op in ("++", "--", "post++", "post--"):
            self.evaluate(first.expression)      # `$i++` as a statement outputs nothing
            return
        self.run_pipeline(stmt, sink)

    def _exec_assignment(self, stmt: ast.Assignment, sink: Sink) -> None:
        self.assign(stmt)

    def _exec_function(self, stmt: ast.FunctionDef, sink: Sink) -> None:
        self.functions[stmt.name.lower()] = FunctionInfo(stmt.name, stmt.body, self.source)

    def _exec_if(self, stmt: ast.If, sink: Sink) -> None:
        for clause in stmt.clauses:
            if to_bool(self.statement_value(clause.condition)):
                self.run_block(clause.body, sink)
                return
        if stmt.else_body is not None:
            self.run_block(stmt.else_body, sink)

    def _loop_body(self, body: ast.StatementBlock, sink: Sink, label: str | None) -> bool:
        """Run one iteration; False means break out of the loop."""
        try:
            self.run_block(body, sink)
        except BreakSignal as signal:
            if signal.label is None or (label and signal.label.lower() == label.lower()):
                return False
            raise
        except ContinueSignal as signal:
            if signal.label is None or (label and signal.label.lower() == label.lower()):
                return True
            raise
        return True

    def _exec_while(self, stmt: ast.While, sink: Sink) -> None:
        while to_bool(self.statement_value(stmt.condition)):
            if not self._loop_body(stmt.body, sink, stmt.label):
                break

    def _exec_do(self, stmt: ast.DoLoop, sink: Sink) -> None:
        while True:
            if not self._loop_body(stmt.body, sink, stmt.label):
                break
            result = to_bool(self.statement_value(stmt.condition))
            if result == stmt.until:
                break

    def _exec_for(self, stmt: ast.For, sink: Sink) -> None:
        if stmt.init is not None:
            self.exec_statement(stmt.init, lambda obj: None)
        while stmt.condition is None or to_bool(self.statement_value(stmt.condition)):
            if not self._loop_body(stmt.body, sink, stmt.label):
                break
            if stmt.iterator is not None:
                self.exec_statement(stmt.iterator, lambda obj: None)

    def _exec_foreach(self, stmt: ast.Foreach, sink: Sink) -> None:
        collection = _null(self.statement_value(stmt.iterable))
        if collection is None:
            return
        items = collection if isinstance(collection, (list, tuple)) else [collection]
        for item in list(items):
            self.set_variable(stmt.variable, item)
            if not self._loop_body(stmt.body, sink, stmt.label):
                break

    def _exec_switch(self, stmt: ast.Switch, sink: Sink) -> None:
        value = _null(self.statement_value(stmt.value))
        items = value if isinstance(value, (list, tuple)) else [value]
        saved = self.scope.lookup("_")
        try:
            for item in items:
                self.scope.set_local("_", item)
                matched = False
                try:
                    for clause in stmt.clauses:
                        if clause.pattern is None:
                            continue
                        if self._switch_matches(stmt, clause.pattern, item):
                            matched = True
                            self.run_block(clause.body, sink)
                    if not matched:
                        for clause in stmt.clauses:
                            if clause.pattern is None:
                                self.run_block(clause.body, sink)
                except ContinueSignal as signal:
                    if signal.label is None or (stmt.label and signal.label.lower() == stmt.label.lower()):
                        continue
                    raise
        except BreakSignal as signal:
            if not (signal.label is None or (stmt.label and signal.label.lower() == stmt.label.lower())):
                raise
        finally:
            if saved is MISSING:
                self.scope.remove("_")
            else:
                self.scope.set_local("_", saved)

    def _switch_matches(self, stmt: ast.Switch, pattern: Any, item: Any) -> bool:
        if isinstance(pattern, ast.ScriptBlockExpr):
            block = self.evaluate(pattern)
            return to_bool(_unwrap(self.invoke_scriptblock(block, item, (), True)))
        if isinstance(pattern, ast.Constant) and pattern.bare:
            wanted: Any = pattern.value
        else:
            wanted = self.evaluate(pattern)
        text, wanted_text = to_string(item), to_string(wanted)
        if stmt.mode == "regex":
            m = ops.dotnet_regex(wanted_text, stmt.case_sensitive).search(text)
            if m:
                self.set_matches(ops.match_groups(m))
            return m is not None
        if stmt.mode == "wildcard":
            return wildcard_match(wanted_text, text, stmt.case_sensitive)
        if stmt.case_sensitive:
            return text == wanted_text
        if not isinstance(item, str) and not isinstance(pattern, ast.Constant):
            return ops.compare("eq", item, wanted)
        return text.lower() == wanted_text.lower()

    def _exec_break(self, stmt: ast.Break, sink: Sink) -> None:
        raise BreakSignal(stmt.label)

    def _exec_continue(self, stmt: ast.Continue, sink: Sink) -> None:
        raise ContinueSignal(stmt.label)

    def _exec_return(self, stmt: ast.Return, sink: Sink) -> None:
        if stmt.value is not None:
            self.exec_statement(stmt.value, sink)
        raise ReturnSignal()

    def _exec_exit(self, stmt: ast.Exit, sink: Sink) -> None:
        code = 0
        if stmt.value is not None:
            try:
                code = int(convert(_null(self.statement_value(stmt.value)), "int"))
            except ConversionError:
                code = 0
        raise ExitSignal(code)

    def _exec_throw(self, stmt: ast.Throw, sink: Sink) -> None:
        if stmt.value is None:
            if self.current_error is not None:
                error = PSError(self.current_error)
            else:
                error = PSError(ErrorRecord("ScriptHalted", "ScriptHalted", "OperationStopped",
                                            None, extent=stmt.extent, source=self.source,
                                            is_throw=True))
            error.script_terminating = True
            raise error
        value = _null(self.statement_value(stmt.value))
        if isinstance(value, ErrorRecord):
            record = value
        else:
            message = to_display_string(value, invariant=True)
            record = ErrorRecord(message, message if isinstance(value, str) else "ScriptHalted",
                                 "OperationStopped", value, extent=stmt.extent, source=self.source,
                                 is_throw=True, thrown_value=value)
        error = PSError(record)
        error.script_terminating = True
        raise error

    def _exec_try(self, stmt: ast.Try, sink: Sink) -> None:
        try:
            self.try_depth += 1
            try:
                self.run_block(stmt.body, sink)
            finally:
                self.try_depth -= 1
        except PSError as error:
            record = error.record
            if self.errors[:1] != [record]:
                self.record_error(record)
            clause = self._matching_catch(stmt, record)
            if clause is None:
                if stmt.finally_body is not None:
                    self.run_block(stmt.finally_body, sink)
                raise
            saved_current = self.current_error
            saved_item = self.scope.lookup("_")
            self.current_error = record
            self.scope.set_local("_", record)
            try:
                self.run_block(clause.body, sink)
            finally:
                self.current_error = saved_current
                if saved_item is MISSING:
                    self.scope.remove("_")
                else:
                    self.scope.set_local("_", saved_item)
                if stmt.finally_body is not None:
                    self.run_block(stmt.finally_body, sink)
            return
        except FlowSignal:
            if stmt.finally_body is not None:
                self.run_block(stmt.finally_body, sink)
            raise
        if stmt.finally_body is not None:
            self.run_block(stmt.finally_body, sink)

    def _matching_catch(self, stmt: ast.Try, record: ErrorRecord) -> ast.CatchClause | None:
        """The first catch whose type is the error's exception, its wrapped
        inner exception, or a base of them (Exception catches all)."""
        names = {record.exception_type.lower().rsplit(".", 1)[-1]}
        if record.inner_exception_type:
            names.add(record.inner_exception_type.lower().rsplit(".", 1)[-1])
        if "management.automation" in record.exception_type.lower():
            names.add("runtimeexception")
        for clause in stmt.catches:
            if not clause.types:
                return clause
            for name in clause.types:
                wanted = name.lower().rsplit(".", 1)[-1]
                if wanted in ("exception", "systemexception") or wanted in names:
                    return clause
        return None

    def _exec_block(self, stmt: ast.StatementBlock, sink: Sink) -> None:
        self.run_block(stmt, sink)

    # ==================================================================
    # Values of statements
    # ==================================================================

    def statement_value(self, stmt: Any) -> Any:
        """The value of a statement used as an expression: a lone expression
        keeps its value; a pipeline's output is unwrapped."""
        if isinstance(stmt, ast.Pipeline) and len(stmt.elements) == 1 and \
                isinstance(stmt.elements[0], ast.CommandExpression) and \
                not stmt.elements[0].redirections:
            return self.evaluate(stmt.elements[0].expression)
        if isinstance(stmt, ast.Assignment):
            return self.assign(stmt)
        return _unwrap(self.collect(stmt))

    def collect(self, stmt: Any) -> list[Any]:
        out: list[Any] = []
        self.exec_statement(stmt, out.append)
        return out

    def collect_block(self, block: ast.StatementBlock) -> list[Any]:
        out: list[Any] = []
        self.run_block(block, out.append)
        return out

    # ==================================================================
    # Pipelines
    # ==================================================================

    def run_pipeline(self, pipeline: ast.Pipeline, sink: Sink) -> None:
        processors: list[Processor] = []
        count = len(pipeline.elements)
        for index, element in enumerate(pipeline.elements):
            processors.append(self.make_processor(element, index > 0))
        files: list[tuple[str, bool, list[Any]]] = []     # (path, append, what goes there)
        for index, processor in enumerate(processors):
            processor.downstream = processors[index + 1].receive if index + 1 < count else sink
            self._redirect(processor, pipeline.elements[index].redirections, files)
        self.last_status = True
        try:
            for processor in processors:
                processor.begin()
            processors[0].run_once()
            for processor in processors:
                processor.end()
        except StopPipeline as stop:
            self._end_after_stop(processors, stop)
        finally:
            for path, append, captured in files:
                self.write_file(path, append, captured, pipeline.extent)

    def _end_after_stop(self, processors: list[Processor], stop: StopPipeline) -> None:
        """Select-Object -First stopped the commands before it; it and the
        commands after it still run their end blocks."""
        while True:
            source = getattr(stop, "processor", None)
            start = processors.index(source) if source in processors else len(processors)
            try:
                for processor in processors[start:]:
                    processor.end()
                return
            except StopPipeline as again:
                stop = again

    def _redirect(self, processor: Processor, redirections: tuple[ast.Redirection, ...],
                  files: list[tuple[str, bool, list[Any]]]) -> None:
        """Apply one element's redirections: its output and its errors go to
        the next element (2>&1), to nothing ($null) or to a file."""
        error_sink: Callable[[Any], None] | None = None
        for redirection in redirections:
            stream = redirection.stream
            if redirection.merge_to == "1" and stream in ("2", "*"):
                error_sink = processor.downstream
                continue
            if redirection.target is None:
                continue
            where = _null(self.evaluate(redirection.target))
            if where is None:
                target: Callable[[Any], None] = _discard
            else:
                captured: list[Any] = []
                files.append((to_string(where), redirection.append, captured))
                target = captured.append
            if stream in ("1", "*"):
                processor.downstream = target
            if stream in ("2", "*"):
                error_sink = target
        if error_sink is not None:
            for name in ("begin", "receive", "run_once", "end"):
                setattr(processor, name, self._with_error_sink(getattr(processor, name), error_sink))

    def _with_error_sink(self, method: Callable[..., None], error_sink: Callable[[Any], None]
                         ) -> Callable[..., None]:
        def run(*args: Any) -> None:
            saved, self._error_target = self._error_target, error_sink
            try:
                method(*args)
            finally:
                self._error_target = saved
        return run

    def write_file(self, path: str, append: bool, objects: list[Any], extent: ast.Extent) -> None:
        """What `> file` writes: the objects as the console would show them."""
        from hvshell.format.outdefault import render
        real = self.session.resolve_path(path)
        try:
            with open(real, "a" if append else "w", encoding="utf-8") as handle:
                handle.write(render(objects, self.width))
        except OSError as error:
            raise self.runtime_error(f"Could not write to '{path}': {error.strerror}.", extent,
                                     "FileOpenFailure", "OpenError",
                                     "System.IO.IOException", target=path) from None

    def make_processor(self, element: Any, downstream_of_input: bool) -> Processor:
        if isinstance(element, ast.CommandExpression):
            return ExpressionProcessor(self.evaluate(element.expression))
        assert isinstance(element, ast.Command)
        args = self.command_args(element)
        if element.invocation is not None and not isinstance(element.name, str):
            target = _null(self.evaluate(element.name))
            if isinstance(target, ScriptBlock):
                return scriptblock_processor(self, target, args, element.extent,
                                             downstream_of_input, element.invocation == ".")
            if isinstance(target, FunctionInfo):
                return self.command_processor(target.Name, args, element, downstream_of_input)
            name = to_string(target)
            return self.command_processor(name, args, element, downstream_of_input,
                                          dot_source=element.invocation == ".")
        return self.command_processor(element.name, args, element, downstream_of_input,
                                      dot_source=element.invocation == ".")

    def command_processor(self, name: str, args: list[Arg], element: ast.Command,
                          expects_input: bool, dot_source: bool = False) -> Processor:
        key = name.lower()
        if key in ALIASES:
            key = ALIASES[key].lower()
        function = self.functions.get(key)
        if function is not None:
            return ScriptProcessor(self, function.name, function.body, function.source, args,
                                   element.extent, expects_input, dot_source)
        cls = REGISTRY.get(key)
        if cls is None:
            from hvshell.cmdlets import load_all
            load_all()
            cls = REGISTRY.get(key)
        if cls is not None:
            return CmdletProcessor(self, cls, args, name, element.extent, expects_input)
        if name.lower().endswith((".hvps", ".ps1")):
            return self.script_file_processor(name, args, element, expects_input, dot_source)
        raise PSError(ErrorRecord(
            f"The term '{name}' is not recognized as the name of a cmdlet, function, script "
            f"file, or operable program. Check the spelling of the name, or if a path was "
            f"included, verify that the path is correct and try again.",
            "CommandNotFoundException", "ObjectNotFound", name,
            "System.Management.Automation.CommandNotFoundException",
            command=name, activity="", extent=element.name_extent if element.name_extent.end else element.extent,
            source=self.source))

    def script_file_processor(self, name: str, args: list[Arg], element: ast.Command,
                              expects_input: bool, dot_source: bool) -> Processor:
        path = self.session.resolve_path(name, must_exist=True)
        from hvshell.lang.parser import parse
        script = parse(path.read_text(encoding="utf-8"), name)
        return ScriptProcessor(self, name, script.body, script.source, args, element.extent,
                               expects_input, dot_source)

    def command_args(self, command: ast.Command) -> list[Arg]:
        args: list[Arg] = []
        for element in command.elements:
            if isinstance(element, ast.CommandParameter):
                if element.argument is not None:
                    args.append(Arg(element.name, self.argument_value(element.argument), True,
                                    element.extent, "-" + element.name))
                else:
                    args.append(Arg(element.name, None, False, element.extent, "-" + element.name))
            elif isinstance(element, ast.CommandArgument):
                args.append(Arg(None, self.argument_value(element.value), True, element.extent))
            elif isinstance(element, ast.SplatVariable):
                value = _null(self.get_variable(element.name))
                if isinstance(value, Hashtable):
                    for key, item in value.items():
                        args.append(Arg(str(key), item, True, element.extent, f"-{key}"))
                elif isinstance(value, (list, tuple)):
                    for item in value:
                        args.append(Arg(None, item, True, element.extent))
                elif value is not None:
                    args.append(Arg(None, value, True, element.extent))
        return args

    def argument_value(self, expr: Any) -> Any:
        value = self.evaluate(expr)
        return None if isinstance(value, AutomationNullType) else value

    # ---- calls from cmdlets through the session --------------------------

    def call(self, processor: CmdletProcessor, block: Callable[[], None]) -> None:
        """Run one block of a cmdlet, turning its failures into errors at
        the command's position."""
        try:
            block()
        except PSError as error:
            self._locate(error.record, processor)
            raise
        except StopPipeline as stop:
            if getattr(stop, "processor", None) is None:
                stop.processor = processor    # where the pipeline resumes its end blocks
            raise
        except (FlowSignal, KeyboardInterrupt, BrokenPipeError):
            raise                 # a closed output pipe ends hvshell quietly (cli.main)
        except RecursionError:
            raise self.runtime_error("The script failed due to call depth overflow.",
                                     processor.extent, "CallDepthOverflow") from None
        except Exception as error:  # a defect must not escape as a traceback
            record = ErrorRecord(
                f"The command failed unexpectedly: {type(error).__name__}: {error}",
                "InternalError", "NotSpecified", None, "System.InvalidOperationException")
            self._locate(record, processor)
            raise PSError(record) from None

    def _locate(self, record: ErrorRecord, processor: Any) -> None:
        if record.command is None and isinstance(processor, CmdletProcessor):
            record.command = processor.invocation_name
            record.command_type = processor.cls.command_type()
        if record.extent is None:
            record.extent = processor.extent
            record.source = processor.source

    def emit(self, cmdlet: Cmdlet, obj: Any, enumerate: bool) -> None:
        cmdlet._processor.emit(obj, enumerate)
        out_variable = getattr(cmdlet, "common", {}).get("OutVariable")
        if out_variable:
            name, append = (out_variable[1:], True) if out_variable.startswith("+") else (out_variable, False)
            current = self.get_variable(name) if append or getattr(cmdlet, "_ov_started", False) else None
            items = list(current) if isinstance(current, list) else ([] if current is None else [current])
            items.extend(obj if enumerate and isinstance(obj, (list, tuple)) else [obj])
            self.set_variable(name, items)
            cmdlet._ov_started = True

    def error_action(self, cmdlet: Cmdlet) -> ActionPreference:
        common = getattr(cmdlet, "common", {})
        if "ErrorAction" in common:
            return common["ErrorAction"]
        return self.preference("ErrorActionPreference")

    def report_error(self, cmdlet: Cmdlet, record: ErrorRecord) -> None:
        self._locate(record, cmdlet._processor)
        self.report_error_record(cmdlet._processor, record, self.error_action(cmdlet),
                                 getattr(cmdlet, "common", {}).get("ErrorVariable"))

    def report_error_record(self, processor: Any, record: ErrorRecord,
                            action: ActionPreference | None = None,
                            error_variable: str | None = None) -> None:
        """A non-terminating error, handled by the error action in force."""
        self._locate(record, processor)
        self.last_status = False
        if action is None:
            action = self.preference("ErrorActionPreference")
        if error_variable:
            name, append = (error_variable[1:], True) if error_variable.startswith("+") else (error_variable, False)
            current = self.get_variable(name) if append else None
            items = list(current) if isinstance(current, list) else ([] if current is None else [current])
            self.set_variable(name, items + [record])
        if action == ActionPreference.Stop:
            stopped = ErrorRecord(
                f'The running command stopped because the preference variable '
                f'"ErrorActionPreference" or common parameter is set to Stop: {record.message}',
                record.error_id, record.category, record.target, record.exception_type,
                record.command, record.command_type, record.extent, record.source)
            error = PSError(stopped)
            error.script_terminating = True
            raise error
        if action == ActionPreference.Ignore:
            return
        self.record_error(record)
        if action == ActionPreference.SilentlyContinue:
            return
        target = self._error_target
        if target is not None:
            target(record)
        else:
            self.write_error_record(record)

    def record_error(self, record: ErrorRecord) -> None:
        self.errors.insert(0, record)
        del self.errors[256:]

    def write_stream(self, cmdlet: Any, stream: str, text: str) -> None:
        if stream == "host":
            self.write_host_text(text)
            return
        preference_name = {"warning": "WarningPreference", "verbose": "VerbosePreference",
                           "debug": "DebugPreference"}[stream]
        common = getattr(cmdlet, "common", {}) if cmdlet is not None else {}
        preference = self.preference(preference_name)
        if stream == "verbose" and common.get("Verbose"):
            preference = ActionPreference.Continue
        if stream == "debug" and common.get("Debug"):
            preference = ActionPreference.Continue
        if stream == "warning" and "WarningAction" in common:
            preference = common["WarningAction"]
        if preference in (ActionPreference.SilentlyContinue, ActionPreference.Ignore):
            return
        if preference == ActionPreference.Stop:
            raise PSError(ErrorRecord(
                f'The running command stopped because the preference variable '
                f'"{preference_name}" or common parameter is set to Stop: {text}',
                "ActionPreferenceStop", "OperationStopped"))
        self.write_host_text(f"{stream.upper()}: {text}")

    def should_process(self, cmdlet: Cmdlet, target: str, action: str,
                       whatif_text: str | None) -> bool:
        common = getattr(cmdlet, "common", {})
        whatif = common.get("WhatIf")
        if whatif is None:
            whatif = to_bool(self.get_variable("WhatIfPreference"))
        if whatif:
            text = whatif_text or f'Performing the operation "{action}" on target "{target}".'
            self.write_host_text(f"What if: {text}")
            return False
        return True

    # ==================================================================
    # Script blocks invoked from cmdlets and methods
    # ==================================================================

    def invoke_scriptblock(self, block: Any, input: Any = None, args: tuple = (),
                           use_input: bool = True) -> list[Any]:
        """Run a script block in the current scope with `$_` = input (as
        ForEach-Object and Where-Object do); returns its output."""
        if not isinstance(block, ScriptBlock):
            raise self.runtime_error("A script block was expected.", None)
        out: list[Any] = []
        saved_item = self.scope.lookup("_")
        saved_args = self.scope.lookup("args")
        previous_source = self.source
        self.source = block.source
        try:
            if use_input:
                self.scope.set_local("_", input)
            self.scope.set_local("args", list(args))
            body = block.body
            try:
                for part in (body.begin, body.process, body.end):
                    if part is not None:
                        self.run_block(part, out.append)
            except ReturnSignal:
                pass
        finally:
            self.source = previous_source
            for name, saved in (("_", saved_item), ("args", saved_args)):
                if saved is MISSING:
                    self.scope.remove(name) if name in self.scope.vars else None
                else:
                    self.scope.set_local(name, saved)
        return out

    def invoke_scriptblock_value(self, block: ScriptBlock, args: list[Any]) -> Any:
        """`$sb.Invoke(args)` / `& $sb args` as a value (child scope)."""
        out: list[Any] = []
        processor = scriptblock_processor(self, block, [Arg(None, a, True) for a in args],
                                          ast.NO_EXTENT, False, False)
        processor.downstream = out.append
        processor.begin()
        processor.run_once()
        processor.end()
        return _unwrap(out)

    def intrinsic_where(self, items: list[Any], args: list[Any]) -> list[Any]:
        if not args or not isinstance(args[0], ScriptBlock):
            raise MemberError('Cannot find an overload for "Where" and the argument count: '
                              f'"{len(args)}".', "MethodCountCouldNotFindBest")
        mode = to_string(args[1]).lower() if len(args) > 1 else "default"
        limit = int(convert(args[2], "int")) if len(args) > 2 else 0
        hits = [to_bool(_unwrap(self.invoke_scriptblock(args[0], item))) for item in items]
        if mode == "first":
            chosen = [i for i, h in zip(items, hits) if h][:limit or 1]
        elif mode == "last":
            chosen = [i for i, h in zip(items, hits) if h][-(limit or 1):]
        elif mode == "skipuntil":
            start = next((n for n, h in enumerate(hits) if h), len(items))
            chosen = items[start:]
        elif mode == "until":
            stop = next((n for n, h in enumerate(hits) if h), len(items))
            chosen = items[:stop]
        elif mode == "split":
            return [[i for i, h in zip(items, hits) if h], [i for i, h in zip(items, hits) if not h]]
        else:
            chosen = [i for i, h in zip(items, hits) if h]
            if limit:
                chosen = chosen[:limit]
        return chosen

    def intrinsic_foreach(self, items: list[Any], args: list[Any]) -> list[Any]:
        if not args:
            raise MemberError('Cannot find an overload for "ForEach" and the argument count: "0".',
                              "MethodCountCouldNotFindBest")
        out: list[Any] = []
        action = args[0]
        for item in items:
            if isinstance(action, ScriptBlock):
                out.extend(self.invoke_scriptblock(action, item, tuple(args[1:])))
            elif isinstance(action, TypeInfo):
                out.append(convert(item, action.FullName))
            else:
                name = to_string(action)
                if len(args) > 1:
                    out.append(invoke_method(item, name, list(args[1:]), self))
                else:
                    value = get_member(item, name)
                    out.append(None if value is MISSING else value)
        return out

    # ==================================================================
    # Variables
    # ==================================================================

    def preference(self, name: str) -> Any:
        value = self.scope.lookup(name)
        if value is MISSING:
            return DEFAULT_PREFERENCES.get(name)
        if name.endswith("Preference") and name not in ("ConfirmPreference", "WhatIfPreference"):
            try:
                return parse_action_preference(value)
            except ValueError:
                return DEFAULT_PREFERENCES.get(name)
        return value

    def get_variable(self, name: str, default: Any = None, scope: str | None = None) -> Any:
        key = name.lower()
        if scope is not None:
            scope_key = scope.lower()
            if scope_key == "env":
                return self._env_get(name)
            if scope_key == "global":
                value = self.global_scope.vars.get(key, MISSING)
                return default if value is MISSING else value
            if scope_key == "script":
                value = self.scope.script_scope().lookup(name)
                return default if value is MISSING else value
        if key == "null":
            return None
        if key == "true":
            return True
        if key == "false":
            return False
        if key == "psitem":
            key = "_"
        if key == "error":
            return self.errors
        if key == "?":
            return self.last_status
        if key == "pscommandpath":
            return self.script_path
        if key == "psscriptroot":
            if not self.script_path:
                return ""
            return self.script_path.replace("/", "\\").rpartition("\\")[0]
        value = self.scope.lookup(key)
        return default if value is MISSING else value

    def _env_get(self, name: str) -> Any:
        key = name.lower()
        if key == "computername":
            return self.session.computer_name
        if key == "userdomain":
            return "LAB"
        for env_name, value in self.env.items():
            if env_name.lower() == key:
                return value
        return None

    def set_variable(self, name: str, value: Any, scope: str | None = None) -> None:
        key = name.lower()
        if key in ("null",):
            return
        if key in ("true", "false", "error", "?"):
            raise self.runtime_error(f"Cannot overwrite variable {name} because it is read-only "
                                     f"or constant.", None, "VariableNotWritable")
        if scope is not None:
            scope_key = scope.lower()
            if scope_key == "env":
                if value is None:
                    self.env.pop(name, None)
                else:
                    self.env[name] = to_string(value)
                return
            if scope_key == "global":
                self.global_scope.set_local(name, value)
                return
            if scope_key == "script":
                self.scope.script_scope().set_local(name, value)
                return
        self.scope.set_local(name, value)

    def variable_names(self) -> list[str]:
        return self.scope.visible_names() + ["Error", "true", "false", "null"]

    def set_matches(self, matches: Hashtable) -> None:
        self.scope.set_local("Matches", matches)

    def new_guid(self) -> str:
        return str(uuid.UUID(int=self._guid_random.getrandbits(128), version=4))

    @contextlib.contextmanager
    def entered(self, scope: Scope, source: ast.Source) -> Iterator[None]:
        saved_scope, saved_source = self.scope, self.source
        self.scope, self.source = scope, source
        try:
            yield
        finally:
            self.scope, self.source = saved_scope, saved_source

    # ==================================================================
    # Assignment
    # ==================================================================

    def assign(self, stmt: ast.Assignment) -> Any:
        # A pipeline that output nothing stays "nothing" in its variable:
        # `$x = Get-VM nothing; @($x).Count` is 0, as in PowerShell.
        value = self.statement_value(stmt.value)
        target = stmt.target
        if stmt.op != "=":
            current = self.evaluate(target)
            value = self._compound(stmt.op, current, value, stmt)
        self.store(target, value, stmt)
        return value

    def _compound(self, op: str, current: Any, value: Any, stmt: ast.Assignment) -> Any:
        functions = {"+=": ops.add, "-=": ops.subtract, "*=": ops.multiply, "/=": ops.divide,
                     "%=": ops.modulo}
        try:
            return functions[op](current, value)
        except ops.OperatorError as error:
            raise self.operator_error(error, stmt.extent) from None
        except ConversionError as error:
            raise self.runtime_error(str(error), stmt.extent, "InvalidCastFromStringToInteger") from None

    def store(self, target: Any, value: Any, stmt: Any) -> None:
        if isinstance(target, ast.Variable):
            self.set_variable(target.name, value, target.scope)
        elif isinstance(target, ast.Cast):
            try:
                converted = convert(value, target.type_name)
            except ConversionError as error:
                raise self.runtime_error(str(error), stmt.extent, "InvalidCastFromStringToInteger") from None
            self.store(target.operand, converted, stmt)
        elif isinstance(target, ast.MemberAccess):
            obj = _null(self.evaluate(target.target))
            name = target.member if isinstance(target.member, str) else to_string(self.evaluate(target.member))
            if obj is None:
                raise self.runtime_error(f"The property '{name}' cannot be found on this object. "
                                         f"Verify that the property exists and can be set.",
                                         target.extent, "PropertyNotFound")
            try:
                set_property(obj, name, value)
            except AttributeError:
                raise self.runtime_error(f"The property '{name}' cannot be found on this object. "
                                         f"Verify that the property exists and can be set.",
                                         target.extent, "PropertyNotFound") from None
            except (ValueError, TypeError) as error:
                raise self.runtime_error(f"Exception setting \"{name}\": \"{error}\"",
                                         target.extent, "ExceptionWhenSetting") from None
        elif isinstance(target, ast.Index):
            obj = _null(self.evaluate(target.target))
            index = _null(self.evaluate(target.index))
            if isinstance(obj, Hashtable):
                obj[index] = value
            elif isinstance(obj, list):
                try:
                    obj[int(convert(index, "int"))] = value
                except IndexError:
                    raise self.runtime_error("Index was outside the bounds of the array.",
                                             target.extent, "IndexOutOfRange") from None
            elif isinstance(obj, PSObject):
                obj.add(to_string(index), value)
            else:
                raise self.runtime_error("Cannot index into a null array." if obj is None else
                                         f"Unable to index into an object of type {type_name(obj)}.",
                                         target.extent, "NullArray" if obj is None else "CannotIndex")
        elif isinstance(target, ast.ArrayLiteral):
            items = list(value) if isinstance(value, (list, tuple)) else [value]
            variables = target.elements
            for position, element in enumerate(variables):
                if position == len(variables) - 1:
                    rest = items[position:]
                    self.store(element, rest[0] if len(rest) == 1 else (rest or None), stmt)
                else:
                    self.store(element, items[position] if position < len(items) else None, stmt)
        else:
            raise self.runtime_error("The assignment expression is not valid. The input to an "
                                     "assignment operator must be an object that is able to accept "
                                     "assignments, such as a variable or a property.",
                                     stmt.extent, "InvalidLeftHandSide")

    # ==================================================================
    # Expressions
    # ==================================================================

    def runtime_error(self, message: str, extent: ast.Extent | None,
                      error_id: str = "RuntimeException", category: str = "InvalidOperation",
                      exception_type: str = "System.Management.Automation.RuntimeException",
                      target: Any = None, inner: str | None = None) -> PSError:
        return PSError(ErrorRecord(message, error_id, category, target, exception_type,
                                   extent=extent, source=self.source, inner_exception_type=inner))

    def operator_error(self, error: ops.OperatorError, extent: ast.Extent | None,
                       target: Any = None) -> PSError:
        # A wrapped .NET failure (divide by zero) shows as NotSpecified, as PowerShell does.
        category = "NotSpecified" if error.inner else "InvalidOperation"
        return self.runtime_error(str(error), extent, error.error_id, category,
                                  target=target, inner=error.inner)

    def evaluate(self, node: Any) -> Any:
        handler = self._expression_handlers.get(type(node))
        if handler is None:
            if type(node) in self._statement_handlers:
                return self.statement_value(node)
            raise self.runtime_error(f"Unsupported expression {type(node).__name__}.",
                                     getattr(node, "extent", None))
        return handler(self, node)

    def _eval_constant(self, node: ast.Constant) -> Any:
        # A `1.5d` literal is a .NET decimal; hvshell computes it as a double.
        return float(node.value) if isinstance(node.value, decimal.Decimal) else node.value

    def _eval_string(self, node: ast.StringLiteral) -> Any:
        return node.value

    def _eval_expandable(self, node: ast.ExpandableString) -> str:
        parts = []
        for part in node.parts:
            if isinstance(part, str):
                parts.append(part)
            else:
                value = _null(self.evaluate(part))
                if isinstance(value, (list, tuple)):
                    separator = to_string(self.get_variable("OFS", " "))
                    parts.append(separator.join(to_display_string(v, invariant=True) for v in value))
                else:
                    parts.append(to_display_string(value, invariant=True))
        return "".join(parts)

    def _eval_variable(self, node: ast.Variable) -> Any:
        return self.get_variable(node.name, None, node.scope)

    def _eval_splat(self, node: ast.SplatVariable) -> Any:
        return self.get_variable(node.name)

    def _eval_type(self, node: ast.TypeLiteral) -> TypeInfo:
        if not is_known_type(node.name):
            raise self.runtime_error(f"Unable to find type [{node.name}].", node.extent,
                                     "TypeNotFound")
        return TypeInfo(canonical_type_name(node.name))

    def _eval_cast(self, node: ast.Cast) -> Any:
        if node.type_name.lower() == "ordered" and isinstance(node.operand, ast.Hashtable):
            table = self.evaluate(node.operand)
            table.ordered = True
            return table
        value = _null(self.evaluate(node.operand))
        try:
            return convert(value, node.type_name)
        except TypeNotFoundError as error:
            raise self.runtime_error(str(error), node.extent, "TypeNotFound") from None
        except ConversionError as error:
            error_id = "InvalidCastFromStringToInteger" if isinstance(value, str) \
                else "ConvertToFinalInvalidCastException"
            raise self.runtime_error(str(error), node.extent, error_id, "InvalidArgument") from None

    def _member_name(self, member: Any) -> str:
        return member if isinstance(member, str) else to_string(self.evaluate(member))

    def _eval_member(self, node: ast.MemberAccess) -> Any:
        name = self._member_name(node.member)
        if node.static:
            type_text = node.target.name if isinstance(node.target, ast.TypeLiteral) else \
                to_string(self.evaluate(node.target))
            try:
                return static_member(type_text, name, self)
            except MemberError as error:
                raise self.runtime_error(str(error), node.extent, error.error_id) from None
        target = _null(self.evaluate(node.target))
        if target is None:
            # $null.Count is 0 since PowerShell 3.0; other members are $null.
            return 0 if name.lower() in ("count", "length") else None
        value = get_member(target, name)
        return None if value is MISSING else value

    def _eval_invoke(self, node: ast.InvokeMember) -> Any:
        name = self._member_name(node.member)
        args = [_null(self.evaluate(a)) for a in node.arguments]
        try:
            if node.static:
                type_text = node.target.name if isinstance(node.target, ast.TypeLiteral) else \
                    to_string(self.evaluate(node.target))
                return invoke_static(type_text, name, args, self)
            target = self.evaluate(node.target)
            if isinstance(target, AutomationNullType):
                target = None
            return invoke_method(target, name, args, self)
        except MemberError as error:
            raise self.runtime_error(str(error), node.extent, error.error_id) from None
        except CmdletError as error:
            error.record.extent = error.record.extent or node.extent
            error.record.source = error.record.source or self.source
            raise

    def _eval_index(self, node: ast.Index) -> Any:
        target = _null(self.evaluate(node.target))
        index = _null(self.evaluate(node.index))
        if target is None:
            raise self.runtime_error("Cannot index into a null array.", node.extent, "NullArray")
        if isinstance(target, Hashtable):
            if isinstance(index, (list, tuple)):
                return [target[k] for k in index]
            return target[index]
        if isinstance(target, PSObject):
            value = target.get(to_string(index))
            return None if value is MISSING else value
        sequence = target if isinstance(target, (list, tuple, str)) else [target]
        try:
            if isinstance(index, (list, tuple)):
                result = []
                for i in index:
                    position = int(convert(i, "int"))
                    if -len(sequence) <= position < len(sequence):
                        result.append(sequence[position])
                return result
            position = int(convert(index, "int"))
        except ConversionError as error:
            raise self.runtime_error(str(error), node.extent, "InvalidCast") from None
        if -len(sequence) <= position < len(sequence):
            return sequence[position]
        return None

    _BINARY = {
        "+": ops.add, "-": ops.subtract, "*": ops.multiply, "/": ops.divide, "%": ops.modulo,
        "..": ops.make_range, "-f": ops.format_operator, "-join": ops.join,
    }

    def _eval_binary(self, node: ast.Binary) -> Any:
        op = node.op
        if op in ("-and", "-or"):
            left = to_bool(self.evaluate(node.left))
            if op == "-and" and not left:
                return False
            if op == "-or" and left:
                return True
            return to_bool(self.evaluate(node.right))
        left = _null(self.evaluate(node.left))
        right = _null(self.evaluate(node.right))
        try:
            if op in self._BINARY:
                return self._BINARY[op](left, right)
            if op == "-xor":
                return to_bool(left) != to_bool(right)
            if op in ("-band", "-bor", "-bxor", "-shl", "-shr"):
                return ops.bitwise(op, left, right)
            if op in ("-is", "-isnot"):
                result = ops.is_type(left, right)
                return result if op == "-is" else not result
            if op == "-as":
                return ops.as_type(left, right)
            return ops.compare(op[1:], left, right, self)
        except ops.OperatorError as error:
            raise self.operator_error(error, node.extent,
                                      left if op == "-f" else None) from None
        except ConversionError as error:
            raise self.runtime_error(str(error), node.extent, "InvalidCastFromStringToInteger") from None

    def _eval_unary(self, node: ast.Unary) -> Any:
        op = node.op
        if op in ("++", "--", "post++", "post--"):
            current = _null(self.evaluate(node.operand))
            step = 1 if "++" in op else -1
            try:
                updated = ops.add(to_number(current), step)
            except ConversionError as error:
                raise self.runtime_error(str(error), node.extent) from None
            self.store(node.operand, updated, node)
            return updated if not op.startswith("post") else current
        value = _null(self.evaluate(node.operand))
        try:
            if op in ("-not", "!"):
                return not to_bool(value)
            if op == "-":
                return ops.negate(value)
            if op == "+":
                return to_number(value)
            if op == ",":
                return [value]
            if op == "-bnot":
                return ~int(convert(value, "long"))
            if op == "-split":
                return ops.unary_split(value)
            if op == "-join":
                return ops.join(value, "")
        except ops.OperatorError as error:
            raise self.operator_error(error, node.extent) from None
        except ConversionError as error:
            raise self.runtime_error(str(error), node.extent) from None
        raise self.runtime_error(f"Unsupported operator {op}.", node.extent)

    def _eval_array_literal(self, node: ast.ArrayLiteral) -> list[Any]:
        return [_null(self.evaluate(e)) for e in node.elements]

    def _eval_array_expression(self, node: ast.ArrayExpression) -> list[Any]:
        statements = node.body.statements
        if len(statements) == 1 and isinstance(statements[0], ast.Pipeline) and \
                len(statements[0].elements) == 1 and \
                isinstance(statements[0].elements[0], ast.CommandExpression):
            value = self.evaluate(statements[0].elements[0].expression)
            if isinstance(value, AutomationNullType):
                return []
            return list(value) if isinstance(value, (list, tuple)) else [value]
        return self.collect_block(node.body)

    def _eval_subexpression(self, node: ast.SubExpression) -> Any:
        return _unwrap(self.collect_block(node.body))

    def _eval_paren(self, node: ast.Paren) -> Any:
        return self.statement_value(node.pipeline)

    def _eval_hashtable(self, node: ast.Hashtable) -> Hashtable:
        table = Hashtable(ordered=node.ordered)
        for entry in node.entries:
            key = _null(self.evaluate(entry.key))
            if key in table:
                raise self.runtime_error(
                    f"Duplicate keys '{to_display_string(key)}' are not allowed in hash literals.",
                    entry.extent, "DuplicateKeyInHashLiteral")
            table[key] = _null(self.statement_value(entry.value))
        return table

    def _eval_scriptblock(self, node: ast.ScriptBlockExpr) -> ScriptBlock:
        start = node.extent.start + 1
        end = max(start, node.extent.end - 1)
        return ScriptBlock(node.body, self.source, start, end)

    _statement_handlers: dict[type, Callable[..., None]] = {}
    _expression_handlers: dict[type, Callable[..., Any]] = {}


Interpreter._statement_handlers = {
    ast.Pipeline: Interpreter._exec_pipeline,
    ast.Assignment: Interpreter._exec_assignment,
    ast.FunctionDef: Interpreter._exec_function,
    ast.If: Interpreter._exec_if,
    ast.While: Interpreter._exec_while,
    ast.DoLoop: Interpreter._exec_do,
    ast.For: Interpreter._exec_for,
    ast.Foreach: Interpreter._exec_foreach,
    ast.Switch: Interpreter._exec_switch,
    ast.Break: Interpreter._exec_break,
    ast.Continue: Interpreter._exec_continue,
    ast.Return: Interpreter._exec_return,
    ast.Exit: Interpreter._exec_exit,
    ast.Throw: Interpreter._exec_throw,
    ast.Try: Interpreter._exec_try,
    ast.StatementBlock: Interpreter._exec_block,
}

Interpreter._expression_handlers = {
    ast.Constant: Interpreter._eval_constant,
    ast.StringLiteral: Interpreter._eval_string,
    ast.ExpandableString: Interpreter._eval_expandable,
    ast.Variable: Interpreter._eval_variable,
    ast.SplatVariable: Interpreter._eval_splat,
    ast.TypeLiteral: Interpreter._eval_type,
    ast.Cast: Interpreter._eval_cast,
    ast.MemberAccess: Interpreter._eval_member,
    ast.InvokeMember: Interpreter._eval_invoke,
    ast.Index: Interpreter._eval_index,
    ast.Binary: Interpreter._eval_binary,
    ast.Unary: Interpreter._eval_unary,
    ast.ArrayLiteral: Interpreter._eval_array_literal,
    ast.ArrayExpression: Interpreter._eval_array_expression,
    ast.SubExpression: Interpreter._eval_subexpression,
    ast.Paren: Interpreter._eval_paren,
    ast.Hashtable: Interpreter._eval_hashtable,
    ast.ScriptBlockExpr: Interpreter._eval_scriptblock,
}

