#!/usr/bin/env bash
#! Recompresses the .deb bundles with xz (`make package`). tauri-bundler writes the package's data
#! as data.tar.gz; Debian's own packages use xz (dpkg-deb's default), which takes Haemong's .deb
#! from 9.8 to 6.9 MB, the same files. Every dpkg since 1.15 reads it. The files, their modes,
#! owners and sizes, and the control data are compared with the bundler's before it is replaced.
set -euo pipefail
dir=${1:?usage: repack-deb.sh DIR_WITH_DEBS}
listing() { # mode owner size path, one per entry, in one form for both archives
  dpkg-deb -c "$1" | awk '{ p = $6; sub(/^\.\//, "", p); sub(/\/$/, "", p); o = $2;
    if (o == "0/0") o = "root/root"; if (p != "" && p != ".") print $1, o, $3, p }' | sort -k4
}
shopt -s nullglob
debs=("$dir"/*.deb)
[ ${#debs[@]} -gt 0 ] || { echo "repack-deb: no .deb in $dir" >&2; exit 1; }
for deb in "${debs[@]}"; do
  if ar t "$deb" | grep -qx 'data.tar.xz'; then continue; fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  dpkg-deb -R "$deb" "$work/pkg"
  dpkg-deb -Zxz --root-owner-group -b "$work/pkg" "$work/new.deb" >/dev/null
  diff <(listing "$deb") <(listing "$work/new.deb") >&2 \
    || { echo "repack-deb: $deb would change its files; left as it was" >&2; exit 1; }
  diff <(dpkg-deb -I "$deb" control md5sums) <(dpkg-deb -I "$work/new.deb" control md5sums) >&2 \
    || { echo "repack-deb: $deb would change its control data; left as it was" >&2; exit 1; }
  before=$(stat -c %s "$deb")
  mv "$work/new.deb" "$deb"
  echo "repack-deb: $(basename "$deb"): $before → $(stat -c %s "$deb") bytes (xz)"
  rm -rf "$work"
  trap - EXIT
done
