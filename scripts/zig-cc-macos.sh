#!/usr/bin/env bash
#! A C compiler for x86_64-apple-darwin on Linux, for `make cross-check` only: zig (PyPI's ziglang)
#! ships macOS headers and libc. cc-rs passes `--target=x86_64-apple-macosx…`, which zig's clang
#! driver does not parse, so that flag is dropped and zig's own `-target` is used.
set -euo pipefail
args=()
for a in "$@"; do
  case "$a" in
    --target=*|-mmacosx-version-min=*) ;;
    *) args+=("$a") ;;
  esac
done
exec python3 -m ziglang cc -target x86_64-macos "${args[@]}"
