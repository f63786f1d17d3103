//! Issue 16: every command's `--format json` output is the library report serialized, for
//! the same inputs and `--at`, so nothing is computed only in the binary.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use samlcheck::pair::PairOptions;
use samlcheck::run::{self, PairInput, Source};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const AT: &str = "2026-12-01T00:00:00Z";

fn at() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(AT).unwrap().to_utc()
}

fn fx(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn key(name: &str, ext: &str) -> PathBuf {
    PathBuf::from(fx(&format!("keys/{name}.{ext}.pem")))
}

/// Runs the CLI with `--format json --at AT`; returns the exit code and stdout as JSON.
fn cli(args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_samlcheck"))
        .args(["--format", "json", "--at", AT])
        .args(args)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), v)
}

fn lib<T: serde::Serialize>(r: &T) -> Value {
    serde_json::to_value(r).unwrap()
}

#[test]
fn check_json_is_the_library_report() {
    let sp = fx("aws-ic-sp.xml");
    let idp = fx("entra-idp.xml");
    let app = fx("entra/app-ic-bad.json");
    let users = fx("entra/entra-users.json");
    let aws = fx("entra/aws-users-bad.json");
    let (code, v) = cli(&[
        "check",
        &sp,
        &idp,
        "--entra-app",
        &app,
        "--entra-users",
        &users,
        "--aws-users",
        &aws,
    ]);
    let mut input = PairInput::new(Source::read(&sp), Source::read(&idp));
    input.exports.entra_app = Some(Source::read(&app));
    input.exports.entra_users = Some(Source::read(&users));
    input.exports.aws_users = Some(Source::read(&aws));
    let r = run::check_pair(&input, &PairOptions::at(at())).unwrap();
    assert_eq!(v, lib(&r));
    assert!(!r.users.is_empty(), "the users are compared");
    assert!(!r.report.findings.is_empty());
    assert_eq!(code, i32::from(r.fails(samlcheck::Severity::Error)));
    // The same shape as before issue 16: the keys of the check report.
    for k in [
        "tool", "version", "command", "at", "files", "findings", "notes", "summary", "sp", "idp",
        "users",
    ] {
        assert!(v.get(k).is_some(), "{k} missing");
    }
    assert_eq!(v["command"], "check");
}

#[test]
fn check_selection_and_show_are_applied_in_the_library() {
    let sp = fx("aws-ic-sp.xml");
    let idp = fx("entra-idp.xml");
    let (_, all) = cli(&["check", &sp, &idp]);
    let (_, only) = cli(&["check", &sp, &idp, "--only", "pair.idp_cert.*"]);
    let (_, dis) = cli(&["check", &sp, &idp, "--disable", "pair.idp_cert.*"]);
    let (code, shown) = cli(&["check", &sp, &idp, "--show", "error", "--fail-on", "info"]);
    let input = PairInput::new(Source::read(&sp), Source::read(&idp));
    let mut o = PairOptions::at(at());
    o.only = run::expand_codes(&["pair.idp_cert.*".to_string()], "--only").unwrap();
    assert_eq!(only, lib(&run::check_pair(&input, &o).unwrap()));
    let mut o = PairOptions::at(at());
    o.disabled = run::expand_codes(&["pair.idp_cert.*".to_string()], "--disable").unwrap();
    assert_eq!(dis, lib(&run::check_pair(&input, &o).unwrap()));
    let mut o = PairOptions::at(at());
    o.show = samlcheck::Severity::Error;
    let r = run::check_pair(&input, &o).unwrap();
    assert_eq!(shown, lib(&r));

    let codes = |v: &Value| -> Vec<String> {
        let mut c: Vec<String> = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f["findings"].as_array().unwrap().clone())
            .chain(v["findings"].as_array().unwrap().clone())
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect();
        c.sort();
        c
    };
    let (a, on, off) = (codes(&all), codes(&only), codes(&dis));
    assert!(a.iter().any(|c| c.starts_with("pair.idp_cert.")), "{a:?}");
    assert!(
        !on.is_empty() && on.iter().all(|c| c.starts_with("pair.idp_cert.")),
        "{on:?}"
    );
    assert!(
        off.iter().all(|c| !c.starts_with("pair.idp_cert.")),
        "{off:?}"
    );
    assert_eq!(on.len() + off.len(), a.len());
    // --show error hides the info findings but --fail-on info still sees them.
    assert!(codes(&shown).len() < a.len());
    assert!(r.hidden > 0 && shown["hidden"] == r.hidden);
    assert_eq!(code, 1);
    let (code, _) = cli(&["check", &sp, &idp, "--show", "error"]);
    assert_eq!(code, 0);
}

#[test]
fn check_refuses_unknown_codes() {
    let out = Command::new(env!("CARGO_BIN_EXE_samlcheck"))
        .args(["check", &fx("aws-ic-sp.xml"), &fx("entra-idp.xml")])
        .args(["--only", "pair.idp_cert.expird"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean pair.idp_cert.expired"), "{err}");
}

#[test]
fn lint_json_is_the_library_report_and_lists_unreadable_files() {
    let d = tempfile::tempdir().unwrap();
    let bad = d.path().join("bad.xml");
    std::fs::write(
        &bad,
        "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\">\n<oops>",
    )
    .unwrap();
    let missing = d.path().join("missing.xml");
    let files = [
        fx("entra-idp.xml"),
        bad.display().to_string(),
        fx("aws-ic-sp.xml"),
        missing.display().to_string(),
    ];
    let mut args = vec!["lint"];
    args.extend(files.iter().map(String::as_str));
    let (code, v) = cli(&args);
    let sources: Vec<Source> = files.iter().map(Source::read).collect();
    let r = run::lint_sources(
        &sources,
        &samlcheck::lint::LintOptions::at(at()),
        &samlcheck::Limits::default(),
    );
    assert_eq!(v, lib(&r));
    assert_eq!(code, 2, "an unreadable file makes the exit code 2");
    assert_eq!(r.report.files.len(), 2, "the readable files are linted");
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert!(errors[0]["message"].as_str().unwrap().contains("bad.xml"));
    assert_eq!(errors[0]["line"], 2);
    assert!(errors[1]["message"]
        .as_str()
        .unwrap()
        .contains("missing.xml"));
    // Every format reports every file.
    for format in ["text", "sarif", "junit"] {
        let out = Command::new(env!("CARGO_BIN_EXE_samlcheck"))
            .args(["--format", format, "--at", AT])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        let s = String::from_utf8_lossy(&out.stdout);
        for f in ["entra-idp.xml", "bad.xml", "aws-ic-sp.xml", "missing.xml"] {
            assert!(s.contains(f), "{format}: {f} missing in {s}");
        }
    }
    // Without an unreadable file: the exit code is the findings'.
    let (code, v) = cli(&["lint", &fx("entra-idp.xml")]);
    assert!(v.get("errors").is_none());
    assert!(code < 2);
}

/// A signed copy of the Entra fixture, and the certificate it is signed with.
fn signed(d: &Path) -> (PathBuf, PathBuf) {
    let cert = key("federation", "crt");
    let k = samlcheck::dsig::SigningKey::from_pem(
        &std::fs::read_to_string(key("federation", "key")).unwrap(),
        &std::fs::read_to_string(&cert).unwrap(),
    )
    .unwrap();
    let out = d.join("signed.xml");
    let r = run::sign_source(
        &Source::read(fx("aws-ic-sp.xml")),
        &k,
        &samlcheck::dsig::SignOptions::default(),
        "signed.xml",
    )
    .unwrap();
    std::fs::write(&out, &r.bytes).unwrap();
    (out, cert)
}

#[test]
fn verify_json_is_the_library_report() {
    let d = tempfile::tempdir().unwrap();
    let (file, cert) = signed(d.path());
    let f = file.display().to_string();
    let c = cert.display().to_string();
    let (code, v) = cli(&["verify", &f, "--cert", &c]);
    let mut trust = samlcheck::Trust::embedded();
    trust
        .add_cert_bytes(&std::fs::read(&cert).unwrap())
        .unwrap();
    let r = run::verify_source(
        &Source::read(&file),
        &trust,
        &samlcheck::dsig::VerifyOptions::at(at()),
        &samlcheck::Limits::default(),
    )
    .unwrap();
    assert_eq!(v, lib(&r));
    assert!(r.verified && r.pinned);
    assert_eq!(v["signatures"][0]["trust"], "pinned_cert");
    assert_eq!(code, 0);
    // Unsigned: not verified, exit 1, same JSON.
    let sp = fx("aws-ic-sp.xml");
    let (code, v) = cli(&["verify", &sp]);
    let r = run::verify_source(
        &Source::read(&sp),
        &samlcheck::Trust::embedded(),
        &samlcheck::dsig::VerifyOptions::at(at()),
        &samlcheck::Limits::default(),
    )
    .unwrap();
    assert_eq!(v, lib(&r));
    assert!(!r.verified);
    assert_eq!(code, 1);
}

#[test]
fn diff_json_is_the_library_report_and_unrelated_needs_force() {
    let old = fx("entra-idp.xml");
    let new = fx("entra-idp-one-cert.xml");
    let (code, v) = cli(&["diff", &old, &new]);
    let opts = samlcheck::diff::DiffOptions::new(at());
    let lim = samlcheck::Limits::default();
    let r = run::diff_sources(&Source::read(&old), &Source::read(&new), &opts, &lim).unwrap();
    assert_eq!(v, lib(&r));
    assert!(!r.unrelated && r.diff.content_changed);
    assert!(code < 2);

    // An SP against an IdP: no shared entityID.
    let sp = fx("aws-ic-sp.xml");
    let out = Command::new(env!("CARGO_BIN_EXE_samlcheck"))
        .args(["--at", AT, "diff", &sp, &old])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("share no entityID") && err.contains("--force"),
        "{err}"
    );
    let (code, v) = cli(&["diff", &sp, &old, "--force"]);
    let r = run::diff_sources(&Source::read(&sp), &Source::read(&old), &opts, &lim).unwrap();
    assert!(r.unrelated);
    assert_eq!(v, lib(&r));
    assert_eq!(v["unrelated"], true);
    assert!(code < 2);
}

#[test]
fn rewrite_json_is_the_library_report() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out.xml");
    let o = out.display().to_string();
    let input = fx("entra-idp.xml");
    let (code, v) = cli(&["rewrite", &input, "--saml2-only", "-o", &o]);
    assert_eq!(code, 0);
    let mut opts = samlcheck::rewrite::RewriteOptions::default();
    opts.at = Some(at());
    let r = run::rewrite_source(
        &Source::read(&input),
        &[samlcheck::rewrite::Op::Saml2Only],
        None,
        &opts,
        &o,
    )
    .unwrap();
    assert_eq!(v, lib(&r));
    assert_eq!(std::fs::read(&out).unwrap(), r.bytes);
    assert!(!r.edits.is_empty());
}

#[test]
fn sign_json_is_the_library_report() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("signed.xml");
    let o = out.display().to_string();
    let input = fx("aws-ic-sp.xml");
    let (k, c) = (key("federation", "key"), key("federation", "crt"));
    let (code, v) = cli(&[
        "sign",
        &input,
        "--key",
        k.to_str().unwrap(),
        "--cert",
        c.to_str().unwrap(),
        "-o",
        &o,
    ]);
    assert_eq!(code, 0);
    let key = samlcheck::dsig::SigningKey::from_pem(
        &std::fs::read_to_string(&k).unwrap(),
        &std::fs::read_to_string(&c).unwrap(),
    )
    .unwrap();
    let r = run::sign_source(
        &Source::read(&input),
        &key,
        &samlcheck::dsig::SignOptions::default(),
        &o,
    )
    .unwrap();
    // The signature value is deterministic for RSA PKCS#1 v1.5: the bytes match too.
    assert_eq!(v, lib(&r));
    assert_eq!(std::fs::read(&out).unwrap().len(), r.bytes.len());
    assert_eq!(v["signer"]["sha1"], r.signer.sha1.as_str());
}

#[test]
fn show_json_is_the_library_report() {
    let f = fx("aggregate.xml");
    let (code, v) = cli(&["show", &f]);
    assert_eq!(code, 0);
    let r = run::show_source(&Source::read(&f), at(), &samlcheck::Limits::default()).unwrap();
    assert_eq!(v, lib(&r));
    assert!(r.metadata.entities.len() > 1);
}

#[test]
fn response_json_is_the_library_report() {
    let idp = fx("entra-idp.xml");
    let sp = fx("aws-ic-sp.xml");
    let aws = fx("entra/aws-users-bad.json");
    let capture = fx("responses/scenario/carol-upn.xml");
    // `samlcheck response`: the capture against the IdP (and SP, and the users).
    let (code, v) = cli(&[
        "response",
        &capture,
        "--idp",
        &idp,
        "--sp",
        &sp,
        "--aws-users",
        &aws,
    ]);
    let mut input = run::ResponseInput::new(Source::read(&capture), Source::read(&idp));
    input.sp = Some(Source::read(&sp));
    input.exports.aws_users = Some(Source::read(&aws));
    let mut opts = samlcheck::response::ResponseOptions::new();
    opts.at = Some(at());
    let r = run::check_response(&input, &opts).unwrap();
    assert_eq!(v, lib(&r));
    assert!(!r.result.responses.is_empty());
    assert_eq!(code, i32::from(r.fails(samlcheck::Severity::Error)));
    // `check --response`: the same response inside the pair's report.
    let (code, v) = cli(&[
        "check",
        &sp,
        &idp,
        "--aws-users",
        &aws,
        "--response",
        &capture,
    ]);
    let mut input = PairInput::new(Source::read(&sp), Source::read(&idp));
    input.exports.aws_users = Some(Source::read(&aws));
    input.response = Some(Source::read(&capture));
    input.response_options.at = Some(at());
    let r = run::check_pair(&input, &PairOptions::at(at())).unwrap();
    assert_eq!(v, lib(&r));
    assert!(r.report.files.iter().any(|f| f.file == capture));
    assert_eq!(code, i32::from(r.fails(samlcheck::Severity::Error)));
}
