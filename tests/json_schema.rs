//! `--format json` of every command against its JSON Schema in `schemas/`.
//!
//! The test iterates over `schemas/*.schema.json`: each schema is checked as a draft 2020-12
//! schema and every real output of its command (on the fixtures, and on the corpus in
//! `../shared/corpus` when present) is validated with the `jsonschema` package (PyPI) through
//! `tests/consumers/check_jsonschema.py`, a real validator. A schema of a command that the table
//! [`fixture_runs`] does not run fails the test (add its invocations there), and so does a
//! command run without a schema. `scripts/ci-deps.sh` installs `jsonschema`; without python3
//! or the package the test prints why and skips, except under `CI=true`, where it fails.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const AT: &str = "2026-12-01T00:00:00Z";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fx(name: &str) -> String {
    root()
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

/// Every schema: command name -> path.
fn schemas() -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(root().join("schemas")).unwrap().flatten() {
        let p = e.path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if let Some(cmd) = name.strip_suffix(".schema.json") {
            out.insert(cmd.to_string(), p);
        }
    }
    out
}

/// The invocations on the fixtures, by command (without `--format json --at`). Files that
/// commands write go to `tmp`.
fn fixture_runs(tmp: &Path) -> Vec<(&'static str, Vec<String>)> {
    let t = |n: &str| tmp.join(n).display().to_string();
    let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    let signed = t("signed.xml");
    // A signed document whose content no longer matches its digest: a failed signature.
    let tampered = t("tampered.xml");
    let mut runs = vec![
        (
            "sign",
            s(&[
                "sign",
                &fx("aws-ic-sp.xml"),
                "--key",
                &fx("keys/sp.key.pem"),
                "--cert",
                &fx("keys/sp.crt.pem"),
                "-o",
                &signed,
            ]),
        ),
        (
            "check",
            s(&["check", &fx("aws-ic-sp.xml"), &fx("entra-idp.xml")]),
        ),
        (
            "response",
            s(&[
                "response",
                &fx("responses/valid/capture-two.har"),
                "--idp",
                &fx("entra-idp.xml"),
                "--sp",
                &fx("aws-ic-sp.xml"),
            ]),
        ),
        (
            "response",
            s(&[
                "response",
                &fx("responses/attacks/xsw1.xml"),
                "--idp",
                &fx("entra-idp.xml"),
            ]),
        ),
        (
            "response",
            s(&[
                "response",
                &fx("responses/scenario/carol-upn.xml"),
                "--idp",
                &fx("entra-idp.xml"),
                "--sp",
                &fx("aws-ic-sp.xml"),
                "--aws-users",
                &fx("entra/aws-users-bad.json"),
                "--redact",
            ]),
        ),
        (
            "check",
            s(&[
                "check",
                &fx("aws-ic-sp.xml"),
                &fx("entra-idp.xml"),
                "--response",
                &fx("responses/scenario/carol-upn.xml"),
            ]),
        ),
        (
            "check",
            s(&[
                "check",
                &fx("entra-idp.xml"),
                &fx("aws-ic-sp.xml"),
                "--entra-users",
                &fx("entra/entra-users.json"),
                "--aws-users",
                &fx("entra/aws-users-bad.json"),
                "--entra-app",
                &fx("entra/app-ic-bad.json"),
            ]),
        ),
        (
            "check",
            s(&[
                "check",
                &fx("aws-iam-sp.xml"),
                &fx("entra-idp-one-cert.xml"),
            ]),
        ),
        ("rules", s(&["rules"])),
        (
            "rewrite",
            s(&[
                "rewrite",
                &fx("entra-idp.xml"),
                "--strip-bom",
                "-o",
                &t("rw.xml"),
            ]),
        ),
        (
            "diff",
            s(&["diff", &fx("entra-idp-one-cert.xml"), &fx("entra-idp.xml")]),
        ),
        (
            "diff",
            s(&["diff", &fx("entra-idp.xml"), &fx("entra-idp-one-cert.xml")]),
        ),
        (
            "diff",
            s(&["diff", &fx("aggregate.xml"), &fx("aggregate.xml")]),
        ),
        ("verify", s(&["verify", &signed])),
        ("verify", s(&["verify", &tampered])),
        ("verify", s(&["verify", &fx("aggregate.xml")])),
    ];
    let mut all = vec!["lint".to_string()];
    for f in [
        "aws-ic-sp.xml",
        "aws-iam-sp.xml",
        "entra-idp.xml",
        "entra-idp-one-cert.xml",
        "entra-idp-common.xml",
        "aggregate.xml",
    ] {
        all.push(fx(f));
        runs.push(("lint", s(&["lint", &fx(f)])));
        runs.push(("show", s(&["show", &fx(f)])));
        runs.push(("verify", s(&["verify", &fx(f)])));
    }
    runs.push(("lint", all));
    runs
}

/// Runs samlcheck with `--format json --at AT`; the output when it exits 0 or 1.
fn json_of(args: &[String]) -> Result<String, String> {
    json_at(args, AT)
}

fn json_at(args: &[String], at: &str) -> Result<String, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_samlcheck"))
        .args(args)
        .args(["--format", "json", "--at", at])
        .output()
        .unwrap();
    match out.status.code() {
        Some(0 | 1) => Ok(String::from_utf8(out.stdout).unwrap()),
        c => Err(format!(
            "{args:?}: exit {c:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        )),
    }
}

enum Validated {
    Valid,
    Invalid(String),
    Skipped,
}

/// Validates `docs` against `schema` with the external validator.
fn validate(schema: &Path, docs: &[PathBuf]) -> Validated {
    let out = match Command::new("python3")
        .arg(root().join("tests/consumers/check_jsonschema.py"))
        .arg(schema)
        .args(docs)
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            support::skip(
                "json_schema",
                &format!("python3 not available ({e}); run scripts/ci-deps.sh"),
            );
            return Validated::Skipped;
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    match out.status.code() {
        Some(0) => Validated::Valid,
        Some(3) => {
            support::skip("json_schema", stderr.trim());
            Validated::Skipped
        }
        _ => Validated::Invalid(stderr),
    }
}

fn write_docs(dir: &Path, cmd: &str, docs: &[String]) -> Vec<PathBuf> {
    docs.iter()
        .enumerate()
        .map(|(i, d)| {
            let p = dir.join(format!("{cmd}-{i}.json"));
            std::fs::write(&p, d).unwrap();
            p
        })
        .collect()
}

/// `doc` made invalid: the first key its schema requires removed (for an array, the first
/// item's `code`).
fn broken(schema: &serde_json::Value, doc: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(doc).unwrap();
    match &mut v {
        serde_json::Value::Object(m) => {
            let key = schema["required"][0].as_str().unwrap();
            m.remove(key);
        }
        serde_json::Value::Array(a) => {
            a[0].as_object_mut().unwrap().remove("code");
        }
        _ => panic!("a JSON output is an object or an array"),
    }
    v.to_string()
}

#[test]
fn every_command_output_matches_its_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let schemas = schemas();
    let mut docs: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (cmd, args) in fixture_runs(tmp.path()) {
        assert!(
            schemas.contains_key(cmd),
            "`samlcheck {cmd} --format json` has no schemas/{cmd}.schema.json"
        );
        let out = json_of(&args).unwrap_or_else(|e| panic!("{e}"));
        docs.entry(cmd).or_default().push(out);
        if cmd == "sign" {
            let signed = std::fs::read_to_string(tmp.path().join("signed.xml")).unwrap();
            let tampered = signed.replacen("https://", "https://x.", 1);
            assert_ne!(signed, tampered);
            std::fs::write(tmp.path().join("tampered.xml"), tampered).unwrap();
        }
    }
    corpus_runs(&mut docs);
    let out_dir = tmp.path().join("docs");
    std::fs::create_dir(&out_dir).unwrap();
    for (cmd, schema) in &schemas {
        let list = docs.get(cmd.as_str()).unwrap_or_else(|| {
            panic!("schemas/{cmd}.schema.json: no run of `{cmd}` in fixture_runs (add one)")
        });
        let files = write_docs(&out_dir, cmd, list);
        match validate(schema, &files) {
            Validated::Skipped => return,
            Validated::Invalid(why) => panic!("{cmd}: output does not match its schema:\n{why}"),
            Validated::Valid => {}
        }
        // The schema is not vacuous: a document missing a required key is rejected.
        let s: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(schema).unwrap()).unwrap();
        let bad = write_docs(&out_dir, &format!("{cmd}-broken"), &[broken(&s, &list[0])]);
        assert!(
            matches!(validate(schema, &bad), Validated::Invalid(_)),
            "{cmd}: a document without a required key passed"
        );
        println!("{cmd}: {} outputs valid", list.len());
    }
}

#[test]
fn severity_outside_the_enum_is_rejected() {
    let out = json_at(
        &["lint".to_string(), fx("entra-idp.xml")],
        "2031-01-01T00:00:00Z",
    )
    .unwrap();
    assert!(out.contains("\"severity\": \"error\""));
    let tmp = tempfile::tempdir().unwrap();
    let bad = write_docs(
        tmp.path(),
        "lint",
        &[out.replacen("\"severity\": \"error\"", "\"severity\": \"fatal\"", 1)],
    );
    match validate(&root().join("schemas/lint.schema.json"), &bad) {
        Validated::Invalid(why) => assert!(why.contains("fatal"), "{why}"),
        Validated::Valid => panic!("severity \"fatal\" passed the schema"),
        Validated::Skipped => {}
    }
}

/// `../shared/corpus` next to the checkout or the worktrees folder.
fn corpus() -> Option<PathBuf> {
    let found = ["../shared/corpus", "../../shared/corpus"]
        .iter()
        .map(|r| root().join(r))
        .find(|p| p.is_dir());
    if found.is_none() {
        println!("skipping the corpus part: ../shared/corpus is absent");
    }
    found
}

/// lint, show and verify on every corpus metadata file, check of each against the AWS SP
/// fixture, diff of neighbours; inputs the tool refuses (exit 2) are left out.
fn corpus_runs(docs: &mut BTreeMap<&str, Vec<String>>) {
    let Some(root) = corpus() else { return };
    let mut n = 0;
    for d in [
        "1-aws-identity-center",
        "3-entra",
        "4-other-idp-sp",
        "5-aggregates",
        "6-attacks-broken",
    ] {
        let Ok(rd) = std::fs::read_dir(root.join(d)) else {
            continue;
        };
        let mut paths: Vec<String> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .map(|p| p.display().to_string())
            .collect();
        paths.sort();
        for (i, p) in paths.iter().enumerate() {
            let mut runs = vec![
                ("lint", vec!["lint".to_string(), p.clone()]),
                ("show", vec!["show".to_string(), p.clone()]),
                ("verify", vec!["verify".to_string(), p.clone()]),
                (
                    "check",
                    vec!["check".to_string(), fx("aws-ic-sp.xml"), p.clone()],
                ),
            ];
            if let Some(prev) = i.checked_sub(1).and_then(|j| paths.get(j)) {
                runs.push((
                    "diff",
                    vec![
                        "diff".to_string(),
                        prev.clone(),
                        p.clone(),
                        "--force".to_string(),
                    ],
                ));
            }
            for (cmd, args) in runs {
                let out = json_of(&args).or_else(|e| {
                    // `--force` is newer than this test on some branches: retry without.
                    if cmd == "diff" && e.contains("--force") {
                        json_of(&args[..3])
                    } else {
                        Err(e)
                    }
                });
                if let Ok(out) = out {
                    if !out.trim().is_empty() {
                        docs.entry(cmd).or_default().push(out);
                        n += 1;
                    }
                }
            }
        }
    }
    println!("corpus: {n} outputs");
}
