"""Control flow that unwinds the interpreter: break, continue, return, exit."""
from __future__ import annotations


class FlowSignal(Exception):
    """Base of the non-error unwinding signals."""


class BreakSignal(FlowSignal):
    def __init__(self, label: str | None = None):
        super().__init__(label)
        self.label = label


class ContinueSignal(FlowSignal):
    def __init__(self, label: str | None = None):
        super().__init__(label)
        self.label = label


class ReturnSignal(FlowSignal):
    """`return`: its value has already been written to the output."""


class ExitSignal(FlowSignal):
    def __init__(self, code: int = 0):
        super().__init__(code)
        self.code = code


class StopPipeline(FlowSignal):
    """Select-Object -First has what it needs: upstream commands stop quietly."""
