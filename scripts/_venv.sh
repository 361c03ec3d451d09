# Sourced by scripts/hvshell and scripts/test: make .venv and install the
# project into it when it is missing or pyproject.toml changed since.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
stamp="$venv/.installed"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$stamp" ] || [ "$root/pyproject.toml" -nt "$stamp" ]; then
    python3 -m venv "$venv" >&2 || exit 1
    "$venv/bin/python" -m pip install -q --upgrade pip >&2 || exit 1
    "$venv/bin/python" -m pip install -q -e "$root[test]" >&2 || exit 1
    touch "$stamp"
fi
