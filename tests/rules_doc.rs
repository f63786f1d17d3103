//! docs/rules.md is generated from the catalogue; this test fails when they drift.
// Drives the binary, which needs the `cli` feature.
#![cfg(feature = "cli")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use assert_cmd::Command;

#[test]
fn docs_rules_md_matches_the_catalogue() {
    let out = Command::cargo_bin("samlcheck")
        .unwrap()
        .args(["rules", "--format", "markdown"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let generated = String::from_utf8(out.stdout).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md differs from the rule catalogue; regenerate it with\n\n    cargo run -q -- rules --format markdown > docs/rules.md\n"
    );
    // Every code of the catalogue is in the file.
    for r in samlcheck::catalog::rules() {
        assert!(committed.contains(&format!("`{}`", r.code)), "{}", r.code);
    }
}

#[test]
fn rules_text_lists_every_code_with_fix_and_source() {
    let out = Command::cargo_bin("samlcheck")
        .unwrap()
        .arg("rules")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for r in samlcheck::catalog::rules() {
        assert!(
            text.contains(&format!("{} ({})", r.code, r.severity)),
            "{}",
            r.code
        );
    }
    assert!(text.contains("    fix: ") && text.contains("    source: "));
}

#[test]
fn rules_json_parses() {
    let out = Command::cargo_bin("samlcheck")
        .unwrap()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let n = v.as_array().unwrap().len();
    assert_eq!(n, samlcheck::catalog::rules().len());
    // Each rule's sources, split: a title and an https URL each (docs/severity.md).
    for r in v.as_array().unwrap() {
        let sources = r["sources"].as_array().unwrap();
        assert!(!sources.is_empty(), "{}", r["code"]);
        for e in sources {
            assert!(!e["title"].as_str().unwrap().is_empty(), "{}", r["code"]);
            assert!(
                e["url"].as_str().unwrap().starts_with("https://"),
                "{}",
                r["code"]
            );
            assert!(r["source"]
                .as_str()
                .unwrap()
                .contains(e["url"].as_str().unwrap()));
        }
    }
}
