"""Running pipelines and what a running cmdlet calls back, part of the
Interpreter (hvshell/runtime/interpreter.py).

A pipeline becomes one processor per element (hvshell/runtime/pipeline.py),
each feeding the next; redirections reroute an element's output or errors.
A command name resolves to a function, a cmdlet (by name or alias) or a
script file.  Cmdlets reach the interpreter through the session
(`Cmdlet.write`, `write_error`, `should_process`, `invoke_scriptblock`).
"""
from __future__ import annotations

import os
from typing import Any, Callable

from hvshell.lang import ast
from hvshell.runtime.binder import Arg
from hvshell.runtime.cmdlet import ALIASES, REGISTRY, Cmdlet, ensure_loaded
from hvshell.runtime.conversions import AutomationNullType, to_bool, to_string
from hvshell.runtime.dotnet_limits import from_python
from hvshell.runtime.members import MemberError
from hvshell.runtime.invocation import script_info
from hvshell.runtime.errors import (ErrorRecord, ParseError, PSError, internal_error_record,
                                    parse_error_records)
from hvshell.runtime.pipeline import (CmdletProcessor, ExpressionProcessor, FunctionInfo,
                                      Processor, ScriptProcessor, Sink, denull,
                                      scriptblock_processor, unwrap)
from hvshell.runtime.preferences import ActionPreference
from hvshell.runtime.psobject import MISSING, Hashtable
from hvshell.runtime.scriptblock import ScriptBlock
from hvshell.runtime.streams import NUMBERS, RECORDS, STREAMS
from hvshell.runtime.signals import FlowSignal, ReturnSignal, StopPipeline


def _discard(obj: Any) -> None:
    """Where `> $null` and `2>$null` send things."""


class CommandRunner:
    """The pipeline part of the Interpreter."""

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
        """Apply one element's redirections: its output, errors, warnings ...
        go to the next element (2>&1, 3>&1, *>&1), to nothing ($null) or
        to a file."""
        sinks: dict[str, Callable[[Any], None]] = {}
        for redirection in redirections:
            stream = redirection.stream
            others = list(STREAMS) if stream == "*" else [stream] if stream in STREAMS else []
            if redirection.merge_to == "1":
                sinks.update((s, processor.downstream) for s in others)
                continue
            if redirection.target is None:
                continue
            where = denull(self.evaluate(redirection.target))
            if where is None:
                target: Callable[[Any], None] = _discard
            else:
                captured: list[Any] = []
                files.append((to_string(where), redirection.append, captured))
                target = captured.append
            if stream in ("1", "*"):
                processor.downstream = target
            sinks.update((s, target) for s in others)
        if sinks:
            for name in ("begin", "receive", "run_once", "end"):
                setattr(processor, name, self._with_sinks(getattr(processor, name), sinks))

    def _with_sinks(self, method: Callable[..., None], sinks: dict[str, Callable[[Any], None]]
                    ) -> Callable[..., None]:
        def run(*args: Any) -> None:
            saved = self.stream_targets
            self.stream_targets = {**saved, **sinks}
            try:
                method(*args)
            finally:
                self.stream_targets = saved
        return run

    def write_file(self, path: str, append: bool, objects: list[Any], extent: ast.Extent) -> None:
        """What `> file` writes: the objects as the console would show them."""
        text = self.formatter().render(objects, self.width)
        try:
            self.session.files.write(path, text.encode("utf-8", errors="replace"), append)
        except PSError as error:
            error.record.extent, error.record.source = extent, self.source
            raise

    def make_processor(self, element: Any, downstream_of_input: bool) -> Processor:
        if isinstance(element, ast.CommandExpression):
            return ExpressionProcessor(self.evaluate(element.expression))
        assert isinstance(element, ast.Command)
        args = self.command_args(element)
        if element.invocation is not None and not isinstance(element.name, str):
            target = denull(self.evaluate(element.name))
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
        found = self.resolve_command(name)
        if isinstance(found, FunctionInfo):
            processor = ScriptProcessor(self, found.name, found.body, found.source, args,
                                        element.extent, expects_input, dot_source, found)
            processor.invocation_name = name
            return processor
        if found is not None:
            self.imported_modules.add(found.module)       # PowerShell's module auto-loading
            return CmdletProcessor(self, found, args, name, element.extent, expects_input)
        target = self.alias_target(name) or name
        if target.lower().endswith((".hvps", ".ps1")):
            return self.script_file_processor(target, args, element, expects_input, dot_source)
        raise PSError(ErrorRecord(
            f"The term '{name}' is not recognized as the name of a cmdlet, function, script "
            f"file, or operable program. Check the spelling of the name, or if a path was "
            f"included, verify that the path is correct and try again.",
            "CommandNotFoundException", "ObjectNotFound", name,
            "System.Management.Automation.CommandNotFoundException",
            command=name, activity="", extent=element.name_extent if element.name_extent.end else element.extent,
            source=self.source))

    def alias_target(self, name: str) -> str | None:
        """What the alias `name` stands for (the session's own aliases, then
        the cmdlets' declared ones, followed to the end), or None."""
        key = name.lower()
        if key not in self.aliases and key not in ALIASES and key not in REGISTRY:
            ensure_loaded()     # aliases come before functions: know them all first
        target = None
        for _ in range(32):                 # an alias may name another alias
            if key in self.aliases:
                target = self.aliases[key][1]
            elif key in ALIASES:
                target = ALIASES[key]
            else:
                break
            key = target.lower()
        return target

    def resolve_command(self, name: str) -> FunctionInfo | type[Cmdlet] | None:
        """The function or cmdlet `name` means: an alias first, then a
        function, then a cmdlet; `Module\\Name` names a cmdlet of that module."""
        module, slash, bare = name.rpartition("\\")
        if slash and module and "/" not in module and ":" not in module:
            ensure_loaded()
            cls = REGISTRY.get(bare.lower())
            return cls if cls is not None and cls.module.lower() == module.lower() else None
        key = (self.alias_target(name) or name).lower()
        function = self.scope.find_function(key) or self.functions.get(key)
        if function is not None:
            return function
        return REGISTRY.get(key)

    def script_file_processor(self, name: str, args: list[Arg], element: ast.Command,
                              expects_input: bool, dot_source: bool) -> Processor:
        try:
            text = self.session.files.read(name).decode("utf-8-sig", errors="replace")
        except PSError as error:
            error.record.extent, error.record.source = element.extent, self.source
            raise
        from hvshell.lang.parser import parse
        try:
            script = parse(text, name)
        except ParseError as error:     # its first error ends the statement that ran it
            raise PSError(parse_error_records(error)[0]) from None
        return ScriptProcessor(self, name, script.body, script.source, args, element.extent,
                               expects_input, dot_source, script_info(name))

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
                value = denull(self.get_variable(element.name))
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
            raise self.call_depth_error(processor.extent) from None
        except MemberError as error:    # a cmdlet calling a member (ForEach-Object -MemberName)
            record = ErrorRecord(str(error), error.error_id, "InvalidOperation", None,
                                 error.exception_type or "System.Management.Automation."
                                                         "RuntimeException")
            self._locate(record, processor)
            raise PSError(record) from None
        except Exception as error:  # a defect must not escape as a traceback
            thrown = from_python(error)
            if thrown is not None:     # a .NET edge inside the cmdlet: that exception
                record = ErrorRecord(str(thrown), thrown.short_name, "NotSpecified", None,
                                     thrown.type_name)
            elif os.environ.get("HVSHELL_DEBUG"):
                raise
            else:
                record = internal_error_record(error)
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
        target = self.stream_targets.get("2")
        if target is not None:
            target(record)
        else:
            self.write_error_record(record)

    def write_stream(self, cmdlet: Any, stream: str, text: str) -> None:
        if stream == "host":
            self.write_information(text)
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
        self._to_stream(stream, text, f"{stream.upper()}: ")

    def _to_stream(self, stream: str, text: str, label: str, newline: bool = True) -> None:
        """A message on its stream: to the console, or where `3>&1` and the
        like send it, as a record."""
        target = self.stream_targets.get(NUMBERS[stream])
        if target is not None:
            target(RECORDS[stream](text))
        else:
            self.write_host_text(label + text, newline)

    def write_information(self, text: str, newline: bool = True) -> None:
        """Write-Host: the information stream (6), shown unless redirected."""
        self._to_stream("host", text, "", newline)

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
        return unwrap(out)
