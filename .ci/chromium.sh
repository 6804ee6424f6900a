#!/usr/bin/env bash
# Debian's Chromium for the browser tests (make e2e). Installs the `chromium` package when
# /usr/bin/chromium is missing; Playwright's own browser download is not used (it fails on
# machines without general internet access, and CI uses the distribution's build).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "Chromium is missing and this user cannot install it: run 'apt-get install -y chromium' as root." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium
/usr/bin/chromium --version
