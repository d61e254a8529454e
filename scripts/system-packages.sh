#!/bin/sh
# The Debian packages that `make demo` and `make test` need beside Python, installed when
# missing. Fast when everything is there (no apt-get call at all). Installs with apt-get
# as root or through passwordless sudo; otherwise stops and prints the one command to run.
#
#   chromium                                          the browser test (tests/test_browser.py)
#   gettext                                           msgfmt, for the translation catalogue
#   make                                              the README's two commands
#   libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core  WeasyPrint's PDF exports
#
# Extra package names given as arguments are checked and installed the same way.
# Not a Debian system (no dpkg-query): prints what is needed and goes on.
set -eu

need=""
add() { need="${need:+$need }$1"; }
has_command() { command -v "$1" >/dev/null 2>&1; }
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

packages="libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core $*"

if ! has_command dpkg-query; then
  echo "system-packages: not a Debian system; the demo and the tests need Chromium (for the" >&2
  echo "browser test), gettext, make, Pango and a font (for PDF exports). Going on." >&2
  exit 0
fi

# A browser named by SAMSPAR_CHROMIUM (tests/test_browser.py) counts as Chromium.
if [ -z "${SAMSPAR_CHROMIUM:-}" ] || [ ! -x "${SAMSPAR_CHROMIUM:-}" ]; then
  has_command chromium || add chromium
fi
has_command msgfmt || add gettext
has_command make || add make
for pkg in $packages; do
  installed "$pkg" || add "$pkg"
done

[ -z "$need" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root() { "$@"; }
elif has_command sudo && sudo -n true >/dev/null 2>&1; then
  as_root() { sudo -n "$@"; }
else
  echo "Missing system packages: $need" >&2
  echo "Install them with this command, then run make again:" >&2
  echo >&2
  echo "  sudo apt-get install -y $need" >&2
  echo >&2
  exit 1
fi

echo "== installing system packages: $need"
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086  # the package list is split into words on purpose
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
