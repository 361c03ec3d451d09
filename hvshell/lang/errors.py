"""Turning a parser failure into a PowerShell-style parse error.

The LALR parser only says "this token was not expected here".  PowerShell
says what is missing: "Missing closing '}' in statement block", "You must
provide a value expression following the '+' operator".  `describe` recovers
that from three things: the token before the failing one, the brackets that
are still open, and the tokens the parser would have accepted.

`parse` raises `ParseError` listing every located error (`ParseProblem`);
the runtime turns each into an error record (hvshell/runtime/errors.py).
"""
from __future__ import annotations

import attrs

from hvshell.lang.ast import Extent, Source
from hvshell.lang.lexer import Frame, Tok


@attrs.frozen
class SyntaxFailure:
    """One parse error: message, error id, offsets, and whether more input
    could complete the text (the REPL then asks for another line)."""
    message: str
    error_id: str
    start: int
    end: int
    incomplete: bool = False


@attrs.frozen
class ParseProblem:
    """One parse error located in its text (line and column in `extent`)."""
    message: str
    error_id: str
    extent: Extent
    source: Source


class ParseError(Exception):
    """The text does not parse; `records` lists every error found, in order."""

    def __init__(self, records: list[ParseProblem]):
        super().__init__(records[0].message)
        self.records = records


_EXPRESSION_STARTS = frozenset({
    "NUMBER", "STRING", "EXPSTRING", "VARIABLE", "TYPE", "UNARY", "LPAREN", "SUBEXPR",
    "ARRAYEXPR", "HASHSTART", "LBRACE"})

# What the innermost open bracket misses when the text stops inside it.
_MISSING_CLOSER = {
    "block": ("Missing closing '}' in statement block or type definition.", "MissingEndCurlyBrace"),
    "switch": ("Missing closing '}' in statement block or type definition.", "MissingEndCurlyBrace"),
    "classbody": ("Missing closing '}' in statement block or type definition.", "MissingEndCurlyBrace"),
    "enumbody": ("Missing closing '}' in statement block or type definition.", "MissingEndCurlyBrace"),
    "hash": ("Missing closing '}' in hash literal.", "MissingEndCurlyBrace"),
    "paren": ("Missing closing ')' in expression.", "MissingEndParenthesisInExpression"),
    "subexpr": ("Missing closing ')' in subexpression.", "MissingEndParenthesisInSubexpression"),
    "array": ("Missing closing ')' in subexpression.", "MissingEndParenthesisInSubexpression"),
    "call": ("Missing ')' in method call.", "MissingEndParenthesisInMethodCall"),
    "index": ("Missing ']' after array index expression.", "MissingEndSquareBracket"),
    "params": ("Missing ')' in function parameter list.", "MissingEndParenthesisInFunctionParameterList"),
    "attr": ("Missing ')' in attribute argument list.", "MissingEndParenthesisInAttributeArgumentList"),
    "foreach": ("Missing closing ')' after expression in 'foreach' statement.",
                "MissingEndParenthesisAfterForeach"),
    "for": ("Missing closing ')' after expression in 'for' statement.",
            "MissingEndParenthesisAfterStatement"),
}
_CLOSER_TOKEN = {"block": "RBRACE", "switch": "RBRACE", "hash": "RBRACE", "classbody": "RBRACE",
                 "enumbody": "RBRACE", "index": "RBRACKET"}
_LOOPS = {"while": "while", "until": "do", "for": "for", "foreach": "foreach"}


def describe(tok: Tok, expected: set[str], prev: Tok | None, frames: list[Frame],
             text: str) -> SyntaxFailure:
    """The parse error for `tok` not being accepted after `prev`."""
    if tok.type == "ERROR":
        message, error_id, incomplete = tok.value
        return SyntaxFailure(message, error_id, tok.start, tok.end, incomplete)
    at_end = tok.type == "$END"
    if at_end and prev is not None:
        where = (prev.end, prev.end)
    elif tok.type == "SEP" and text[tok.start:tok.start + 1] != ";":
        where = (tok.start, tok.start)          # the end of the line, not the line break
    else:
        where = (tok.start, tok.end)
    # Brackets opened before the failing token (it may have opened one itself).
    open_frames = [f for f in frames[1:] if f.opener is not None and f.opener.start < tok.start]
    if isinstance(tok.node, Frame):
        open_frames.append(tok.node)    # the bracket this closer just closed

    def fail(message: str, error_id: str, span=where) -> SyntaxFailure:
        return SyntaxFailure(message, error_id, span[0], span[1], at_end)

    if tok.type == "USING":
        return fail("A 'using' statement must appear before any other statements in a script.",
                    "UsingMustBeAtStartOfScript")
    found = _after_token(tok, expected, prev, open_frames, text, fail)
    if found is not None:
        return found
    if open_frames:
        frame = open_frames[-1]
        closer = _CLOSER_TOKEN.get(frame.kind, "RPAREN")
        # A separator, another bracket's closer, or (forgetting the `)` of a
        # condition) the `{` of its block, where the closer was expected.
        stray = tok.type in ("SEP", "RPAREN", "RBRACE", "RBRACKET") or (
            tok.type == "LBRACE" and frame.kind == "cond")
        if at_end or stray and tok.type != closer and closer in expected:
            return _missing_closer(frame, fail, where)
    if at_end:
        return fail("The statement is not complete: more input is needed.", "IncompleteStatement")
    if tok.type == "SEP" and text[tok.start:tok.start + 1] != ";":
        return fail("Unexpected end of line: the statement is not complete.", "UnexpectedEndOfLine")
    return fail(f"Unexpected token '{text[tok.start:tok.end]}' in expression or statement.",
                "UnexpectedToken")


def _missing_closer(frame: Frame, fail, where) -> SyntaxFailure:
    if frame.kind == "cond":
        message = f"Missing closing ')' after expression in '{frame.owner}' statement."
        return fail(message, "MissingEndParenthesisAfterStatement")
    message, error_id = _MISSING_CLOSER[frame.kind]
    if frame.kind in ("block", "switch", "hash", "classbody", "enumbody"):
        # The brace that is never closed is the useful place to point at.
        return fail(message, error_id, (frame.opener.start, frame.opener.end))
    return fail(message, error_id)


def _after_token(tok: Tok, expected: set[str], prev: Tok | None, open_frames: list[Frame],
                 text: str, fail) -> SyntaxFailure | None:
    """Errors that the previous token explains: an operator without its
    operand, a keyword without its condition or block."""
    if prev is None:
        if tok.type == "PIPE":
            return fail("An empty pipe element is not allowed.", "EmptyPipeElement")
        return None
    kind = prev.type
    value = prev.value
    written = text[prev.start:prev.end]
    if kind == "BINOP":
        return fail(f"You must provide a value expression following the '{written}' operator.",
                    "ExpectedValueExpression")
    if kind == "ASSIGN":
        return fail(f"You must provide a value expression on the right-hand side of the "
                    f"'{written}' operator.", "ExpectedValueExpression")
    if kind == "UNARY":
        return fail(f"Missing expression after unary operator '{written}'.",
                    "MissingExpressionAfterOperator")
    if kind == "COMMA":
        if "GENERIC" in expected:
            return fail("Missing argument in parameter list.", "MissingArgument")
        return fail("Missing expression after ','.", "MissingExpressionAfterToken")
    if kind == "PIPE":
        if tok.type in _EXPRESSION_STARTS:
            return fail("Expressions are only allowed as the first element of a pipeline.",
                        "ExpressionsMustBeFirstInPipeline")
        return fail("An empty pipe element is not allowed.", "EmptyPipeElement")
    if tok.type == "PIPE" and kind == "SEP":
        return fail("An empty pipe element is not allowed.", "EmptyPipeElement")
    if kind in ("DOT", "STATIC"):
        return fail("Missing property name after reference operator.", "MissingPropertyName")
    if kind == "REDIRECT":
        return fail("Missing file specification after redirection operator.",
                    "MissingFileSpecification")
    if kind == "PARAM_COLON":
        return fail(f"Missing an argument for parameter '{value}' after the colon.",
                    "MissingArgument")
    if kind == "LPAREN" and value is None and tok.type == "RPAREN":
        return fail("An expression was expected after '('.", "ExpectedExpression")
    if kind == "RBRACKET" and value is not None:
        return fail(f"Unexpected attribute '{value}'.", "UnexpectedAttribute")
    if kind == "INDEX_OPEN" and tok.type == "RBRACKET":
        return fail("Array index expression is missing or not valid.", "MissingArrayIndexExpression")
    if kind == "HASHKEY" or (kind != "ASSIGN" and open_frames and open_frames[-1].kind == "hash"
                             and expected == {"ASSIGN"}):
        return fail("Missing '=' operator after key in hash literal.", "MissingEqualsInHashLiteral")
    if kind in ("IF", "ELSEIF"):
        return fail(f"Missing '(' after '{value}' in if statement.",
                    "MissingOpenParenthesisInIfStatement")
    if kind in ("WHILE", "FOR", "FOREACH", "UNTIL") or (
            kind in ("SWITCH", "SWITCHOPT") and tok.type != "SWITCHOPT"):
        keyword = "switch" if kind == "SWITCHOPT" else value
        return fail(f"Missing opening '(' after keyword '{keyword}'.",
                    "MissingOpenParenthesisAfterKeyword")
    if kind == "LPAREN" and value is not None and tok.type in ("RPAREN", "SEP", "$END", "FORSEP"):
        if value in ("if", "elseif"):
            return fail(f"Missing condition in if statement after '{value} ('.",
                        "IfStatementMissingCondition")
        if value == "foreach":
            return fail("Missing variable name after 'foreach ('.", "MissingVariableNameAfterForeach")
        if value in ("while", "until", "switch"):
            return fail(f"Missing condition in {value} statement after '{value} ('.",
                        "MissingCondition")
    if kind == "LPAREN" and value == "foreach" and tok.type != "VARIABLE":
        return fail("Missing variable name after 'foreach ('.", "MissingVariableNameAfterForeach")
    if kind == "VARIABLE" and open_frames and open_frames[-1].kind == "foreach" and tok.type != "IN":
        return fail("Missing 'in' after variable in foreach loop.", "MissingInInForeach")
    if kind == "IN":
        return fail("Missing expression after 'in' in foreach loop.", "MissingForeachExpression")
    if tok.type != "LBRACE":
        block = _missing_block(kind, value, expected)
        if block is not None:
            return fail(*block)
    if kind == "LABEL":
        return fail(f"Missing loop statement after the label ':{value}'.", "MissingLoopStatement")
    if kind == "RBRACE" and value == "do" and tok.type not in ("WHILE", "UNTIL"):
        return fail("Missing 'while' or 'until' in do loop.", "MissingWhileOrUntilInDoWhile")
    if kind in ("FUNCTION", "FILTER"):
        return fail(f"Missing name after '{value}' keyword.", "MissingNameAfterKeyword")
    # In a switch body, after a clause's pattern (not after the body's `{` or
    # the previous clause's `}`), its block must follow.
    if open_frames and open_frames[-1].kind == "switch" and "LBRACE" in expected \
            and tok.type != "LBRACE" and value not in ("switch", "switchclause"):
        return fail("Missing statement block in switch statement clause.",
                    "MissingSwitchStatementClause")
    return None


def _missing_block(kind: str, value, expected: set[str]):
    """(message, id) when a keyword or a condition is not followed by its block."""
    if "LBRACE" not in expected:
        return None
    if kind == "RPAREN" and value in ("if", "elseif"):
        return f"Missing statement block after {value} ( condition ).", "MissingStatementBlock"
    if kind == "ELSE":
        return "Missing statement block after 'else' keyword.", "MissingStatementBlockAfterElse"
    if kind == "RPAREN" and value in _LOOPS:
        return f"Missing statement body in {_LOOPS[value]} loop.", "MissingLoopStatement"
    if kind == "DO":
        return "Missing statement body in do loop.", "MissingLoopStatement"
    if kind == "RPAREN" and value == "switch":
        return "Missing '{' of the switch statement's clauses.", "MissingCurlyBraceInSwitchStatement"
    if kind == "TRY":
        return "The Try statement is missing its statement block.", "MissingTryStatementBlock"
    if kind == "CATCH" or (kind == "TYPE" and "CATCH" not in expected and "COMMA" in expected):
        return "The Catch block is missing its statement block.", "MissingCatchHandlerBlock"
    if kind == "FINALLY":
        return "The Finally block is missing its statement block.", "MissingFinallyStatementBlock"
    if kind == "FUNCNAME" or (kind == "RPAREN" and value == "function"):
        return "Missing function body in function declaration.", "MissingFunctionBody"
    if kind == "NAMED":
        return f"Missing statement block after '{value}'.", "MissingNamedStatementBlock"
    return None
