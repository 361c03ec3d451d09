"""The composition root (hvshell/shell.py) plugs the cmdlets, the model's
types and the formatter into a runtime that imports none of them.  Each
check runs in a fresh interpreter, so nothing another test imported helps."""
from __future__ import annotations

import ast
import pathlib
import subprocess
import sys
import textwrap

ROOT = pathlib.Path(__file__).resolve().parents[1]
MODEL = ROOT / "hvshell" / "model"


def fresh(code: str) -> str:
    """What `code` prints, run in a new Python process."""
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout


SHELL = """
    import io, sys
    from hvshell.runtime.session import Session
    from hvshell.shell import new_interpreter
    out = io.StringIO()
    interp = new_interpreter(Session(None, seed=1), stdout=out, stderr=out)
    interp.execute(sys.argv[1] if len(sys.argv) > 1 else TEXT)
    print(out.getvalue(), end="")
"""


def run_fresh(text: str) -> str:
    return fresh(f"TEXT = {text!r}\n" + textwrap.dedent(SHELL))


def test_type_lookup_loads_the_model():
    # No model module is imported before the first look-up.
    out = run_fresh("[Microsoft.HyperV.PowerShell.VMReplicationServer].FullName; "
                    "5 -is [Microsoft.FailoverClusters.PowerShell.ClusterNode]; "
                    "[hvshell.Lab.MigrationForecast] -ne $null")
    assert out.split("\n")[:3] == ["Microsoft.HyperV.PowerShell.VMReplicationServer", "False", "True"]


def test_nothing_is_loaded_before_it_is_needed():
    out = fresh("""
        import io, sys
        from hvshell.runtime.session import Session
        from hvshell.shell import new_interpreter
        new_interpreter(Session(None), stdout=io.StringIO()).execute("1 + 1")
        print(sorted({m.split(".")[1] for m in sys.modules if m.startswith("hvshell.")}))
    """)
    loaded = eval(out)
    assert "cmdlets" not in loaded and "model" not in loaded


def test_an_alias_is_found_before_any_cmdlet_was_loaded():
    out = run_fresh("1 | gm -MemberType Method | select -First 1 -ExpandProperty Name")
    assert out == "CompareTo\n"


def test_every_model_type_is_registered():
    """Every model class that names a PowerShell type registers it where it
    is defined (@ps_type), so look-ups need no scan of the modules."""
    missing, declaring = [], 0
    for path in sorted(MODEL.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            declares = any(isinstance(s, ast.Assign) and any(getattr(t, "id", None) == "PS_TYPE"
                                                             for t in s.targets)
                           for s in node.body)
            decorated = any(getattr(d, "id", None) == "ps_type" for d in node.decorator_list)
            declaring += declares
            if declares and not decorated:
                missing.append(f"{path.relative_to(ROOT)}: {node.name}")
    assert not missing, "classes with a PS_TYPE but no @ps_type:\n" + "\n".join(missing)
    registered = fresh("""
        from hvshell.shell import install
        from hvshell.pstypes.registry import registered_types
        install()
        print(sum(cls.__module__.startswith("hvshell.model.") for cls in registered_types().values()))
    """)
    assert int(registered) == declaring


def test_format_finds_its_views_without_the_cmdlets():
    out = fresh("""
        import sys
        from hvshell.format.views import TableView, view_for
        view = view_for(["Microsoft.HyperV.PowerShell.VirtualMachine"])
        group = view_for(["Microsoft.PowerShell.Commands.GroupInfo"])
        print(isinstance(view, TableView), isinstance(group, TableView),
              any(m.startswith("hvshell.cmdlets") for m in sys.modules))
    """)
    assert out == "True True False\n"
