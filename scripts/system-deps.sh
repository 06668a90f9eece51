#!/usr/bin/env bash
# Installs the Debian packages Kefu needs that a fresh machine may lack.
#   scripts/system-deps.sh runtime  — PDF rendering and CJK fonts (make demo)
#   scripts/system-deps.sh test     — plus PostgreSQL, Chromium, Java, pdftotext (make test)
# Only missing packages are installed; nothing happens when all are present.
set -euo pipefail
want=(libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk fontconfig)
if [ "${1:-runtime}" = "test" ]; then
  want+=(postgresql chromium poppler-utils openjdk-17-jre-headless)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian package starts a cluster of its own; the tests start their own server.
if printf '%s\n' "${missing[@]}" | grep -q '^postgresql$'; then
  $SUDO service postgresql stop >/dev/null 2>&1 || true
fi
fc-cache -f >/dev/null 2>&1 || true
