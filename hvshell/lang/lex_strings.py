"""Strings, here-strings, variables and argument words for
`hvshell.lang.lexer.Lexer`: the scanners that read quoted and expandable
text (`"$x and $($y)"`, backtick escapes) into AST nodes.
"""
from __future__ import annotations

import re

from hvshell.lang import ast
from hvshell.lang.literals import escape
from hvshell.lang.lex_vocab import (
    ARG_END, CONTINUATION_RE, DQUOTES, DQ_RUN_RE, HERE_END, HERE_HEADER_RE, HERE_RUN_RE, LINE_END_RE,
    SQUOTES, SQ_END_RE, VAR_RE, WORD_RUN_RE, MAX_STRING_NESTING,
)


class StringScanner:
    """Scanning of quoted text, variables and the words of argument mode."""

    def variable_node(self, pos: int):
        """(node, end) for a variable at `pos`, or (None, end) for a `$`
        that is not one, or (ERROR message, end) for `$name:` with no name."""
        text = self.text
        m = VAR_RE.match(text, pos)
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
        if quote in SQUOTES:
            value, end = self.scan_single(pos)
            if end < 0:
                self.unterminated(pos, value)
                return True
            node = ast.StringLiteral(value, extent=self.extent(pos, end))
            type_ = "STRING"
        else:
            parts, end = self.scan_double(pos + 1, self.n, False)
            if end < 0:
                self.unterminated(pos, parts)
                return True
            if parts is None:
                return True         # error already emitted by a nested scan
            node = _string_node(parts, self.extent(pos, end))
            type_ = "STRING" if isinstance(node, ast.StringLiteral) else "EXPSTRING"
        if arg and end < self.n and self.text[end] not in ARG_END:
            return False
        self.emit(type_, self.text[pos:end], pos, end, node)
        self.pos = end
        self.state = state
        self.postfix = True
        return True

    def unterminated(self, pos: int, read: str | list | None = None) -> None:
        """The string opened at `pos` runs to the end of the text.  In text
        cut at a cursor (`partial`) that is a string being typed: an
        OPEN_STRING token holds its opening quote and what `read` so far
        (a single-quoted value, or double-quoted parts); otherwise an error."""
        self.pos = self.n
        self.done = True
        quote = self.text[pos]
        if self.partial and read is not None:
            ext = self.extent(pos, self.n)
            node = (ast.StringLiteral(read, extent=ext) if isinstance(read, str)
                    else _string_node(read, ext))
            self.emit("OPEN_STRING", quote, pos, self.n, node)
            return
        quote = "'" if quote in SQUOTES else '"'
        self.error(f"The string is missing the terminator: {quote}.",
                   "TerminatorExpectedAtEndOfString", pos, self.n, incomplete=True)

    def here_string_token(self, pos: int, state: int) -> None:
        text = self.text
        quote = text[pos + 1]
        m = HERE_HEADER_RE.match(text, pos + 2)
        if not m:
            end = LINE_END_RE.match(text, pos + 2).end()
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
        close = HERE_END[quote].search(text, body)
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

    def scan_single(self, pos: int) -> tuple[str, int]:
        """The value of the single-quoted string at `pos` and the offset
        after it; (what was read, -1) when it is unterminated."""
        text = self.text
        chunks = []
        p = pos + 1
        while True:
            m = SQ_END_RE.search(text, p)
            if not m:
                chunks.append(text[p:])
                return "".join(chunks), -1
            q = m.start()
            chunks.append(text[p:q])
            if q + 1 < self.n and text[q + 1] in SQUOTES:
                chunks.append(text[q + 1])
                p = q + 2
                continue
            return "".join(chunks), q + 1

    def scan_double(self, pos: int, limit: int, here: bool) -> tuple[list | None, int]:
        """Parts of double-quoted text from `pos`: to its closing quote, or
        (here-strings) to `limit`.  Returns (parts, end after the quote), or
        (parts read, -1) if unterminated, (None, pos) after an error was emitted."""
        text = self.text
        parts: list = []
        buf: list[str] = []
        run = HERE_RUN_RE if here else DQ_RUN_RE
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
                    break
                ch, p = escape(text, p + 1)
                buf.append(ch)
            elif c == "$":
                end = self.expansion(p, buf, parts)
                if end is None:
                    return None, p
                p = end
            else:                           # a double quote
                if p + 1 < limit and text[p + 1] in DQUOTES:
                    buf.append(text[p + 1])
                    p += 2
                    continue
                if buf:
                    parts.append("".join(buf))
                return parts, p + 1
        if buf:
            parts.append("".join(buf))
        return parts, limit if here else -1

    def expansion(self, p: int, buf: list[str], parts: list) -> int | None:
        """The `$` at `p` in a string or word: a variable or `$( )` joins
        `parts` after the literal text gathered in `buf`; a lone `$` is
        literal text.  The offset after it, or None when an error token
        was emitted."""
        node, end = self.dollar(p)
        if node is False:
            return None
        if node is None:
            buf.append("$")
            return p + 1
        if buf:
            parts.append("".join(buf))
            buf.clear()
        parts.append(node)
        return end

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
        sub = type(self)(self.text, pos + 2, "strsub", self.lines, None, self.comments, self.depth + 1)
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
            m = WORD_RUN_RE.match(text, p)
            if m:
                buf.append(m.group())
                p = m.end()
                continue
            c = text[p]
            if c in ARG_END:
                break
            if c == "`":
                if p + 1 >= n or CONTINUATION_RE.match(text, p):
                    break
                ch, p = escape(text, p + 1)
                buf.append(ch)
            elif c in SQUOTES:
                value, end = self.scan_single(p)
                if end < 0:
                    self.unterminated(p)
                    return None, n, False
                buf.append(value)
                p = end
            elif c in DQUOTES:
                sub, end = self.scan_double(p + 1, n, False)
                if end < 0:
                    self.unterminated(p)
                if sub is None or end < 0:
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
                end = self.expansion(p, buf, parts)
                if end is None:
                    return None, p, False
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


