//! xmlsec1 interop through `samlcheck response` (issue #18): responses xmlsec1 signs (with
//! the IdP's test key, `--id-attr:ID` for Assertion and Response) pass the checker against
//! `entra-idp.xml`, and fail once tampered. (The other direction, xmlsec1 verifying what the
//! crate's signer produces, is in tests/response_gen.rs and needs no CLI.)
//!
//! Skips with a message when xmlsec1 is absent, and fails when `CI=true`.
//! Depends on the `response` subcommand (helper "resp", issue #18).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod respgen;

use respgen::*;

#[test]
fn responses_xmlsec1_signs_pass_the_checker() {
    if !xmlsec1() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, spec, sp) in [
        ("assertion-sp", Spec::ic(), Some(Target::IdentityCenter)),
        (
            "assertion-idp",
            Spec::ic().idp_initiated(),
            Some(Target::IdentityCenter),
        ),
        ("iam-assertion", Spec::iam(), Some(Target::Iam)),
        ("response", Spec::ic().signed(Signed::Response), None),
    ] {
        let xml = xmlsec_signed(dir.path(), &spec);
        let f = write(dir.path(), &format!("{name}.xml"), &xml);
        let r = response_cmd(&f, sp, "json", &[]);
        assert_eq!(r.status, 0, "{name}: {}\n{}", r.stdout, r.stderr);
        assert!(r.errors().is_empty(), "{name}: {:?}", r.errors());
        // Its base64 form too.
        let b = write(dir.path(), &format!("{name}.b64"), &to_base64(&xml));
        assert_eq!(response_cmd(&b, sp, "json", &[]).status, 0, "{name} base64");
        // Tampered after xmlsec1 signed it: rejected with the reason.
        let t = write(
            dir.path(),
            &format!("{name}-tampered.xml"),
            &xml.replacen(USER_NAMEID, EVIL_NAMEID, 1),
        );
        let r = response_cmd(&t, sp, "json", &[]);
        assert_eq!(r.status, 1, "{name} tampered");
        assert!(
            r.errors().iter().any(|e| e == "response.signature.invalid"),
            "{name} tampered: {:?}",
            r.errors()
        );
    }
}

#[test]
fn xmlsec1_signed_by_a_foreign_key_is_untrusted() {
    if !xmlsec1() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut spec = Spec::ic();
    spec.key = "attacker-rsa2048";
    let xml = xmlsec_signed(dir.path(), &spec);
    let f = write(dir.path(), "foreign.xml", &xml);
    let r = response_cmd(&f, Some(Target::IdentityCenter), "json", &[]);
    assert_eq!(r.status, 1);
    assert!(
        r.errors()
            .iter()
            .any(|e| e == "response.signature.untrusted_key"),
        "{:?}",
        r.errors()
    );
}
