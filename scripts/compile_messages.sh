#!/bin/sh
# Compile the translation catalogs (commonwatch/locale) into the .mo files Django reads.
# Needs gettext's msgfmt; the .mo files are committed, so installs and tests do not.
set -eu
cd "$(dirname "$0")/.."
for po in commonwatch/locale/*/LC_MESSAGES/*.po; do
  msgfmt --check -o "${po%.po}.mo" "$po"
done
