# Sourced by the other scripts: make .venv with the project and its dev tools, at the versions
# of constraints.txt, once per change of pyproject.toml or constraints.txt. Needs only Python
# 3.11+ on PATH (as python3, or set PYTHON).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "timetrack needs Python 3.11 or newer as '$PYTHON' (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
sums="$(cksum pyproject.toml constraints.txt | cut -d' ' -f1)"
stamp=".venv/.installed-${sums//$'\n'/-}"
if [ ! -f "$stamp" ]; then
  echo "Setting up .venv (first run, or pyproject.toml or constraints.txt changed) ..." >&2
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt \
    -e '.[dev]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
