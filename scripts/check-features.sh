#!/usr/bin/env bash
# The library without default features pulls no CLI or HTTP/TLS crates (issue 16).
# `cargo tree --no-default-features -e normal` lists the library's normal dependencies
# only; any clap, signal-hook, ureq, rustls, webpki or ring-free TLS helper there is a
# dependency that slipped out of its feature. Prints the count of packages both ways.
set -euo pipefail
cd "$(dirname "$0")/.."
forbidden='^(clap|clap_builder|clap_derive|clap_lex|signal-hook|signal-hook-registry|ureq|ureq-proto|rustls|rustls-pki-types|rustls-webpki|webpki|webpki-roots|webpki-root-certs|terminal_size)$'
lean=$(cargo tree --locked --no-default-features -e normal --prefix none --format '{p}' | awk '{print $1}' | sort -u)
full=$(cargo tree --locked -e normal --prefix none --format '{p}' | awk '{print $1}' | sort -u)
bad=$(printf '%s\n' "$lean" | grep -E "$forbidden" || true)
echo "normal dependencies (packages, the crate itself included): default features $(printf '%s\n' "$full" | wc -l), --no-default-features $(printf '%s\n' "$lean" | wc -l)"
if [ -n "$bad" ]; then
  echo "error: --no-default-features still pulls:" >&2
  printf '  %s\n' $bad >&2
  exit 1
fi
echo "ok: no CLI or HTTP/TLS crates without default features"
