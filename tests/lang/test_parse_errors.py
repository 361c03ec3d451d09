"""Parse errors: PowerShell's messages and error ids, the position of the
offending token, several errors per script, incomplete input."""
import pytest
from lang_support import errors, first_error

from hvshell.lang.errors import ParseError
from hvshell.lang.parser import is_incomplete, parse
from hvshell.runtime.errors import parse_error_records


@pytest.mark.parametrize("text, error_id, message, line, column", [
    ("if ($x) {", "MissingEndCurlyBrace",
     "Missing closing '}' in statement block or type definition.", 1, 9),
    ("function f {\n  1\n", "MissingEndCurlyBrace",
     "Missing closing '}' in statement block or type definition.", 1, 12),
    ("@{ a = 1", "MissingEndCurlyBrace", "Missing closing '}' in hash literal.", 1, 1),
    ("(1 + 2", "MissingEndParenthesisInExpression", "Missing closing ')' in expression.", 1, 7),
    ("$x = (1\n2)", "MissingEndParenthesisInExpression", "Missing closing ')' in expression.", 1, 8),
    ("$(1", "MissingEndParenthesisInSubexpression", "Missing closing ')' in subexpression.", 1, 4),
    ("$x.M(1", "MissingEndParenthesisInMethodCall", "Missing ')' in method call.", 1, 7),
    ("$a[0", "MissingEndSquareBracket", "Missing ']' after array index expression.", 1, 5),
    ("function f($a", "MissingEndParenthesisInFunctionParameterList",
     "Missing ')' in function parameter list.", 1, 14),
    ('"abc', "TerminatorExpectedAtEndOfString", 'The string is missing the terminator: ".', 1, 1),
    ("$x = 'abc", "TerminatorExpectedAtEndOfString", "The string is missing the terminator: '.", 1, 6),
    ('@"\nabc', "TerminatorExpectedAtEndOfString", 'The string is missing the terminator: "@.', 1, 1),
    ('@"abc\n"@', "UnexpectedCharactersAfterHereStringHeader",
     "No characters are allowed after a here-string header but before the end of the line.", 1, 1),
    ("1 +", "ExpectedValueExpression",
     "You must provide a value expression following the '+' operator.", 1, 4),
    ("1 + )", "ExpectedValueExpression",
     "You must provide a value expression following the '+' operator.", 1, 5),
    ("$a -EQ", "ExpectedValueExpression",
     "You must provide a value expression following the '-EQ' operator.", 1, 7),
    ("$x =", "ExpectedValueExpression",
     "You must provide a value expression on the right-hand side of the '=' operator.", 1, 5),
    ("-not", "MissingExpressionAfterOperator", "Missing expression after unary operator '-not'.", 1, 5),
    ("1,", "MissingExpressionAfterToken", "Missing expression after ','.", 1, 3),
    ("Get-VM a,", "MissingArgument", "Missing argument in parameter list.", 1, 10),
    ("$a $b", "UnexpectedToken", "Unexpected token '$b' in expression or statement.", 1, 4),
    ("1 2", "UnexpectedToken", "Unexpected token '2' in expression or statement.", 1, 3),
    ("}", "UnexpectedToken", "Unexpected token '}' in expression or statement.", 1, 1),
    ("$x -foo 1", "UnexpectedToken", "Unexpected token '-foo' in expression or statement.", 1, 4),
    ("if (36 < 42) { 'true' }", "RedirectionNotSupported", "The '<' operator is reserved for future use.", 1, 8),
    ("Get-VM < in.txt", "RedirectionNotSupported", "The '<' operator is reserved for future use.", 1, 8),
    ("if $x { }", "MissingOpenParenthesisInIfStatement", "Missing '(' after 'if' in if statement.", 1, 4),
    ("if () { }", "IfStatementMissingCondition", "Missing condition in if statement after 'if ('.", 1, 5),
    ("if ($x { }", "MissingEndParenthesisAfterStatement",
     "Missing closing ')' after expression in 'if' statement.", 1, 8),
    ("if ($x) 1", "MissingStatementBlock", "Missing statement block after if ( condition ).", 1, 9),
    ("if ($x) { } elseif ($y) 2", "MissingStatementBlock",
     "Missing statement block after elseif ( condition ).", 1, 25),
    ("if ($x) { } else 3", "MissingStatementBlockAfterElse",
     "Missing statement block after 'else' keyword.", 1, 18),
    ("while $x { }", "MissingOpenParenthesisAfterKeyword", "Missing opening '(' after keyword 'while'.", 1, 7),
    ("while ($x) 1", "MissingLoopStatement", "Missing statement body in while loop.", 1, 12),
    ("foreach ($x) { }", "MissingInInForeach", "Missing 'in' after variable in foreach loop.", 1, 12),
    ("foreach (x in $y) { }", "MissingVariableNameAfterForeach",
     "Missing variable name after 'foreach ('.", 1, 10),
    ("foreach ($x in) { }", "MissingForeachExpression",
     "Missing expression after 'in' in foreach loop.", 1, 15),
    ("foreach ($x in $y) 1", "MissingLoopStatement", "Missing statement body in foreach loop.", 1, 20),
    ("do { } 1", "MissingWhileOrUntilInDoWhile", "Missing 'while' or 'until' in do loop.", 1, 8),
    ("try { }", "MissingCatchOrFinally", "The Try statement is missing its Catch or Finally block.", 1, 5),
    ("try 1", "MissingTryStatementBlock", "The Try statement is missing its statement block.", 1, 5),
    ("try { } catch 1", "MissingCatchHandlerBlock", "The Catch block is missing its statement block.", 1, 15),
    ("try { } finally 1", "MissingFinallyStatementBlock",
     "The Finally block is missing its statement block.", 1, 17),
    ("function { }", "MissingNameAfterKeyword", "Missing name after 'function' keyword.", 1, 10),
    ("function f 1", "MissingFunctionBody", "Missing function body in function declaration.", 1, 12),
    ("switch ($x) { 1 }", "MissingSwitchStatementClause",
     "Missing statement block in switch statement clause.", 1, 17),
    ("switch ($x) { default {1} default {2} }", "MultipleSwitchDefault",
     "A switch statement can have only one 'default' clause.", 1, 27),
    ("Get-VM |", "EmptyPipeElement", "An empty pipe element is not allowed.", 1, 9),
    ("| Get-VM", "EmptyPipeElement", "An empty pipe element is not allowed.", 1, 1),
    ("Get-VM | | x", "EmptyPipeElement", "An empty pipe element is not allowed.", 1, 10),
    ("Get-VM | 1", "ExpressionsMustBeFirstInPipeline",
     "Expressions are only allowed as the first element of a pipeline.", 1, 10),
    ("Get-VM | $x", "ExpressionsMustBeFirstInPipeline",
     "Expressions are only allowed as the first element of a pipeline.", 1, 10),
    ("1 = 2", "InvalidLeftHandSide",
     "The assignment expression is not valid. The input to an assignment operator must be an object "
     "that is able to accept assignments, such as a variable or a property.", 1, 1),
    ("$a + $b = 1", "InvalidLeftHandSide",
     "The assignment expression is not valid. The input to an assignment operator must be an object "
     "that is able to accept assignments, such as a variable or a property.", 1, 1),
    ("$a @b", "SplattingNotPermitted",
     "The splatting operator '@' cannot be used to reference variables in an expression. '@b' can be "
     "used only as an argument to a command. To reference variables in an expression use '$b'.", 1, 4),
    ('"a $HOME: b"', "InvalidVariableReferenceWithDrive",
     "Variable reference is not valid. ':' was not followed by a valid variable name character. "
     "Consider using ${} to delimit the name.", 1, 4),
    ("[ordered]$x", "OrderedAttributeOnlyOnHashLiteralNode",
     "The ordered attribute can be specified only on a hash literal node.", 1, 1),
    ("1usgb", "BadNumericConstant", "The numeric constant 1usgb is not valid.", 1, 1),
    ("$x = 1 + 2x", "BadNumericConstant", "The numeric constant 2x is not valid.", 1, 10),
    ("2.GetType()", "ExpectedExpression", "An expression was expected after '('.", 1, 11),
    ("$x.", "MissingPropertyName", "Missing property name after reference operator.", 1, 4),
    ("$a[]", "MissingArrayIndexExpression", "Array index expression is missing or not valid.", 1, 4),
    ("@{ a }", "MissingEqualsInHashLiteral", "Missing '=' operator after key in hash literal.", 1, 6),
    ("[int", "EndSquareBracketExpectedAtEndOfAttribute",
     "Missing ] at end of attribute or type literal.", 1, 1),
    ("[Parameter()]", "UnexpectedAttribute", "Unexpected attribute 'Parameter'.", 1, 14),
    ("Get-VM && Stop-VM", "InvalidEndOfLine",
     "The token '&&' is not a valid statement separator in this version.", 1, 8),
    ("define x", "ReservedKeywordNotAllowed",
     "The 'define' keyword is not supported in this version of the language.", 1, 1),
    ("function f($a) { param($b) }", "OnlyOneParameterListAllowed",
     "A function cannot have both a parameter list after its name and a param() block.", 1, 11),
    ("{ process { } process { } }", "DuplicateScriptCommandClause",
     "Script command clause 'process' has already been defined.", 1, 15),
    ("Get-VM `", "IncompleteLineContinuation",
     "A line continuation character (`) must be followed by a new line.", 1, 8),
    ("<# open", "MissingEndOfBlockComment", "The block comment is missing its closing '#>'.", 1, 1),
])
def test_error_messages_and_positions(text, error_id, message, line, column):
    assert first_error(text) == (error_id, message, line, column)


def test_nesting_too_deep_is_an_error():
    assert first_error('"$(' * 500)[:1] == ("ScriptTooComplex",)
    assert parse('"' + '$("' * 20 + 'x' + '")' * 20 + '"')


def test_error_line_and_column_on_later_lines():
    assert first_error("Get-VM\n\n  $x = @(1,\n    2 + )\n") == (
        "ExpectedValueExpression", "You must provide a value expression following the '+' operator.", 4, 9)


def test_every_error_is_reported():
    text = "Get-VM\n$y = (2\nfunction f {\n  $a $b\n}\nif (36 < 42) { 1 }\n'ok' 1\n$z =\n"
    assert [(e[0], e[2], e[3]) for e in errors(text)] == [
        ("MissingEndParenthesisInExpression", 2, 8),
        ("UnexpectedToken", 4, 6),
        ("RedirectionNotSupported", 6, 8),
        ("UnexpectedToken", 7, 6),
        ("ExpectedValueExpression", 8, 5),
    ]


def test_parse_error_records():
    with pytest.raises(ParseError) as info:
        parse("1 +", "x.hvps")
    problem = info.value.records[0]
    assert problem.error_id == "ExpectedValueExpression"
    assert problem.source.path == "x.hvps" and problem.source.text == "1 +"
    # the runtime's error records of it: ParserError, ParseException, same place
    [record] = parse_error_records(info.value)
    assert record.is_parse_error and record.category == "ParserError"
    assert record.exception_type == "System.Management.Automation.ParseException"
    assert (record.error_id, record.message) == (problem.error_id, problem.message)
    assert record.extent == problem.extent and record.source is problem.source


@pytest.mark.parametrize("text", [
    "if ($x) {", "Get-VM |", "1 +", '"abc', "'abc", '@"\nabc', "@'\nx", "Get-VM `", "$x =",
    "foo(", "$a.b(1,", "function f {", "do { }", "$x = @{", "@(", "$(", "<# x", "$h = @{\n a = 1\n",
    "try { }", "Get-VM -Name a,", "if ($x", "Get-VM |\n", "foreach ($x in", "[int",
    'Write-Host "a $(Get-Date', "switch ($x) {", "-not", "$x -and",
])
def test_incomplete_input(text):
    assert is_incomplete(text)


@pytest.mark.parametrize("text", [
    "", "1", "Get-VM", "if ($x) { 1 }", "try { } catch { }", "$x = 1 2", "}", "1 = 2",
    "if (1 < 2) {", "$a $b", "Get-VM | 1",
])
def test_complete_or_wrong_input(text):
    # Either complete, or wrong in a way that more lines cannot fix.
    assert not is_incomplete(text)
