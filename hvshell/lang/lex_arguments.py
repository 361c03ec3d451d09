"""Argument-mode scanning for `hvshell.lang.lexer.Lexer`: after a command
name, `-Name` is a parameter, a bare word is one string, and `|`, `,`,
redirections and groups keep their meaning (about_Parsing).
"""
from __future__ import annotations

from hvshell.lang import ast
from hvshell.lang.literals import NUMBER_RE, number_value
from hvshell.lang.lex_vocab import (
    ARG_END, DASHES, DIGITS, DQUOTES, PARAM_RE, REDIRECT_RE, SPLAT_RE, SQUOTES, VAR_RE,
    S_ARG, S_ARG_CONT, S_OPERATOR, S_SWITCH_BODY,
)


class ArgumentScanner:
    """Lexer states in a command's arguments."""

    def s_arg(self, pos: int, c: str) -> None:
        text = self.text
        self.operand_state = self.after_arg()
        if self.postfix and pos == self.last.end and self.state == S_ARG and self.postfix_op(pos, c):
            return
        self.postfix = False
        # A dash glued to the previous argument (`$HOME.Length-more`) starts a
        # word, not a parameter.
        if c in DASHES and not self.no_params and (self.last is None or pos > self.last.end):
            m = PARAM_RE.match(text, pos)
            if m:
                colon = bool(m.group(2))
                self.emit("PARAM_COLON" if colon else "PARAM", m.group(1), pos, m.end())
                self.pos = m.end()
                self.state = S_ARG
                return
            nxt = text[pos + 1:pos + 2]
            if nxt in DASHES:
                after = text[pos + 2:pos + 3]
                if after == "%":
                    self.pos = pos + 3
                    self.error("The stop-parsing token (--%) is not supported.",
                               "StopParsingNotSupported", pos, pos + 3)
                    return
                if after == "" or after in ARG_END:
                    self.no_params = True
                    self.pos = pos + 2
                    return
        if c in DASHES:
            nxt = text[pos + 1:pos + 2]
            if nxt in DIGITS or (nxt == "." and text[pos + 2:pos + 3] in DIGITS):
                if self.arg_number(pos, pos + 1, True):
                    return
        elif c in DIGITS or (c == "." and text[pos + 1:pos + 2] in DIGITS):
            if c in "123456" and self.redirection(pos):
                return
            if self.arg_number(pos, pos, False):
                return
        elif c == "$":
            if text.startswith("$(", pos):
                self.open_group(pos, c, self.after_arg())
                return
            m = VAR_RE.match(text, pos)
            if m:
                end = m.end()
                nxt = text[end:end + 1]
                if nxt == "" or nxt in ARG_END or nxt == "[" or (
                        nxt == "." and text[end + 1:end + 2].isalnum() or
                        nxt == "." and text[end + 1:end + 2] in ("_", "'", '"') or
                        nxt == "." and end + 1 == self.n and self.partial):
                    self.variable_token(pos, self.after_arg())
                    return
        elif c in SQUOTES or c in DQUOTES:
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
            m = SPLAT_RE.match(text, pos)
            if m and (m.end() >= self.n or text[m.end()] in ARG_END):
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
            self.pipe(pos)
            return
        elif c == "&":
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
        if end < self.n and text[end] not in ARG_END:
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
        m = REDIRECT_RE.match(self.text, pos)
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
