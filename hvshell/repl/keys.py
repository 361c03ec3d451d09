"""Key bindings in the manner of PSReadLine's Windows mode.

    Tab / Shift+Tab   replace the word with the next / previous candidate,
                      cycling in place (the candidates show in the menu)
    Ctrl+Space        open the menu without choosing; typing narrows it,
                      Backspace widens it, Enter takes the highlighted candidate
    Enter             run the input, or continue on a `>> ` line when it is
                      incomplete (an open brace, quote, trailing pipe ...)
    Alt+Enter         always start a new line
    Ctrl+R            reverse history search (prompt_toolkit's own)
    Right arrow       accept the greyed suggestion from history (its own)
"""
from __future__ import annotations

from typing import Callable

from prompt_toolkit.buffer import Buffer, CompletionState
from prompt_toolkit.enums import DEFAULT_BUFFER
from prompt_toolkit.filters import Condition, has_focus
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

from hvshell.repl.completer import ShellCompleter


class MenuState:
    """Whether the candidate menu was opened with Ctrl+Space (then typing
    narrows it and Enter picks from it rather than running the line)."""

    def __init__(self) -> None:
        self.open = False


def _start(buffer: Buffer, completer: ShellCompleter, index: int | None) -> None:
    """Compute the candidates now (the engine is fast enough to answer
    within a keystroke) and select `index` of them (None: just show)."""
    completions = completer.completions(buffer.document)
    if not completions:
        buffer.complete_state = None
        return
    if len(completions) == 1 and index is not None:
        buffer.apply_completion(completions[0])
        return
    buffer.complete_state = CompletionState(buffer.document, completions)
    if index is not None:
        buffer.go_to_completion(index % len(completions))


def _cycle(buffer: Buffer, step: int) -> None:
    state = buffer.complete_state
    count = len(state.completions)
    if state.complete_index is None:
        index = 0 if step > 0 else count - 1
    else:
        index = (state.complete_index + step) % count
    buffer.go_to_completion(index)


def repl_key_bindings(completer: ShellCompleter, is_incomplete: Callable[[str], bool],
                      menu: MenuState) -> KeyBindings:
    kb = KeyBindings()
    # only while editing the input (not in the Ctrl+R search field)
    editing = has_focus(DEFAULT_BUFFER)

    @kb.add("tab", filter=editing)
    def _next(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        if buffer.complete_state and buffer.complete_state.completions:
            _cycle(buffer, +1)
        else:
            _start(buffer, completer, 0)

    @kb.add("s-tab", filter=editing)
    def _previous(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        if buffer.complete_state and buffer.complete_state.completions:
            _cycle(buffer, -1)
        else:
            _start(buffer, completer, -1)

    @kb.add("c-space", filter=editing)
    def _menu(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        menu.open = True
        if buffer.complete_state and buffer.complete_state.completions:
            _cycle(buffer, +1)
        else:
            _start(buffer, completer, None)

    @kb.add("escape", filter=editing & Condition(lambda: menu.open), eager=True)
    def _close_menu(event: KeyPressEvent) -> None:
        menu.open = False
        event.current_buffer.cancel_completion()

    @kb.add("backspace", filter=editing & Condition(lambda: menu.open))
    def _widen_menu(event: KeyPressEvent) -> None:
        """Deleting widens the menu again, as typing narrows it."""
        buffer = event.current_buffer
        buffer.delete_before_cursor()
        _start(buffer, completer, None)

    @kb.add("enter", filter=editing)
    def _enter(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        state = buffer.complete_state
        if state is not None:
            picked = menu.open and state.current_completion is not None
            buffer.complete_state = None
            menu.open = False
            if picked:
                return
        if is_incomplete(buffer.text):
            buffer.cursor_position = len(buffer.text)
            buffer.insert_text("\n")
            return
        buffer.validate_and_handle()

    @kb.add("escape", "enter", filter=editing)
    def _new_line(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text("\n")

    return kb
