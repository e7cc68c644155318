#!/usr/bin/env bash
#! Recompresses the .deb bundles with xz (`make package`). tauri-bundler writes the package's data
#! as data.tar.gz and has no option for another compression; Debian's own packages are xz, which
#! takes Haemong's .deb from ~9.8 to ~6.9 MB. Every dpkg since 1.15.6 reads it (Ubuntu's dpkg-deb
#! defaults to zstd, which older Debian cannot read: -Zxz is given explicitly). Before the
#! bundler's file is replaced, the new one must list the same entries (mode, owner, size, path,
#! link target), carry the same control files, and unpack to files matching the bundler's md5sums.
set -euo pipefail
umask 022 # dpkg-deb -b refuses a DEBIAN/ folder that others cannot read
dir=${1:?usage: repack-deb.sh DIR_WITH_DEBS}
listing() { # mode owner size path[ -> target], in one form for both archives
  dpkg-deb -c "$1" | awk '{ o = $2; if (o == "0/0") o = "root/root"; m = $1; s = $3;
    sub(/^[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +/, ""); sub(/^\.\//, ""); sub(/\/$/, "");
    if ($0 != "" && $0 != ".") print m, o, s, $0 }' | sort -k4
}
members() { # the control archive's files (control, md5sums, maintainer scripts, …)
  dpkg-deb --ctrl-tarfile "$1" | tar -t | sed 's#^\./##' | grep -v '/$' | grep . | sort
}
shopt -s nullglob
debs=("$dir"/*.deb)
[ ${#debs[@]} -gt 0 ] || { echo "repack-deb: no .deb in $dir" >&2; exit 1; }
for deb in "${debs[@]}"; do
  if ar t "$deb" | grep -qx 'data.tar.xz'; then continue; fi
  # Beside the package, so the final rename is atomic (no half-copied .deb under its name).
  work=$(mktemp -d -p "$dir" .repack.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  dpkg-deb -R "$deb" "$work/pkg"
  dpkg-deb -Zxz --root-owner-group -b "$work/pkg" "$work/new.deb" >/dev/null
  diff <(listing "$deb") <(listing "$work/new.deb") >&2 \
    || { echo "repack-deb: $deb would change its entries; left as it was" >&2; exit 1; }
  [ "$(members "$deb")" = "$(members "$work/new.deb")" ] \
    || { echo "repack-deb: $deb would change its control members; left as it was" >&2; exit 1; }
  for m in $(members "$deb"); do
    cmp -s <(dpkg-deb -I "$deb" "$m") <(dpkg-deb -I "$work/new.deb" "$m") \
      || { echo "repack-deb: $deb would change its $m; left as it was" >&2; exit 1; }
  done
  dpkg-deb -x "$work/new.deb" "$work/check"
  (cd "$work/check" && md5sum --quiet -c "$work/pkg/DEBIAN/md5sums") >&2 \
    || { echo "repack-deb: $deb's files would change; left as it was" >&2; exit 1; }
  touch -r "$deb" "$work/new.deb" # the bundler's time: tools that take the newest .deb still do
  before=$(stat -c %s "$deb")
  mv "$work/new.deb" "$deb"
  echo "repack-deb: $(basename "$deb"): $before → $(stat -c %s "$deb") bytes (xz)"
  rm -rf "$work"
  trap - EXIT
done
