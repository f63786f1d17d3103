//! Conformance of `samlcheck response` on the real SAML responses in
//! `../shared/corpus/7-responses` (issue #18), read in place: for each file the expected
//! verdict, with a one-line reason (from PROVENANCE.tsv, xmlsec1 1.2.37 and the library
//! verifier). The IdP metadata each needs is built here: a minimal IDPSSODescriptor for the
//! response's Issuer holding the certificate the source project's own tests pin
//! (`corpus/keys`), or, where the corpus has none, the certificate the response embeds.
//! Skips with a message when the corpus is absent.
//!
//! Depends on the `response` subcommand (helper "resp", issue #18).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod respgen;

use base64::Engine;
use respgen::{idp_metadata, run, write};
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = ["../shared/corpus", "../../shared/corpus"]
        .iter()
        .map(|r| here.join(r).join("7-responses"))
        .find(|p| p.is_dir());
    if found.is_none() {
        eprintln!("SKIPPED: ../shared/corpus/7-responses is absent");
    }
    found
}

/// What the checker must conclude.
#[derive(Debug, Clone, Copy)]
enum Verdict {
    /// A signature by the pinned key covers the assertion: no signature or structure error;
    /// `sha1` = SHA-1 is used (the `response.signature.sha1` warning is expected).
    Verified { sha1: bool },
    /// Exit 1 with this error code.
    Rejected(&'static str),
    /// Not a Response (a bare Assertion): exit 2 naming it; if the checker reads bare
    /// assertions instead, its signature must verify (no signature error).
    BareAssertion,
}

/// Which certificate the IdP metadata holds.
#[derive(Debug, Clone, Copy)]
enum Key {
    /// A file of `corpus/keys` (PEM certificate or DER).
    Corpus(&'static str),
    /// The first X509Certificate in the response (base64 DER, or base64 of a PEM).
    Embedded,
}

struct Case {
    file: &'static str,
    key: Key,
    verdict: Verdict,
    reason: &'static str,
}

const fn case(file: &'static str, key: Key, verdict: Verdict, reason: &'static str) -> Case {
    Case {
        file,
        key,
        verdict,
        reason,
    }
}

use Key::*;
use Verdict::*;

const INVALID: &str = "response.signature.invalid";
const ALG: &str = "response.signature.algorithm";

const CASES: &[Case] = &[
    case(
        "entra_signed_response__tercen__extracted.xml",
        Corpus("tercen__azure-ad-cert.pem"),
        Verified { sha1: false },
        "real Entra response, assertion signed (RSA-SHA256) by the app's Entra certificate",
    ),
    case(
        "pysaml2__tests__saml_signed.xml",
        Corpus("pysaml2__test.pem"),
        Rejected(INVALID),
        "re-indented after signing: the assertion digest no longer matches (xmlsec1 agrees)",
    ),
    case(
        "python3-saml__tests__data__responses__adfs_response.xml.base64",
        Embedded,
        Rejected(INVALID),
        "ADFS response whose issuer the toolkit authors anonymized after signing (base64 form)",
    ),
    case(
        "python3-saml__tests__data__responses__adfs_response.xml.decoded.xml",
        Embedded,
        Rejected(INVALID),
        "ADFS response whose issuer the toolkit authors anonymized after signing",
    ),
    case(
        "python3-saml__tests__data__responses__double_signed_response2.xml.base64",
        Corpus("python3-saml__settings2_idp_cert.pem"),
        Verified { sha1: true },
        "response and assertion both signed (RSA-SHA1) by the settings2 certificate (base64 form)",
    ),
    case(
        "python3-saml__tests__data__responses__double_signed_response2.xml.decoded.xml",
        Corpus("python3-saml__settings2_idp_cert.pem"),
        Verified { sha1: true },
        "response and assertion both signed (RSA-SHA1) by the settings2 certificate",
    ),
    case(
        "python3-saml__tests__data__responses__signed_message_response.xml.base64",
        Corpus("python3-saml__settings1_idp_cert.pem"),
        Verified { sha1: true },
        "response signed (RSA-SHA1) by the settings1 certificate, assertion inside (base64 form)",
    ),
    case(
        "python3-saml__tests__data__responses__signed_message_response.xml.decoded.xml",
        Corpus("python3-saml__settings1_idp_cert.pem"),
        Verified { sha1: true },
        "response signed (RSA-SHA1) by the settings1 certificate, CRLF line ends",
    ),
    case(
        "ruby-saml__test__responses__adfs_response_sha1.xml",
        Embedded,
        Rejected(ALG),
        "non-standard algorithm URIs (xmldsig-more#rsa-sha1, xmlenc#sha1) that XML-DSig does not define",
    ),
    case(
        "ruby-saml__test__responses__adfs_response_sha256.xml",
        Embedded,
        Verified { sha1: false },
        "ADFS assertion signed RSA-SHA256; KeyInfo holds base64-of-PEM, the pinned key verifies",
    ),
    case(
        "ruby-saml__test__responses__adfs_response_sha384.xml",
        Embedded,
        Rejected(ALG),
        "non-standard digest URI xmlenc#sha384 (XML-DSig's is xmldsig-more#sha384)",
    ),
    case(
        "ruby-saml__test__responses__adfs_response_sha512.xml",
        Embedded,
        Verified { sha1: false },
        "ADFS assertion signed RSA-SHA512 with SHA-512 digest",
    ),
    case(
        "ruby-saml__test__responses__adfs_response_xmlns.xml",
        Embedded,
        Verified { sha1: false },
        "ADFS assertion signed RSA-SHA256, single-quoted attributes and extra xmlns",
    ),
    case(
        "samael__test_vectors__response_signed_by_idp_2.xml",
        Corpus("samael__public.der"),
        Verified { sha1: true },
        "response signed (RSA-SHA1) by the samling IdP certificate samael pins",
    ),
    case(
        "samael__test_vectors__response_signed_by_idp_ecdsa.xml",
        Corpus("samael__ec_cert.der"),
        Verified { sha1: true },
        "response signed ECDSA-SHA256 with a SHA-1 digest",
    ),
    case(
        "xml-crypto__test__static__saml_external_ns.xml",
        Embedded,
        Verified { sha1: true },
        "assertion signed (RSA-SHA1) using a namespace declared outside it (corpus key is a bare RSA key)",
    ),
    case(
        "xml-crypto__test__static__signature_with_inclusivenamespaces_lines_windows.xml",
        Corpus("xml-crypto__signature_with_inclusivenamespaces.pem"),
        BareAssertion,
        "a bare Okta Assertion (no Response), CRLF and InclusiveNamespaces, validly signed",
    ),
    case(
        "xml-crypto__test__static__valid_signature_utf8.xml",
        Embedded,
        BareAssertion,
        "a bare Assertion (no Response) with non-ASCII UTF-8 content, validly signed",
    ),
];

/// The response's XML (base64 files decoded).
fn xml_of(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    if path.extension().is_some_and(|e| e == "base64") {
        let compact: Vec<u8> = bytes
            .into_iter()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .unwrap(),
        )
        .unwrap()
    } else {
        String::from_utf8(bytes).unwrap()
    }
}

fn pem_body(pem: &str) -> String {
    pem.split("-----")
        .nth(2)
        .unwrap_or("")
        .split_whitespace()
        .collect()
}

/// Base64 DER of the certificate the metadata pins.
fn cert_for(corpus: &Path, key: Key, xml: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    match key {
        Key::Corpus(name) => {
            let p = corpus.join("../keys").join(name);
            let bytes = std::fs::read(&p).unwrap();
            if bytes.starts_with(b"-----BEGIN CERTIFICATE") {
                pem_body(std::str::from_utf8(&bytes).unwrap())
            } else {
                b64.encode(bytes)
            }
        }
        Key::Embedded => {
            let doc = roxmltree::Document::parse(xml).unwrap();
            let text: String = doc
                .descendants()
                .find(|n| n.tag_name().name() == "X509Certificate")
                .unwrap()
                .text()
                .unwrap()
                .split_whitespace()
                .collect();
            let der = b64.decode(&text).unwrap();
            if der.starts_with(b"-----BEGIN") {
                pem_body(std::str::from_utf8(&der).unwrap())
            } else {
                text
            }
        }
    }
}

fn issuer_of(xml: &str) -> String {
    let doc = roxmltree::Document::parse(xml).unwrap();
    doc.descendants()
        .find(|n| n.tag_name().name() == "Issuer")
        .and_then(|n| n.text())
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn every_corpus_response_has_a_recorded_verdict() {
    let Some(dir) = corpus() else { return };
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut listed: Vec<String> = CASES.iter().map(|c| c.file.to_string()).collect();
    listed.sort();
    assert_eq!(files, listed, "a verdict for each file of 7-responses");
}

#[test]
fn corpus_responses_get_their_verdicts() {
    let Some(dir) = corpus() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for c in CASES {
        let path = dir.join(c.file);
        if !path.exists() {
            failures.push(format!("{}: missing", c.file));
            continue;
        }
        let xml = xml_of(&path);
        let md = idp_metadata(&issuer_of(&xml), &[cert_for(&dir, c.key, &xml)]);
        let idp = write(tmp.path(), &format!("{}.idp.xml", c.file), &md);
        let r = run(
            &[
                "response",
                path.to_str().unwrap(),
                "--idp",
                idp.to_str().unwrap(),
                "--format",
                "json",
            ],
            None,
        );
        let what = format!("{} ({})", c.file, c.reason);
        if r.stderr.contains("panicked") || !(0..=2).contains(&r.status) {
            failures.push(format!("{what}: crashed: {}", r.stderr));
            continue;
        }
        let bad = |r: &respgen::Run| -> Vec<String> {
            r.errors()
                .into_iter()
                .filter(|e| {
                    e.starts_with("response.signature.") || e.starts_with("response.structure.")
                })
                .collect()
        };
        match c.verdict {
            Verdict::Verified { sha1 } => {
                if r.status == 2 {
                    failures.push(format!("{what}: unreadable: {}", r.stderr));
                    continue;
                }
                let b = bad(&r);
                if !b.is_empty() {
                    failures.push(format!("{what}: expected verified, got {b:?}"));
                }
                if sha1 && !r.has("response.signature.sha1", "warning") {
                    failures.push(format!(
                        "{what}: expected the response.signature.sha1 warning"
                    ));
                }
                if !sha1 && r.has("response.signature.sha1", "warning") {
                    failures.push(format!("{what}: no SHA-1 here"));
                }
            }
            Verdict::Rejected(code) => {
                if r.status != 1 || !r.errors().iter().any(|e| e == code) {
                    failures.push(format!(
                        "{what}: expected exit 1 with {code}, got exit {} errors {:?}\n{}",
                        r.status,
                        if r.status == 2 { vec![] } else { r.errors() },
                        r.stderr
                    ));
                }
            }
            Verdict::BareAssertion => {
                if r.status == 2 {
                    if r.stderr.trim().is_empty() {
                        failures.push(format!("{what}: exit 2 without a message"));
                    }
                } else {
                    let b = bad(&r);
                    if !b.is_empty() {
                        failures.push(format!("{what}: read as an assertion but {b:?}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
