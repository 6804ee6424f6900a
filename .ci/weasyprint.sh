#!/usr/bin/env bash
# The Debian libraries WeasyPrint draws PDF letters with (Pango, HarfBuzz's subsetter,
# fonts), installed only if missing: idempotent and quiet. docs/letters.md.
set -euo pipefail
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
missing=""
for package in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $package"
done
if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
.venv/bin/python -c 'import weasyprint; weasyprint.HTML(string="<p>ok</p>").write_pdf()' \
  || { echo "WeasyPrint cannot make a PDF with the libraries installed." >&2; exit 1; }
