"""Statement-level scanning for `hvshell.lang.lexer.Lexer`: what starts a
statement (a keyword, a label, a command name or an expression) and the
heads of `if`/`foreach`/`switch`/`function`/`catch`/... up to their blocks.
"""
from __future__ import annotations

from hvshell.lang import ast
from hvshell.lang.literals import NUMBER_RE
from hvshell.lang.lex_vocab import (
    ARG_END, BAD_SUFFIX_RE, BREAK_LABEL_RE, CONTINUATION_RE, DASHES, DASH_WORD_RE,
    DATA_OPTION_RE, DIGITS, FUNCNAME_RE, HASHKEY_RE, IDENT_RE, KEYWORDS, LABEL_RE, LETTERS_RE,
    LINE_END_RE, RESERVED_KEYWORDS, SWITCH_OPTIONS, UNSUPPORTED_KEYWORDS, USING_RE,
    WORD_RUN_RE, S_AFTER_DO, S_ARG, S_BREAK, S_CATCH_HEAD, S_DATA_HEAD,
    S_EXPECT_BLOCK, S_FOREACH_IN, S_FOREACH_VAR, S_FUNCNAME, S_FUNC_AFTER_NAME, S_KW_PAREN,
    S_OPERAND, S_OPERATOR, S_STMT, S_STMT_CONT, S_SWITCH_BODY, S_SWITCH_BRACE,
    S_SWITCH_HEAD, S_SWITCH_PATTERN, S_TYPE_HEAD,
)


class StatementScanner:
    """Lexer states at the start of a statement and in keyword heads."""

    def s_stmt(self, pos: int, c: str) -> None:
        text = self.text
        if c == ":" and self.state == S_STMT:
            m = LABEL_RE.match(text, pos)
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
            if nxt not in DIGITS:
                self.command_word(pos)
                return
        if c.isalpha() or c == "_" or c == "\\" or c == "/" or c == "~" or c == "%" or c == "?":
            self.statement_word(pos)        # `%` and `?` are aliases, as commands
            return
        if self.name_pattern_cut(pos, c):
            self.command_word(pos)
            return
        if c in DIGITS:
            m = NUMBER_RE.match(text, pos)
            end = m.end() if m else pos
            if end < self.n and (text[end].isalnum() or text[end] == "_"):
                glued = LETTERS_RE.match(text, m.start("mult") if m.group("mult") else
                                          m.start("suffix") if m.group("suffix") else end)
                if not BAD_SUFFIX_RE.fullmatch(glued.group()):
                    self.command_word(pos)  # `7z`: a command whose name starts with a digit
                    return
        self.s_operand(pos, c)

    def statement_word(self, pos: int) -> None:
        text = self.text
        m = WORD_RUN_RE.match(text, pos)
        end = m.end()
        nxt = text[end:end + 1]
        if nxt == "" or nxt in ARG_END:
            word = text[pos:end].lower()
            kind = KEYWORDS.get(word)
            if kind is not None:
                self.keyword(kind, word, pos, end)
                return
            # `param` and its `(` may stand on separate lines, with comments
            # between (the Allman style of DSC resources and many modules).
            if word == "param" and self.peek_char(end, True) == "(":
                self.emit("PARAMKW", word, pos, end)
                self.pos = end
                self.state = S_KW_PAREN
                self.kw = "param"
                return
            if word in ("begin", "process", "end", "dynamicparam") \
                    and self.peek_char(end, True) == "{":
                self.emit("NAMED", word, pos, end)
                self.pos = end
                self.state = S_EXPECT_BLOCK
                self.kw = word
                return
            if word == "using":
                self.using_statement(pos, end)
                return
            # Cut at a cursor, a keyword may be the start of a command (`in`: Invoke-Command).
            cut = self.partial and end == self.n
            if word in UNSUPPORTED_KEYWORDS and not cut:
                self.pos = end
                self.error(f"The '{self.text[pos:end]}' keyword is not supported: "
                           f"{UNSUPPORTED_KEYWORDS[word]}.", "KeywordNotSupported", pos, end)
                return
            if word in RESERVED_KEYWORDS and not cut:
                self.pos = end
                self.error(f"The '{word}' keyword is not supported in this version of the language.",
                           "ReservedKeywordNotAllowed", pos, end)
                return
        self.command_word(pos)

    def using_statement(self, pos: int, end: int) -> None:
        """`using namespace N`, `using module M`, `using assembly A`: one
        token holding the kind and the name (quotes removed)."""
        m = USING_RE.match(self.text, end)
        kind = m.group(1).lower() if m else ""
        if kind not in ("namespace", "module", "assembly") or not m.group(2):
            stop = m.end() if m else end
            self.pos = stop
            self.error("The 'using' keyword must be followed by 'namespace', 'module' or "
                       "'assembly' and a name.", "MissingUsingStatementDirective", pos, stop)
            return
        name = m.group(2)
        if name[:1] in "'\"":
            name = name[1:-1]
        self.emit("USING", (kind, name), pos, m.end())
        self.pos = m.end()
        self.state = S_OPERATOR
        self.postfix = False

    def peek_char(self, pos: int, newlines: bool = False) -> str:
        """The next character after blanks (and newlines and comments if asked)."""
        text, n = self.text, self.n
        while pos < n:
            c = text[pos]
            if c in " \t\f\v\u00a0" or (newlines and c in "\r\n"):
                pos += 1
            elif c == "`" and CONTINUATION_RE.match(text, pos):
                pos = CONTINUATION_RE.match(text, pos).end()
            elif newlines and c == "#":
                pos = LINE_END_RE.match(text, pos).end()
            elif newlines and text.startswith("<#", pos):
                end = text.find("#>", pos + 2)
                if end < 0:
                    return ""
                pos = end + 2
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
        elif kind in ("CATCH", "TRAP"):
            self.state = S_CATCH_HEAD
        elif kind == "DATA":
            self.state = S_DATA_HEAD
        elif kind in ("CLASS", "ENUM"):
            self.state = S_TYPE_HEAD
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
        elif c in DIGITS:
            self.s_stmt(pos, c)
        elif c.isalpha() or c in "_\\/~%?." or self.name_pattern_cut(pos, c):
            self.command_word(pos)
        else:
            self.s_operand(pos, c)

    def name_pattern_cut(self, pos: int, c: str) -> bool:
        """In text cut at a cursor, a word starting with `*` and running
        to the end (`*-Test*VM`) is a command name pattern being typed
        (completion takes wildcards); nothing else can start with `*` there."""
        return c == "*" and self.partial and WORD_RUN_RE.match(self.text, pos).end() == self.n

    def chain_operator(self, pos: int, op: str) -> None:
        self.pos = pos + 2
        self.error(f"The token '{op}' is not a valid statement separator in this version.",
                   "InvalidEndOfLine", pos, pos + 2)

    # ------------------------------------------------------ keyword heads
    def statement_instead(self, pos: int, c: str) -> None:
        """What a keyword head expected is not there: a statement starts
        at `pos` (the parser reports what is missing)."""
        self.state = S_STMT
        self.s_stmt(pos, c)

    def s_kw_paren(self, pos: int, c: str) -> None:
        kw = self.kw
        if c != "(":
            self.statement_instead(pos, c)
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

    def s_expect_block(self, pos: int, c: str) -> None:
        if c != "{":
            self.statement_instead(pos, c)
            return
        kw = self.kw
        opener = self.emit("LBRACE", kw, pos, pos + 1)
        self.pos = pos + 1
        self.push("block", S_AFTER_DO if kw == "do" else S_STMT, kw, opener, S_STMT)

    def s_after_do(self, pos: int, c: str) -> None:
        m = IDENT_RE.match(self.text, pos)
        if m and m.group().lower() in ("while", "until"):
            word = m.group().lower()
            self.emit(word.upper(), word, pos, m.end())
            self.pos = m.end()
            self.kw = word
            self.last_do = True
            self.state = S_KW_PAREN
            return
        self.statement_instead(pos, c)

    def s_funcname(self, pos: int, c: str) -> None:
        m = FUNCNAME_RE.match(self.text, pos)
        if not m:
            self.statement_instead(pos, c)
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
            self.statement_instead(pos, c)

    def s_catch_head(self, pos: int, c: str) -> None:
        if c == "[":
            self.type_token(pos)
            if self.last.type == "TYPE":
                self.state = S_CATCH_HEAD
        elif c == ",":
            self.emit("COMMA", ",", pos, pos + 1)
            self.pos = pos + 1
        elif c == "{":
            self.s_expect_block(pos, c)     # of `catch` or `trap` (self.kw)
        else:
            self.statement_instead(pos, c)

    def s_data_head(self, pos: int, c: str) -> None:
        """`data [Name] [-SupportedCommand A, B] {`."""
        text = self.text
        if c == "{":
            self.s_expect_block(pos, c)
            return
        m = DATA_OPTION_RE.match(text, pos) if c in DASHES else None
        if m:
            names = tuple(n.strip() for n in m.group(1).split(","))
            self.emit("DATAOPT", names, pos, m.end())
            self.pos = m.end()
            return
        m = IDENT_RE.match(text, pos)
        if m and self.last.type == "DATA":
            self.emit("NAME", m.group(), pos, m.end())
            self.pos = m.end()
            return
        self.state = S_STMT
        self.s_stmt(pos, c)

    def s_switch_head(self, pos: int, c: str) -> None:
        if c in DASHES:
            m = DASH_WORD_RE.match(self.text, pos)
            if m:
                word = m.group(1).lower()
                matches = [o for o in SWITCH_OPTIONS if o.startswith(word)]
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
        self.statement_instead(pos, c)

    def s_switch_brace(self, pos: int, c: str) -> None:
        if c != "{":
            self.statement_instead(pos, c)
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
        m = IDENT_RE.match(text, pos)
        if m and m.group().lower() == "default":
            nxt = text[m.end():m.end() + 1]
            if nxt == "" or nxt in ARG_END:
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
        m = BREAK_LABEL_RE.match(self.text, pos)
        if m:
            self.emit("LABELNAME", m.group(1), pos, m.end())
            self.pos = m.end()
            self.state = S_OPERATOR
            self.postfix = False
            return
        self.statement_instead(pos, c)

    def s_hash_key(self, pos: int, c: str) -> None:
        if c not in DIGITS:
            m = HASHKEY_RE.match(self.text, pos)
            if m and m.group()[0] not in DASHES:
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
        m = IDENT_RE.match(self.text, pos)
        if m and m.group().lower() == "in":
            self.emit("IN", "in", pos, m.end())
            self.pos = m.end()
            self.state = S_STMT_CONT
            return
        self.state = S_OPERATOR
        self.s_operator(pos, c)
