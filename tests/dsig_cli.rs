//! `samlcheck verify` and `samlcheck sign` end to end: exit codes, text and JSON output.
// Drives the binary, which needs the `cli` feature.
#![cfg(feature = "cli")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use assert_cmd::Command;
use predicates::str::contains;

fn keys(name: &str, ext: &str) -> String {
    format!(
        "{}/tests/fixtures/keys/{name}.{ext}",
        env!("CARGO_MANIFEST_DIR")
    )
}

const ENTITY: &str = r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example/"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>"#;

fn samlcheck() -> Command {
    Command::cargo_bin("samlcheck").unwrap()
}

#[test]
fn sign_then_verify_with_exit_codes_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.xml");
    let out = dir.path().join("out.xml");
    std::fs::write(&input, ENTITY).unwrap();
    samlcheck()
        .args([
            "sign",
            "--key",
            &keys("rsa2048", "key.pem"),
            "--cert",
            &keys("rsa2048", "crt.pem"),
        ])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    // Refuses to overwrite its input.
    samlcheck()
        .args([
            "sign",
            "--key",
            &keys("rsa2048", "key.pem"),
            "--cert",
            &keys("rsa2048", "crt.pem"),
        ])
        .arg(&input)
        .arg("-o")
        .arg(&input)
        .assert()
        .code(2)
        .stderr(contains("refusing to overwrite"));

    samlcheck()
        .args(["verify", "--at", "2026-01-01T00:00:00Z"])
        .arg(&out)
        .assert()
        .success()
        .stdout(contains("integrity only"))
        .stdout(contains("thumbprint (SHA-1)"))
        .stdout(contains("2922 days left"));
    samlcheck()
        .args(["verify", "--cert", &keys("rsa2048", "crt.pem")])
        .arg(&out)
        .assert()
        .success()
        .stdout(contains("trust: pinned certificate"));
    samlcheck()
        .args(["verify", "--cert", &keys("attacker-rsa2048", "crt.pem")])
        .arg(&out)
        .assert()
        .code(1)
        .stdout(contains("key not trusted"));

    let o = samlcheck()
        .args(["verify", "--format", "json", "--at", "2026-01-01T00:00:00Z"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verified"], true);
    assert_eq!(v["trust"], "embedded_only");
    let s = &v["signatures"][0];
    assert_eq!(s["trust"], "embedded_only");
    assert_eq!(s["algorithms"]["signature"], "rsa-sha256");
    assert_eq!(s["signer"]["days_left"], 2922);
    assert_eq!(v["findings"][0]["code"], "dsig.trust_embedded_only");

    // Tampered: exit 1 with the reason.
    let tampered = std::fs::read_to_string(&out)
        .unwrap()
        .replace("https://idp.example/", "https://evil.example/");
    std::fs::write(&out, tampered).unwrap();
    samlcheck()
        .arg("verify")
        .arg(&out)
        .assert()
        .code(1)
        .stdout(contains("content changed after signing"));
    // Unsigned: exit 1. Unreadable: exit 2.
    samlcheck()
        .arg("verify")
        .arg(&input)
        .assert()
        .code(1)
        .stdout(contains("not signed"));
    std::fs::write(&input, "<a>").unwrap();
    samlcheck().arg("verify").arg(&input).assert().code(2);
    samlcheck()
        .args(["verify", "--fingerprint", "xyz"])
        .arg(&out)
        .assert()
        .code(2);

    // A byte order mark is kept; a Latin-1 input is refused with advice.
    let bom = dir.path().join("bom.xml");
    let bom_out = dir.path().join("bom.signed.xml");
    std::fs::write(&bom, format!("\u{FEFF}{ENTITY}")).unwrap();
    samlcheck()
        .args(["sign", "-q", "--key", &keys("ec-p256", "key.pem")])
        .args(["--cert", &keys("ec-p256", "crt.pem")])
        .arg(&bom)
        .arg("-o")
        .arg(&bom_out)
        .assert()
        .success();
    assert!(std::fs::read(&bom_out)
        .unwrap()
        .starts_with(&[0xEF, 0xBB, 0xBF]));
    samlcheck().arg("verify").arg(&bom_out).assert().success();
    let latin = dir.path().join("latin.xml");
    let decl = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>";
    std::fs::write(&latin, format!("{decl}{ENTITY}")).unwrap();
    samlcheck()
        .args(["sign", "--key", &keys("rsa2048", "key.pem")])
        .args(["--cert", &keys("rsa2048", "crt.pem")])
        .arg(&latin)
        .arg("-o")
        .arg(dir.path().join("latin.signed.xml"))
        .assert()
        .code(2)
        .stderr(contains("needs UTF-8"));
}
