"""Data cmdlets: ConvertTo-Json, ConvertTo-Csv, Export-Csv, Import-Csv,
Get-Content, Set-Content, Add-Content.

Real files are reached only through `ctx.files` (hvshell/runtime/realfiles.py),
which keeps them below the shell's root directory.  hvshell writes UTF-8 without a byte
order mark and newline line endings unless -Encoding asks otherwise;
reading recognises the byte order marks Windows tools write.
"""
from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import re
from typing import Any, Iterator

from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch
from hvshell.runtime.conversions import AutomationNullType
from hvshell.runtime.errors import CmdletError
from hvshell.pstypes.wildcards import has_wildcard, compile_wildcard
from hvshell.runtime.psobject import (MISSING, Hashtable, PSObject, get_property,
                                      property_names, to_display_string, type_name)

UTILITY = "Microsoft.PowerShell.Utility"
MANAGEMENT = "Microsoft.PowerShell.Management"

# The -Encoding names Windows PowerShell 5.1 accepts on its file cmdlets.
ENCODINGS = ("Unknown", "String", "Unicode", "BigEndianUnicode", "UTF8", "UTF7", "UTF32",
             "Ascii", "Default", "Oem")

# -Encoding name -> (Python codec, byte order mark written at the start).
# Windows-only code pages (Default, Oem) are written as UTF-8 here.
_CODECS = {
    "unicode": ("utf-16-le", b"\xff\xfe"),
    "bigendianunicode": ("utf-16-be", b"\xfe\xff"),
    "utf8": ("utf-8", b"\xef\xbb\xbf"),
    "utf7": ("utf-7", b""),
    "utf32": ("utf-32-le", b"\xff\xfe\x00\x00"),
    "ascii": ("ascii", b""),
}
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def write_text(files: Any, path: str, text: str, encoding: str | None,
               append: bool = False) -> None:
    """Write (or append) `text` in the -Encoding named; a byte order mark
    starts a new file only."""
    codec, bom = _CODECS.get((encoding or "").lower(), ("utf-8", b""))
    files.write(path, text.encode(codec, errors="replace"), append, prefix_if_new=bom)


def read_text(files: Any, path: str) -> str:
    data = files.read(path)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace")
    return data.decode("utf-8", errors="replace")


def split_lines(text: str) -> list[str]:
    """Lines as Get-Content reads them (a final line break ends the last line)."""
    lines = re.split(r"\r\n|\n|\r", text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _not_found(path: str) -> CmdletError:
    return CmdletError(f"Cannot find path '{path}' because it does not exist.", "PathNotFound",
                       "ObjectNotFound", path,
                       "System.Management.Automation.ItemNotFoundException")


def resolve_paths(ctx: Any, path: str) -> list[str]:
    """The files a -Path names: a wildcard pattern in its last part matches
    the files of that folder, in name order; no match is an error."""
    text = str(path).replace("\\", "/")
    folder, _, leaf = text.rpartition("/")
    if not has_wildcard(leaf):
        return [str(path)]
    pattern = compile_wildcard(leaf)
    found = [f"{folder}/{name}" if folder else name
             for name in sorted(ctx.files.files_in(folder or "."), key=str.lower)
             if pattern.match(name)]
    if not found:
        raise _not_found(str(path))
    return found


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------

_EPOCH = dt.datetime(1970, 1, 1)
_TIMESPAN_MEMBERS = ("Ticks", "Days", "Hours", "Milliseconds", "Minutes", "Seconds",
                     "TotalDays", "TotalHours", "TotalMilliseconds", "TotalMinutes",
                     "TotalSeconds")
# Windows PowerShell 5.1's serializer also escapes the characters HTML treats
# specially, so its JSON is safe inside a web page.
_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                 "\b": "\\b", "\f": "\\f", "<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                 "'": "\\u0027"}


def json_string(text: str) -> str:
    out = []
    for ch in text:
        escaped = _JSON_ESCAPES.get(ch)
        if escaped is not None:
            out.append(escaped)
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def json_number(value: int | float) -> str:
    """A number as .NET's round-trip format writes it: 6, 0.5, 1E+20."""
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        return json_string("NaN" if value != value else
                           ("Infinity" if value > 0 else "-Infinity"))
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        sign = "-" if exponent.startswith("-") else "+"
        text = f"{mantissa.removesuffix('.0')}E{sign}{exponent.lstrip('+-').rjust(2, '0')}"
    return text


class _Map(list):
    """A JSON object: a list of (name, value) pairs, in order."""


class _Raw(str):
    """Text written into the JSON as it is (the DateTime form)."""


class _Json:
    """ConvertTo-Json's value model: primitives, lists and ordered maps,
    with objects deeper than `depth` levels written as their ToString."""

    def __init__(self, depth: int):
        self.depth = depth

    def value(self, obj: Any, level: int) -> Any:
        if obj is None or obj is MISSING or isinstance(obj, AutomationNullType):
            return None
        if isinstance(obj, (bool, int, float, str)):
            return obj
        if isinstance(obj, enum.Enum):
            return obj.value if isinstance(obj.value, (int, float)) else obj.name
        if isinstance(obj, dt.datetime):
            milliseconds = (obj - _EPOCH) // dt.timedelta(milliseconds=1)
            return _Raw(f'"\\/Date({milliseconds})\\/"')
        if level > self.depth:
            return to_display_string(obj)
        if isinstance(obj, (list, tuple)):
            return [self.value(item, level + 1) for item in obj]
        if isinstance(obj, Hashtable):
            return _Map((to_display_string(k), self.value(v, level + 1)) for k, v in obj.items())
        if isinstance(obj, dt.timedelta):
            return _Map((n, self.value(get_property(obj, n), level + 1))
                        for n in _TIMESPAN_MEMBERS)
        names = property_names(obj)
        if isinstance(obj, PSObject) or names:
            return _Map((n, self.value(_property(obj, n), level + 1)) for n in names)
        # a value type without properties of its own (a Guid, a version) is its text
        return to_display_string(obj)


def _property(obj: Any, name: str) -> Any:
    try:
        return get_property(obj, name, None)
    except Exception:  # a failing getter serializes as null, as .NET's does
        return None


def json_text(value: Any, compress: bool, column: int = 0) -> str:
    """Windows PowerShell 5.1's layout: four-space indents, `"key":  value`,
    and a nested object or array indented from where its bracket opens."""
    if isinstance(value, _Raw):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json_number(value)
    if isinstance(value, str):
        return json_string(value)
    is_map = isinstance(value, _Map)
    opener, closer = ("{", "}") if is_map else ("[", "]")
    if compress:
        if is_map:
            inner = ",".join(f"{json_string(k)}:{json_text(v, True)}" for k, v in value)
        else:
            inner = ",".join(json_text(v, True) for v in value)
        return opener + inner + closer
    pad = " " * (column + 4)
    parts = []
    for item in value:
        if is_map:
            key, inner_value = item
            prefix = f"{json_string(key)}:  "
            parts.append(pad + prefix + json_text(inner_value, False, column + 4 + len(prefix)))
        else:
            parts.append(pad + json_text(item, False, column + 4))
    return opener + "\n" + ",\n".join(parts) + "\n" + " " * column + closer


class ConvertToJson(Cmdlet):
    """Converts an object to a JSON-formatted string.

    Properties become members, arrays become JSON arrays; enums are written
    as numbers and dates as "\\/Date(milliseconds)\\/".  Objects nested deeper
    than -Depth (2 by default) are written as their ToString."""

    name = "ConvertTo-Json"
    module = UTILITY

    InputObject = Parameter(object, position=0, mandatory=True, pipeline=True,
                            allow_empty=True)
    Depth = Parameter(int, default=2, validate_range=(1, 2**31 - 1))
    Compress = Parameter(Switch)

    def begin(self) -> None:
        self._items: list[Any] = []

    def process(self) -> None:
        if "InputObject" in self.bound:
            self._items.append(self.InputObject)

    def end(self) -> None:
        if not self._items:
            return
        target = self._items[0] if len(self._items) == 1 else self._items
        model = _Json(self.Depth).value(target, 0)
        self.write(json_text(model, bool(self.Compress)))


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------

def csv_field(value: Any) -> str:
    """Every field quoted, quotes doubled; null is an empty, unquoted field."""
    if value is None or value is MISSING or isinstance(value, AutomationNullType):
        return ""
    return '"' + to_display_string(value).replace('"', '""') + '"'


def csv_lines(objects: list[Any], delimiter: str, type_information: bool,
              columns: list[str] | None = None) -> Iterator[str]:
    """ConvertTo-Csv's lines: `#TYPE name` (when asked), the header from the
    first object's properties, then one line per object.  With `columns`
    (appending to an existing file) only the rows are written, in that order."""
    if not objects:
        return
    if columns is None:
        first = objects[0]
        columns = property_names(first)
        if type_information:
            yield f"#TYPE {type_name(first)}"
        yield delimiter.join(csv_field(name) for name in columns)
    for obj in objects:
        yield delimiter.join(csv_field(_property_or_none(obj, name)) for name in columns)


def _property_or_none(obj: Any, name: str) -> Any:
    value = _property(obj, name)
    return None if value is MISSING else value


def _delimiter(cmdlet: Cmdlet) -> str:
    text = cmdlet.Delimiter if cmdlet.Delimiter is not None else ","
    if len(text) != 1:
        raise CmdletError(f'The delimiter "{text}" must be exactly one character.',
                          "InvalidDelimiter", "InvalidArgument", text,
                          "System.Management.Automation.PSArgumentException")
    return text


class ConvertToCsv(Cmdlet):
    """Converts objects into a series of comma-separated value strings."""

    name = "ConvertTo-Csv"
    module = UTILITY

    InputObject = Parameter(object, position=0, mandatory=True, pipeline=True)
    Delimiter = Parameter(str, position=1)
    NoTypeInformation = Parameter(Switch, aliases=("NTI",))

    def begin(self) -> None:
        self._objects: list[Any] = []

    def process(self) -> None:
        if "InputObject" in self.bound and self.InputObject is not None:
            self._objects.append(self.InputObject)

    def end(self) -> None:
        for line in csv_lines(self._objects, _delimiter(self), not self.NoTypeInformation):
            self.write(line)


class ExportCsv(Cmdlet):
    """Converts objects into comma-separated value (CSV) strings and saves
    them in a file.

    The first line is `#TYPE <type name>` unless -NoTypeInformation is
    given, then a header with the first object's property names; every
    value is quoted."""

    name = "Export-Csv"
    module = UTILITY
    aliases = ("epcsv",)
    supports_should_process = True

    InputObject = Parameter(object, mandatory=True, pipeline=True)
    Path = Parameter(str, position=0, mandatory=True, complete="path")
    Delimiter = Parameter(str, position=1)
    NoTypeInformation = Parameter(Switch, aliases=("NTI",))
    Append = Parameter(Switch)
    Force = Parameter(Switch)
    NoClobber = Parameter(Switch, aliases=("NoOverwrite",))
    Encoding = Parameter(str, validate_set=ENCODINGS)

    def begin(self) -> None:
        self._delimiter = _delimiter(self)
        if self.NoClobber and not self.Append and self.ctx.files.kind(self.Path) is not None:
            raise CmdletError(
                f"The file '{self.Path}' already exists. Remove -NoClobber to overwrite it, or "
                f"use -Append.", "NoClobber", "ResourceExists", self.Path, "System.IO.IOException")
        self._objects: list[Any] | None = None
        if self.should_process(self.Path, "Export-Csv"):
            self._objects = []

    def process(self) -> None:
        if self._objects is not None and "InputObject" in self.bound \
                and self.InputObject is not None:
            self._objects.append(self.InputObject)

    def end(self) -> None:
        if self._objects is None:
            return
        columns = self._existing_columns() if self.Append else None
        if columns is not None:
            self._check_columns(columns)
        text = "".join(line + "\n" for line in csv_lines(
            self._objects, self._delimiter, not self.NoTypeInformation, columns))
        write_text(self.ctx.files, self.Path, text, self.Encoding, append=bool(self.Append))

    def _existing_columns(self) -> list[str] | None:
        if self.ctx.files.kind(self.Path) != "file" or self.ctx.files.size(self.Path) == 0:
            return None
        lines = split_lines(read_text(self.ctx.files, self.Path))
        lines = [line for line in lines if not line.startswith("#")]
        if not lines:
            return None
        return next(csv.reader([lines[0]], delimiter=self._delimiter))

    def _check_columns(self, columns: list[str]) -> None:
        if self.Force:
            return
        for obj in self._objects or ():
            have = {name.lower() for name in property_names(obj)}
            for column in columns:
                if column.lower() not in have:
                    raise CmdletError(
                        f"Cannot append CSV content to the file '{self.Path}': the object has no "
                        f"property for its column \"{column}\". Add -Force to append anyway "
                        f"(that column is left empty).",
                        "CannotAppendCsvWithMismatchedPropertyNames", "InvalidData", column,
                        "System.InvalidOperationException")


def parse_csv(text: str, delimiter: str, header: list[str] | None) -> Iterator[PSObject]:
    """Objects from CSV text: an optional `#TYPE` line, a header (unless
    given), then one object per row with string values."""
    lines = split_lines(text)
    type_names = None
    if lines and lines[0].startswith("#TYPE "):
        type_names = ["CSV:" + lines[0][6:].strip(), "System.Management.Automation.PSCustomObject"]
        lines = lines[1:]
    rows = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter, strict=False)
    names = list(header) if header else next(rows, None)
    if not names:
        return
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            raise CmdletError(
                f'The member "{name}" is already present: every column of a CSV header needs '
                f'its own name. Use -Header to name the columns.', "AlreadyPresentPSMemberInfoInternalCollectionAdd",
                "InvalidData", name, "System.Management.Automation.ExtendedTypeSystemException")
        seen.add(name.lower())
    for row in rows:
        if not row:
            continue
        values = row + [None] * (len(names) - len(row))
        yield PSObject(zip(names, values), type_names=list(type_names) if type_names else None)


class ImportCsv(Cmdlet):
    """Creates objects from the items in a comma-separated value (CSV) file.

    Each row becomes an object whose properties are named by the header
    line (or -Header) and whose values are strings."""

    name = "Import-Csv"
    module = UTILITY
    aliases = ("ipcsv",)

    Path = Parameter(str, array=True, position=0, mandatory=True, pipeline=True,
                     complete="path")
    Delimiter = Parameter(str, position=1)
    Header = Parameter(str, array=True)
    Encoding = Parameter(str, validate_set=ENCODINGS)

    def process(self) -> None:
        delimiter = _delimiter(self)
        for path in self.Path:
            for shown in resolve_paths(self.ctx, path):
                if self.ctx.files.kind(shown) is None:
                    self.write_error(**_error_args(_not_found(shown)))
                    continue
                for obj in parse_csv(read_text(self.ctx.files, shown), delimiter, self.Header):
                    self.write(obj)


class ConvertFromCsv(Cmdlet):
    """Converts comma-separated value (CSV) strings into objects."""

    name = "ConvertFrom-Csv"
    module = UTILITY

    InputObject = Parameter(str, array=True, position=0, mandatory=True, pipeline=True)
    Delimiter = Parameter(str, position=1)
    Header = Parameter(str, array=True)

    def begin(self) -> None:
        self._lines: list[str] = []

    def process(self) -> None:
        if "InputObject" in self.bound:
            self._lines.extend(self.InputObject)

    def end(self) -> None:
        for obj in parse_csv("\n".join(self._lines), _delimiter(self), self.Header):
            self.write(obj)


class ConvertFromStringData(Cmdlet):
    """Converts a string of name=value lines into a hash table.

    Blank lines and lines that start with # are skipped; a backslash in a
    name or a value starts an escape sequence (\\n, \\t, \\\\ ...), so
    a path needs its backslashes doubled.  Each input string makes one
    hash table (the text of a data section, a here-string)."""

    name = "ConvertFrom-StringData"
    module = UTILITY

    StringData = Parameter(str, position=0, mandatory=True, pipeline=True)

    def process(self) -> None:
        table = Hashtable()
        for line in self.StringData.splitlines():
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            key, equals, value = text.partition("=")
            if not equals or not key.strip():
                raise CmdletError(f"Data line '{text}' is not in 'name=value' format.",
                                  "InvalidOperation", "InvalidOperation", text,
                                  "System.Management.Automation.PSInvalidOperationException")
            key = _unescape(key.strip())
            if key in table:
                raise CmdletError(f"Data item '{key}' in line '{text}' is already defined.",
                                  "InvalidOperation", "InvalidOperation", text,
                                  "System.Management.Automation.PSInvalidOperationException")
            table[key] = _unescape(value.strip())
        self.write(table)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "e": "\x1b",
            "b": "\b", "0": "\0"}
_ESCAPE_RE = re.compile(r"\\(u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|.)", re.S)


def _unescape(text: str) -> str:
    """.NET's Regex.Unescape, which ConvertFrom-StringData applies."""
    def one(m: re.Match) -> str:
        code = m.group(1)
        if len(code) > 1:
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, code)
    return _ESCAPE_RE.sub(one, text)


def _error_args(error: CmdletError) -> dict[str, Any]:
    record = error.record
    return dict(message=record.message, error_id=record.error_id, category=record.category,
                target=record.target, exception_type=record.exception_type)


# ---------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------

class GetContent(Cmdlet):
    """Gets the content of a file, one string per line.

    -TotalCount (or -First, -Head) reads only the first lines, -Tail (or
    -Last) only the last; -Raw gives the whole file as one string."""

    name = "Get-Content"
    module = MANAGEMENT
    aliases = ("gc", "cat", "type")

    Path = Parameter(str, array=True, position=0, mandatory=True, by_property=True,
                     aliases=("PSPath", "FullName"), complete="path")
    TotalCount = Parameter(int, default=-1, aliases=("First", "Head"))
    Tail = Parameter(int, default=-1, aliases=("Last",))
    Raw = Parameter(Switch)
    Encoding = Parameter(str, validate_set=ENCODINGS)

    def process(self) -> None:
        if "TotalCount" in self.bound and "Tail" in self.bound:
            raise CmdletError("The TotalCount and Tail parameters cannot be used together. "
                              "Use one of them.", "TailAndHeadCannotCoexist", "InvalidOperation",
                              None, "System.InvalidOperationException")
        for path in self.Path:
            try:
                files = resolve_paths(self.ctx, path)
            except CmdletError as error:
                self.write_error(**_error_args(error))
                continue
            for shown in files:
                try:
                    self._read(shown)
                except CmdletError as error:      # one unreadable file: the others go on
                    self.write_error(**_error_args(error))

    def _read(self, shown: str) -> None:
        kind = self.ctx.files.kind(shown)
        if kind == "directory":
            self.write_error(f"Unable to get content because '{shown}' is a directory. Use "
                             f"Get-ChildItem to list a directory.", "GetContentReaderUnauthorizedAccessError",
                             "PermissionDenied", shown, "System.UnauthorizedAccessException")
            return
        if kind is None:
            self.write_error(**_error_args(_not_found(shown)))
            return
        text = read_text(self.ctx.files, shown)
        if self.Raw:
            self.write(text)
            return
        lines = split_lines(text)
        if self.TotalCount >= 0:
            lines = lines[:self.TotalCount]
        if self.Tail >= 0:
            lines = lines[len(lines) - self.Tail:] if self.Tail else []
        for line in lines:
            self.write(line)


class _WriteContent(Cmdlet):
    """What Set-Content and Add-Content share."""

    module = MANAGEMENT
    supports_should_process = True
    append = False
    action = ""

    Path = Parameter(str, array=True, position=0, mandatory=True, by_property=True,
                     aliases=("PSPath",), complete="path")
    Value = Parameter(object, array=True, position=1, mandatory=True, pipeline=True,
                      by_property=True, allow_empty=True)
    PassThru = Parameter(Switch)
    NoNewline = Parameter(Switch)
    Force = Parameter(Switch)
    Encoding = Parameter(str, validate_set=ENCODINGS)

    def begin(self) -> None:
        self._values: list[Any] = []

    def process(self) -> None:
        if "Value" in self.bound:
            self._values.extend(self.Value)

    def end(self) -> None:
        texts = [to_display_string(v) for v in self._values]
        content = "".join(texts) if self.NoNewline else "".join(t + "\n" for t in texts)
        for path in self.Path or ():     # no object ever bound a -Path
            for shown in resolve_paths(self.ctx, path):
                if not self.should_process(f"Path: {shown}", self.action):
                    continue
                write_text(self.ctx.files, shown, content, self.Encoding, append=self.append)
        if self.PassThru:
            for value in self._values:
                self.write(value)


class SetContent(_WriteContent):
    """Writes new content to a file, replacing what it held.

    Every value becomes one line."""

    name = "Set-Content"
    aliases = ("sc",)
    action = "Set Content"


class AddContent(_WriteContent):
    """Adds content to the end of a file, creating the file when needed.

    Every value becomes one line."""

    name = "Add-Content"
    aliases = ("ac",)
    append = True
    action = "Add Content"
