#!/usr/bin/env python3
"""Validate JSON documents against a JSON Schema (draft 2020-12) with the `jsonschema`
package (PyPI), formats checked.

Usage: check_jsonschema.py SCHEMA DOC...

Checks the schema itself first (Draft202012Validator.check_schema), then every document.
Exit codes: 0 all valid (a one-line summary on stdout), 1 invalid (reasons on stderr),
3 the package is missing (message on stderr).
"""
import json
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError as e:  # pragma: no cover
    print(f"missing consumer package: {e} (run scripts/ci-deps.sh)", file=sys.stderr)
    sys.exit(3)


def main(schema_path, docs):
    with open(schema_path, encoding="utf-8") as fh:
        schema = json.load(fh)
    try:
        Draft202012Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print(f"{schema_path}: not a valid draft 2020-12 schema: {e.message}", file=sys.stderr)
        return 1
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    bad = 0
    for path in docs:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errors:
            bad += 1
            for e in errors[:10]:
                where = "/".join(map(str, e.absolute_path)) or "<root>"
                print(f"{path}: {where}: {e.message[:300]}", file=sys.stderr)
    if bad:
        return 1
    print(f"{schema_path}: {len(docs)} document(s) valid")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
