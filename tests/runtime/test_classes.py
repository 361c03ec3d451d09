"""Classes and enums defined by scripts: construction, properties that keep
their types, methods (only `return` gives a value), statics, inheritance,
conversions, and what is refused."""
import io

import pytest

from hvshell.shell import new_interpreter
from hvshell.runtime.session import Session

VEHICLE = """
class Vehicle {
    [string]$Make
    [string]$Model = 'base'
    hidden [int]$Secret = 42
    static [int]$Built = 0

    Vehicle() { [Vehicle]::Built++ }
    Vehicle([string]$make) { $this.Make = $make; [Vehicle]::Built++ }

    [string] Describe() { 'dropped'; return "$($this.Make) $($this.Model)" }
    [string] Describe([string]$prefix) { return "$prefix $($this.Describe())" }
    [void] Rename([string]$model) { $this.Model = $model; 'dropped too' }
    [int] Twice([int]$n) { return $n * 2 }
    static [Vehicle] Make([string]$m) { return [Vehicle]::new($m) }
}
class Car : Vehicle {
    [int]$Doors = 4
    Car([string]$make, [int]$doors) : base($make) { $this.Doors = $doors }
    [string] Describe() { return "car $($this.Make), $($this.Doors) doors" }
}
enum Color { Red; Green = 5; Blue }
"""


def run(text: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    new_interpreter(Session(None, seed=1), stdout=out, stderr=err).execute(VEHICLE + text)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("text, expected", [
    ("[Vehicle]::new('Ford').Describe()", "Ford base"),
    ("$v = [Vehicle]::new(); $v.Make = 'Kia'; $v.Describe('a')", "a Kia base"),
    ("$v = [Vehicle]::new(); $v.Rename('X'); $v.Model", "X"),
    ("$v = [Vehicle]::new(); @($v.Rename('X')).Count", "0"),            # a [void] method gives nothing
    ("[Vehicle]::new().Twice('21')", "42"),
    ("$null = [Vehicle]::new(); $null = [Vehicle]::new('a'); [Vehicle]::Built", "2"),
    ("[Vehicle]::Built = '7'; [Vehicle]::Built + 1", "8"),
    ("[Vehicle]::Make('Opel').Make", "Opel"),
    # a derived constructor runs its base's first; the override wins, calls are virtual
    ("$c = [Car]::new('VW', 2); $c.Describe(); $c.Describe('my')", "car VW, 2 doors\nmy car VW, 2 doors"),
    ("$c = [Car]::new('VW', 2); $c -is [Vehicle]; $c -is [Car]; $c.GetType().Name", "True\nTrue\nCar"),
    ("[car]::new('a', 1).doors", "1"),                                  # names in any case
    ("$v = [Vehicle]::new(); $v.Secret", "42"),                          # hidden, yet there
    ("$v = [Vehicle]::new(); ($v | Get-Member -MemberType Property).Name -join ','", "Make,Model"),
    ("\"$([Vehicle]::new())\"", "Vehicle"),
    ("$v = [Vehicle]@{ Make = 'Audi'; Model = 'A4' }; $v.Describe()", "Audi A4"),
    ("([Vehicle]'Seat').Make", "Seat"),                                  # a one-argument constructor
    ("function Use([Vehicle]$V) { $V.Make }; Use @{ Make = 'Hash' }", "Hash"),
    ("(New-Object Car -ArgumentList 'Fiat', 3).Doors", "3"),
    ("$v = [Vehicle]::new(); $v.Make = 5; $v.Make.GetType().Name", "String"),
    ("[Color]::Green; [int][Color]::Blue; [Color]'red'", "Green\n6\nRed"),
    ("[Color]::Green -eq 'green'; [Color]::Blue -is [Color]", "True\nTrue"),
    ("[Vehicle]::new('Ford') | Format-Table -AutoSize | Out-String -Stream | Where-Object { $_ } |"
     " ForEach-Object { $_.TrimEnd() }", "Make Model\n---- -----\nFord base"),
    # used above its definition: a script's types are defined before it runs
    ("[Late]::new().N\nclass Late { [int]$N = 3 }", "3"),
])
def test_classes(text, expected):
    out, err = run(text)
    assert err == ""
    assert out.strip("\n") == expected


@pytest.mark.parametrize("text, message", [
    ("$v = [Vehicle]::new(); $v.Secret = 'many'", 'Exception setting "Secret"'),
    ("[Vehicle]::new().Fly()", "does not contain a method named 'Fly'"),
    ("[Vehicle]::new(1, 2, 3)", 'Cannot find an overload for "new" and the argument count: "3"'),
    ("[Vehicle]::new().Describe(1, 2)", 'Cannot find an overload for "Describe"'),
    ("[Vehicle]@{ Wheels = 4 }", "The Wheels property was not found for the Vehicle object"),
    ("[Color]'Purple'", "Unable to match the identifier name Purple"),
    ("class Err : System.Exception { }", "a class in hvshell derives only from a class its script defines"),
    ("[int]::Nope = 1", "ReadOnly property"),
])
def test_class_errors(text, message):
    _, err = run(text)
    assert message in err


def test_an_error_in_a_method_ends_the_method():
    out, err = run("class T { [string] Go() { Get-NoSuchThing; return 'not reached' } }\n"
                   "[T]::new().Go()\n'after'")
    assert out == "after\n" and "Get-NoSuchThing" in err


def test_types_belong_to_their_shell():
    run("class OnlyHere { }")
    _, err = run("[OnlyHere]::new()")
    assert "Unable to find type [OnlyHere]" in err
