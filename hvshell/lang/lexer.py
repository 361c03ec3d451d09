"""The mode-tracking lexer that feeds the LALR grammar in `grammar/`.

PowerShell cannot be cut into tokens without knowing where the text stands:
after `$a`, `-eq` is an operator, but after `Get-VM` it is a parameter; at
the start of a line `2+2` is an expression, after a command name it is one
string argument (about_Parsing).  A context-free lexer cannot make these
calls, so this one keeps the little context that decides them: a stack of
open brackets (`Frame`), each knowing what kind of text it holds, and a
state saying what may come next (a statement, an operand, an operator, a
command argument, ...).  The tokens it hands to the parser are already
classified, and leaf tokens carry their AST node.

The lexer never raises: text it cannot read becomes an `ERROR` token that
carries the PowerShell-style message, so the same code serves the parser
(which stops at the first ERROR token) and the REPL's highlighter (which
shows it and goes on).

The scanning is split by concern: `lex_vocab` (token and bracket types,
states, character classes), `lex_statements`, `lex_types` (class and enum
bodies), `lex_expressions`,
`lex_arguments` and `lex_strings`; this module holds the main loop, the
output, brackets and separators, and ties the states to their scanners.
"""
from __future__ import annotations

from bisect import bisect_right
from typing import Callable, Iterator

import attrs

from hvshell.lang import ast
from hvshell.lang.lex_arguments import ArgumentScanner
from hvshell.lang.lex_expressions import ExpressionScanner
from hvshell.lang.lex_statements import StatementScanner
from hvshell.lang.lex_strings import StringScanner
from hvshell.lang.lex_types import TypeScanner
from hvshell.lang.lex_vocab import (
    BLANK_RE, BLANK_STARTS, CLOSER, CLOSERS, CLOSER_TYPE, GROUPS, JOINERS, LINE_END_RE,
    MEMBER_STATE,
    NL_FREE_FRAMES, NL_SKIPPED, S_AFTER_DO, S_AFTER_TYPE, S_ARG, S_ARG_CONT, S_ATTR_ARG,
    S_ATTR_RBRACKET, S_BREAK, S_CATCH_HEAD, S_CLASS_MEMBER, S_CLASS_MEMBER_CONT, S_CMD,
    S_DATA_HEAD, S_ENUM_MEMBER, S_METHOD_TAIL, S_TYPE_HEAD, S_EXPECT_BLOCK, S_FOREACH_IN,
    S_FOREACH_VAR, S_FUNCNAME, S_FUNC_AFTER_NAME, S_HASH_KEY, S_KW_PAREN, S_MEMBER,
    S_OPERAND, S_OPERATOR, S_STMT, S_STMT_CONT, S_SWITCH_BODY, S_SWITCH_BRACE,
    S_SWITCH_HEAD, S_SWITCH_PATTERN, Frame, Tok, line_starts,
)

__all__ = ["Lexer", "Tok", "Frame", "line_starts", "PartialLex", "lex_partial"]


class Lexer(StatementScanner, TypeScanner, ExpressionScanner, ArgumentScanner, StringScanner):
    """Iterate over the tokens of `text` from `pos`.

    `root` is 'script' for a whole text, or 'strsub' for the statements of
    a `$( )` inside a string: those end at their closing parenthesis, whose
    offset is left in `end`.  `subparse(pos)` parses such statements and
    returns `(StatementBlock, end)`; without it (the highlighter) they are
    only scanned.  Comments are appended to `comments` when given."""

    partial = False                 # the text is cut at a cursor (see `lex_partial`)
    last_do = False                 # the `while`/`until` just lexed ends a do loop
    kw: str | None = None           # the keyword whose `(` or `{` comes next
    attribute: str | None = None    # the attribute whose `]` comes next

    def __init__(self, text: str, pos: int = 0, root: str = "script",
                 lines: list[int] | None = None,
                 subparse: Callable[[int, int], tuple] | None = None,
                 comments: list[Tok] | None = None, depth: int = 0):
        self.text = text
        self.depth = depth                # how many strings' `$( )` this text is inside
        self.n = len(text)
        self.pos = pos
        self.lines = lines if lines is not None else line_starts(text)
        self.subparse = subparse
        self.comments = comments
        self.frames = [Frame(root, S_STMT, None, None)]
        self.state = S_STMT
        self.out: list[Tok] = []
        self.sep: int | None = None       # offset of a pending statement separator
        self.last: Tok | None = None
        self.postfix = False              # may `.x`, `[i]`, `(args)` follow the last token?
        self.operand_state = S_OPERATOR   # where a member-access chain resumes
        self.no_params = False            # after `--`: no more parameters
        self.end: int | None = None       # for 'strsub': offset after the closing ')'
        self.done = False

    # ----------------------------------------------------------------- output
    def tok(self, type_: str, value, start: int, end: int, node=None) -> Tok:
        line = bisect_right(self.lines, start)
        return Tok(type_, value, start, end, line, start - self.lines[line - 1] + 1, node)

    def extent(self, start: int, end: int) -> ast.Extent:
        line = bisect_right(self.lines, start)
        return ast.Extent(start, end, line, start - self.lines[line - 1] + 1)

    def emit(self, type_: str, value, start: int, end: int, node=None) -> Tok:
        if self.sep is not None:
            sep, self.sep = self.sep, None
            if type_ not in CLOSERS and type_ not in JOINERS:
                # The separator's value is the bracket depth it was found at.
                self.out.append(self.tok("SEP", len(self.frames), sep, sep + 1))
        lines = self.lines
        line = bisect_right(lines, start)
        tok = Tok(type_, value, start, end, line, start - lines[line - 1] + 1, node)
        self.frames[-1].started = True
        self.out.append(tok)
        self.last = tok
        return tok

    def error(self, message: str, error_id: str, start: int, end: int,
              incomplete: bool = False) -> Tok:
        tok = self.emit("ERROR", (message, error_id, incomplete), start, end)
        self.postfix = False
        return tok

    def push(self, kind: str, resume: int, owner: str | None, opener: Tok, state: int) -> None:
        self.frames.append(Frame(kind, resume, owner, opener))
        self.state = state

    # ------------------------------------------------------------- main loop
    def __iter__(self) -> Iterator[Tok]:
        out = self.out
        while not self.done:
            self.step()
            if out:
                yield from out
                out.clear()

    def step(self) -> None:
        text = self.text
        pos = self.skip_blank(self.pos)
        if self.done:
            return
        if pos >= self.n:
            self.pos = pos
            self.at_eof()
            return
        c = text[pos]
        if c == "\n" or c == "\r":
            self.pos = pos + (2 if text.startswith("\r\n", pos) else 1)
            self.newline(pos)
            return
        if c == ";":
            self.pos = pos + 1
            self.semicolon(pos)
            return
        if c == ")" or c == "}" or (c == "]" and (self.frames[-1].kind == "index"
                                                  or self.state == S_ATTR_RBRACKET)):
            self.close(pos, c)
            return
        self.pos = pos
        state = self.state
        _DISPATCH[state](self, pos, c)
        if self.pos == pos and not self.out and self.state == state:
            # No handler took the character: report it rather than loop.
            self.pos = pos + 1
            self.error(f"Unexpected token '{c}' in expression or statement.", "UnexpectedToken",
                       pos, pos + 1)

    def skip_blank(self, pos: int) -> int:
        """Skip spaces, line continuations and comments."""
        text, n = self.text, self.n
        if pos < n and text[pos] not in BLANK_STARTS:
            return pos
        while pos < n:
            m = BLANK_RE.match(text, pos)
            if m:
                pos = m.end()
                continue
            c = text[pos]
            if c == "#":
                end = LINE_END_RE.match(text, pos).end()
                self.comment(pos, end)
                pos = end
            elif c == "<" and text.startswith("<#", pos):
                end = text.find("#>", pos + 2)
                if end < 0:
                    self.pos = n
                    self.error("The block comment is missing its closing '#>'.",
                               "MissingEndOfBlockComment", pos, n, incomplete=True)
                    self.done = True
                    return n
                self.comment(pos, end + 2)
                pos = end + 2
            elif c == "`" and pos + 1 >= n:
                self.pos = n
                self.error("A line continuation character (`) must be followed by a new line.",
                           "IncompleteLineContinuation", pos, n, incomplete=True)
                self.done = True
                return n
            else:
                break
        return pos

    def comment(self, start: int, end: int) -> None:
        if self.comments is not None:
            self.comments.append(self.tok("COMMENT", self.text[start:end], start, end))

    def at_eof(self) -> None:
        self.sep = None
        self.done = True
        if self.frames[0].kind == "strsub":
            self.error("Missing closing ')' in subexpression.",
                       "MissingEndParenthesisInSubexpression", self.n, self.n, incomplete=True)

    def newline(self, pos: int) -> None:
        state = self.state
        if state in NL_SKIPPED:
            return
        frame = self.frames[-1]
        kind = frame.kind
        if kind in NL_FREE_FRAMES:
            return
        if kind == "hash":
            if frame.started and self.sep is None:
                self.sep = pos
            self.state = S_HASH_KEY
            return
        if frame.started and self.sep is None:
            self.sep = pos
        self.state = MEMBER_STATE.get(kind, S_STMT)
        self.postfix = False

    def semicolon(self, pos: int) -> None:
        frame = self.frames[-1]
        state = self.state
        if frame.kind == "for":
            self.emit("FORSEP", ";", pos, pos + 1)
            self.state = S_STMT_CONT
        elif state in (S_HASH_KEY, S_SWITCH_PATTERN, S_SWITCH_BODY):
            return
        elif frame.kind == "hash":
            if self.sep is None:
                self.sep = pos
            self.state = S_HASH_KEY
        elif state in (S_STMT, S_ARG, S_OPERATOR, S_AFTER_TYPE, S_BREAK, S_CLASS_MEMBER,
                       S_ENUM_MEMBER) and frame.kind not in NL_FREE_FRAMES:
            if frame.started and self.sep is None:
                self.sep = pos
            self.state = MEMBER_STATE.get(frame.kind, S_STMT)
        else:
            # Somewhere a statement cannot end: let the parser say what is missing.
            self.emit("SEP", ";", pos, pos + 1)
            self.state = S_STMT
        self.postfix = False

    def close(self, pos: int, c: str) -> None:
        frames = self.frames
        top = frames[-1]
        self.pos = pos + 1
        if CLOSER[top.kind] == c:
            if top.kind == "strsub":
                self.sep = None
                self.end = pos + 1
                self.done = True
                return
            if len(frames) > 1:
                frames.pop()
                if top.kind == "attr":
                    self.attribute = top.opener.value
                self.emit(CLOSER_TYPE[c], top.owner, pos, pos + 1, top)
                self.postfix = top.resume in (S_OPERATOR, S_ARG, S_SWITCH_BODY)
                if self.postfix:
                    # `(cmd args).Prop`: a member chain after the bracket resumes
                    # the outer mode, not the mode of what was inside it.
                    self.operand_state = top.resume
                self.state = S_ATTR_RBRACKET if top.kind == "attr" else top.resume
                return
        if c == "]" and self.state == S_ATTR_RBRACKET:
            self.emit("RBRACKET", self.attribute, pos, pos + 1)
            self.state = S_CLASS_MEMBER_CONT if top.kind == "classbody" else S_STMT_CONT
            return
        # A closer that does not match the innermost bracket: the parser
        # reports it; the highlighter closes the brackets it skips over.
        self.emit(CLOSER_TYPE[c], None, pos, pos + 1)
        for i in range(len(frames) - 1, 0, -1):
            if CLOSER[frames[i].kind] == c:
                resume = frames[i].resume
                del frames[i:]
                self.state = resume
                break
        self.postfix = False

    # ------------------------------------------------------------ brackets
    def open_paren(self, pos: int, resume: int) -> None:
        """`(` starting a nested pipeline."""
        opener = self.emit("LPAREN", None, pos, pos + 1)
        self.push("paren", resume, None, opener, S_STMT)
        self.pos = pos + 1

    def open_group(self, pos: int, c: str, resume: int) -> bool:
        """`(`, `{`, `$(`, `@(`, `@{` as a value; False if none is at pos."""
        if c == "(":
            self.open_paren(pos, resume)
            return True
        opening = c if c == "{" else self.text[pos:pos + 2]
        group = GROUPS.get(opening)
        if group is None:
            return False
        type_, kind, state = group
        opener = self.emit(type_, None, pos, pos + len(opening))
        self.push(kind, resume, None, opener, state)
        self.pos = pos + len(opening)
        return True


_DISPATCH = {
    S_STMT: Lexer.s_stmt,
    S_STMT_CONT: Lexer.s_stmt,
    S_CMD: Lexer.s_cmd,
    S_ARG: Lexer.s_arg,
    S_ARG_CONT: Lexer.s_arg,
    S_OPERAND: Lexer.s_operand,
    S_OPERATOR: Lexer.s_operator,
    S_AFTER_TYPE: Lexer.s_after_type,
    S_MEMBER: Lexer.s_member,
    S_EXPECT_BLOCK: Lexer.s_expect_block,
    S_KW_PAREN: Lexer.s_kw_paren,
    S_AFTER_DO: Lexer.s_after_do,
    S_FUNCNAME: Lexer.s_funcname,
    S_FUNC_AFTER_NAME: Lexer.s_func_after_name,
    S_CATCH_HEAD: Lexer.s_catch_head,
    S_SWITCH_HEAD: Lexer.s_switch_head,
    S_SWITCH_BRACE: Lexer.s_switch_brace,
    S_SWITCH_PATTERN: Lexer.s_switch_pattern,
    S_SWITCH_BODY: Lexer.s_switch_body,
    S_BREAK: Lexer.s_break,
    S_HASH_KEY: Lexer.s_hash_key,
    S_FOREACH_VAR: Lexer.s_foreach_var,
    S_FOREACH_IN: Lexer.s_foreach_in,
    S_ATTR_ARG: Lexer.s_attr_arg,
    S_ATTR_RBRACKET: Lexer.s_attr_rbracket,
    S_DATA_HEAD: Lexer.s_data_head,
    S_TYPE_HEAD: Lexer.s_type_head,
    S_CLASS_MEMBER: Lexer.s_class_member,
    S_CLASS_MEMBER_CONT: Lexer.s_class_member,
    S_METHOD_TAIL: Lexer.s_method_tail,
    S_ENUM_MEMBER: Lexer.s_enum_member,
}


# --------------------------------------------------------------------------
# Text cut at a cursor (tab completion).
# --------------------------------------------------------------------------
# What the lexer expects after the end of the text, by state.
_NEXT = {S_STMT: "command", S_STMT_CONT: "command", S_CMD: "command",
         S_ARG: "argument", S_ARG_CONT: "argument"}


@attrs.frozen
class PartialLex:
    """The tokens of text that ends at a cursor.

    tokens: every token in order (comments apart, in `comments`).
    depths: each token's bracket depth: 1 outside any bracket; an opening
        or closing bracket has the depth of the text around it.
    depth: the depth at the end (brackets still open + 1).
    next: what the text may go on with at its end: 'command' (a statement
        or pipeline element starts there), 'argument' (the next argument of
        a command) or None (anything else: an operator, a block, a name).
    """
    tokens: list[Tok]
    depths: list[int]
    comments: list[Tok]
    depth: int
    next: str | None


class _PartialLexer(Lexer):
    """The lexer on text cut at a cursor: the last token may be unfinished.
    An unterminated string is an OPEN_STRING token (not an error) holding
    what was typed, and a `.` ending the text after a value is a DOT (a
    member name being typed).  Each token's bracket depth is recorded."""
    partial = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.depths: list[int] = []

    def emit(self, type_: str, value, start: int, end: int, node=None) -> Tok:
        before = len(self.out)
        tok = Lexer.emit(self, type_, value, start, end, node)
        # `emit` may put a pending separator before the token: same depth.
        self.depths.extend([len(self.frames)] * (len(self.out) - before))
        return tok


def lex_partial(text: str) -> PartialLex:
    """Lex `text` as the input before a cursor; never raises."""
    comments: list[Tok] = []
    lexer = _PartialLexer(text, comments=comments)
    tokens = list(lexer)
    return PartialLex(tokens, lexer.depths, comments, len(lexer.frames), _NEXT.get(lexer.state))
