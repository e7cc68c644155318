#!/usr/bin/env bash
#! The ranlib for `make cross-check`'s macOS C (OpenSSL's install indexes its archives; the
#! system's ranlib cannot read a Mach-O archive).
exec python3 -m ziglang ranlib "$@"
