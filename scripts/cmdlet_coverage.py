"""Write docs/cmdlets.md: the cmdlets hvshell has, read from their
declarations, and how much of three Windows Server 2012 R2 modules they
cover (the name lists in scripts/cmdlets-2012r2.txt).

The table is made from the same registry that Get-Command and Get-Help
read, so a cmdlet appears here exactly when the shell has it.
tests/test_docs.py fails when docs/cmdlets.md differs from what this
script writes now.

Usage: scripts/cmdlet-coverage [--check]
  (no option)  rewrite docs/cmdlets.md
  --check      only compare; exit status 1 when the file is out of date
"""
from __future__ import annotations

import argparse
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hvshell.runtime.cmdlet import ALL_SETS, Cmdlet, all_cmdlets  # noqa: E402
from hvshell.shell import install  # noqa: E402

install()      # the cmdlet registry loads every cmdlet module on first use

OUTPUT = ROOT / "docs" / "cmdlets.md"
MODULE_LISTS = ROOT / "scripts" / "cmdlets-2012r2.txt"

# Modules in the order the page shows them; any other module follows,
# sorted by name.
MODULE_ORDER = ("Hyper-V", "FailoverClusters", "ClusterAwareUpdating", "SmbShare", "NetLbfo",
                "NetAdapter", "Microsoft.PowerShell.Core", "Microsoft.PowerShell.Utility",
                "Microsoft.PowerShell.Management", "hvshell.Lab")


def read_module_lists(path: pathlib.Path = MODULE_LISTS) -> dict[str, list[str]]:
    """{module: cmdlet names} from the `[Module]` sections of `path`."""
    modules: dict[str, list[str]] = {}
    current: list[str] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = modules.setdefault(line[1:-1], [])
        elif current is None:
            raise ValueError(f"{path.name}:{number}: a cmdlet name before any [Module] header")
        else:
            current.append(line)
    return modules


def cmdlets_by_module() -> dict[str, list[type[Cmdlet]]]:
    found: dict[str, list[type[Cmdlet]]] = {}
    for cls in all_cmdlets():
        found.setdefault(cls.module, []).append(cls)
    return found


def module_order(names) -> list[str]:
    known = [m for m in MODULE_ORDER if m in names]
    return known + sorted(set(names) - set(known))


def sets_text(cls: type[Cmdlet]) -> str:
    sets = cls.parameter_sets()
    if sets == [ALL_SETS]:
        return "(one set)"
    default = cls.default_set or sets[0]
    return ", ".join(f"{name} (default)" if name == default and len(sets) > 1 else name
                     for name in sets)


def parameters_text(cls: type[Cmdlet]) -> str:
    """Declared parameters in declaration order; mandatory in some set in
    bold; then -WhatIf/-Confirm when the cmdlet has them."""
    sets = cls.parameter_sets()
    out = []
    for param in cls.parameters().values():
        mandatory = any((m := param.in_set(s)) is not None and m.mandatory for s in sets)
        out.append(f"**{param.name}**" if mandatory else param.name)
    if cls.supports_should_process:
        out += ["WhatIf", "Confirm"]
    return ", ".join(out) if out else "(none)"


def cmdlet_row(cls: type[Cmdlet]) -> str:
    name = cls.name
    if cls.aliases:
        name += " (alias " + ", ".join(sorted(cls.aliases, key=str.lower)) + ")"
    return f"| {name} | {sets_text(cls)} | {parameters_text(cls)} |"


def render() -> str:
    """The whole text of docs/cmdlets.md."""
    lists = read_module_lists()
    have = cmdlets_by_module()
    modules = module_order(set(have) | set(lists))
    total = sum(len(v) for v in have.values())
    lines = [
        "# Cmdlets",
        "",
        "<!-- Written by scripts/cmdlet-coverage from the cmdlet declarations; do not edit. -->",
        "",
        f"hvshell has {total} cmdlets. The ones listed here are the ones `Get-Command` lists, "
        "each with the parameters it accepts, which follow the real cmdlet's; a cmdlet or "
        "parameter not listed does not exist in hvshell yet, and using it is an error "
        "(\"The term ... is not recognized\", \"A parameter cannot be found ...\").",
        "",
        "In the tables, **bold** parameters are mandatory in at least one parameter set, "
        "and the common parameters (-Verbose, -ErrorAction, -ErrorVariable, -OutVariable "
        "...) are left out: every cmdlet has them. `Get-Help NAME` shows the syntax of each "
        "set. The Windows Server 2012 R2 module lists that the coverage is measured "
        "against are in `scripts/cmdlets-2012r2.txt`.",
        "",
        "Where the facts come from: the names of the Microsoft modules' cmdlets and "
        "parameters, their parameter sets, positions, pipeline binding, aliases, defaults "
        "and accepted values, the objects they return with their properties, the columns "
        "of their default tables, and their error ids, categories and exception types "
        "follow Microsoft's help for the Windows Server 2012 R2 modules (the 2012 R2 help "
        "set of the MicrosoftDocs/windows-powershell-docs repository) and, where the help "
        "is silent, console output published at the time. The help text and messages are "
        "hvshell's own words, and the hvshell.Lab cmdlets are hvshell's own design. "
        "Behaviour and figures of the simulation are in docs/model.md.",
        "",
        "## Coverage",
        "",
        "| Module | Cmdlets in hvshell | In the 2012 R2 module |",
        "|---|---:|---:|",
    ]
    for module in modules:
        count = len(have.get(module, []))
        listed = lists.get(module)
        lines.append(f"| {module} | {count} | {len(listed) if listed is not None else '-'} |")
    for module in modules:
        mine = have.get(module, [])
        listed = lists.get(module)
        lines += ["", f"## {module}", ""]
        if listed is not None:
            names = {c.name.lower() for c in mine}
            missing = [n for n in listed if n.lower() not in names]
            extra = sorted(c.name for c in mine if c.name.lower() not in {n.lower() for n in listed})
            lines.append(f"{len(mine)} of the {len(listed)} cmdlets of the Windows Server "
                         f"2012 R2 module.")
            lines.append("")
            if extra:
                lines += ["Not in the 2012 R2 module: " + ", ".join(extra) + ".", ""]
        if mine:
            lines += ["| Cmdlet | Parameter sets | Parameters |", "|---|---|---|"]
            lines += [cmdlet_row(cls) for cls in mine]
        if listed is not None:
            lines += ["", f"Not in hvshell yet ({len(missing)}): "
                      + (", ".join(missing) if missing else "none") + "."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write docs/cmdlets.md from the cmdlet declarations.")
    parser.add_argument("--check", action="store_true",
                        help="only compare; exit status 1 when docs/cmdlets.md is out of date")
    args = parser.parse_args(argv)
    text = render()
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else None
    if args.check:
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run scripts/cmdlet-coverage",
                  file=sys.stderr)
            return 1
        return 0
    if current != text:
        OUTPUT.parent.mkdir(exist_ok=True)
        OUTPUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
