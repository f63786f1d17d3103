//! `samlcheck lint` from the outside: exit codes, filters, formats.
// Drives the binary, which needs the `cli` feature.
#![cfg(feature = "cli")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod lintgen;

use assert_cmd::Command;
use lintgen::*;
use predicates::prelude::*;
use std::path::PathBuf;

const AT: &str = "2026-06-01T00:00:00Z";

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn lint() -> Command {
    let mut c = Command::cargo_bin("samlcheck").unwrap();
    c.args(["lint", "--at", AT]);
    c
}

/// An IdP with an expired certificate (error) and an http: SSO location (warning).
fn broken_idp() -> String {
    let s = Spec {
        not_after: "260101000000Z".into(),
        ..Spec::default()
    };
    entity(
        "https://idp.example.org/",
        &format!(
            "{}{}",
            idp_role(
                "",
                &format!(
                    "{}{}",
                    key("signing", &cert(&s)),
                    sso("http://idp.example.org/sso")
                )
            ),
            organization()
        ),
    )
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn clean_file_exits_0() {
    let d = tempfile::tempdir().unwrap();
    let p = write(&d, "idp.xml", &good_idp("https://idp.example.org/"));
    lint()
        .arg(&p)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 error(s), 0 warning(s), 0 info"));
}

#[test]
fn errors_exit_1_and_fail_on_moves_the_threshold() {
    let d = tempfile::tempdir().unwrap();
    let p = write(&d, "idp.xml", &broken_idp());
    lint()
        .arg(&p)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("x509.expired"))
        .stdout(predicate::str::contains("\n  https://idp.example.org/\n"))
        .stdout(predicate::str::contains("hint: "));
    lint().arg(&p).args(["--fail-on", "never"]).assert().code(0);
    // Only the warning left: passes at error, fails at warning.
    lint()
        .arg(&p)
        .args(["--disable", "x509.expired"])
        .assert()
        .code(0);
    lint()
        .arg(&p)
        .args(["--disable", "x509.expired", "--fail-on", "warning"])
        .assert()
        .code(1);
    lint()
        .arg(&p)
        .args([
            "--disable",
            "x509.expired",
            "--disable",
            "md.endpoint.location.http",
            "--fail-on",
            "info",
        ])
        .assert()
        .code(0);
}

#[test]
fn only_selects_codes_and_families() {
    let d = tempfile::tempdir().unwrap();
    let p = write(&d, "idp.xml", &broken_idp());
    let out = lint()
        .arg(&p)
        .args(["--only", "md.endpoint.location.http", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    let codes: Vec<&str> = v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["md.endpoint.location.http"]);
    let out = lint()
        .arg(&p)
        .args(["--only", "x509.*", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert!(v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["code"].as_str().unwrap().starts_with("x509.")));
}

#[test]
fn unknown_codes_exit_2_with_close_matches() {
    let d = tempfile::tempdir().unwrap();
    let p = write(&d, "idp.xml", &good_idp("https://idp.example.org/"));
    lint()
        .arg(&p)
        .args(["--disable", "x509.expird"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("unknown rule code"))
        .stderr(predicate::str::contains("x509.expired"));
    lint().arg(&p).args(["--only", "nosuch.*"]).assert().code(2);
}

#[test]
fn json_has_the_documented_shape() {
    let d = tempfile::tempdir().unwrap();
    let a = write(&d, "a.xml", &broken_idp());
    let b = write(&d, "b.xml", &good_sp("https://sp.example.org/"));
    let out = lint()
        .arg(&a)
        .arg(&b)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["tool"], "samlcheck");
    assert_eq!(v["command"], "lint");
    assert_eq!(v["at"], "2026-06-01T00:00:00Z");
    assert!(v["version"].is_string());
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["file"], a.display().to_string());
    assert_eq!(
        files[0]["entities"],
        serde_json::json!(["https://idp.example.org/"])
    );
    assert!(v["findings"].as_array().unwrap().is_empty());
    assert_eq!(files[1]["findings"].as_array().unwrap().len(), 0);
    let f = &files[0]["findings"][0];
    for k in ["code", "severity", "entity", "location", "message", "hint"] {
        assert!(!f[k].is_null(), "missing {k}: {f}");
    }
    for k in ["file", "line", "col", "offset", "path"] {
        assert!(!f["location"][k].is_null(), "missing location.{k}: {f}");
    }
    assert_eq!(f["location"]["file"], a.display().to_string());
    assert_eq!(v["summary"]["error"], 1);
    assert_eq!(v["summary"]["warning"], 1);
    assert_eq!(v["summary"]["info"], 0);
}

#[test]
fn warn_days_sets_the_expiry_window() {
    let d = tempfile::tempdir().unwrap();
    let s = Spec {
        not_after: "260615000000Z".into(),
        ..Spec::default()
    };
    let xml = entity(
        "https://idp.example.org/",
        &format!(
            "{}{}",
            idp_role(
                "",
                &format!(
                    "{}{}",
                    key("signing", &cert(&s)),
                    sso("https://idp.example.org/sso")
                )
            ),
            organization()
        ),
    );
    let p = write(&d, "idp.xml", &xml);
    lint()
        .arg(&p)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("x509.expiring"));
    lint()
        .arg(&p)
        .args(["--warn-days", "7"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("x509.expiring").not());
}

#[test]
fn unparseable_input_exits_2_with_a_positioned_one_line_error() {
    let d = tempfile::tempdir().unwrap();
    let good = write(&d, "good.xml", &good_idp("https://idp.example.org/"));
    let bad = write(&d, "bad.xml", "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\">\n<oops></md:EntityDescriptor>");
    let out = lint().arg(&good).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // Issue 16: every file is reported (the good one too), the bad one as an error entry;
    // the exit code is 2 at the end.
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("good.xml") && stdout.contains("bad.xml"),
        "{stdout}"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("bad.xml") && err.contains("2:"), "{err}");
    lint()
        .arg(d.path().join("missing.xml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.xml"));
}

#[test]
fn markdown_is_refused_and_ci_formats_are_written() {
    let d = tempfile::tempdir().unwrap();
    let p = write(&d, "idp.xml", &good_idp("https://idp.example.org/"));
    lint()
        .arg(&p)
        .args(["--format", "markdown"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'markdown'"));
    lint()
        .arg(&p)
        .args(["--format", "sarif"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"version\": \"2.1.0\""));
    lint()
        .arg(&p)
        .args(["--format", "junit"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("<testsuites"));
}

#[test]
fn aggregates_group_findings_by_entity() {
    let d = tempfile::tempdir().unwrap();
    let xml = aggregate(
        "",
        &format!(
            "{}{}",
            good_sp("https://a.example.org/"),
            entity(
                "https://b.example.org/",
                &sp_role("", &acs("http://b.example.org/acs", 0))
            )
        ),
    );
    let p = write(&d, "agg.xml", &xml);
    let out = lint().arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("(2 entities)"), "{text}");
    let doc = text.find("(document)").unwrap();
    let b = text.find("  https://b.example.org/").unwrap();
    assert!(doc < b, "{text}");
    assert!(text.contains("md.aggregate.unsigned") && text.contains("md.endpoint.location.http"));
}

#[test]
fn quiet_prints_nothing_when_clean() {
    let d = tempfile::tempdir().unwrap();
    let p = write(&d, "idp.xml", &good_idp("https://idp.example.org/"));
    lint()
        .arg(&p)
        .arg("--quiet")
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty());
    let p = write(&d, "bad.xml", &broken_idp());
    lint()
        .arg(&p)
        .arg("--quiet")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("x509.expired"));
}
