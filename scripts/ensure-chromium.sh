#!/usr/bin/env bash
# Browser tests drive Debian's chromium through Playwright (browsers cannot be downloaded here).
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v chromium >/dev/null 2>&1; then
  echo "ensure-chromium: installing Debian's chromium package"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
echo "ensure-chromium: $(chromium --version 2>/dev/null || echo chromium)"
