"""Type-definition scanning for `hvshell.lang.lexer.Lexer`: the heads and
bodies of `class` and `enum` (about_Classes, about_Enum).

A class body holds members, not statements: properties
(`[hidden] [static] [Type] $Name [= value]`) and methods and constructors
(`[static] [Type] Name([params]) [: base(args)] { ... }`), separated like
statements by newlines or `;`.  An enum body holds labels (`Name [= value]`).
The method bodies and the values are ordinary statement and expression text.
"""
from __future__ import annotations

from hvshell.lang.lex_vocab import (
    CLASS_MODIFIERS, IDENT_RE, TYPE_DEF_NAME_RE, S_CLASS_MEMBER, S_CLASS_MEMBER_CONT,
    S_ENUM_MEMBER, S_METHOD_TAIL, S_OPERAND, S_OPERATOR, S_STMT, S_STMT_CONT,
)


class TypeScanner:
    """Lexer states in `class` and `enum` definitions."""

    def s_type_head(self, pos: int, c: str) -> None:
        """`class Name [: Base [, Interface]] {` or `enum Name {`."""
        if c == "{":
            kind = "classbody" if self.kw == "class" else "enumbody"
            opener = self.emit("LBRACE", self.kw, pos, pos + 1)
            self.push(kind, S_STMT, self.kw, opener,
                      S_CLASS_MEMBER if kind == "classbody" else S_ENUM_MEMBER)
            self.pos = pos + 1
            return
        if c == ":" or c == ",":
            self.emit("COLON" if c == ":" else "COMMA", c, pos, pos + 1)
            self.pos = pos + 1
            return
        m = TYPE_DEF_NAME_RE.match(self.text, pos)
        if m:
            self.emit("NAME", m.group(), pos, m.end())
            self.pos = m.end()
            return
        self.state = S_STMT
        self.s_stmt(pos, c)

    def s_class_member(self, pos: int, c: str) -> None:
        text = self.text
        if c == "[":
            self.type_token(pos)
            if self.last.type == "TYPE":
                self.state = S_CLASS_MEMBER_CONT
                self.postfix = False
            return
        if c == "$":
            self.s_operand(pos, c)          # the property: `=` and its value may follow
            return
        m = IDENT_RE.match(text, pos)
        if m:
            word = m.group()
            if word.lower() in CLASS_MODIFIERS:
                self.emit("MODIFIER", word.lower(), pos, m.end())
                self.pos = m.end()
                self.state = S_CLASS_MEMBER_CONT
                return
            if self.peek_char(m.end()) == "(":
                self.emit("METHODNAME", word, pos, m.end())
                self.pos = self.text.index("(", m.end())
                opener = self.emit("LPAREN", "method", self.pos, self.pos + 1)
                self.push("params", S_METHOD_TAIL, "method", opener, S_STMT_CONT)
                self.pos += 1
                return
        self.unexpected(pos, None)

    def s_method_tail(self, pos: int, c: str) -> None:
        """After a method's `)`: a constructor's `: base(args)`, then the body."""
        text = self.text
        if c == "{":
            opener = self.emit("LBRACE", "method", pos, pos + 1)
            self.push("block", S_CLASS_MEMBER, "method", opener, S_STMT)
            self.pos = pos + 1
            return
        if c == ":":
            self.emit("COLON", c, pos, pos + 1)
            self.pos = pos + 1
            return
        m = IDENT_RE.match(text, pos)
        if m and m.group().lower() == "base" and self.last.type == "COLON":
            self.emit("BASE", "base", pos, m.end())
            self.pos = m.end()
            if text[self.pos:self.pos + 1] == "(":
                opener = self.emit("CALL_OPEN", "(", self.pos, self.pos + 1)
                self.push("call", S_METHOD_TAIL, None, opener, S_OPERAND)
                self.pos += 1
            return
        self.unexpected(pos, None)

    def s_enum_member(self, pos: int, c: str) -> None:
        m = IDENT_RE.match(self.text, pos)
        if m:
            self.emit("NAME", m.group(), pos, m.end())
            self.pos = m.end()
            self.state = S_OPERATOR         # `= value` may follow
            self.postfix = False
            return
        self.unexpected(pos, None)
