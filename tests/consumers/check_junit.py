#!/usr/bin/env python3
"""Read a JUnit XML report with the PyPI package `junitparser` and print what it read, as JSON.

Exit codes: 0 parsed (summary on stdout), 1 unreadable (reason on stderr),
3 the consumer package is missing (message on stderr).
"""
import json
import sys

try:
    import junitparser
    from junitparser import Failure, JUnitXml
except ImportError as e:  # pragma: no cover
    print(f"missing consumer package: {e} (run scripts/ci-deps.sh)", file=sys.stderr)
    sys.exit(3)


def main(path):
    try:
        xml = JUnitXml.fromfile(path)
    except Exception as e:  # junitparser raises lxml/etree errors of several types
        print(f"junitparser could not read {path}: {e}", file=sys.stderr)
        return 1
    suites = []
    for suite in xml:
        cases = []
        for case in suite:
            failures = [
                {"type": r.type, "message": r.message, "text": r.text}
                for r in case.result if isinstance(r, Failure)
            ]
            cases.append({
                "classname": case.classname,
                "name": case.name,
                "passed": case.is_passed,
                "failures": failures,
                "system_out": case.system_out,
            })
        props = {p.name: p.value for p in suite.properties()}
        suites.append({
            "name": suite.name,
            "tests": suite.tests,
            "failures": suite.failures,
            "properties": props,
            "cases": cases,
        })
    print(json.dumps({
        "junitparser": getattr(junitparser, "version", "?"),
        "tests": xml.tests,
        "failures": xml.failures,
        "suites": suites,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
