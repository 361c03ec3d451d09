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
"""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import Callable, Iterator

from hvshell.lang import ast
from hvshell.lang.literals import NUMBER_RE, escape, number_value


class Tok:
    """One token: `type` is the grammar's terminal name; `value` a string
    (operator, parameter or keyword text, the owner keyword of a bracket) or,
    for ERROR, a (message, error id, incomplete) triple; `node` the AST node
    of a leaf token."""
    __slots__ = ("type", "value", "start", "end", "line", "column", "node")

    def __init__(self, type_: str, value, start: int, end: int, line: int, column: int, node=None):
        self.type = type_
        self.value = value
        self.start = start
        self.end = end
        self.line = line
        self.column = column
        self.node = node

    def __repr__(self) -> str:
        return f"Tok({self.type}, {self.value!r}, {self.start}:{self.end})"


# --------------------------------------------------------------------------
# Lexer states: what the text at the current position may be.
# --------------------------------------------------------------------------
(S_STMT,            # start of a statement: keyword, command or expression
 S_STMT_CONT,       # same, but a newline continues (after `=`, a label, an attribute)
 S_CMD,             # a command name (after `|`)
 S_ARG,             # argument mode, after the command name or an argument
 S_ARG_CONT,        # argument mode after a comma: a newline continues
 S_OPERAND,         # expression mode, an operand is expected
 S_OPERATOR,        # expression mode, after an operand
 S_AFTER_TYPE,      # after `[type]`: a cast operand, an operator or `::`
 S_MEMBER,          # after `.` or `::`: a member name
 S_EXPECT_BLOCK,    # after `else`, `try`, `if (...)`: a `{`
 S_KW_PAREN,        # after `if`, `while`, `foreach`, `for`, `param`: a `(`
 S_AFTER_DO,        # after the body of `do`: `while` or `until`
 S_FUNCNAME,        # after `function` / `filter`
 S_FUNC_AFTER_NAME, # after the function name: `(` parameters or `{`
 S_CATCH_HEAD,      # after `catch`: exception types, then `{`
 S_SWITCH_HEAD,     # after `switch`: options, then `(`
 S_SWITCH_BRACE,    # after `switch (...)`: the `{` of the clauses
 S_SWITCH_PATTERN,  # inside a switch body: a clause's pattern or `default`
 S_SWITCH_BODY,     # after a clause's pattern: its `{`
 S_BREAK,           # after `break` / `continue`: an optional label
 S_HASH_KEY,        # inside `@{ }`: a key
 S_FOREACH_VAR,     # inside `foreach (`: the loop variable
 S_FOREACH_IN,      # then `in`
 S_ATTR_ARG,        # inside `[Attribute(`: an argument or a `Name=`
 S_ATTR_RBRACKET,   # after the `)` of an attribute: its `]`
 ) = range(25)

# States in which a newline is only white space (the statement goes on).
_NL_SKIPPED = frozenset({
    S_STMT_CONT, S_CMD, S_ARG_CONT, S_OPERAND, S_EXPECT_BLOCK, S_KW_PAREN,
    S_AFTER_DO, S_FUNCNAME, S_FUNC_AFTER_NAME, S_CATCH_HEAD, S_SWITCH_HEAD,
    S_SWITCH_BRACE, S_SWITCH_PATTERN, S_SWITCH_BODY, S_HASH_KEY,
    S_FOREACH_VAR, S_FOREACH_IN, S_ATTR_ARG, S_ATTR_RBRACKET})
# Bracket kinds inside which newlines never separate statements.
_NL_FREE_FRAMES = frozenset({"call", "index", "params", "attr", "for", "foreach", "switch"})
# The closing character of each bracket kind.
_CLOSER = {"script": "", "strsub": ")", "block": "}", "hash": "}", "switch": "}",
           "paren": ")", "cond": ")", "subexpr": ")", "array": ")", "call": ")",
           "params": ")", "attr": ")", "for": ")", "foreach": ")", "index": "]"}
_CLOSER_TYPE = {")": "RPAREN", "}": "RBRACE", "]": "RBRACKET"}
_CLOSERS = frozenset({"RPAREN", "RBRACE", "RBRACKET"})
# Keywords that continue the statement before them across a newline.
_JOINERS = frozenset({"ELSE", "ELSEIF", "CATCH", "FINALLY"})


class Frame:
    """An open bracket: what it holds, the state to resume after it closes,
    the keyword it belongs to, whether anything was emitted inside yet, and
    its opening token (for error positions)."""
    __slots__ = ("kind", "resume", "owner", "started", "opener")

    def __init__(self, kind: str, resume: int, owner: str | None, opener: Tok | None):
        self.kind = kind
        self.resume = resume
        self.owner = owner
        self.started = False
        self.opener = opener


# --------------------------------------------------------------------------
# Character classes and token patterns.
# --------------------------------------------------------------------------
# Sets, not strings: `"" in "-"` would be true at the end of the text.
_DASHES = frozenset("-\u2013\u2014\u2015")
_SQUOTES = frozenset("'\u2018\u2019\u201a\u201b")
_DQUOTES = frozenset('"\u201c\u201d\u201e')
_DIGITS = frozenset("0123456789")         # str.isdigit() is also true for '²'
_BLANK_RE = re.compile(r"(?:[^\S\r\n]+|\ufeff|`(?:\r\n|\n|\r))+")
# Characters that may start blank text or a comment (a fast test before the regex).
_BLANK_STARTS = frozenset([c for c in map(chr, range(0x3001)) if c.isspace() and c not in "\r\n"]
                          + ["`", "#", "<", "\ufeff"])
_LINE_END_RE = re.compile(r"[^\r\n]*")
_NEWLINES_RE = re.compile(r"\r\n|\n|\r")
_WORD_RUN_RE = re.compile(r"[^\s;,|&(){}`'\"\u2018-\u201e$]+")
_DQ_RUN_RE = re.compile(r"[^`$\"\u201c-\u201e]+")
_HERE_RUN_RE = re.compile(r"[^`$]+")
_SQ_END_RE = re.compile(r"['\u2018\u2019\u201a\u201b]")
_VAR_RE = re.compile(r"\$(?:\{(?P<braced>(?:[^}`]|`.)*)\}"
                     r"|(?P<scope>[A-Za-z_]\w*):(?P<sname>\w+)"
                     r"|(?P<name>\w+|[$?^]))")
_PARAM_RE = re.compile(r"[-\u2013\u2014\u2015]([A-Za-z_?][^\s{}();,|&.\[:'\"\u2018-\u201e]*)(:?)")
_DASH_WORD_RE = re.compile(r"[-\u2013\u2014\u2015]([A-Za-z]+)(?!\w)")
_IDENT_RE = re.compile(r"[A-Za-z_]\w*")
_MEMBER_RE = re.compile(r"\w+")
_HASHKEY_RE = re.compile(r"[\w-]+")
_LABEL_RE = re.compile(r":([A-Za-z_]\w*)")
_BREAK_LABEL_RE = re.compile(r":?([A-Za-z_]\w*)")
_TYPE_NAME_RE = re.compile(r"[\w.`+]+")
_REDIRECT_RE = re.compile(r"([1-6*]?)(>>?)(?:&([1-6]))?")
_SPLAT_RE = re.compile(r"@(\w+)")
_FUNCNAME_RE = re.compile(r"[^\s(){};,|&'\"\u2018-\u201e]+")
_HERE_HEADER_RE = re.compile(r"[^\S\r\n]*(\r\n|\n|\r)")
_HERE_END = {"'": re.compile(r"^'@", re.M), '"': re.compile(r'^"@', re.M)}
_NUMBER_WORD_RE = re.compile(r"[\w.]+")
_LETTERS_RE = re.compile(r"[A-Za-z]*")
# Letters after digits that try to be a type suffix and a multiplier (`1usgb`,
# `100gbL`) make a bad number, not a command name.
_BAD_SUFFIX_RE = re.compile(r"(?i)[ludsyn]{0,2}(?:[kmgtp]b)?[ludsyn]{0,2}")

# Argument-mode metacharacters that end a word (about_Parsing).
_ARG_END = frozenset(" \t\f\v\u00a0\r\n;,|&(){}")

_UNARY_WORDS = frozenset({"not", "bnot", "split", "join"})
_BINARY_WORDS = frozenset(
    ["f", "and", "or", "xor", "band", "bor", "bxor", "is", "isnot", "as", "join"]
    + [p + op for p in ("", "i", "c") for op in (
        "eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match", "notmatch",
        "contains", "notcontains", "in", "notin", "replace", "split", "shl", "shr")]
    ) - {"ishl", "ishr", "cshl", "cshr"}

_KEYWORDS = {
    "if": "IF", "elseif": "ELSEIF", "else": "ELSE", "foreach": "FOREACH",
    "for": "FOR", "while": "WHILE", "do": "DO", "until": "UNTIL",
    "switch": "SWITCH", "break": "BREAK", "continue": "CONTINUE",
    "return": "RETURN", "throw": "THROW", "exit": "EXIT", "try": "TRY",
    "catch": "CATCH", "finally": "FINALLY", "function": "FUNCTION",
    "filter": "FILTER",
}
# Reserved words of the language that hvshell does not implement.
_UNSUPPORTED_KEYWORDS = frozenset({
    "trap", "class", "enum", "data", "using", "workflow", "dynamicparam",
    "parallel", "sequence", "inlinescript", "configuration", "define", "from",
    "var", "hidden", "static", "in"})
_SWITCH_OPTIONS = ("regex", "wildcard", "exact", "casesensitive", "file")


# Strings inside `$( )` inside strings...: deeper than this is an error, not a crash.
MAX_STRING_NESTING = 32


def line_starts(text: str) -> list[int]:
    """Offsets where each line begins (a line ends at \\n, \\r\\n or \\r)."""
    return [0] + [m.end() for m in _NEWLINES_RE.finditer(text)]


class Lexer:
    """Iterate over the tokens of `text` from `pos`.

    `root` is 'script' for a whole text, or 'strsub' for the statements of
    a `$( )` inside a string: those end at their closing parenthesis, whose
    offset is left in `end`.  `subparse(pos)` parses such statements and
    returns `(StatementBlock, end)`; without it (the highlighter) they are
    only scanned.  Comments are appended to `comments` when given."""

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

    def emit(self, type_: str, value, start: int, end: int, node=None) -> Tok:
        if self.sep is not None:
            sep, self.sep = self.sep, None
            if type_ not in _CLOSERS and type_ not in _JOINERS:
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
        if pos < n and text[pos] not in _BLANK_STARTS:
            return pos
        while pos < n:
            m = _BLANK_RE.match(text, pos)
            if m:
                pos = m.end()
                continue
            c = text[pos]
            if c == "#":
                end = _LINE_END_RE.match(text, pos).end()
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
        if state in _NL_SKIPPED:
            return
        frame = self.frames[-1]
        kind = frame.kind
        if kind in _NL_FREE_FRAMES:
            return
        if kind == "hash":
            if frame.started and self.sep is None:
                self.sep = pos
            self.state = S_HASH_KEY
            return
        if frame.started and self.sep is None:
            self.sep = pos
        self.state = S_STMT
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
        elif state in (S_STMT, S_ARG, S_OPERATOR, S_AFTER_TYPE, S_BREAK) \
                and frame.kind not in _NL_FREE_FRAMES:
            if frame.started and self.sep is None:
                self.sep = pos
            self.state = S_STMT
        else:
            # Somewhere a statement cannot end: let the parser say what is missing.
            self.emit("SEP", ";", pos, pos + 1)
            self.state = S_STMT
        self.postfix = False

    def close(self, pos: int, c: str) -> None:
        frames = self.frames
        top = frames[-1]
        self.pos = pos + 1
        if _CLOSER[top.kind] == c:
            if top.kind == "strsub":
                self.sep = None
                self.end = pos + 1
                self.done = True
                return
            if len(frames) > 1:
                frames.pop()
                if top.kind == "attr":
                    self.attribute = top.opener.value
                self.emit(_CLOSER_TYPE[c], top.owner, pos, pos + 1, top)
                self.postfix = top.resume in (S_OPERATOR, S_ARG, S_SWITCH_BODY)
                if self.postfix:
                    # `(cmd args).Prop`: a member chain after the bracket resumes
                    # the outer mode, not the mode of what was inside it.
                    self.operand_state = top.resume
                self.state = S_ATTR_RBRACKET if top.kind == "attr" else top.resume
                return
        if c == "]" and self.state == S_ATTR_RBRACKET:
            self.emit("RBRACKET", self.attribute, pos, pos + 1)
            self.state = S_STMT_CONT
            return
        # A closer that does not match the innermost bracket: the parser
        # reports it; the highlighter closes the brackets it skips over.
        self.emit(_CLOSER_TYPE[c], None, pos, pos + 1)
        for i in range(len(frames) - 1, 0, -1):
            if _CLOSER[frames[i].kind] == c:
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
        text = self.text
        if c == "(":
            self.open_paren(pos, resume)
        elif c == "{":
            opener = self.emit("LBRACE", None, pos, pos + 1)
            self.push("block", resume, None, opener, S_STMT)
            self.pos = pos + 1
        elif c == "$" and text.startswith("$(", pos):
            opener = self.emit("SUBEXPR", None, pos, pos + 2)
            self.push("subexpr", resume, None, opener, S_STMT)
            self.pos = pos + 2
        elif c == "@" and text.startswith("@(", pos):
            opener = self.emit("ARRAYEXPR", None, pos, pos + 2)
            self.push("array", resume, None, opener, S_STMT)
            self.pos = pos + 2
        elif c == "@" and text.startswith("@{", pos):
            opener = self.emit("HASHSTART", None, pos, pos + 2)
            self.push("hash", resume, None, opener, S_HASH_KEY)
            self.pos = pos + 2
        else:
            return False
        return True

    # ------------------------------------------------------------- states
    def s_stmt(self, pos: int, c: str) -> None:
        text = self.text
        if c == ":" and self.state == S_STMT:
            m = _LABEL_RE.match(text, pos)
            if m:
                self.emit("LABEL", m.group(1), pos, m.end())
                self.pos = m.end()
                self.state = S_STMT_CONT
                return
        if c == "&":
            if text.startswith("&&", pos):
                self.chain_operator(pos, "&&")
                return
            self.emit("AMP", "&", pos, pos + 1)
            self.pos = pos + 1
            self.start_command()
            return
        if c == ".":
            nxt = text[pos + 1:pos + 2]
            if nxt == "" or nxt in " \t\r\n" or nxt in "$'\"({":
                self.emit("DOTSOURCE", ".", pos, pos + 1)
                self.pos = pos + 1
                self.start_command()
                return
            if nxt not in _DIGITS:
                self.command_word(pos)
                return
        if c.isalpha() or c == "_" or c == "\\" or c == "/" or c == "~" or c == "%" or c == "?":
            self.statement_word(pos)        # `%` and `?` are aliases, as commands
            return
        if c in _DIGITS:
            m = NUMBER_RE.match(text, pos)
            end = m.end() if m else pos
            if end < self.n and (text[end].isalnum() or text[end] == "_"):
                glued = _LETTERS_RE.match(text, m.start("mult") if m.group("mult") else
                                          m.start("suffix") if m.group("suffix") else end)
                if not _BAD_SUFFIX_RE.fullmatch(glued.group()):
                    self.command_word(pos)  # `7z`: a command whose name starts with a digit
                    return
        self.s_operand(pos, c)

    def statement_word(self, pos: int) -> None:
        text = self.text
        m = _WORD_RUN_RE.match(text, pos)
        end = m.end()
        nxt = text[end:end + 1]
        if nxt == "" or nxt in _ARG_END:
            word = text[pos:end].lower()
            kind = _KEYWORDS.get(word)
            if kind is not None:
                self.keyword(kind, word, pos, end)
                return
            if word == "param" and self.peek_char(end) == "(":
                self.emit("PARAMKW", word, pos, end)
                self.pos = end
                self.state = S_KW_PAREN
                self.kw = "param"
                return
            if word in ("begin", "process", "end") and self.peek_char(end, True) == "{":
                self.emit("NAMED", word, pos, end)
                self.pos = end
                self.state = S_EXPECT_BLOCK
                self.kw = word
                return
            if word in _UNSUPPORTED_KEYWORDS:
                self.pos = end
                self.error(f"The '{word}' keyword is not supported in this version of the language.",
                           "ReservedKeywordNotAllowed", pos, end)
                return
        self.command_word(pos)

    def peek_char(self, pos: int, newlines: bool = False) -> str:
        """The next character after blanks (and newlines if asked)."""
        text, n = self.text, self.n
        while pos < n:
            c = text[pos]
            if c in " \t\f\v\u00a0" or (newlines and c in "\r\n"):
                pos += 1
            else:
                return c
        return ""

    def keyword(self, kind: str, word: str, pos: int, end: int) -> None:
        self.emit(kind, word, pos, end)
        self.pos = end
        self.kw = word
        if kind in ("IF", "ELSEIF", "WHILE", "FOREACH", "FOR"):
            self.state = S_KW_PAREN
        elif kind == "SWITCH":
            self.state = S_SWITCH_HEAD
        elif kind in ("ELSE", "TRY", "FINALLY", "DO"):
            self.state = S_EXPECT_BLOCK
        elif kind == "UNTIL":
            self.state = S_KW_PAREN
        elif kind == "CATCH":
            self.state = S_CATCH_HEAD
        elif kind in ("FUNCTION", "FILTER"):
            self.state = S_FUNCNAME
        elif kind in ("BREAK", "CONTINUE"):
            self.state = S_BREAK
        else:                               # return, throw, exit: a pipeline may follow
            self.state = S_STMT

    def start_command(self) -> None:
        self.state = S_ARG
        self.no_params = False
        self.postfix = False

    def command_word(self, pos: int) -> None:
        node, end, _ = self.scan_word(pos)
        if node is None:
            return
        # A command word is a name, never expanded (`Get-$x` names no command;
        # `& "Get-$x"` does): keep it as written if it holds a `$`.
        name = node.value if isinstance(node, ast.Constant) else self.text[pos:end]
        self.emit("COMMAND", name, pos, end)
        self.pos = end
        self.start_command()

    def s_cmd(self, pos: int, c: str) -> None:
        text = self.text
        if c == "&" and not text.startswith("&&", pos):
            self.emit("AMP", "&", pos, pos + 1)
            self.pos = pos + 1
            self.start_command()
        elif c == "." and text[pos + 1:pos + 2] in ("", " ", "\t", "$", "'", '"', "(", "{"):
            self.emit("DOTSOURCE", ".", pos, pos + 1)
            self.pos = pos + 1
            self.start_command()
        elif c in _DIGITS:
            self.s_stmt(pos, c)
        elif c.isalpha() or c in "_\\/~%?.":
            self.command_word(pos)
        else:
            self.s_operand(pos, c)

    def chain_operator(self, pos: int, op: str) -> None:
        self.pos = pos + 2
        self.error(f"The token '{op}' is not a valid statement separator in this version.",
                   "InvalidEndOfLine", pos, pos + 2)

    # ---------------------------------------------------------- expressions
    def s_operand(self, pos: int, c: str) -> None:
        text = self.text
        self.operand_state = S_OPERATOR
        if c == "$":
            if text.startswith("$(", pos):
                self.open_group(pos, c, S_OPERATOR)
                return
            self.variable_token(pos, S_OPERATOR)
            return
        if c in _DIGITS or (c == "." and text[pos + 1:pos + 2] in _DIGITS):
            self.number_token(pos, pos, False)
            return
        if c in _DASHES:
            nxt = text[pos + 1:pos + 2]
            if nxt in _DIGITS or (nxt == "." and text[pos + 2:pos + 3] in _DIGITS):
                self.number_token(pos, pos + 1, True)
                return
            if nxt in _DASHES:
                self.unary(pos, pos + 2, "--")
                return
            m = _DASH_WORD_RE.match(text, pos)
            if m:
                word = m.group(1).lower()
                if word in _UNARY_WORDS:
                    self.unary(pos, m.end(), "-" + word)
                elif word in _BINARY_WORDS:
                    self.binop(pos, m.end(), "-" + word)
                else:
                    self.unexpected(pos, m.end())
                return
            self.unary(pos, pos + 1, "-")
            return
        if c == "+":
            if text.startswith("++", pos):
                self.unary(pos, pos + 2, "++")
            else:
                self.unary(pos, pos + 1, "+")
            return
        if c == "!":
            self.unary(pos, pos + 1, "!")
            return
        if c == ",":
            self.unary(pos, pos + 1, ",")
            return
        if c in _SQUOTES or c in _DQUOTES:
            self.string_token(pos, c, S_OPERATOR)
            return
        if c == "@":
            nxt = text[pos + 1:pos + 2]
            if nxt in ("(", "{"):
                self.open_group(pos, c, S_OPERATOR)
            elif nxt in ("'", '"'):
                self.here_string_token(pos, S_OPERATOR)
            else:
                m = _SPLAT_RE.match(text, pos)
                end = m.end() if m else pos + 1
                self.pos = end
                name = m.group(1) if m else ""
                self.error(f"The splatting operator '@' cannot be used to reference variables in an "
                           f"expression. '@{name}' can be used only as an argument to a command. "
                           f"To reference variables in an expression use '${name}'.",
                           "SplattingNotPermitted", pos, end)
            return
        if c == "(" or c == "{":
            self.open_group(pos, c, S_OPERATOR)
            return
        if c == "[":
            self.type_token(pos)
            return
        if c in "=*/%|>.&<" or c in _DIGITS:
            self.s_operator(pos, c)
            return
        if c == "]":
            self.emit("RBRACKET", None, pos, pos + 1)
            self.pos = pos + 1
            return
        self.unexpected(pos, None)

    def unexpected(self, pos: int, end: int | None) -> None:
        """A token that cannot stand here; its text is the message's."""
        if end is None:
            m = _WORD_RUN_RE.match(self.text, pos)
            end = m.end() if m else pos + 1
        text = self.text[pos:end]
        self.pos = end
        if text[:1] in _DIGITS:
            self.error(f"The numeric constant {text} is not valid.", "BadNumericConstant", pos, end)
        else:
            self.error(f"Unexpected token '{text}' in expression or statement.",
                       "UnexpectedToken", pos, end)

    def unary(self, pos: int, end: int, op: str) -> None:
        self.emit("UNARY", op, pos, end)
        self.pos = end
        self.state = S_OPERAND
        self.postfix = False

    def binop(self, pos: int, end: int, op: str) -> None:
        self.emit("BINOP", op, pos, end)
        self.pos = end
        self.state = S_OPERAND
        self.postfix = False

    def assign(self, pos: int, end: int) -> None:
        self.emit("ASSIGN", self.text[pos:end], pos, end)
        self.pos = end
        self.state = S_STMT_CONT
        self.postfix = False

    def s_operator(self, pos: int, c: str) -> None:
        text = self.text
        if self.postfix and pos == self.last.end and self.postfix_op(pos, c):
            return
        if c in _DASHES:
            nxt = text[pos + 1:pos + 2]
            if nxt in _DASHES:
                self.emit("POSTFIX", "post--", pos, pos + 2)
                self.pos = pos + 2
                return
            if nxt == "=":
                self.assign(pos, pos + 2)
                return
            m = _DASH_WORD_RE.match(text, pos)
            if m:
                word = m.group(1).lower()
                if word in _BINARY_WORDS:
                    self.binop(pos, m.end(), "-" + word)
                else:
                    self.unexpected(pos, m.end())
                return
            self.binop(pos, pos + 1, "-")
            return
        if c == "+":
            if text.startswith("++", pos):
                self.emit("POSTFIX", "post++", pos, pos + 2)
                self.pos = pos + 2
            elif text.startswith("+=", pos):
                self.assign(pos, pos + 2)
            else:
                self.binop(pos, pos + 1, "+")
            return
        if c in "*12345678" and self.redirection(pos):
            return
        if c in "*/%":
            if text.startswith("=", pos + 1):
                self.assign(pos, pos + 2)
            else:
                self.binop(pos, pos + 1, c)
            return
        if c == "=":
            self.assign(pos, pos + 1)
            return
        if c == ">":
            self.redirection(pos)
            return
        if c == "<":
            self.pos = pos + 1
            self.error("The '<' operator is reserved for future use.", "RedirectionNotSupported",
                       pos, pos + 1)
            return
        if c == ".":
            if text.startswith("..", pos):
                self.binop(pos, pos + 2, "..")
                return
            self.unexpected(pos, pos + 1)
            return
        if c == ",":
            self.emit("COMMA", ",", pos, pos + 1)
            self.pos = pos + 1
            self.state = S_ATTR_ARG if self.frames[-1].kind == "attr" else S_OPERAND
            self.postfix = False
            return
        if c == "|":
            if text.startswith("||", pos):
                self.chain_operator(pos, "||")
                return
            self.emit("PIPE", "|", pos, pos + 1)
            self.pos = pos + 1
            self.state = S_CMD
            self.postfix = False
            return
        if c == "&":
            if text.startswith("&&", pos):
                self.chain_operator(pos, "&&")
                return
            self.ampersand(pos)
            return
        if c == "!":
            self.unexpected(pos, pos + 1)
            return
        if c == "(" or c == "{":
            self.open_group(pos, c, S_OPERATOR)   # the parser reports it
            return
        if c == "]":
            self.emit("RBRACKET", None, pos, pos + 1)
            self.pos = pos + 1
            return
        # An operand where an operator should be: lex it, the parser reports it.
        self.s_operand(pos, c)

    def ampersand(self, pos: int) -> None:
        self.pos = pos + 1
        self.error('The ampersand (&) character is not allowed. The & operator is reserved for '
                   'future use; wrap an ampersand in double quotation marks ("&") to pass it as '
                   'part of a string.', "AmpersandNotAllowed", pos, pos + 1)

    def postfix_op(self, pos: int, c: str) -> bool:
        """Member access, static member, indexing or a method call straight
        after the previous token."""
        text = self.text
        if c == "." and not text.startswith("..", pos):
            nxt = text[pos + 1:pos + 2]
            if nxt and (nxt.isalnum() or nxt in "_$'\"" or nxt in _SQUOTES or nxt in _DQUOTES):
                self.emit("DOT", ".", pos, pos + 1)
                self.pos = pos + 1
                self.state = S_MEMBER
                return True
            if self.operand_state == S_OPERATOR:
                self.pos = pos + 1
                self.error("Missing property name after reference operator.", "MissingPropertyName",
                           pos + 1, pos + 1)
                return True
            return False
        if c == ":" and text.startswith("::", pos) and self.operand_state == S_OPERATOR:
            self.emit("STATIC", "::", pos, pos + 2)
            self.pos = pos + 2
            self.state = S_MEMBER
            return True
        if c == "[":
            opener = self.emit("INDEX_OPEN", "[", pos, pos + 1)
            self.push("index", self.operand_state, None, opener, S_OPERAND)
            self.pos = pos + 1
            return True
        if c == "(" and self.last.type == "MEMBER":
            opener = self.emit("CALL_OPEN", "(", pos, pos + 1)
            self.push("call", self.operand_state, None, opener, S_OPERAND)
            self.pos = pos + 1
            return True
        return False

    def s_after_type(self, pos: int, c: str) -> None:
        text = self.text
        if self.postfix and pos == self.last.end and c in ".:" and self.postfix_op(pos, c):
            return
        if c in ",|=*/%>" or (c == "-" and text.startswith("-=", pos)):
            self.s_operator(pos, c)
            return
        if c in _DASHES:
            m = _DASH_WORD_RE.match(text, pos)
            if m and m.group(1).lower() in _BINARY_WORDS and m.group(1).lower() not in _UNARY_WORDS:
                self.s_operator(pos, c)
                return
        self.s_operand(pos, c)

    def s_member(self, pos: int, c: str) -> None:
        text = self.text
        state = self.operand_state
        m = _MEMBER_RE.match(text, pos)
        if m:
            self.emit("MEMBER", m.group(), pos, m.end())
            self.pos = m.end()
        elif c in _SQUOTES or c in _DQUOTES:
            self.string_token(pos, c, state)
            return
        elif c == "$" and not text.startswith("$(", pos):
            self.variable_token(pos, state)
            return
        else:
            self.pos = pos
            self.error("Missing property name after reference operator.", "MissingPropertyName",
                       pos, pos)
            self.state = state
            return
        self.state = state
        self.postfix = True

    def type_token(self, pos: int) -> None:
        """`[type]` or the start of `[Attribute(`."""
        text, n = self.text, self.n
        p = pos + 1
        while p < n and text[p] in " \t":
            p += 1
        m = _TYPE_NAME_RE.match(text, p)
        if not m:
            self.pos = pos + 1
            self.error("Missing type name after '['.", "MissingTypename", pos, pos + 1,
                       incomplete=p >= n)
            return
        p = m.end()
        simple = True
        while p < n and text[p] == "[":
            simple = False
            depth = 0
            q = p
            while q < n:
                ch = text[q]
                if ch == "[":
                    depth += 1
                elif ch == "]":
                    depth -= 1
                    if depth == 0:
                        break
                elif ch in "\r\n":
                    break
                q += 1
            if q >= n or depth:
                self.type_unterminated(pos, q)
                return
            p = q + 1
        name = text[pos + 1:p].strip()
        while p < n and text[p] in " \t":
            p += 1
        if p < n and text[p] == "]":
            self.emit("TYPE", name, pos, p + 1, ast.TypeLiteral(name, extent=self.extent(pos, p + 1)))
            self.pos = p + 1
            self.state = S_AFTER_TYPE
            self.operand_state = S_OPERATOR
            self.postfix = True
            return
        if p < n and text[p] == "(" and simple:
            opener = self.emit("ATTR", name, pos, p + 1)
            self.push("attr", S_ATTR_RBRACKET, None, opener, S_ATTR_ARG)
            self.pos = p + 1
            self.postfix = False
            return
        self.type_unterminated(pos, p)

    def type_unterminated(self, pos: int, p: int) -> None:
        self.pos = min(p, self.n)
        self.error("Missing ] at end of attribute or type literal.",
                   "EndSquareBracketExpectedAtEndOfAttribute", pos, self.pos,
                   incomplete=p >= self.n)

    def s_attr_arg(self, pos: int, c: str) -> None:
        m = _IDENT_RE.match(self.text, pos)
        if m:
            self.emit("NAME", m.group(), pos, m.end())
            self.pos = m.end()
            self.state = S_OPERATOR
            self.postfix = False
            return
        self.s_operand(pos, c)

    def s_attr_rbracket(self, pos: int, c: str) -> None:
        self.state = S_STMT_CONT
        self.s_stmt(pos, c)

    # ---------------------------------------------------------- statements
    def s_kw_paren(self, pos: int, c: str) -> None:
        kw = self.kw
        if c != "(":
            self.state = S_STMT
            self.s_stmt(pos, c)
            return
        opener = self.emit("LPAREN", kw, pos, pos + 1)
        self.pos = pos + 1
        if kw == "foreach":
            self.push("foreach", S_EXPECT_BLOCK, kw, opener, S_FOREACH_VAR)
        elif kw == "for":
            self.push("for", S_EXPECT_BLOCK, kw, opener, S_STMT_CONT)
        elif kw == "param":
            self.push("params", S_STMT, kw, opener, S_STMT_CONT)
        elif kw == "switch":
            self.push("cond", S_SWITCH_BRACE, kw, opener, S_STMT_CONT)
        elif kw in ("while", "until") and self.last_do:
            self.push("cond", S_STMT, kw, opener, S_STMT_CONT)
        else:
            self.push("cond", S_EXPECT_BLOCK, kw, opener, S_STMT_CONT)
        self.last_do = False

    last_do = False                 # the `while`/`until` just lexed ends a do loop
    kw: str | None = None           # the keyword whose `(` or `{` comes next
    attribute: str | None = None    # the attribute whose `]` comes next

    def s_expect_block(self, pos: int, c: str) -> None:
        if c != "{":
            self.state = S_STMT
            self.s_stmt(pos, c)
            return
        kw = self.kw
        opener = self.emit("LBRACE", kw, pos, pos + 1)
        self.pos = pos + 1
        self.push("block", S_AFTER_DO if kw == "do" else S_STMT, kw, opener, S_STMT)

    def s_after_do(self, pos: int, c: str) -> None:
        m = _IDENT_RE.match(self.text, pos)
        if m and m.group().lower() in ("while", "until"):
            word = m.group().lower()
            self.emit(word.upper(), word, pos, m.end())
            self.pos = m.end()
            self.kw = word
            self.last_do = True
            self.state = S_KW_PAREN
            return
        self.state = S_STMT
        self.s_stmt(pos, c)

    def s_funcname(self, pos: int, c: str) -> None:
        m = _FUNCNAME_RE.match(self.text, pos)
        if not m:
            self.state = S_STMT
            self.s_stmt(pos, c)
            return
        self.emit("FUNCNAME", m.group(), pos, m.end())
        self.pos = m.end()
        self.state = S_FUNC_AFTER_NAME

    def s_func_after_name(self, pos: int, c: str) -> None:
        if c == "(":
            opener = self.emit("LPAREN", "function", pos, pos + 1)
            self.pos = pos + 1
            self.kw = "function"
            self.push("params", S_EXPECT_BLOCK, "function", opener, S_STMT_CONT)
        elif c == "{":
            self.kw = "function"
            self.s_expect_block(pos, c)
        else:
            self.state = S_STMT
            self.s_stmt(pos, c)

    def s_catch_head(self, pos: int, c: str) -> None:
        if c == "[":
            self.type_token(pos)
            if self.last.type == "TYPE":
                self.state = S_CATCH_HEAD
        elif c == ",":
            self.emit("COMMA", ",", pos, pos + 1)
            self.pos = pos + 1
        elif c == "{":
            self.kw = "catch"
            self.s_expect_block(pos, c)
        else:
            self.state = S_STMT
            self.s_stmt(pos, c)

    def s_switch_head(self, pos: int, c: str) -> None:
        if c in _DASHES:
            m = _DASH_WORD_RE.match(self.text, pos)
            if m:
                word = m.group(1).lower()
                matches = [o for o in _SWITCH_OPTIONS if o.startswith(word)]
                if len(matches) == 1 and matches[0] != "file":
                    self.emit("SWITCHOPT", matches[0], pos, m.end())
                    self.pos = m.end()
                    return
                self.pos = m.end()
                if matches == ["file"]:
                    self.error("The switch statement's -File option is not supported.",
                               "SwitchFileNotSupported", pos, m.end())
                else:
                    self.error(f"Invalid switch statement option '{m.group()}'. Valid options are "
                               f"-Regex, -Wildcard, -Exact and -CaseSensitive.",
                               "InvalidSwitchFlag", pos, m.end())
                return
        if c == "(":
            self.kw = "switch"
            self.s_kw_paren(pos, c)
            return
        self.state = S_STMT
        self.s_stmt(pos, c)

    def s_switch_brace(self, pos: int, c: str) -> None:
        if c != "{":
            self.state = S_STMT
            self.s_stmt(pos, c)
            return
        opener = self.emit("LBRACE", "switch", pos, pos + 1)
        self.pos = pos + 1
        self.push("switch", S_STMT, "switch", opener, S_SWITCH_PATTERN)

    def s_switch_pattern(self, pos: int, c: str) -> None:
        text = self.text
        if c == "{":
            opener = self.emit("LBRACE", None, pos, pos + 1)
            self.pos = pos + 1
            self.push("block", S_SWITCH_BODY, None, opener, S_STMT)
            return
        m = _IDENT_RE.match(text, pos)
        if m and m.group().lower() == "default":
            nxt = text[m.end():m.end() + 1]
            if nxt == "" or nxt in _ARG_END:
                self.emit("DEFAULT", "default", pos, m.end())
                self.pos = m.end()
                self.state = S_SWITCH_BODY
                self.postfix = False
                return
        self.s_arg(pos, c)

    def s_switch_body(self, pos: int, c: str) -> None:
        if self.postfix and pos == self.last.end and self.postfix_op(pos, c):
            return
        if c == "{":
            opener = self.emit("LBRACE", "switchclause", pos, pos + 1)
            self.pos = pos + 1
            self.push("block", S_SWITCH_PATTERN, "switchclause", opener, S_STMT)
            return
        self.s_arg(pos, c)

    def s_break(self, pos: int, c: str) -> None:
        m = _BREAK_LABEL_RE.match(self.text, pos)
        if m:
            self.emit("LABELNAME", m.group(1), pos, m.end())
            self.pos = m.end()
            self.state = S_OPERATOR
            self.postfix = False
            return
        self.state = S_STMT
        self.s_stmt(pos, c)

    def s_hash_key(self, pos: int, c: str) -> None:
        if c not in _DIGITS:
            m = _HASHKEY_RE.match(self.text, pos)
            if m and m.group()[0] not in _DASHES:
                self.emit("HASHKEY", m.group(), pos, m.end(),
                          ast.StringLiteral(m.group(), extent=self.extent(pos, m.end())))
                self.pos = m.end()
                self.state = S_OPERATOR
                self.postfix = False
                return
        self.state = S_OPERAND
        self.s_operand(pos, c)

    def s_foreach_var(self, pos: int, c: str) -> None:
        if c != "$":
            self.state = S_OPERATOR
            self.error("Missing variable name after 'foreach ('.", "MissingVariableNameAfterForeach",
                       pos, pos)
            return
        self.s_operand(pos, c)
        if self.last is not None and self.last.type == "VARIABLE":
            self.state = S_FOREACH_IN

    def s_foreach_in(self, pos: int, c: str) -> None:
        m = _IDENT_RE.match(self.text, pos)
        if m and m.group().lower() == "in":
            self.emit("IN", "in", pos, m.end())
            self.pos = m.end()
            self.state = S_STMT_CONT
            return
        self.state = S_OPERATOR
        self.s_operator(pos, c)

    # -------------------------------------------------------- argument mode
    def s_arg(self, pos: int, c: str) -> None:
        text = self.text
        self.operand_state = self.after_arg()
        if self.postfix and pos == self.last.end and self.state == S_ARG and self.postfix_op(pos, c):
            return
        self.postfix = False
        # A dash glued to the previous argument (`$HOME.Length-more`) starts a
        # word, not a parameter.
        if c in _DASHES and not self.no_params and (self.last is None or pos > self.last.end):
            m = _PARAM_RE.match(text, pos)
            if m:
                colon = bool(m.group(2))
                self.emit("PARAM_COLON" if colon else "PARAM", m.group(1), pos, m.end())
                self.pos = m.end()
                self.state = S_ARG
                return
            nxt = text[pos + 1:pos + 2]
            if nxt in _DASHES:
                after = text[pos + 2:pos + 3]
                if after == "%":
                    self.pos = pos + 3
                    self.error("The stop-parsing token (--%) is not supported.",
                               "StopParsingNotSupported", pos, pos + 3)
                    return
                if after == "" or after in _ARG_END:
                    self.no_params = True
                    self.pos = pos + 2
                    return
        if c in _DASHES:
            nxt = text[pos + 1:pos + 2]
            if nxt in _DIGITS or (nxt == "." and text[pos + 2:pos + 3] in _DIGITS):
                if self.arg_number(pos, pos + 1, True):
                    return
        elif c in _DIGITS or (c == "." and text[pos + 1:pos + 2] in _DIGITS):
            if c in "123456" and self.redirection(pos):
                return
            if self.arg_number(pos, pos, False):
                return
        elif c == "$":
            if text.startswith("$(", pos):
                self.open_group(pos, c, self.after_arg())
                return
            m = _VAR_RE.match(text, pos)
            if m:
                end = m.end()
                nxt = text[end:end + 1]
                if nxt == "" or nxt in _ARG_END or nxt == "[" or (
                        nxt == "." and text[end + 1:end + 2].isalnum() or
                        nxt == "." and text[end + 1:end + 2] in ("_", "'", '"')):
                    self.variable_token(pos, self.after_arg())
                    return
        elif c in _SQUOTES or c in _DQUOTES:
            if self.string_token(pos, c, self.after_arg(), arg=True):
                return
        elif c == "@":
            nxt = text[pos + 1:pos + 2]
            if nxt in ("(", "{"):
                self.open_group(pos, c, self.after_arg())
                return
            if nxt in ("'", '"'):
                self.here_string_token(pos, self.after_arg())
                return
            m = _SPLAT_RE.match(text, pos)
            if m and (m.end() >= self.n or text[m.end()] in _ARG_END):
                self.emit("SPLAT", m.group(1), pos, m.end(),
                          ast.SplatVariable(m.group(1), extent=self.extent(pos, m.end())))
                self.pos = m.end()
                self.state = self.after_arg()
                return
        elif c == "(" or c == "{":
            self.open_group(pos, c, self.after_arg())
            return
        elif c == ",":
            self.emit("COMMA", ",", pos, pos + 1)
            self.pos = pos + 1
            self.state = S_ARG_CONT
            return
        elif c == "|":
            if text.startswith("||", pos):
                self.chain_operator(pos, "||")
                return
            self.emit("PIPE", "|", pos, pos + 1)
            self.pos = pos + 1
            self.state = S_CMD
            return
        elif c == "&":
            if text.startswith("&&", pos):
                self.chain_operator(pos, "&&")
            else:
                self.ampersand(pos)
            return
        elif c == ">" or c == "*":
            if self.redirection(pos):
                return
        elif c == "<":
            self.pos = pos + 1
            self.error("The '<' operator is reserved for future use.", "RedirectionNotSupported",
                       pos, pos + 1)
            return
        self.word_token(pos)

    def after_arg(self) -> int:
        return S_SWITCH_BODY if self.frames[-1].kind == "switch" else S_ARG

    def word_token(self, pos: int) -> None:
        node, end, _ = self.scan_word(pos)
        if node is None:
            return
        self.emit("GENERIC", None, pos, end, node)
        self.pos = end
        self.state = self.after_arg()

    def arg_number(self, pos: int, digits: int, negative: bool) -> bool:
        """A number argument, if the number ends where the word does."""
        text = self.text
        m = NUMBER_RE.match(text, digits)
        if not m:
            return False
        end = m.end()
        if end < self.n and text[end] not in _ARG_END:
            return False
        value = number_value(m, negative)
        if value is None:
            return False
        self.emit("NUMBER", text[pos:end], pos, end,
                  ast.Constant(value, extent=self.extent(pos, end)))
        self.pos = end
        self.state = self.after_arg()
        return True

    def redirection(self, pos: int) -> bool:
        m = _REDIRECT_RE.match(self.text, pos)
        if not m:
            return False
        stream = m.group(1) or "1"
        end = m.end()
        if m.group(3):
            self.emit("REDIRECT_MERGE", (stream, m.group(3)), pos, end)
            self.state = S_ARG if self.state in (S_ARG, S_ARG_CONT) else S_OPERATOR
        else:
            self.emit("REDIRECT", (stream, m.group(2) == ">>"), pos, end)
            self.state = S_ARG
            self.operand_state = S_ARG
        self.pos = end
        self.postfix = False
        return True

    # --------------------------------------------------------------- leaves
    def extent(self, start: int, end: int) -> ast.Extent:
        line = bisect_right(self.lines, start)
        return ast.Extent(start, end, line, start - self.lines[line - 1] + 1)

    def number_token(self, pos: int, digits: int, negative: bool) -> None:
        text = self.text
        m = NUMBER_RE.match(text, digits)
        end = m.end() if m else digits
        value = number_value(m, negative) if m else None
        if value is None or (end < self.n and (text[end].isalnum() or text[end] == "_")):
            word_end = _NUMBER_WORD_RE.match(text, digits).end() if digits < self.n else digits
            self.unexpected(pos, max(word_end, end))
            return
        self.emit("NUMBER", text[pos:end], pos, end, ast.Constant(value, extent=self.extent(pos, end)))
        self.pos = end
        self.state = S_OPERATOR
        self.postfix = True

    def variable_node(self, pos: int):
        """(node, end) for a variable at `pos`, or (None, end) for a `$`
        that is not one, or (ERROR message, end) for `$name:` with no name."""
        text = self.text
        m = _VAR_RE.match(text, pos)
        if not m:
            return None, pos + 1
        end = m.end()
        ext = self.extent(pos, end)
        braced = m.group("braced")
        if braced is not None:
            braced = re.sub(r"`(.)", r"\1", braced)
            scope, sep, name = braced.partition(":")
            if not sep or not scope or not name:
                scope, name = None, braced
            else:
                scope = scope.lower()
            return ast.Variable(name, scope, extent=ext), end
        if m.group("scope") is not None:
            return ast.Variable(m.group("sname"), m.group("scope").lower(), extent=ext), end
        name = m.group("name")
        if text.startswith(":", end) and not text.startswith("::", end):
            return ("Variable reference is not valid. ':' was not followed by a valid variable "
                    "name character. Consider using ${} to delimit the name."), end + 1
        low = name.lower()
        if low == "true":
            return ast.Constant(True, extent=ext), end
        if low == "false":
            return ast.Constant(False, extent=ext), end
        if low == "null":
            return ast.Constant(None, extent=ext), end
        return ast.Variable(name, extent=ext), end

    def variable_token(self, pos: int, state: int) -> None:
        node, end = self.variable_node(pos)
        self.pos = end
        if isinstance(node, str):
            self.error(node, "InvalidVariableReferenceWithDrive", pos, end)
            return
        if node is None:
            self.error("Variable reference is not valid. '$' was not followed by a valid variable "
                       "name character. Consider using ${} to delimit the name.",
                       "InvalidVariableReference", pos, end)
            return
        self.emit("VARIABLE", self.text[pos:end], pos, end, node)
        self.state = state
        self.postfix = True

    def string_token(self, pos: int, quote: str, state: int, arg: bool = False) -> bool:
        """A quoted string.  In argument mode a string glued to more text
        is part of a word: return False and let the word scanner take it."""
        if quote in _SQUOTES:
            value, end = self.scan_single(pos)
            if value is None:
                self.unterminated(pos, "'")
                return True
            node = ast.StringLiteral(value, extent=self.extent(pos, end))
            type_ = "STRING"
        else:
            parts, end = self.scan_double(pos + 1, self.n, False)
            if parts is None:
                if end >= 0:
                    return True     # error already emitted by a nested scan
                self.unterminated(pos, '"')
                return True
            node = _string_node(parts, self.extent(pos, end))
            type_ = "STRING" if isinstance(node, ast.StringLiteral) else "EXPSTRING"
        if arg and end < self.n and self.text[end] not in _ARG_END:
            return False
        self.emit(type_, self.text[pos:end], pos, end, node)
        self.pos = end
        self.state = state
        self.postfix = True
        return True

    def unterminated(self, pos: int, quote: str) -> None:
        self.pos = self.n
        self.error(f"The string is missing the terminator: {quote}.",
                   "TerminatorExpectedAtEndOfString", pos, self.n, incomplete=True)
        self.done = True

    def here_string_token(self, pos: int, state: int) -> None:
        text = self.text
        quote = text[pos + 1]
        m = _HERE_HEADER_RE.match(text, pos + 2)
        if not m:
            end = _LINE_END_RE.match(text, pos + 2).end()
            if not text[pos + 2:end].strip() and end == self.n:
                self.pos = end
                self.error(f"The string is missing the terminator: {quote}@.",
                           "TerminatorExpectedAtEndOfString", pos, end, incomplete=True)
                return
            self.pos = end
            self.error("No characters are allowed after a here-string header but before the end "
                       "of the line.", "UnexpectedCharactersAfterHereStringHeader", pos, end)
            return
        body = m.end()
        close = _HERE_END[quote].search(text, body)
        if not close:
            self.pos = self.n
            self.error(f"The string is missing the terminator: {quote}@.",
                       "TerminatorExpectedAtEndOfString", pos, self.n, incomplete=True)
            self.done = True
            return
        stop = close.start()
        if stop > body:                 # the line break before the terminator is not content
            stop -= 2 if text.startswith("\r\n", stop - 2) else 1
        end = close.end()
        ext = self.extent(pos, end)
        if quote == "'":
            node = ast.StringLiteral(text[body:stop], extent=ext)
        else:
            parts, _ = self.scan_double(body, stop, True)
            if parts is None:
                return
            node = _string_node(parts, ext)
        self.emit("STRING" if isinstance(node, ast.StringLiteral) else "EXPSTRING",
                  text[pos:end], pos, end, node)
        self.pos = end
        self.state = state
        self.postfix = True

    def scan_single(self, pos: int) -> tuple[str | None, int]:
        text = self.text
        chunks = []
        p = pos + 1
        while True:
            m = _SQ_END_RE.search(text, p)
            if not m:
                return None, self.n
            q = m.start()
            chunks.append(text[p:q])
            if q + 1 < self.n and text[q + 1] in _SQUOTES:
                chunks.append(text[q + 1])
                p = q + 2
                continue
            return "".join(chunks), q + 1

    def scan_double(self, pos: int, limit: int, here: bool) -> tuple[list | None, int]:
        """Parts of double-quoted text from `pos`: to its closing quote, or
        (here-strings) to `limit`.  Returns (parts, end after the quote), or
        (None, -1) if unterminated, (None, pos) after an error was emitted."""
        text = self.text
        parts: list = []
        buf: list[str] = []
        run = _HERE_RUN_RE if here else _DQ_RUN_RE
        p = pos
        while p < limit:
            m = run.match(text, p, limit)
            if m:
                buf.append(m.group())
                p = m.end()
                continue
            c = text[p]
            if c == "`":
                if p + 1 >= limit:
                    if here:
                        buf.append(c)
                        p += 1
                        continue
                    return None, -1
                ch, p = escape(text, p + 1)
                buf.append(ch)
            elif c == "$":
                node, end = self.dollar(p)
                if node is False:
                    return None, p
                if node is None:
                    buf.append("$")
                    p += 1
                    continue
                if buf:
                    parts.append("".join(buf))
                    buf = []
                parts.append(node)
                p = end
            else:                           # a double quote
                if p + 1 < limit and text[p + 1] in _DQUOTES:
                    buf.append(text[p + 1])
                    p += 2
                    continue
                if buf:
                    parts.append("".join(buf))
                return parts, p + 1
        if here:
            if buf:
                parts.append("".join(buf))
            return parts, limit
        return None, -1

    def dollar(self, pos: int):
        """An expansion at `$` inside a string or word: (node, end), (None, _)
        for a literal `$`, or (False, _) when an error token was emitted."""
        text = self.text
        if text.startswith("$(", pos):
            return self.subexpression(pos)
        node, end = self.variable_node(pos)
        if isinstance(node, str):
            self.pos = end
            self.error(node, "InvalidVariableReferenceWithDrive", pos, end)
            return False, end
        return node, end

    def subexpression(self, pos: int):
        """`$( ... )` inside a string or a word."""
        if self.depth >= MAX_STRING_NESTING:
            self.pos = self.n
            self.error("The script is nested too deeply to be parsed.", "ScriptTooComplex",
                       pos, pos + 2)
            self.done = True
            return False, self.n
        if self.subparse is not None:
            block, end = self.subparse(pos + 2, self.depth + 1)
            return ast.SubExpression(block, extent=self.extent(pos, end)), end
        sub = Lexer(self.text, pos + 2, "strsub", self.lines, None, self.comments, self.depth + 1)
        errors = [t for t in sub if t.type == "ERROR"]
        if sub.end is None:
            self.pos = self.n
            msg = errors[0].value if errors else ("Missing closing ')' in subexpression.",
                                                  "MissingEndParenthesisInSubexpression", True)
            self.emit("ERROR", msg, pos, self.n)
            self.done = True
            return False, self.n
        return ast.SubExpression(ast.StatementBlock(()), extent=self.extent(pos, sub.end)), sub.end

    def scan_word(self, pos: int):
        """An argument-mode word from `pos`: (node, end, expandable); node is
        None when an error token was emitted instead."""
        text, n = self.text, self.n
        parts: list = []
        buf: list[str] = []
        p = pos
        while p < n:
            m = _WORD_RUN_RE.match(text, p)
            if m:
                buf.append(m.group())
                p = m.end()
                continue
            c = text[p]
            if c in _ARG_END:
                break
            if c == "`":
                if p + 1 >= n or text[p + 1] in "\r\n":
                    break
                ch, p = escape(text, p + 1)
                buf.append(ch)
            elif c in _SQUOTES:
                value, end = self.scan_single(p)
                if value is None:
                    self.unterminated(p, "'")
                    return None, n, False
                buf.append(value)
                p = end
            elif c in _DQUOTES:
                sub, end = self.scan_double(p + 1, n, False)
                if sub is None:
                    if end < 0:
                        self.unterminated(p, '"')
                    return None, n, False
                for part in sub:
                    if isinstance(part, str):
                        buf.append(part)
                    else:
                        if buf:
                            parts.append("".join(buf))
                            buf = []
                        parts.append(part)
                p = end
            else:                           # `$`
                node, end = self.dollar(p)
                if node is False:
                    return None, end, False
                if node is None:
                    buf.append("$")
                    p += 1
                    continue
                if buf:
                    parts.append("".join(buf))
                    buf = []
                parts.append(node)
                p = end
        if buf:
            parts.append("".join(buf))
        ext = self.extent(pos, p)
        if all(isinstance(part, str) for part in parts):
            return ast.Constant("".join(parts), bare=True, extent=ext), p, False
        return ast.ExpandableString(tuple(parts), extent=ext), p, True


def _string_node(parts: list, extent: ast.Extent):
    if all(isinstance(part, str) for part in parts):
        return ast.StringLiteral("".join(parts), extent=extent)
    return ast.ExpandableString(tuple(parts), extent=extent)


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
}
