#!/usr/bin/env bash
#! A C compiler for x86_64-apple-darwin on Linux, for `make cross-check` only: zig (PyPI's ziglang)
#! ships macOS headers and libc. cc-rs passes `--target=x86_64-apple-macosx…`, which zig's clang
#! driver does not parse, so that flag is dropped and zig's own `-target` is used.
#!
#! Objective-C sources (mac-notification-sys's `notify.m`, under the notification plugin) need
#! Apple's Foundation and AppKit headers, which only a Mac has: they are compiled as an empty C file
#! instead. The check type-checks and lints Rust and never links, so nothing calls into the stub;
#! what this leaves unproven is written in docs/development.md.
#!
#! SQLCipher logs through Apple's os_log (`<os/log.h>`), a header zig does not ship:
#! SQLCIPHER_OMIT_LOG_DEVICE compiles its logging to stderr instead, for this check only.
set -euo pipefail
args=()
objc=0
for a in "$@"; do
  case "$a" in
    --target=*|-mmacosx-version-min=*|-mmacos-version-min=*) ;;
    *.m|*.mm) objc=1 ;;
    -fobjc-arc|-fmodules) ;;
    *) args+=("$a") ;;
  esac
done
if [ "$objc" = 1 ]; then
  stub="$(mktemp --suffix=.c)"
  trap 'rm -f "$stub"' EXIT
  echo '/* Objective-C stands in for nothing here: see scripts/zig-cc-macos.sh */' > "$stub"
  args+=("$stub")
  python3 -m ziglang cc -target x86_64-macos "${args[@]}"
  exit $?
fi
exec python3 -m ziglang cc -target x86_64-macos -DSQLCIPHER_OMIT_LOG_DEVICE "${args[@]}"
