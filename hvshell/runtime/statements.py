"""Running statements, part of the Interpreter (hvshell/runtime/interpreter.py).

Each statement kind has one handler (`_statement_handlers`, by AST class);
a statement writes its output to a sink.  Loops catch break and continue
signals by label; `try` runs its catch clause for the first matching type.
"""
from __future__ import annotations

from typing import Any, Callable

from hvshell.lang import ast
from hvshell.pstypes.wildcards import wildcard_match
from hvshell.runtime import operators as ops
from hvshell.runtime.conversions import ConversionError, convert, to_bool, to_string
from hvshell.runtime.dotnet_regex import match_groups
from hvshell.runtime.errors import ErrorRecord, PSError, exception_lineage
from hvshell.runtime.invocation import TerminatingError
from hvshell.runtime.pipeline import FunctionInfo, Sink, denull, unwrap
from hvshell.runtime.preferences import ActionPreference
from hvshell.runtime.psobject import MISSING, to_display_string
from hvshell.runtime.signals import (BreakSignal, ContinueSignal, ExitSignal, FlowSignal,
                                     ReturnSignal)


class StatementRunner:
    """The statement part of the Interpreter."""

    # ==================================================================
    # Statements
    # ==================================================================

    def run_block(self, block: ast.StatementBlock, sink: Sink,
                  after: Callable[[], None] | None = None) -> None:
        """Run the statements of a block; `after` (the --lab save) runs after
        each, and its failure ends the script there.  A block with traps runs
        each statement under them."""
        if block.traps:
            self._run_trapped(block, sink, after)
            return
        for statement in block.statements:
            try:
                self.run_statement(statement, sink)
            except BaseException:
                self._after_failing(after)
                raise
            if after is not None:
                after()

    def _after_failing(self, after: Callable[[], None] | None) -> None:
        """`after` while the statement's own error is on its way out: a
        failure of `after` is shown, and that error goes on."""
        if after is None:
            return
        try:
            after()
        except PSError as error:
            self.record_error(error.record)
            self.write_error_record(error.record)

    def _run_trapped(self, block: ast.StatementBlock, sink: Sink,
                     after: Callable[[], None] | None) -> None:
        # Inside a trap's block every error is terminating, as inside `try`,
        # so that the trap sees it; what the trap does not handle goes on up.
        for statement in block.statements:
            try:
                self.try_depth += 1
                try:
                    self.run_statement(statement, sink)
                finally:
                    self.try_depth -= 1
            except PSError as error:
                try:
                    self._trap(block.traps, error, sink)
                except BaseException:
                    self._after_failing(after)
                    raise
            except BaseException:
                self._after_failing(after)
                raise
            if after is not None:
                after()

    def _trap(self, traps: tuple, error: PSError, sink: Sink) -> None:
        """Run the trap for `error`: after `continue` the block goes on
        quietly, after `break` the error goes on to the caller, otherwise
        the error is shown and the block goes on."""
        record = error.record
        trap = self._matching_clause(traps, record)
        if trap is None:
            raise error
        if self.errors[:1] != [record]:
            self.record_error(record)
        saved_current, saved_item = self.current_error, self.scope.lookup("_")
        self.current_error = record
        self.scope.set_local("_", record)
        try:
            self.run_block(trap.body, sink)
        except ContinueSignal:
            return
        except BreakSignal:
            error.script_terminating = True
            raise error from None
        finally:
            self.current_error = saved_current
            self._restore_item(saved_item)
        preference = self.preference("ErrorActionPreference")
        if preference not in (ActionPreference.SilentlyContinue, ActionPreference.Ignore):
            self.write_error_record(record)

    def _restore_item(self, saved: Any) -> None:
        if saved is MISSING:
            self.scope.remove("_")
        else:
            self.scope.set_local("_", saved)

    def run_statement(self, stmt: Any, sink: Sink) -> None:
        try:
            self.exec_statement(stmt, sink)
        except TerminatingError:
            raise               # ends its function first (pipeline.py ScriptProcessor._run)
        except PSError as error:
            self._statement_failed(error)
        except (FlowSignal, BrokenPipeError):
            raise
        except Exception as error:  # a failure no handler below made a record of
            self._statement_failed(self.unhandled_error(error, stmt.extent))

    def _statement_failed(self, error: PSError) -> None:
        if getattr(error, "script_terminating", False) or self.try_depth > 0 \
                or self.preference("ErrorActionPreference") == ActionPreference.Stop:
            error.script_terminating = True
            raise error
        self.report_terminating(error.record)

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
        info = FunctionInfo(stmt.name, stmt.body, self.source)
        if self.scope is self.global_scope:
            self.functions[stmt.name.lower()] = info
        else:
            if self.scope.functions is None:
                self.scope.functions = {}
            self.scope.functions[stmt.name.lower()] = info

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
        collection = denull(self.statement_value(stmt.iterable))
        if collection is None:
            return
        items = collection if isinstance(collection, (list, tuple)) else [collection]
        for item in list(items):
            self.set_variable(stmt.variable, item)
            if not self._loop_body(stmt.body, sink, stmt.label):
                break

    def _exec_switch(self, stmt: ast.Switch, sink: Sink) -> None:
        value = denull(self.statement_value(stmt.value))
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
            self._restore_item(saved)

    def _switch_matches(self, stmt: ast.Switch, pattern: Any, item: Any) -> bool:
        if isinstance(pattern, ast.ScriptBlockExpr):
            block = self.evaluate(pattern)
            return to_bool(unwrap(self.invoke_scriptblock(block, item, (), True)))
        if isinstance(pattern, ast.Constant) and pattern.bare:
            wanted: Any = pattern.value
        else:
            wanted = self.evaluate(pattern)
        text, wanted_text = to_string(item), to_string(wanted)
        if stmt.mode == "regex":
            m = ops.dotnet_regex(wanted_text, stmt.case_sensitive).search(text)
            if m:
                self.set_matches(match_groups(m))
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
        result = self.scope.method_result
        if result is not None:
            result.append(None if stmt.value is None else self.statement_value(stmt.value))
        elif stmt.value is not None:
            self.exec_statement(stmt.value, sink)
        raise ReturnSignal()

    def _exec_exit(self, stmt: ast.Exit, sink: Sink) -> None:
        code = 0
        if stmt.value is not None:
            try:
                code = int(convert(denull(self.statement_value(stmt.value)), "int"))
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
        value = denull(self.statement_value(stmt.value))
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
            clause = self._matching_clause(stmt.catches, record)
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
                self._restore_item(saved_item)
                if stmt.finally_body is not None:
                    self.run_block(stmt.finally_body, sink)
            return
        except FlowSignal:
            if stmt.finally_body is not None:
                self.run_block(stmt.finally_body, sink)
            raise
        if stmt.finally_body is not None:
            self.run_block(stmt.finally_body, sink)

    def _matching_clause(self, clauses: tuple, record: ErrorRecord) -> Any:
        """The first catch (or trap) whose type is the error's exception, its
        wrapped inner exception, or a base of them (Exception catches all)."""
        names: set[str] = set()
        for thrown in (record.exception_type, record.inner_exception_type):
            for full in exception_lineage(thrown) if thrown else ():
                names.update((full.lower(), full.lower().rsplit(".", 1)[-1]))
        for clause in clauses:
            if not clause.types:
                return clause
            for name in clause.types:
                wanted = name.lower()
                if wanted in names or "system." + wanted in names:     # [IO.IOException]
                    return clause
        return None

    def _exec_block(self, stmt: ast.StatementBlock, sink: Sink) -> None:
        self.run_block(stmt, sink)

    def _exec_type_definition(self, stmt: Any, sink: Sink) -> None:
        self.define_type(stmt)

    def define_type(self, stmt: Any) -> None:
        """Define a class or enum, once per definition (a script's are
        defined before it runs, so they can be used above their text)."""
        from hvshell.runtime.classes import define_class, define_enum
        key = stmt.name.lower()
        if self.type_definitions.get(key) is stmt:
            return
        if isinstance(stmt, ast.ClassDef):
            define_class(self, stmt)
        else:
            define_enum(self, stmt)
        self.type_definitions[key] = stmt

    def _exec_data(self, stmt: ast.DataSection, sink: Sink) -> None:
        if stmt.variable is None:
            self.run_block(stmt.body, sink)
        else:
            self.set_variable(stmt.variable, unwrap(self.collect_block(stmt.body)))

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
        return unwrap(self.collect(stmt))

    def collect(self, stmt: Any) -> list[Any]:
        out: list[Any] = []
        self.exec_statement(stmt, out.append)
        return out

    def collect_block(self, block: ast.StatementBlock) -> list[Any]:
        out: list[Any] = []
        self.run_block(block, out.append)
        return out

    _statement_handlers: dict[type, Callable[..., None]] = {}


StatementRunner._statement_handlers = {
    ast.Pipeline: StatementRunner._exec_pipeline,
    ast.Assignment: StatementRunner._exec_assignment,
    ast.FunctionDef: StatementRunner._exec_function,
    ast.If: StatementRunner._exec_if,
    ast.While: StatementRunner._exec_while,
    ast.DoLoop: StatementRunner._exec_do,
    ast.For: StatementRunner._exec_for,
    ast.Foreach: StatementRunner._exec_foreach,
    ast.Switch: StatementRunner._exec_switch,
    ast.Break: StatementRunner._exec_break,
    ast.Continue: StatementRunner._exec_continue,
    ast.Return: StatementRunner._exec_return,
    ast.Exit: StatementRunner._exec_exit,
    ast.Throw: StatementRunner._exec_throw,
    ast.Try: StatementRunner._exec_try,
    ast.StatementBlock: StatementRunner._exec_block,
    ast.DataSection: StatementRunner._exec_data,
    ast.ClassDef: StatementRunner._exec_type_definition,
    ast.EnumDef: StatementRunner._exec_type_definition,
}
