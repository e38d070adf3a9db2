#!/usr/bin/env bash
# Create the project's virtualenv; on Debian, install python3-venv first when ensurepip is missing.
set -euo pipefail
python=${1:-python3}
venv=${2:-.venv}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if [ -x "$venv/bin/python" ] && [ -x "$venv/bin/pip" ] && "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  exit 0
fi
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Criée needs Python 3.11 or newer ($python is older)." >&2; exit 1; }
if ! "$python" -m venv "$venv" 2>/dev/null; then
  rm -rf "$venv"
  echo "ensure-venv: installing Debian's python3-venv"
  as_root apt-get update -qq
  version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "python$version-venv" >/dev/null \
    || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  "$python" -m venv "$venv"
fi
