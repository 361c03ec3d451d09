"""Running one cmdlet without the parser: a small stand-in for the session
(script blocks are Python functions) and a runner that binds parameters
the way the pipeline does (defaults, then the given values, then one
process() per input object)."""
from __future__ import annotations

import pathlib
from typing import Any, Callable

import pytest

from hvshell.cmdlets import load_all
from hvshell.lang.ast import Source
from hvshell.runtime.cmdlet import ALL_SETS, REGISTRY
from hvshell.runtime.scriptblock import ScriptBlock
from hvshell.runtime.session import Session
from hvshell.runtime.signals import StopPipeline

load_all()     # every cmdlet registered


class FakeInterpreter:
    width = 120

    def __init__(self) -> None:
        self.functions: dict[str, Any] = {}


class FakeContext:
    """What a cmdlet reaches through `self.ctx`."""

    def __init__(self, root: pathlib.Path):
        self._session = Session(root=root)
        self.root = self._session.root
        self.interpreter = FakeInterpreter()
        self.output: list[Any] = []
        self.errors: list[Any] = []
        self.whatif = False
        self.whatif_lines: list[str] = []
        self._blocks: dict[int, Callable[[Any], Any]] = {}

    def block(self, function: Callable[[Any], Any], text: str = " ... ") -> ScriptBlock:
        """A script block whose body is `function($_)`."""
        source = Source("{" + text + "}")
        block = ScriptBlock(None, source, 1, len(text) + 1)
        self._blocks[id(block)] = function
        return block

    def invoke_scriptblock(self, block: ScriptBlock, input: Any = None, args: tuple = (),
                           use_input: bool = True) -> list[Any]:
        result = self._blocks[id(block)](input)
        if result is None:
            return []
        return list(result) if isinstance(result, list) else [result]

    @property
    def files(self) -> Any:
        return self._session.files

    def emit(self, cmdlet: Any, obj: Any, enumerate: bool) -> None:
        if enumerate and isinstance(obj, (list, tuple)):
            self.output.extend(obj)
        else:
            self.output.append(obj)

    def report_error(self, cmdlet: Any, record: Any) -> None:
        self.errors.append(record)

    def write_stream(self, cmdlet: Any, stream: str, text: str) -> None:
        pass

    def should_process(self, cmdlet: Any, target: str, action: str, text: Any) -> bool:
        if self.whatif:
            self.whatif_lines.append(f'What if: Performing the operation "{action}" on target '
                                     f'"{target}".')
            return False
        return True


def run_cmdlet(ctx: FakeContext, name: str, params: dict[str, Any] | None = None,
               input: list[Any] | None = None, pipe: str = "InputObject",
               parameter_set: str | None = None) -> list[Any]:
    """Run `name` with `params` (as bound by name) over `input` (one
    process() per object, bound to `pipe`); return its output."""
    cls = REGISTRY[name.lower()]
    params = dict(params or {})
    instance = cls()
    for pname, param in cls.parameters().items():
        default = param.default
        if param.is_switch and default is None:
            default = False
        setattr(instance, pname, default)
    for pname, value in params.items():
        param = cls.parameters()[pname]
        if param.array and not isinstance(value, list):
            value = [value]
        setattr(instance, pname, value)
        params[pname] = value
    instance.ctx = ctx
    instance.bound = params
    instance.parameter_set = parameter_set or cls.default_set or ALL_SETS
    instance.invocation_name = cls.name
    ctx.output = []
    instance.begin()
    try:
        if input is None:
            instance.process()
        else:
            array = cls.parameters()[pipe].array
            for obj in input:
                setattr(instance, pipe, [obj] if array else obj)
                instance.bound[pipe] = obj
                instance.process()
    except StopPipeline:
        pass
    instance.end()
    return list(ctx.output)


@pytest.fixture
def ctx(tmp_path: pathlib.Path) -> FakeContext:
    return FakeContext(tmp_path)


@pytest.fixture
def run(ctx: FakeContext) -> Callable[..., list[Any]]:
    def runner(name: str, params: dict[str, Any] | None = None, input: list[Any] | None = None,
               **kwargs: Any) -> list[Any]:
        return run_cmdlet(ctx, name, params, input, **kwargs)
    return runner

