"""The REPL's tokenizer: kinds, offsets, tolerance of broken input."""
import pytest

from hvshell.lang.tokens import Token, is_incomplete, tokenize


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokenize(text)]


def test_command_line_kinds():
    assert kinds("Get-VM -Name web* | Where-Object { $_.State -eq 'Running' } # note") == [
        ("command", "Get-VM"), ("parameter", "-Name"), ("argument", "web*"), ("operator", "|"),
        ("command", "Where-Object"), ("punctuation", "{"), ("variable", "$_"), ("operator", "."),
        ("member", "State"), ("operator", "-eq"), ("string", "'Running'"), ("punctuation", "}"),
        ("comment", "# note")]


def test_statement_kinds():
    assert kinds("foreach ($vm in $vms) { [int]$x = 1GB; break }") == [
        ("keyword", "foreach"), ("punctuation", "("), ("variable", "$vm"), ("keyword", "in"),
        ("variable", "$vms"), ("punctuation", ")"), ("punctuation", "{"), ("type", "[int]"),
        ("variable", "$x"), ("operator", "="), ("number", "1GB"), ("punctuation", ";"),
        ("keyword", "break"), ("punctuation", "}")]


def test_operator_after_value_and_parameter_after_command():
    assert kinds("$a -eq 1") == [("variable", "$a"), ("operator", "-eq"), ("number", "1")]
    assert kinds("Get-VM -eq 1") == [("command", "Get-VM"), ("parameter", "-eq"), ("number", "1")]


def test_foreach_after_pipe_is_a_command():
    assert kinds("1 | foreach { }")[2] == ("command", "foreach")
    assert kinds("foreach ($x in 1) { }")[0] == ("keyword", "foreach")


def test_offsets_cover_the_token_text():
    text = "function Get-X([int]$a) {\n  <# c #> \"s $a\" -f 2 @s\n}"
    for token in tokenize(text):
        assert text[token.start:token.end] == token.text
    assert [t.kind for t in tokenize(text)].count("comment") == 1


def test_tokens_are_ordered_and_do_not_overlap():
    tokens = tokenize("$h = @{ a = 1 } # x\n<# y #>$b")
    for a, b in zip(tokens, tokens[1:], strict=False):
        assert a.end <= b.start


@pytest.mark.parametrize("text, last_kind", [
    ('"unterminated', "error"),
    ("if (36 < 42)", "punctuation"),
    ("$x = 'a", "error"),
    ("Get-VM }", "punctuation"),
    ("1usgb", "error"),
])
def test_broken_input_is_tokenized(text, last_kind):
    tokens = tokenize(text)
    assert tokens and tokens[-1].kind == last_kind


def test_deeply_nested_strings():
    assert tokenize('"$(' * 500)[-1].kind == "error"


def test_error_token_inside_a_line():
    assert ("error", "<") in kinds("if (36 < 42) { }")


def test_token_is_a_value():
    assert tokenize("1") == [Token("number", 0, 1, "1")]
    assert tokenize("") == []


def test_is_incomplete_is_exported_here():
    assert is_incomplete("if ($x) {") and not is_incomplete("if ($x) { }")
