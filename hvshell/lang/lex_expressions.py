"""Expression-mode scanning for `hvshell.lang.lexer.Lexer`: operands
(numbers, variables, strings, groups, `[type]` literals), operators,
member access, indexing, method calls and attribute arguments.
"""
from __future__ import annotations

from hvshell.lang import ast
from hvshell.lang.literals import NUMBER_RE, number_value
from hvshell.lang.lex_vocab import (
    BINARY_WORDS, CONTINUATION_RE, DASHES, DASH_WORD_RE, DIGITS, DQUOTES, IDENT_RE, MEMBER_RE,
    NUMBER_WORD_RE, SPLAT_RE, SQUOTES, TYPE_NAME_RE, UNARY_WORDS, WORD_RUN_RE,
    S_AFTER_TYPE, S_ATTR_ARG, S_ATTR_RBRACKET, S_CMD, S_MEMBER, S_OPERAND, S_OPERATOR,
    S_STMT, S_STMT_CONT,
)


class ExpressionScanner:
    """Lexer states where an operand, an operator or a member name comes next."""

    def s_operand(self, pos: int, c: str) -> None:
        text = self.text
        self.operand_state = S_OPERATOR
        if c == "$":
            if text.startswith("$(", pos):
                self.open_group(pos, c, S_OPERATOR)
                return
            self.variable_token(pos, S_OPERATOR)
            return
        if c in DIGITS or (c == "." and text[pos + 1:pos + 2] in DIGITS):
            self.number_token(pos, pos, False)
            return
        if c in DASHES:
            nxt = text[pos + 1:pos + 2]
            if nxt in DIGITS or (nxt == "." and text[pos + 2:pos + 3] in DIGITS):
                self.number_token(pos, pos + 1, True)
                return
            if nxt in DASHES:
                self.unary(pos, pos + 2, "--")
                return
            m = DASH_WORD_RE.match(text, pos)
            if m:
                self.dash_operator(pos, m, unary=True)
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
        if c in SQUOTES or c in DQUOTES:
            self.string_token(pos, c, S_OPERATOR)
            return
        if c == "@":
            nxt = text[pos + 1:pos + 2]
            if nxt in ("(", "{"):
                self.open_group(pos, c, S_OPERATOR)
            elif nxt in ("'", '"'):
                self.here_string_token(pos, S_OPERATOR)
            else:
                m = SPLAT_RE.match(text, pos)
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
        if c in "=*/%|>.&<" or c in DIGITS:
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
            m = WORD_RUN_RE.match(self.text, pos)
            end = m.end() if m else pos + 1
        text = self.text[pos:end]
        self.pos = end
        if text[:1] in DIGITS:
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
        if c in DASHES:
            nxt = text[pos + 1:pos + 2]
            if nxt in DASHES:
                self.emit("POSTFIX", "post--", pos, pos + 2)
                self.pos = pos + 2
                return
            if nxt == "=":
                self.assign(pos, pos + 2)
                return
            m = DASH_WORD_RE.match(text, pos)
            if m:
                self.dash_operator(pos, m, unary=False)
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
            self.pipe(pos)
            return
        if c == "&":
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

    def dash_operator(self, pos: int, m, unary: bool) -> None:
        """`-word` (matched by `m`): the operator of that name (a unary one
        only where an operand is expected), else an unexpected token."""
        word = m.group(1).lower()
        if unary and word in UNARY_WORDS:
            self.unary(pos, m.end(), "-" + word)
        elif word in BINARY_WORDS:
            self.binop(pos, m.end(), "-" + word)
        else:
            self.unexpected(pos, m.end())

    def pipe(self, pos: int) -> None:
        if self.text.startswith("||", pos):
            self.chain_operator(pos, "||")
            return
        self.emit("PIPE", "|", pos, pos + 1)
        self.pos = pos + 1
        self.state = S_CMD
        self.postfix = False

    def ampersand(self, pos: int) -> None:
        """A `&` after a value: `&&` (not in this version) or an error."""
        if self.text.startswith("&&", pos):
            self.chain_operator(pos, "&&")
            return
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
            # In text cut at a cursor, `$x.` at the end is a member being typed.
            if nxt and (nxt.isalnum() or nxt in "_$'\"" or nxt in SQUOTES or nxt in DQUOTES
                        or (nxt == "`" and CONTINUATION_RE.match(text, pos + 1))) \
                    or not nxt and self.partial:
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
        if c == "{" and self.last.type == "MEMBER":
            # `.Where{ ... }`, `.ForEach{ ... }`: a method call whose one
            # argument is the script block, written without parentheses.
            opener = self.emit("CALL_BRACE", "{", pos, pos + 1)
            self.push("block", self.operand_state, None, opener, S_STMT)
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
        if c in DASHES:
            m = DASH_WORD_RE.match(text, pos)
            if m and m.group(1).lower() in BINARY_WORDS and m.group(1).lower() not in UNARY_WORDS:
                self.s_operator(pos, c)
                return
        self.s_operand(pos, c)

    def s_member(self, pos: int, c: str) -> None:
        text = self.text
        state = self.operand_state
        m = MEMBER_RE.match(text, pos)
        if m:
            self.emit("MEMBER", m.group(), pos, m.end())
            self.pos = m.end()
        elif c in SQUOTES or c in DQUOTES:
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
        m = TYPE_NAME_RE.match(text, p)
        if not m:
            self.pos = pos + 1
            self.error("Missing type name after '['.", "MissingTypename", pos, pos + 1,
                       incomplete=p >= n)
            return
        p = m.end()
        simple = True
        while True:
            # `[String []]`: blanks may stand before the array brackets.
            q = p
            while q < n and text[q] in " \t":
                q += 1
            if q >= n or text[q] != "[":
                break
            p = q
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
        name = "".join(text[pos + 1:p].split())
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
        m = IDENT_RE.match(self.text, pos)
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

    def number_token(self, pos: int, digits: int, negative: bool) -> None:
        text = self.text
        m = NUMBER_RE.match(text, digits)
        end = m.end() if m else digits
        value = number_value(m, negative) if m else None
        if value is None or (end < self.n and (text[end].isalnum() or text[end] == "_")):
            word_end = NUMBER_WORD_RE.match(text, digits).end() if digits < self.n else digits
            self.unexpected(pos, max(word_end, end))
            return
        self.emit("NUMBER", text[pos:end], pos, end, ast.Constant(value, extent=self.extent(pos, end)))
        self.pos = end
        self.state = S_OPERATOR
        self.postfix = True
