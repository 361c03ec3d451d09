"""What the text before the cursor asks to complete.

A tolerant scanner, kept apart from the grammar on purpose: a half-typed line
(an unclosed quote or bracket, a lone `-`, `$vm.`) is not a program, yet
completion must still know whether the cursor stands on a command name, a
parameter name, the value of some parameter, a variable or a member.  It
knows only what that takes: quotes, brackets, statement separators, the
pipe, `-name` and `$name` words, and which word starts a command.

    completion_context(text, cursor) -> Context     (pure; never raises)
"""
from __future__ import annotations

import attrs

_SPACE = " \t\r\f\v\u00a0"
_WORD_STOP = set(_SPACE) | set("\n;|&(){},'\"")
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_?")
_ASSIGN = ("+=", "-=", "*=", "/=", "%=", "=")

# Words that open a statement but are not commands.  `return`, `throw`,
# `exit` and block keywords are followed by a pipeline or a block, so the
# next word may still be a command.
_EXPR_KEYWORDS = {"if", "elseif", "while", "until", "switch", "foreach", "for", "catch",
                  "trap", "param", "data", "in", "class", "enum", "using"}
_LEAD_KEYWORDS = {"return", "throw", "exit", "else", "try", "finally", "do", "begin",
                  "process", "end", "dynamicparam", "break", "continue"}
_NAME_KEYWORDS = {"function", "filter", "workflow", "configuration"}


@attrs.frozen
class Piece:
    """One lexical piece of the scanned text."""
    kind: str      # word param string variable splat open close sep pipe comma amp assign redirect comment
    start: int
    end: int
    text: str
    closed: bool = True     # strings and block comments: the closing delimiter was seen


def _scan_name(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i] in _NAME_CHARS:
        i += 1
    return i


def scan(text: str) -> list[Piece]:
    """Split `text` into pieces; any input is accepted."""
    pieces: list[Piece] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c in _SPACE:
            i += 1
            continue
        if c == "`" and i + 1 < n and text[i + 1] in "\r\n":
            i += 3 if text[i + 1:i + 3] == "\r\n" else 2
            continue
        start = i
        if c == "\n" or c == ";":
            pieces.append(Piece("sep", i, i + 1, c))
            i += 1
        elif c == "|":
            j = i + 2 if text[i + 1:i + 2] == "|" else i + 1
            pieces.append(Piece("pipe" if j == i + 1 else "sep", i, j, text[i:j]))
            i = j
        elif c == "&":
            if text[i + 1:i + 2] == "&":
                pieces.append(Piece("sep", i, i + 2, "&&"))
                i += 2
            else:
                pieces.append(Piece("amp", i, i + 1, c))
                i += 1
        elif c == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
            pieces.append(Piece("comment", i, j, text[i:j]))
            i = j
        elif c == "<" and text[i + 1:i + 2] == "#":
            j = text.find("#>", i + 2)
            closed = j >= 0
            j = j + 2 if closed else n
            pieces.append(Piece("comment", i, j, text[i:j], closed))
            i = j
        elif c == "'" or c == '"':
            i, closed = _scan_string(text, i)
            pieces.append(Piece("string", start, i, text[start:i], closed))
        elif c == "@" and text[i + 1:i + 2] in ("'", '"') and text[i + 2:i + 3] in ("\n", "\r"):
            quote = text[i + 1]
            j = text.find("\n" + quote + "@", i + 2)
            closed = j >= 0
            i = j + 3 if closed else n
            pieces.append(Piece("string", start, i, text[start:i], closed))
        elif c == "@" and text[i + 1:i + 2] in ("(", "{"):
            pieces.append(Piece("open", i, i + 2, text[i:i + 2]))
            i += 2
        elif c == "@" and text[i + 1:i + 2] in _NAME_CHARS and text[i + 1:i + 2] != "?":
            i = _scan_name(text, i + 1)
            pieces.append(Piece("splat", start, i, text[start:i]))
        elif c == "$":
            if text[i + 1:i + 2] == "(":
                pieces.append(Piece("open", i, i + 2, "$("))
                i += 2
                continue
            i = _scan_variable(text, i)
            pieces.append(Piece("variable", start, i, text[start:i]))
        elif c in "({[":
            pieces.append(Piece("open", i, i + 1, c))
            i += 1
        elif c in ")}]":
            pieces.append(Piece("close", i, i + 1, c))
            i += 1
        elif c == ",":
            pieces.append(Piece("comma", i, i + 1, c))
            i += 1
        elif text.startswith(_ASSIGN, i) and (c == "=" or text[i + 1:i + 2] == "="):
            j = i + (1 if c == "=" else 2)
            pieces.append(Piece("assign", i, j, text[i:j]))
            i = j
        elif c == "-" and (i + 1 >= n or text[i + 1].isalpha() or text[i + 1] in _WORD_STOP):
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            if j < n and text[j] == ":":
                j += 1
            pieces.append(Piece("param", i, j, text[i:j]))
            i = j
        elif c == ">" or (c.isdigit() and text[i + 1:i + 2] == ">"):
            j = i + 1
            while j < n and text[j] in ">&12*":
                j += 1
            pieces.append(Piece("redirect", i, j, text[i:j]))
            i = j
        else:
            j = i
            while j < n and text[j] not in _WORD_STOP:
                if text[j] == "`":
                    if text[j + 1:j + 2] in ("\n", "\r"):
                        break          # a line continuation, skipped by the main loop
                    j += 2
                    continue
                j += 1
            pieces.append(Piece("word", i, j, text[i:j]))
            i = j
    return pieces


def _scan_string(text: str, i: int) -> tuple[int, bool]:
    quote = text[i]
    n = len(text)
    i += 1
    while i < n:
        c = text[i]
        if c == "`" and quote == '"':
            i += 2
            continue
        if c == quote:
            if text[i + 1:i + 2] == quote:
                i += 2
                continue
            return i + 1, True
        i += 1
    return n, False


def _scan_variable(text: str, i: int) -> int:
    """Past `$name`, `$scope:name`, `${...}`, `$_`, `$$`, `$^` and any
    `.Member` chain after it (a trailing `.` included)."""
    n = len(text)
    i += 1
    if i < n and text[i] == "{":
        j = text.find("}", i)
        return n if j < 0 else j + 1
    if i < n and text[i] in "$^?":
        return i + 1
    i = _scan_name(text, i)
    if i < n and text[i] == ":" and text[i + 1:i + 2] in _NAME_CHARS:
        i = _scan_name(text, i + 1)
    while i < n and text[i] == "." and (i + 1 == n or text[i + 1] in _NAME_CHARS
                                         or text[i + 1] in _WORD_STOP):
        i = _scan_name(text, i + 1)
        if i < n and text[i] == "(":
            break
    return i


def unquote(piece: Piece) -> tuple[str, str]:
    """(content, opening quote) of a word or string piece: quotes removed,
    doubled quotes and backtick escapes undone."""
    if piece.kind == "string" and piece.text[:1] in ("'", '"'):
        quote = piece.text[0]
        body = piece.text[1:-1] if piece.closed else piece.text[1:]
        body = body.replace(quote * 2, quote)
        return (_unescape(body) if quote == '"' else body), quote
    return _unescape(piece.text), ""


def _unescape(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        if text[i] == "`" and i + 1 < len(text):
            i += 1
        out.append(text[i])
        i += 1
    return "".join(out)


# ---------------------------------------------------------------------------
# Structure: which word starts a command, and what the command has so far
# ---------------------------------------------------------------------------

@attrs.frozen
class Arg:
    """One element of a command typed so far: a `-Name` (colon: `-Name:`,
    whose value follows without a space) or a value (`literal` is its text
    when it is a plain word or string, else None)."""
    kind: str            # 'param' or 'value'
    text: str | None
    colon: bool = False


class _Statement:
    __slots__ = ("state", "command", "args", "joined", "after_redirect")

    def __init__(self, state: str):
        self.state = state            # start command expr keyword funcname hashkey callop
        self.command: str | None = None
        self.args: list[Arg] = []
        self.joined = False           # the last value ended with ',': the next continues it
        self.after_redirect = False

    def add_value(self, literal: str | None, adjacent: bool) -> None:
        if self.after_redirect:
            self.after_redirect = False
            return
        if (self.joined or adjacent) and self.args and self.args[-1].kind == "value":
            prev = self.args[-1]
            text = None if self.joined or prev.text is None or literal is None else prev.text + literal
            self.args[-1] = Arg("value", text)
        else:
            self.args.append(Arg("value", literal))
        self.joined = False


class _Frame:
    __slots__ = ("opener", "stmt")

    def __init__(self, opener: str):
        self.opener = opener
        self.stmt = _Statement(_first_state(opener))


def _first_state(opener: str) -> str:
    if opener == "@{":
        return "hashkey"
    if opener == "[":
        return "expr"
    return "start"


_CLOSERS = {")": ("(", "$(", "@("), "}": ("{", "@{"), "]": ("[",)}


class _Walker:
    """Feeds pieces through the statement state machine."""

    def __init__(self) -> None:
        self.frames = [_Frame("")]
        self.prev_end = -1

    @property
    def stmt(self) -> _Statement:
        return self.frames[-1].stmt

    def feed(self, p: Piece) -> None:
        adjacent = p.start == self.prev_end
        if p.kind != "comment":
            self.prev_end = p.end
        stmt = self.stmt
        kind = p.kind
        if kind == "comment":
            return
        if kind in ("sep", "pipe"):
            frame = self.frames[-1]
            frame.stmt = _Statement("hashkey" if frame.opener == "@{" and kind == "sep"
                                    else "start" if frame.opener != "[" else "expr")
            return
        if kind == "open":
            self.frames.append(_Frame(p.text))
            return
        if kind == "close":
            for depth in range(len(self.frames) - 1, 0, -1):
                if self.frames[depth].opener in _CLOSERS[p.text]:
                    del self.frames[depth:]
                    break
            else:
                return
            outer = self.stmt
            if outer.state == "command":
                outer.add_value(None, adjacent=False)
            elif outer.state in ("start", "callop"):
                outer.state = "expr"
            return
        state = stmt.state
        if state in ("start", "callop"):
            if kind == "amp" and state == "start":
                stmt.state = "callop"
            elif kind in ("word", "string") and (state == "callop" or kind == "word"):
                low = p.text.lower()
                if kind == "word" and state == "start" and low in _EXPR_KEYWORDS:
                    stmt.state = "keyword"
                elif kind == "word" and state == "start" and low in _NAME_KEYWORDS:
                    stmt.state = "funcname"
                elif kind == "word" and state == "start" and low in _LEAD_KEYWORDS:
                    pass
                elif kind == "word" and _looks_like_value(p.text):
                    stmt.state = "expr"
                else:
                    stmt.state = "command"
                    stmt.command = unquote(p)[0]
            else:
                stmt.state = "expr"
        elif state == "command":
            if kind == "param":
                if stmt.after_redirect:
                    stmt.after_redirect = False
                    return
                name = p.text[1:]
                colon = name.endswith(":")
                stmt.args.append(Arg("param", name.rstrip(":"), colon))
                stmt.joined = False
            elif kind == "comma":
                stmt.joined = True
            elif kind == "redirect":
                stmt.after_redirect = True
            elif kind in ("word", "string"):
                literal = unquote(p)[0] if kind == "word" or p.closed else None
                self._add_value(stmt, literal, adjacent)
            elif kind in ("variable", "splat", "amp", "assign"):
                self._add_value(stmt, None, adjacent)
        elif state == "funcname":
            stmt.state = "keyword"
        elif kind == "assign" and state in ("expr", "hashkey"):
            stmt.state = "start"

    @staticmethod
    def _add_value(stmt: _Statement, literal: str | None, adjacent: bool) -> None:
        last = stmt.args[-1] if stmt.args else None
        if last is not None and last.kind == "param" and last.colon and adjacent:
            stmt.args.append(Arg("value", literal))
            stmt.joined = False
            return
        stmt.add_value(literal, adjacent and last is not None and last.kind == "value")


def _looks_like_value(word: str) -> bool:
    """A word that starts an expression, not a command: a number (`42`,
    `.5`, `1GB`, `0x10`) or a range (`1..10`)."""
    first = word[0]
    return first.isdigit() or (first == "." and word[1:2].isdigit())


# ---------------------------------------------------------------------------
# The context at the cursor
# ---------------------------------------------------------------------------

@attrs.frozen
class Context:
    """What to complete at the cursor.

    kind: 'command', 'parameter', 'value', 'variable', 'member' or 'none'.
    start: offset of the text the completion replaces (it ends at the cursor).
    word: the partial text typed, quotes removed.
    quote: the opening quote the user typed ('' when none).
    command: the command whose parameters or values are completed.
    args: the command's elements typed before the word.
    param: for a value, the `-Name` typed right before it (None when the
        value is positional, or follows a switch and so may be positional).
    colon: the value follows `-Name:` (so it belongs to that parameter).
    in_list: the word continues a comma list (`-Name a,b`).
    variable / members / sigil: for 'variable' and 'member'.
    """
    kind: str
    start: int
    word: str = ""
    quote: str = ""
    command: str | None = None
    args: tuple[Arg, ...] = ()
    param: str | None = None
    colon: bool = False
    in_list: bool = False
    variable: str | None = None
    members: tuple[str, ...] = ()
    sigil: str = "$"


_COMPLETABLE = {"word", "string", "variable", "splat", "param"}


def completion_context(text: str, cursor: int | None = None) -> Context:
    """The completion context at `cursor` (default: the end of `text`)."""
    cursor = len(text) if cursor is None else max(0, min(cursor, len(text)))
    before = text[:cursor]
    pieces = scan(before)
    last = pieces[-1] if pieces else None
    word_piece = None
    if last is not None and last.end == cursor and last.kind in _COMPLETABLE \
            and not (last.kind == "string" and last.closed and last.text[:1] == "@"):
        word_piece = pieces.pop()
    if last is not None and last.kind == "comment" and last.end == cursor \
            and (last.closed is False or "\n" not in before[last.start:]):
        return Context("none", cursor)
    if last is not None and last.kind == "string" and not last.closed and word_piece is None:
        return Context("none", cursor)
    walker = _Walker()
    for piece in pieces:
        walker.feed(piece)
    stmt = walker.stmt

    if word_piece is None:
        return _context_for_word(stmt, "", cursor, cursor, "", adjacent=False)
    kind = word_piece.kind
    if kind in ("variable", "splat"):
        return _variable_context(word_piece)
    if kind == "param":
        name = word_piece.text[1:]
        if name.endswith(":") and stmt.state == "command":
            return _value_context(stmt, "", cursor, "", Arg("param", name[:-1], True))
        if stmt.state == "command":
            return Context("parameter", word_piece.start, name, command=stmt.command,
                           args=tuple(stmt.args))
        return Context("none", cursor)
    if kind == "string" and word_piece.text[:1] == "@":
        return Context("none", cursor)
    content, quote = unquote(word_piece)
    adjacent = word_piece.start == walker.prev_end
    return _context_for_word(stmt, content, word_piece.start, cursor, quote, adjacent)


def _context_for_word(stmt: _Statement, word: str, start: int, cursor: int, quote: str,
                      adjacent: bool) -> Context:
    if stmt.state in ("start", "callop"):
        if stmt.state == "start" and (quote or (word and _looks_like_value(word))):
            return Context("none", cursor)
        return Context("command", start, word, quote)
    if stmt.state == "command":
        if stmt.after_redirect:
            return Context("none", cursor)
        last = stmt.args[-1] if stmt.args else None
        if adjacent and last is not None and last.kind == "value" and not stmt.joined:
            return Context("none", cursor)   # the word glues onto an expression value
        return _value_context(stmt, word, start, quote, None)
    return Context("none", cursor)


def _value_context(stmt: _Statement, word: str, start: int, quote: str,
                   colon_param: Arg | None) -> Context:
    args = list(stmt.args)
    if colon_param is not None:
        return Context("value", start, word, quote, stmt.command, tuple(args) + (colon_param,),
                       colon_param.text, colon=True)
    in_list = stmt.joined and bool(args) and args[-1].kind == "value"
    if in_list:
        # `-Name a,b<Tab>`: the list so far belongs to whatever took `a`.
        args.pop()
    param = None
    colon = False
    if args and args[-1].kind == "param":
        param = args[-1].text
        colon = args[-1].colon
    return Context("value", start, word, quote, stmt.command, tuple(args), param,
                   colon=colon, in_list=in_list)


def _variable_context(piece: Piece) -> Context:
    text = piece.text
    sigil = text[0]
    body = text[1:]
    if body.startswith("{"):
        return Context("none", piece.end)
    parts = body.split(".")
    if len(parts) == 1:
        return Context("variable", piece.start, body, sigil=sigil)
    partial = parts[-1]
    return Context("member", piece.end - len(partial), partial, variable=parts[0],
                   members=tuple(parts[1:-1]), sigil=sigil)
