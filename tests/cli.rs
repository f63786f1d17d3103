//! The binary: show and the pair check on the generated fixtures.
// Drives the binary, which needs the `cli` feature.
#![cfg(feature = "cli")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use assert_cmd::Command;
use std::path::PathBuf;

const AT: &str = "2026-12-01T00:00:00Z";

fn fx(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn samlcheck() -> Command {
    Command::cargo_bin("samlcheck").unwrap()
}

fn json(args: &[&str], files: &[PathBuf]) -> (i32, serde_json::Value) {
    let out = samlcheck()
        .args(args)
        .args(files)
        .args(["--format", "json", "--at", AT])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("json: {e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), v)
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn pair_check_either_order() {
    let (code, v) = json(&[], &[fx("aws-ic-sp.xml"), fx("entra-idp.xml")]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["sp"]["flavor"]["kind"], "aws-identity-center-sp");
    assert_eq!(v["idp"]["flavor"]["kind"], "entra");
    let (code2, v2) = json(&["check"], &[fx("entra-idp.xml"), fx("aws-ic-sp.xml")]);
    assert_eq!(code2, 0);
    assert_eq!(v2["sp"]["entity_id"], v["sp"]["entity_id"]);
    assert!(codes(&v).contains(&"pair.idp.bom_identity_center".to_string()));
    assert_eq!(v["command"], "check");
}

#[test]
fn pair_check_text_names_both_sides() {
    let out = samlcheck()
        .arg(fx("aws-ic-sp.xml"))
        .arg(fx("entra-idp.xml"))
        .args(["--at", AT])
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.starts_with("SP   https://eu-west-1.signin.aws.amazon.com/platform/saml/d-93670a1b2c"),
        "{s}"
    );
    assert!(
        s.contains("IdP  https://sts.windows.net/0b7f3c2e-5d1a-4c8e-9f60-1a2b3c4d5e6f/"),
        "{s}"
    );
    assert!(s.contains("45 days left"), "{s}");
}

#[test]
fn expired_idp_certificates_fail_the_gate() {
    let (code, v) = json(&[], &[fx("aws-ic-sp.xml"), fx("entra-idp.xml")]);
    assert_eq!(code, 0);
    assert!(!codes(&v).contains(&"pair.idp_cert.expired".to_string()));
    let out = samlcheck()
        .arg(fx("aws-ic-sp.xml"))
        .arg(fx("entra-idp.xml"))
        .args(["--format", "json", "--at", "2031-01-01T00:00:00Z"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = codes(&v);
    assert_eq!(
        c.iter().filter(|c| *c == "pair.idp_cert.expired").count(),
        2,
        "{c:?}"
    );
    assert!(c.contains(&"pair.idp_cert.none_valid".to_string()));
}

#[test]
fn expiring_within_warn_days() {
    let (_, v) = json(
        &["--warn-days", "60"],
        &[fx("aws-ic-sp.xml"), fx("entra-idp.xml")],
    );
    assert!(codes(&v).contains(&"pair.idp_cert.expiring".to_string()));
    let out = samlcheck()
        .arg(fx("aws-ic-sp.xml"))
        .arg(fx("entra-idp.xml"))
        .args(["--warn-days", "60", "--fail-on", "warning", "--at", AT])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn tenant_independent_document_is_an_error() {
    let (code, v) = json(&[], &[fx("aws-ic-sp.xml"), fx("entra-idp-common.xml")]);
    assert_eq!(code, 1);
    assert!(codes(&v).contains(&"pair.idp.tenant_independent".to_string()));
    let (_, v) = json(&[], &[fx("aws-ic-sp.xml"), fx("entra-idp-one-cert.xml")]);
    assert!(!codes(&v).contains(&"pair.idp.tenant_independent".to_string()));
    assert!(
        !codes(&v).contains(&"pair.idp.bom".to_string()),
        "no BOM in this one"
    );
}

#[test]
fn iam_single_account_refuses_a_bom() {
    let (code, v) = json(&[], &[fx("aws-iam-sp.xml"), fx("entra-idp.xml")]);
    assert_eq!(code, 1);
    let bom = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "pair.idp.bom")
        .unwrap();
    assert_eq!(bom["severity"], "error");
    assert_eq!(v["sp"]["flavor"]["kind"], "aws-iam-sp");
}

#[test]
fn two_sps_or_an_ambiguous_aggregate_is_exit_2() {
    let out = samlcheck()
        .arg(fx("aws-ic-sp.xml"))
        .arg(fx("aws-iam-sp.xml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no IdP found"), "{err}");
    let out = samlcheck()
        .arg(fx("aws-ic-sp.xml"))
        .arg(fx("aggregate.xml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--idp-entity"));
    let out = samlcheck()
        .arg(fx("aws-ic-sp.xml"))
        .arg(fx("aggregate.xml"))
        .args([
            "--idp-entity",
            "https://idp2.example.org/idp/shibboleth",
            "--at",
            AT,
        ])
        .output()
        .unwrap();
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("idp2.example.org"));
}

#[test]
fn generic_idp_with_a_redirect_only_sso_and_no_email_nameid() {
    let (code, v) = json(
        &["--idp-entity", "https://idp1.example.org/idp/shibboleth"],
        &[fx("aws-ic-sp.xml"), fx("aggregate.xml")],
    );
    // The metadata lists only transient; the format is chosen per application at the IdP,
    // so this is a warning (issue 14), not a failed gate.
    assert_eq!(code, 0);
    assert!(
        codes(&v).contains(&"pair.nameid.not_email".to_string()),
        "{v}"
    );
}

#[test]
fn show_text_and_json() {
    let out = samlcheck()
        .arg("show")
        .arg(fx("entra-idp.xml"))
        .args(["--at", AT])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("UTF-8 with BOM"), "{s}");
    assert!(
        s.contains(
            "Microsoft Entra ID (global cloud, tenant 0b7f3c2e-5d1a-4c8e-9f60-1a2b3c4d5e6f)"
        ),
        "{s}"
    );
    assert!(
        s.contains("RoleDescriptor (fed:SecurityTokenServiceType)"),
        "{s}"
    );
    assert!(s.contains("45 days left"), "{s}");
    let (code, v) = json(&["show"], &[fx("aggregate.xml")]);
    assert_eq!(code, 0);
    assert_eq!(v["metadata"]["entities"].as_array().unwrap().len(), 7);
    assert_eq!(v["metadata"]["groups"].as_array().unwrap().len(), 2);
}

#[test]
fn other_encodings_read_the_same() {
    for f in [
        "encodings/aws-ic-sp-utf16le.xml",
        "encodings/aws-ic-sp-latin1.xml",
        "encodings/aws-ic-sp-crlf.xml",
    ] {
        let (code, v) = json(&["show"], &[fx(f)]);
        assert_eq!(code, 0, "{f}");
        assert_eq!(
            v["metadata"]["entities"][0]["entity_id"]["value"],
            "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-93670a1b2c",
            "{f}"
        );
    }
}

#[test]
fn bad_at_is_a_usage_error() {
    let out = samlcheck()
        .arg("show")
        .arg(fx("aws-ic-sp.xml"))
        .args(["--at", "yesterday"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));
}

#[test]
fn exports_from_entra_and_aws_feed_the_pair_check() {
    let e = |f: &str| fx(&format!("entra/{f}"));
    let run = |app: &str, aws: &str| {
        let out = samlcheck()
            .arg(fx("aws-ic-sp.xml"))
            .arg(fx("entra-idp.xml"))
            .arg("--entra-app")
            .arg(e(app))
            .arg("--entra-users")
            .arg(e("entra-users.json"))
            .arg("--aws-users")
            .arg(e(aws))
            .args(["--format", "json", "--at", AT])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code().unwrap(), v)
    };
    // The scenario: the Identifier is wrong, one Reply URL is missing, two users'
    // UPNs differ from their Identity Center usernames (one only by case).
    let (code, v) = run("app-ic-bad.json", "aws-users-bad.json");
    assert_eq!(code, 1);
    let mut from_exports: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["hint"].as_str().unwrap().to_string(),
            )
        })
        .filter(|(c, _)| c != "pair.idp.bom")
        .collect();
    from_exports.sort();
    let codes: Vec<&str> = from_exports.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        codes,
        [
            "pair.acs.alternative_missing",
            "pair.entity_id.not_identifier",
            "users.nameid.case_only",
            "users.nameid.matches_mail"
        ]
    );
    assert!(
        from_exports[0].1.contains("AADSTS50011"),
        "{}",
        from_exports[0].1
    );
    assert!(
        from_exports[1].1.contains("AADSTS700016"),
        "{}",
        from_exports[1].1
    );
    assert_eq!(v["users"].as_array().unwrap().len(), 4);
    // The same scenario with correct exports: no errors.
    let (code, v) = run("app-ic-good.json", "aws-users-good.json");
    let errors: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(code, 0);
    // A malformed export is an input error, exit 2.
    let out = samlcheck()
        .arg(fx("aws-ic-sp.xml"))
        .arg(fx("entra-idp.xml"))
        .arg("--claims")
        .arg(fx("aggregate.xml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn global_options_may_come_before_the_subcommand_or_the_files() {
    let out = samlcheck()
        .args(["--at", AT, "--format", "json", "show"])
        .arg(fx("aws-ic-sp.xml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["command"], "show");
    let out = samlcheck()
        .args(["--at", AT, "--quiet"])
        .arg(fx("aws-ic-sp.xml"))
        .arg(fx("entra-idp.xml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty(), "--quiet prints nothing on success");
    let out = samlcheck().output().unwrap();
    assert_eq!(out.status.code(), Some(2), "no arguments: usage");
}

/// Whether xmlsec1 is there; under CI its absence is a failure.
fn have_xmlsec1() -> bool {
    let ok = std::process::Command::new("xmlsec1")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        support::skip(
            "cli: the xmlsec1 part",
            "xmlsec1 is not installed (apt-get install xmlsec1)",
        );
    }
    ok
}

#[test]
fn rewrite_for_aws_then_resign_verifies_here_and_in_xmlsec1() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("for-aws.xml");
    let key = fx("keys/idp-new.key.pem");
    let cert = fx("keys/idp-new.crt.pem");
    let o = samlcheck()
        .arg("rewrite")
        .arg(fx("entra-idp.xml"))
        .args(["--saml2-only", "--strip-bom", "--sign-key"])
        .arg(&key)
        .arg("--sign-cert")
        .arg(&cert)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(summary.contains("re-signed"), "{summary}");
    let bytes = std::fs::read(&out).unwrap();
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"));
    let v = samlcheck()
        .arg("verify")
        .arg(&out)
        .arg("--cert")
        .arg(&cert)
        .output()
        .unwrap();
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );
    // The upload rules of AWS IAM are quiet on it.
    let l = samlcheck()
        .args([
            "lint",
            "--only",
            "aws.*",
            "--fail-on",
            "warning",
            "--at",
            AT,
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        l.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&l.stdout)
    );
    if have_xmlsec1() {
        let x = std::process::Command::new("xmlsec1")
            .args([
                "--verify",
                "--id-attr:ID",
                "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor",
                "--pubkey-cert-pem",
            ])
            .arg(&cert)
            .arg(&out)
            .output()
            .unwrap();
        assert!(x.status.success(), "{}", String::from_utf8_lossy(&x.stderr));
    }
    // Without a key, an edit inside signed content removes the signature and says so.
    let o = samlcheck()
        .arg("rewrite")
        .arg(fx("entra-idp.xml"))
        .args(["--saml2-only", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("removed"));
}
