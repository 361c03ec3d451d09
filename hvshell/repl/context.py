"""What the text before the cursor asks to complete.

The text before the cursor is read by the parser's own lexer, in its mode
for text cut at a cursor (`hvshell.lang.lexer.lex_partial`): a half-typed
line (an unclosed quote or bracket, a lone `-`, `$vm.`) is not a program,
yet comes back as classified tokens, each with its bracket depth.  From
them this module finds the word at the cursor, and the command whose
arguments it is among: the last command name in the same bracket and
statement, and the parameters and values typed after it.

    completion_context(text, cursor) -> Context     (pure; never raises)
"""
from __future__ import annotations

import attrs

from hvshell.lang.lex_vocab import DASHES
from hvshell.lang.lexer import PartialLex, Tok, lex_partial


@attrs.frozen
class Arg:
    """One element of a command typed so far: a `-Name` (colon: `-Name:`,
    whose value follows without a space) or a value (`text` is its text
    when it is a plain word, string or number, else None)."""
    kind: str            # 'param' or 'value'
    text: str | None
    colon: bool = False


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


# Token types (hvshell.lang.lexer) by what they mean here.
_STATEMENT_ENDS = frozenset({"SEP", "PIPE", "ASSIGN"})
_CALL_OPERATORS = frozenset({"AMP", "DOTSOURCE"})
# Straight after a value, these make it part of a longer expression (`$vm.Name`, `$a[0]`).
_POSTFIX = frozenset({"DOT", "STATIC", "MEMBER", "INDEX_OPEN", "CALL_OPEN"})
_CLOSERS = frozenset({"RPAREN", "RBRACE", "RBRACKET"})
# Keywords lexed at the cursor may be the start of a command name (`for` -> ForEach-Object).
_KEYWORDS = frozenset({"IF", "ELSEIF", "ELSE", "FOREACH", "FOR", "WHILE", "DO", "UNTIL",
                       "SWITCH", "BREAK", "CONTINUE", "RETURN", "THROW", "EXIT", "TRY",
                       "CATCH", "FINALLY", "FUNCTION", "FILTER"})
# Tokens that are a word being typed, when they end at the cursor.
_WORDS = frozenset({"COMMAND", "PARAM", "PARAM_COLON", "GENERIC", "STRING", "EXPSTRING",
                    "OPEN_STRING", "NUMBER", "VARIABLE", "SPLAT", "MEMBER", "DOT", "ERROR"}
                   | _KEYWORDS)


def completion_context(text: str, cursor: int | None = None) -> Context:
    """The completion context at `cursor` (default: the end of `text`)."""
    cursor = len(text) if cursor is None else max(0, min(cursor, len(text)))
    before = text[:cursor]
    lexed = lex_partial(before)
    if lexed.comments and lexed.comments[-1].end == cursor:
        return Context("none", cursor)              # typing a comment
    tokens = lexed.tokens
    word = tokens[-1] if tokens and tokens[-1].end == cursor else None
    if word is not None and word.type not in _WORDS:
        if _ends_in_name(before) or word.type in _CLOSERS:
            return Context("none", cursor)          # a label, a key, `-eq`, a closed `{ }`
        word = None
    if word is None:
        # Nothing typed yet at the cursor: what the lexer expects there.
        command = _command_before(lexed, before, len(tokens), lexed.depth)
        if lexed.next == "command" or (command is not None and command.name_pending
                                       and lexed.next == "argument"):
            return Context("command", cursor)
        if lexed.next == "argument" and command is not None:
            return _value_context(command, "", cursor, "", adjacent=cursor == command.end)
        return Context("none", cursor)
    kind = word.type
    spelled = before[word.start:cursor]
    if kind in ("VARIABLE", "SPLAT") or spelled == "$":
        return _variable_context(word, spelled)
    if kind in ("DOT", "MEMBER"):
        return _member_context(tokens, before, cursor)
    if kind == "COMMAND" or kind in _KEYWORDS:
        return Context("command", word.start, word.value if kind == "COMMAND" else spelled)
    if kind == "ERROR":
        return Context("none", cursor)
    command = _command_before(lexed, before, len(tokens) - 1, lexed.depths[-1])
    if command is None:
        return Context("none", cursor)
    if kind == "PARAM":
        return Context("parameter", word.start, word.value, command=command.name,
                       args=tuple(command.args))
    if kind == "PARAM_COLON":
        return _value_context(command, "", cursor, "", adjacent=False,
                              colon_param=Arg("param", word.value, True))
    if kind == "GENERIC" and spelled in DASHES:
        return Context("parameter", word.start, "", command=command.name,
                       args=tuple(command.args))    # a lone `-`: a parameter name begins
    typed = _typed_word(word, spelled)
    if typed is None:
        return Context("none", cursor)              # an expression, not a name
    content, quote = typed
    if command.name_pending:
        return Context("command", word.start, content, quote)     # `& 'Get-V`
    return _value_context(command, content, word.start, quote,
                          adjacent=word.start == command.end)


def _ends_in_name(text: str) -> bool:
    return text[-1:].isalnum() or text[-1:] == "_"


def _typed_word(word: Tok, spelled: str) -> tuple[str, str] | None:
    """(text, opening quote) of a word or string as the user means it:
    quotes removed, escapes undone; None when it expands (`"a$x"`)."""
    kind = word.type
    if kind == "NUMBER":
        return spelled, ""
    value = getattr(word.node, "value", None)
    if not isinstance(value, str):
        return None
    if kind == "GENERIC":
        return value, ""
    if kind == "OPEN_STRING":
        return value, word.value
    return value, spelled[0]                       # STRING: closed


# ---------------------------------------------------------------------------
# The command the cursor is in, and what it has so far
# ---------------------------------------------------------------------------

class _Command:
    """A command typed so far: its name (None when it is not a plain name,
    e.g. `& $block`), its elements, and how the last one ended."""
    __slots__ = ("name", "name_pending", "args", "joined", "after_redirect", "end")

    def __init__(self, name: str | None, name_pending: bool):
        self.name = name
        self.name_pending = name_pending      # `&` or `.` with no command after it yet
        self.args: list[Arg] = []
        self.joined = False                   # the last value ended with ',': the next continues it
        self.after_redirect = False           # the next value is a redirection's file
        self.end = -1                         # where the last element ends

    def add_value(self, literal: str | None, adjacent: bool) -> None:
        if self.after_redirect:
            self.after_redirect = False
            return
        last = self.args[-1] if self.args else None
        if last is not None and last.kind == "param" and last.colon and adjacent:
            self.args.append(Arg("value", literal))          # `-Name:value`
        elif last is not None and last.kind == "value" and (self.joined or adjacent):
            glued = None if self.joined or last.text is None or literal is None \
                else last.text + literal
            self.args[-1] = Arg("value", glued)
        else:
            self.args.append(Arg("value", literal))
        self.joined = False

    def add(self, tok: Tok, spelled: str) -> None:
        """One element at the command's own bracket depth (a bracket's
        contents are not given: a group is one value)."""
        kind = tok.type
        adjacent = tok.start == self.end
        self.end = tok.end
        if kind in ("PARAM", "PARAM_COLON"):
            if self.after_redirect:
                self.after_redirect = False
                return
            self.args.append(Arg("param", tok.value, kind == "PARAM_COLON"))
            self.joined = False
        elif kind == "COMMA":
            self.joined = True
        elif kind == "REDIRECT":
            self.after_redirect = True
        elif kind in _POSTFIX or kind in _CLOSERS:
            if adjacent and self.args and self.args[-1].kind == "value":
                self.args[-1] = Arg("value", None)
        elif kind != "REDIRECT_MERGE":
            typed = _typed_word(tok, spelled) if kind in ("GENERIC", "STRING", "NUMBER") else None
            self.add_value(typed[0] if typed else None, adjacent)


def _command_before(lexed: PartialLex, text: str, end: int, depth: int) -> _Command | None:
    """The command whose arguments run up to token `end`, at bracket
    `depth`: the last command name in that bracket since the statement
    began; None when the statement there is no command."""
    tokens, depths = lexed.tokens, lexed.depths
    start = end - 1
    while start >= 0:
        d = depths[start]
        if d < depth:
            return None                         # the bracket's opening: no command in it
        if d == depth:
            kind = tokens[start].type
            if kind in _STATEMENT_ENDS:
                return None
            if kind == "COMMAND" or kind in _CALL_OPERATORS:
                break
        start -= 1
    else:
        return None
    own = [i for i in range(start + 1, end) if depths[i] == depth]
    head = tokens[start]
    if head.type == "COMMAND":
        command = _Command(head.value, False)
    elif not own:
        command = _Command(None, True)
    else:
        # `& 'Get-VM' ...`: the call operator's operand names the command.
        name_tok = tokens[own.pop(0)]
        typed = _typed_word(name_tok, text[name_tok.start:name_tok.end]) \
            if name_tok.type in ("GENERIC", "STRING") else None
        command = _Command(typed[0] if typed else None, False)
        head = name_tok
    command.end = head.end
    for i in own:
        tok = tokens[i]
        command.add(tok, text[tok.start:tok.end])
    return command


def _value_context(command: _Command, word: str, start: int, quote: str, adjacent: bool,
                   colon_param: Arg | None = None) -> Context:
    cursor = start + len(word)
    if command.after_redirect:
        return Context("none", cursor)
    args = list(command.args)
    if colon_param is not None:
        return Context("value", start, word, quote, command.name, tuple(args) + (colon_param,),
                       colon_param.text, colon=True)
    last = args[-1] if args else None
    if adjacent and last is not None and last.kind == "value" and not command.joined:
        return Context("none", cursor)          # the word glues onto an expression value
    in_list = command.joined and last is not None and last.kind == "value"
    if in_list:
        # `-Name a,b<Tab>`: the list so far belongs to whatever took `a`.
        args.pop()
    param = None
    colon = False
    if args and args[-1].kind == "param":
        param = args[-1].text
        colon = args[-1].colon
    return Context("value", start, word, quote, command.name, tuple(args), param,
                   colon=colon, in_list=in_list)


# ---------------------------------------------------------------------------
# Variables and members
# ---------------------------------------------------------------------------

def _variable_context(tok: Tok, spelled: str) -> Context:
    body = spelled[1:]
    if body.startswith("{"):
        return Context("none", tok.end)
    return Context("variable", tok.start, body, sigil=spelled[0])


def _member_context(tokens: list[Tok], text: str, cursor: int) -> Context:
    """`$vm.Na`, `$vm.NetworkAdapters.`: a member chain straight after a
    variable, its last member partly typed."""
    i = len(tokens) - 1
    partial, start = "", cursor
    if tokens[i].type == "MEMBER":
        partial, start = tokens[i].value, tokens[i].start
        i -= 1
    members: list[str] = []
    follows = start
    while i >= 0 and tokens[i].type == "DOT" and tokens[i].end == follows:
        dot = tokens[i]
        i -= 1
        if i < 0 or tokens[i].end != dot.start:
            break
        prev = tokens[i]
        if prev.type == "VARIABLE":
            return Context("member", start, partial, variable=text[prev.start + 1:prev.end],
                           members=tuple(members))
        if prev.type != "MEMBER":
            break
        members.insert(0, prev.value)
        follows = prev.start
        i -= 1
    return Context("none", cursor)
