#!/usr/bin/env bash
#! The archiver for `make cross-check`'s macOS C (see zig-cc-macos.sh).
exec python3 -m ziglang ar "$@"
