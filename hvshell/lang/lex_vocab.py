"""The lexer's vocabulary: its token and bracket types, its states, and the
character classes, patterns and word lists that decide what text is.

`hvshell.lang.lexer` reads text with these; nothing here scans on its own.
"""
from __future__ import annotations

import re


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
 S_DATA_HEAD,       # after `data`: a variable name, -SupportedCommand, then `{`
 S_TYPE_HEAD,       # after `class` / `enum`: its name, `: Base`, then `{`
 S_CLASS_MEMBER,    # in a class body: a member (attributes, modifiers, type, $name or Method()
 S_CLASS_MEMBER_CONT,  # same, after an attribute, modifier or type: a newline continues
 S_METHOD_TAIL,     # after a method's parameters: `: base(...)` then its `{`
 S_ENUM_MEMBER,     # in an enum body: a label
 ) = range(31)

# States in which a newline is only white space (the statement goes on).
NL_SKIPPED = frozenset({
    S_STMT_CONT, S_CMD, S_ARG_CONT, S_OPERAND, S_EXPECT_BLOCK, S_KW_PAREN,
    S_AFTER_DO, S_FUNCNAME, S_FUNC_AFTER_NAME, S_CATCH_HEAD, S_SWITCH_HEAD,
    S_SWITCH_BRACE, S_SWITCH_PATTERN, S_SWITCH_BODY, S_HASH_KEY,
    S_FOREACH_VAR, S_FOREACH_IN, S_ATTR_ARG, S_ATTR_RBRACKET, S_DATA_HEAD, S_TYPE_HEAD,
    S_CLASS_MEMBER_CONT, S_METHOD_TAIL})
# Bracket kinds inside which newlines never separate statements.
NL_FREE_FRAMES = frozenset({"call", "index", "params", "attr", "for", "foreach", "switch"})
# The closing character of each bracket kind.
CLOSER = {"script": "", "strsub": ")", "block": "}", "hash": "}", "switch": "}",
          "classbody": "}", "enumbody": "}",
           "paren": ")", "cond": ")", "subexpr": ")", "array": ")", "call": ")",
           "params": ")", "attr": ")", "for": ")", "foreach": ")", "index": "]"}
CLOSER_TYPE = {")": "RPAREN", "}": "RBRACE", "]": "RBRACKET"}
# The state a new member starts in, in the bodies of type definitions.
MEMBER_STATE = {"classbody": S_CLASS_MEMBER, "enumbody": S_ENUM_MEMBER}
# Brackets that open a value: token type, bracket kind, the state inside.
GROUPS = {"{": ("LBRACE", "block", S_STMT), "$(": ("SUBEXPR", "subexpr", S_STMT),
          "@(": ("ARRAYEXPR", "array", S_STMT), "@{": ("HASHSTART", "hash", S_HASH_KEY)}
CLOSERS = frozenset({"RPAREN", "RBRACE", "RBRACKET"})
# Keywords that continue the statement before them across a newline.
JOINERS = frozenset({"ELSE", "ELSEIF", "CATCH", "FINALLY"})


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
DASHES = frozenset("-\u2013\u2014\u2015")
SQUOTES = frozenset("'\u2018\u2019\u201a\u201b")
DQUOTES = frozenset('"\u201c\u201d\u201e')
DIGITS = frozenset("0123456789")         # str.isdigit() is also true for '²'
# A line continuation may have blanks after its backtick: invisible in an
# editor, they are common in scripts copied from the web.
CONTINUATION_RE = re.compile(r"`[^\S\r\n]*(?:\r\n|\n|\r)")
BLANK_RE = re.compile(r"(?:[^\S\r\n]+|\ufeff|" + CONTINUATION_RE.pattern + ")+")
# Characters that may start blank text or a comment (a fast test before the regex).
BLANK_STARTS = frozenset([c for c in map(chr, range(0x3001)) if c.isspace() and c not in "\r\n"]
                          + ["`", "#", "<", "\ufeff"])
LINE_END_RE = re.compile(r"[^\r\n]*")
NEWLINES_RE = re.compile(r"\r\n|\n|\r")
WORD_RUN_RE = re.compile(r"[^\s;,|&(){}`'\"\u2018-\u201e$]+")
DQ_RUN_RE = re.compile(r"[^`$\"\u201c-\u201e]+")
HERE_RUN_RE = re.compile(r"[^`$]+")
SQ_END_RE = re.compile(r"['\u2018\u2019\u201a\u201b]")
VAR_RE = re.compile(r"\$(?:\{(?P<braced>(?:[^}`]|`.)*)\}"
                     r"|(?P<scope>[A-Za-z_]\w*):(?P<sname>\w+)"
                     r"|(?P<name>\w+|[$?^]))")
PARAM_RE = re.compile(r"[-\u2013\u2014\u2015]([A-Za-z_?][^\s{}();,|&.\[:'\"\u2018-\u201e]*)(:?)")
DASH_WORD_RE = re.compile(r"[-\u2013\u2014\u2015]([A-Za-z]+)(?!\w)")
IDENT_RE = re.compile(r"[A-Za-z_]\w*")
MEMBER_RE = re.compile(r"\w+")
HASHKEY_RE = re.compile(r"[\w-]+")
LABEL_RE = re.compile(r":([A-Za-z_]\w*)")
BREAK_LABEL_RE = re.compile(r":?([A-Za-z_]\w*)")
TYPE_NAME_RE = re.compile(r"[\w.`+]+")
REDIRECT_RE = re.compile(r"([1-6*]?)(>>?)(?:&([1-6]))?")
SPLAT_RE = re.compile(r"@(\w+)")
FUNCNAME_RE = re.compile(r"[^\s(){};,|&'\"\u2018-\u201e]+")
HERE_HEADER_RE = re.compile(r"[^\S\r\n]*(\r\n|\n|\r)")
HERE_END = {"'": re.compile(r"^'@", re.M), '"': re.compile(r'^"@', re.M)}
NUMBER_WORD_RE = re.compile(r"[\w.]+")
LETTERS_RE = re.compile(r"[A-Za-z]*")
# Letters after digits that try to be a type suffix and a multiplier (`1usgb`,
# `100gbL`) make a bad number, not a command name.
BAD_SUFFIX_RE = re.compile(r"(?i)[ludsyn]{0,2}(?:[kmgtp]b)?[ludsyn]{0,2}")

# Argument-mode metacharacters that end a word (about_Parsing).
ARG_END = frozenset(" \t\f\v\u00a0\r\n;,|&(){}")

UNARY_WORDS = frozenset({"not", "bnot", "split", "join"})
BINARY_WORDS = frozenset(
    ["f", "and", "or", "xor", "band", "bor", "bxor", "is", "isnot", "as", "join"]
    + [p + op for p in ("", "i", "c") for op in (
        "eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match", "notmatch",
        "contains", "notcontains", "in", "notin", "replace", "split", "shl", "shr")]
    ) - {"ishl", "ishr", "cshl", "cshr"}

KEYWORDS = {
    "if": "IF", "elseif": "ELSEIF", "else": "ELSE", "foreach": "FOREACH",
    "for": "FOR", "while": "WHILE", "do": "DO", "until": "UNTIL",
    "switch": "SWITCH", "break": "BREAK", "continue": "CONTINUE",
    "return": "RETURN", "throw": "THROW", "exit": "EXIT", "try": "TRY",
    "catch": "CATCH", "finally": "FINALLY", "function": "FUNCTION",
    "filter": "FILTER", "trap": "TRAP", "data": "DATA", "class": "CLASS", "enum": "ENUM",
}
CLASS_MODIFIERS = frozenset({"static", "hidden"})
TYPE_DEF_NAME_RE = re.compile(r"[A-Za-z_][\w.]*")
# Reserved words of the language that hvshell does not implement, and why.
UNSUPPORTED_KEYWORDS = {
    "configuration": "DSC configurations (Desired State Configuration) do not run in hvshell: "
                     "compile and apply them with the PSDesiredStateConfiguration module on a "
                     "real node",
    "workflow": "Windows PowerShell workflows do not run in hvshell: write the steps as a "
                "function, with Start-Job or -AsJob for what runs in parallel",
}
for _word in ("parallel", "sequence", "inlinescript"):
    UNSUPPORTED_KEYWORDS[_word] = UNSUPPORTED_KEYWORDS["workflow"]
# Reserved for future use by PowerShell itself, or meaningful only inside a class.
RESERVED_KEYWORDS = frozenset({"define", "from", "var", "hidden", "static", "in"})
USING_RE = re.compile(r"[^\S\r\n]+(\w+)(?:[^\S\r\n]+('[^'\r\n]*'|\"[^\"\r\n]*\"|[^\s;]+))?")
DATA_OPTION_RE = re.compile(r"[-\u2013\u2014\u2015]SupportedCommand[^\S\r\n]+"
                            r"([\w-]+(?:[^\S\r\n]*,[^\S\r\n]*[\w-]+)*)", re.I)
SWITCH_OPTIONS = ("regex", "wildcard", "exact", "casesensitive", "file")


# Strings inside `$( )` inside strings...: deeper than this is an error, not a crash.
MAX_STRING_NESTING = 32


def line_starts(text: str) -> list[int]:
    """Offsets where each line begins (a line ends at \\n, \\r\\n or \\r)."""
    return [0] + [m.end() for m in NEWLINES_RE.finditer(text)]
