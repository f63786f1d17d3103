//! The attack family against `samlcheck response` (issue #18): every case of
//! `respgen::attacks()` exits 1 with its code as an error finding in `--format json`, and the
//! text, SARIF and JUnit outputs name it. Plus comment truncation (a warning, read in full),
//! SHA-1 (a warning, not an error), two signed assertions and an EncryptedAssertion sent to
//! IAM Identity Center.
//!
//! Depends on the `response` subcommand (helper "resp", issue #18).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod respgen;

use respgen::*;

/// Runs one attack case through JSON and text output and checks the verdict.
fn rejected(name: &str) {
    let attacks = attacks();
    let a = attacks
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no attack case {name}"));
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), &format!("{name}.xml"), &a.xml);
    let r = response_cmd(&f, Some(Target::IdentityCenter), "json", &[]);
    let mut wanted: Vec<&str> = vec![a.code];
    wanted.extend(a.alternatives);
    assert_eq!(
        r.status, 1,
        "{name} ({}): exit 1 expected\nstdout:\n{}\nstderr:\n{}",
        a.what, r.stdout, r.stderr
    );
    let errors = r.errors();
    let hit = wanted
        .iter()
        .find(|c| errors.iter().any(|e| e == *c))
        .unwrap_or_else(|| {
            panic!(
                "{name} ({}): expected an error finding {wanted:?}, got errors {errors:?}\n{}",
                a.what, r.stdout
            )
        });
    // The text output names the reason, and so do SARIF and JUnit.
    for format in ["text", "sarif", "junit"] {
        let t = response_cmd(&f, Some(Target::IdentityCenter), format, &[]);
        assert_eq!(t.status, 1, "{name}: --format {format} exit 1");
        assert!(
            t.stdout.contains(hit),
            "{name}: --format {format} names {hit}:\n{}",
            t.stdout
        );
    }
    // The pair check with the response agrees.
    let c = run(
        &[
            "check",
            sp_fixture(Target::IdentityCenter),
            IDP_FIXTURE,
            "--response",
            f.to_str().unwrap(),
            "--at",
            AT,
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(c.status, 1, "{name}: check --response exit 1\n{}", c.stderr);
    assert!(
        c.errors().iter().any(|e| e == hit),
        "{name}: check --response reports {hit}"
    );
}

macro_rules! attack_tests {
    ($($f:ident => $name:literal,)*) => {
        $(
            #[test]
            fn $f() {
                rejected($name);
            }
        )*

        /// Every generated attack case has a test here.
        #[test]
        fn every_attack_case_has_a_test() {
            let mut listed = vec![$($name),*];
            listed.sort();
            let generated: Vec<&str> = attacks().iter().map(|a| a.name).collect();
            assert_eq!(listed, generated);
        }
    };
}

attack_tests! {
    xsw1 => "xsw1",
    xsw2 => "xsw2",
    xsw3 => "xsw3",
    xsw4 => "xsw4",
    xsw5 => "xsw5",
    xsw6 => "xsw6",
    xsw7 => "xsw7",
    xsw8 => "xsw8",
    evil_in_extensions => "evil-in-extensions",
    second_assertion => "second-assertion",
    xsw1_on_both => "xsw1-on-both",
    xsw2_on_both => "xsw2-on-both",
    xsw3_on_both => "xsw3-on-both",
    xsw3_same_id => "xsw3-same-id",
    xsw7_same_id => "xsw7-same-id",
    xsw8_xsw4 => "xsw8-xsw4",
    duplicate_id_response_assertion => "duplicate-id-response-assertion",
    duplicate_id_extensions => "duplicate-id-extensions",
    duplicate_id_evil_after => "duplicate-id-evil-after",
    untrusted_key => "untrusted-key",
    untrusted_key_idp_cert_in_keyinfo => "untrusted-key-idp-cert-in-keyinfo",
    stripped_assertion_signature => "stripped-assertion-signature",
    stripped_response_signature => "stripped-response-signature",
    stripped_both_signatures => "stripped-both-signatures",
    empty_signature_value => "empty-signature-value",
    nameid_changed => "nameid-changed",
    comment_changes_digest => "comment-changes-digest",
    hmac_method_not_resigned => "hmac-method-not-resigned",
    hmac_signed_with_certificate => "hmac-signed-with-certificate",
    md5_digest_method => "md5-digest-method",
    rsa_sha1_method_not_resigned => "rsa-sha1-method-not-resigned",
}

#[test]
fn attacks_in_a_har_are_each_checked() {
    // A HAR with a valid POST and an XSW3 POST: the bad one fails the run.
    let dir = tempfile::tempdir().unwrap();
    let valid = response(&Spec::ic());
    let attacks = attacks();
    let xsw = &attacks.iter().find(|a| a.name == "xsw3").unwrap().xml;
    let har = to_har(&[(valid.as_str(), IC_ACS), (xsw.as_str(), IC_ACS)]);
    let f = write(dir.path(), "capture.har", &har);
    let r = response_cmd(&f, Some(Target::IdentityCenter), "json", &[]);
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(r
        .errors()
        .iter()
        .any(|e| e == "response.structure.wrapping"));
    // Base64 and URL-encoded forms of an attack are rejected just the same.
    let b = write(dir.path(), "xsw3.b64", &to_base64(xsw));
    let r = response_cmd(&b, Some(Target::IdentityCenter), "json", &[]);
    assert_eq!(r.status, 1);
    assert!(r
        .errors()
        .iter()
        .any(|e| e == "response.structure.wrapping"));
    let u = write(dir.path(), "xsw3.txt", &to_urlencoded(xsw));
    let r = response_cmd(&u, Some(Target::IdentityCenter), "json", &[]);
    assert_eq!(r.status, 1);
    assert!(r
        .errors()
        .iter()
        .any(|e| e == "response.structure.wrapping"));
}

#[test]
fn comment_in_nameid_is_read_in_full_and_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "comment.xml", &comment_in_nameid());
    let r = response_cmd(&f, Some(Target::IdentityCenter), "json", &[]);
    assert!(
        r.has("response.text.comment_split", "warning"),
        "comment split flagged as a warning:\n{}",
        r.stdout
    );
    // The signature itself is good (comments are not signed): no signature error.
    assert!(
        !r.errors()
            .iter()
            .any(|e| e.starts_with("response.signature.")),
        "{:?}",
        r.errors()
    );
    // The value is read in full, never truncated at the comment.
    assert!(
        r.stdout.contains("alice@contoso.com.evil.example"),
        "full NameID in the output:\n{}",
        r.stdout
    );
    let t = response_cmd(&f, Some(Target::IdentityCenter), "text", &[]);
    assert!(
        t.stdout.contains("response.text.comment_split"),
        "{}",
        t.stdout
    );
    // Against the Identity Center users, the full value is nobody: sign-in fails (exit 1),
    // where a truncating reader would have signed in alice@contoso.com.
    let c = run(
        &[
            "check",
            sp_fixture(Target::IdentityCenter),
            IDP_FIXTURE,
            "--response",
            f.to_str().unwrap(),
            "--aws-users",
            "tests/fixtures/entra/aws-users-good.json",
            "--at",
            AT,
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(c.status, 1, "{}\n{}", c.stdout, c.stderr);
    assert!(c.has("response.text.comment_split", "warning"));
}

#[test]
fn comment_in_attribute_value_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "comment-attr.xml", &comment_in_attribute());
    let r = response_cmd(&f, Some(Target::IdentityCenter), "json", &[]);
    assert!(
        r.has("response.text.comment_split", "warning"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("alice@contoso.com.evil.example"));
}

#[test]
fn sha1_signature_is_a_warning_not_an_error() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let xml = response_signed_with(&Spec::ic(), Method::RsaSha1).unwrap();
    let f = write(dir.path(), "sha1.xml", &xml);
    let r = response_cmd(&f, Some(Target::IdentityCenter), "json", &[]);
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.has("response.signature.sha1", "warning"), "{}", r.stdout);
    assert!(r.errors().is_empty(), "{:?}", r.errors());
}

#[test]
fn two_signed_assertions_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "two.xml", &two_signed_assertions());
    let r = response_cmd(&f, Some(Target::IdentityCenter), "json", &[]);
    assert_eq!(r.status, 1, "{}", r.stdout);
    let errors = r.errors();
    assert!(
        errors.iter().any(|e| e.starts_with("response.structure.")),
        "{errors:?}"
    );
}

#[test]
fn encrypted_assertion_to_identity_center_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "enc.xml", &encrypted_assertion(&Spec::ic()));
    let r = response_cmd(&f, Some(Target::IdentityCenter), "json", &[]);
    assert_eq!(r.status, 1, "{}", r.stdout);
    let errors = r.errors();
    assert!(
        errors.iter().any(|e| e.contains("encrypt")),
        "an error naming the encryption: {errors:?}"
    );
}

/// The `--redact` output of an attack still names the reason but not the users.
#[test]
fn redacted_attack_output_names_the_reason_not_the_user() {
    let attacks = attacks();
    let a = attacks.iter().find(|a| a.name == "xsw4").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "xsw4.xml", &a.xml);
    for format in ["json", "text"] {
        let r = response_cmd(&f, Some(Target::IdentityCenter), format, &["--redact"]);
        assert_eq!(r.status, 1);
        assert!(r.stdout.contains("response.structure.wrapping"));
        assert!(!r.stdout.contains(USER), "{format}: {}", r.stdout);
        assert!(!r.stdout.contains(EVIL_USER), "{format}: {}", r.stdout);
    }
}
