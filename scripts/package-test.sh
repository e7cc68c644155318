#!/usr/bin/env bash
#! The installed-package test: installs the built .deb with apt (which must pull in its declared
#! dependencies), checks what it put on the system, drives the installed /usr/bin/haemong under Xvfb
#! from a folder outside the source tree, then removes the package and checks it is gone.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
target="${CARGO_TARGET_DIR:-$here/target}"
deb=$(ls -t "$target"/release/bundle/deb/*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { echo "package-test: no .deb under $target/release/bundle/deb (run make package)" >&2; exit 1; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo

echo "package-test: $deb"
# `make package` recompresses it as Debian's packages are (scripts/repack-deb.sh).
ar t "$deb" | grep -qx 'data.tar.xz' || { echo "package-test: $deb is not xz-compressed: $(ar t "$deb" | tr '\n' ' ')" >&2; exit 1; }
deps=$(dpkg-deb -f "$deb" Depends)
for d in libwebkit2gtk-4.1-0 libgtk-3-0 libayatana-appindicator3-1; do
  case "$deps" in *"$d"*) ;; *) echo "package-test: Depends lacks $d: $deps" >&2; exit 1 ;; esac
done
pkg=$(dpkg-deb -f "$deb" Package)

cleanup() { DEBIAN_FRONTEND=noninteractive $SUDO apt-get remove -y -qq "$pkg" >/dev/null 2>&1 || true; }
trap cleanup EXIT
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$deb" >/dev/null

test -x /usr/bin/haemong || { echo "package-test: /usr/bin/haemong missing" >&2; exit 1; }
desktop=$(dpkg -L "$pkg" | grep '\.desktop$' | head -n 1)
grep -q '^Name\[ko\]=해몽$' "$desktop" || { echo "package-test: no Korean name in $desktop" >&2; exit 1; }
grep -q '^Comment=' "$desktop" && grep -q "^Categories=Office;" "$desktop" && grep -q '^Exec=haemong' "$desktop" \
  || { echo "package-test: incomplete $desktop" >&2; cat "$desktop" >&2; exit 1; }
for size in 32x32 64x64 128x128 256x256 512x512; do
  dpkg -L "$pkg" | grep -q "/icons/hicolor/$size/apps/" || { echo "package-test: no $size icon" >&2; exit 1; }
done

# Run it from elsewhere, as a user would: nothing of the source tree is on its way.
work=$(mktemp -d)
cp -r "$here/tests/e2e/harness.js" "$here/tests/package/installed.test.js" "$work/"
(cd "$work" && HAEMONG_BIN=/usr/bin/haemong HAEMONG_ARTIFACTS="$here/target/e2e" \
  bash "$here/scripts/with-session.sh" node --test installed.test.js)

cleanup
trap - EXIT
if [ -e /usr/bin/haemong ] || dpkg -s "$pkg" >/dev/null 2>&1; then
  echo "package-test: the package did not remove cleanly" >&2; exit 1
fi
echo "package-test: installed, used and removed $pkg ($(du -h "$deb" | cut -f1))"
