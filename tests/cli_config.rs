//! `samlcheck.toml` from the outside (issue 17): found in the working directory, given with
//! `--config`, ignored with `--no-config`; unknown keys and reasonless disabled rules are
//! errors (exit 2); command-line flags win; per-file overrides; pinned certificates.
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
use std::path::{Path, PathBuf};

const AT: &str = "2026-06-01T00:00:00Z";

fn samlcheck(cwd: &Path) -> Command {
    let mut c = Command::cargo_bin("samlcheck").unwrap();
    c.current_dir(cwd).env_remove("CI");
    c
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

/// An IdP whose only finding is a warning (an http: SSO location).
fn warning_only_idp() -> String {
    entity(
        "https://idp.example.org/",
        &format!(
            "{}{}",
            idp_role(
                "",
                &format!("{}{}", good_key(), sso("http://idp.example.org/sso"))
            ),
            organization()
        ),
    )
}

/// An IdP whose certificate expires on 2026-06-15 (x509.expiring within 30 days of AT).
fn expiring_idp() -> String {
    let s = Spec {
        not_after: "260615000000Z".into(),
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
                    sso("https://idp.example.org/sso")
                )
            ),
            organization()
        ),
    )
}

fn lint(cwd: &Path, args: &[&str]) -> std::process::Output {
    samlcheck(cwd)
        .args(["lint", "--at", AT])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn found_in_the_working_directory_and_ignored_with_no_config() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "idp.xml", &warning_only_idp());
    // Without a configuration the warning does not fail the run.
    assert_eq!(lint(d.path(), &["idp.xml"]).status.code(), Some(0));
    write(d.path(), "samlcheck.toml", "fail_on = \"warning\"\n");
    assert_eq!(lint(d.path(), &["idp.xml"]).status.code(), Some(1));
    assert_eq!(
        lint(d.path(), &["--no-config", "idp.xml"]).status.code(),
        Some(0)
    );
    // The flag wins over the file.
    assert_eq!(
        lint(d.path(), &["--fail-on", "error", "idp.xml"])
            .status
            .code(),
        Some(0)
    );
    // --config and --no-config together is a usage error.
    assert_eq!(
        lint(
            d.path(),
            &["--config", "samlcheck.toml", "--no-config", "idp.xml"]
        )
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn given_with_config_from_anywhere() {
    let d = tempfile::tempdir().unwrap();
    let idp = write(d.path(), "md/idp.xml", &warning_only_idp());
    let cfg = write(d.path(), "conf/strict.toml", "fail_on = \"warning\"\n");
    let elsewhere = tempfile::tempdir().unwrap();
    let out = samlcheck(elsewhere.path())
        .args(["lint", "--at", AT, "--config"])
        .arg(&cfg)
        .arg(&idp)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // A --config file that does not exist is an error naming it.
    samlcheck(elsewhere.path())
        .args(["lint", "--at", AT, "--config", "nope.toml"])
        .arg(&idp)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope.toml"));
}

#[test]
fn unknown_keys_and_bad_values_are_errors() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "idp.xml", &warning_only_idp());
    for (toml, says) in [
        ("fail_on = \"warning\"\nwarn_dys = 3\n", "warn_dys"),
        (
            "[[pin]]\nentity_id = \"x\"\nfingerprint = \"ab\"\n",
            "fingerprint",
        ),
        ("fail_on = \"sometimes\"\n", "sometimes"),
        ("warn_days = -1\n", "warn_days"),
        ("warn_days = 99999\n", "0 to 36500"),
        (
            "[[pin]]\nentity_id = \"x\"\n",
            "give fingerprints or certificates",
        ),
        ("[[pin]]\nentity_id = \"x\"\nfingerprints = [\"zz\"]\n", "x"),
        ("not toml at all", "samlcheck.toml"),
    ] {
        write(d.path(), "samlcheck.toml", toml);
        let out = lint(d.path(), &["idp.xml"]);
        assert_eq!(out.status.code(), Some(2), "{toml}");
        assert!(out.stdout.is_empty(), "{toml}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{toml}: {err}");
        assert!(err.contains("samlcheck.toml"), "names the file: {err}");
    }
    // An unknown key is reported with its line.
    write(
        d.path(),
        "samlcheck.toml",
        "fail_on = \"warning\"\nwarn_dys = 3\n",
    );
    let err = String::from_utf8(lint(d.path(), &["idp.xml"]).stderr).unwrap();
    assert!(err.contains("line 2"), "{err}");
}

#[test]
fn a_disabled_rule_needs_a_reason() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "idp.xml", &warning_only_idp());
    for toml in [
        "[[disable]]\ncode = \"md.endpoint.location.http\"\n",
        "[[disable]]\ncode = \"md.endpoint.location.http\"\nreason = \"  \"\n",
    ] {
        write(d.path(), "samlcheck.toml", toml);
        let out = lint(d.path(), &["idp.xml"]);
        assert_eq!(out.status.code(), Some(2), "{toml}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("reason"),
            "{toml}"
        );
    }
    // An unknown code is refused too.
    write(
        d.path(),
        "samlcheck.toml",
        "[[disable]]\ncode = \"md.no_such_rule\"\nreason = \"x\"\n",
    );
    let out = lint(d.path(), &["idp.xml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("md.no_such_rule"));
    // With a reason the rule is off, and --no-config turns it back on.
    write(
        d.path(),
        "samlcheck.toml",
        "fail_on = \"warning\"\n[[disable]]\ncode = \"md.endpoint.location.http\"\nreason = \"the lab IdP has no TLS; ticket OPS-1\"\n",
    );
    let out = lint(d.path(), &["idp.xml"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("md.endpoint.location.http"));
    let out = lint(d.path(), &["--no-config", "idp.xml"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("md.endpoint.location.http"));
}

#[test]
fn warn_days_from_the_file_and_the_flag_wins() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "idp.xml", &expiring_idp());
    let has = |args: &[&str]| {
        String::from_utf8(lint(d.path(), args).stdout)
            .unwrap()
            .contains("x509.expiring")
    };
    assert!(has(&["idp.xml"]), "default 30 days");
    write(d.path(), "samlcheck.toml", "warn_days = 7\n");
    assert!(!has(&["idp.xml"]), "7 days from the file");
    assert!(has(&["--warn-days", "30", "idp.xml"]), "the flag wins");
}

#[test]
fn per_file_overrides_match_the_path_as_given() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "legacy/old.xml", &warning_only_idp());
    write(d.path(), "new/idp.xml", &warning_only_idp());
    write(
        d.path(),
        "samlcheck.toml",
        "fail_on = \"warning\"\n[[files]]\npath = \"legacy/*.xml\"\nfail_on = \"never\"\n",
    );
    assert_eq!(
        lint(d.path(), &["legacy/old.xml"]).status.code(),
        Some(0),
        "the override"
    );
    assert_eq!(
        lint(d.path(), &["new/idp.xml"]).status.code(),
        Some(1),
        "the top level"
    );
    // [[files.disable]]: more rules off for the matching files only (reason required there too).
    write(
        d.path(),
        "samlcheck.toml",
        "fail_on = \"warning\"\n[[files]]\npath = \"legacy/**\"\n[[files.disable]]\ncode = \"md.endpoint.*\"\nreason = \"legacy IdP, replaced in Q3\"\n",
    );
    let out = lint(d.path(), &["legacy/old.xml"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("md.endpoint.location.http"));
    assert_eq!(lint(d.path(), &["new/idp.xml"]).status.code(), Some(1));
    write(
        d.path(),
        "samlcheck.toml",
        "[[files]]\npath = \"legacy/**\"\n[[files.disable]]\ncode = \"md.endpoint.*\"\n",
    );
    assert_eq!(lint(d.path(), &["legacy/old.xml"]).status.code(), Some(2));
}

#[test]
fn pinned_certificates_per_entity_id_are_used_by_verify() {
    let d = tempfile::tempdir().unwrap();
    let keys = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys");
    let idp = write(d.path(), "idp.xml", &good_idp("https://idp.example.org/"));
    let signed = d.path().join("signed.xml");
    samlcheck(d.path())
        .args(["sign", "--at", AT, "--key"])
        .arg(keys.join("rsa2048.key.pem"))
        .arg("--cert")
        .arg(keys.join("rsa2048.crt.pem"))
        .arg("-o")
        .arg(&signed)
        .arg(&idp)
        .assert()
        .code(0);
    let trust = |cwd: &Path| -> String {
        let out = samlcheck(cwd)
            .args(["verify", "--at", AT, "--format", "json"])
            .arg(&signed)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        v["trust"].as_str().unwrap().to_string()
    };
    assert_eq!(trust(d.path()), "embedded_only");
    std::fs::copy(keys.join("rsa2048.crt.pem"), d.path().join("idp.crt.pem")).unwrap();
    write(
        d.path(),
        "samlcheck.toml",
        "[[pin]]\nentity_id = \"https://idp.example.org/\"\ncertificates = [\"idp.crt.pem\"]\n",
    );
    assert_eq!(trust(d.path()), "pinned");
    // lint and the pair check use the pins too: no "embedded certificate only" finding.
    let lint_out = |cwd: &Path| -> String {
        let out = samlcheck(cwd)
            .args(["lint", "--at", AT, "--format", "json"])
            .arg(&signed)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(!lint_out(d.path()).contains("dsig.trust_embedded_only"));
    // A pin for another entity does not apply.
    write(
        d.path(),
        "samlcheck.toml",
        "[[pin]]\nentity_id = \"https://other.example.org/\"\ncertificates = [\"idp.crt.pem\"]\n",
    );
    assert_eq!(trust(d.path()), "embedded_only");
    assert!(lint_out(d.path()).contains("dsig.trust_embedded_only"));
}
