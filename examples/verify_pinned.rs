//! Verifies a metadata document's signature against a pinned certificate, in one library
//! call: what `samlcheck verify FILE --cert CERT.pem` prints, as a typed report.
//!
//! A certificate inside the document's own `KeyInfo` proves only that the file is unchanged
//! since someone signed it; pinning the publisher's certificate (or its fingerprint) is what
//! says *who* signed it.
//!
//! Run from the crate root (the defaults are the Entra test fixture and the certificate it
//! is signed with):
//!
//! ```text
//! cargo run --example verify_pinned
//! cargo run --example verify_pinned -- FILE.xml CERT.pem
//! cargo run --example verify_pinned -- tests/fixtures/entra-idp.xml tests/fixtures/keys/idp-new.crt.pem   # not verified
//! ```
//!
//! The exit code is 0 when the document verified with the pinned certificate, 1 when it
//! did not, 2 when an input cannot be read.

use samlcheck::dsig::{TrustBasis, VerifyOptions};
use samlcheck::run::{verify_source, Source};
use samlcheck::{Limits, Trust};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let file = args
        .first()
        .map_or("tests/fixtures/entra-idp.xml", String::as_str);
    let cert = args
        .get(1)
        .map_or("tests/fixtures/keys/idp-old.crt.pem", String::as_str);

    // Pin the certificate: only a signature made with its key counts as verified.
    // (`Trust::add_fingerprint` pins a SHA-256 fingerprint or SHA-1 thumbprint instead.)
    let trust = match std::fs::read_to_string(cert)
        .map_err(|e| e.to_string())
        .and_then(|pem| Trust::from_pem(&pem).map_err(|e| e.to_string()))
    {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {cert}: {e}");
            return ExitCode::from(2);
        }
    };

    // The instant certificate dates are judged at (the library never reads the clock).
    let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
        .map(|t| t.to_utc())
        .unwrap_or_default();
    let report = match verify_source(
        &Source::read(file),
        &trust,
        &VerifyOptions::at(at),
        &Limits::default(),
    ) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };

    println!(
        "{}: <{}> {}",
        report.file,
        report.root,
        if report.verified {
            "verified with the pinned certificate"
        } else {
            "NOT verified with the pinned certificate"
        }
    );
    for s in &report.signatures {
        match (&s.signer, &s.failure) {
            (Some(signer), _) => println!(
                "  signature at {}:{} on <{}>: signed by {} (SHA-256 {}), {} days left, trusted as {:?}",
                s.line,
                s.col,
                s.element,
                signer.cert.subject,
                signer.cert.sha256,
                signer.days_left,
                s.trust.unwrap_or(TrustBasis::EmbeddedOnly)
            ),
            (None, Some(why)) => println!(
                "  signature at {}:{} on <{}>: {} ({})",
                s.line, s.col, s.element, why.message, why.code
            ),
            (None, None) => println!("  signature at {}:{}: not verified", s.line, s.col),
        }
    }
    for f in &report.findings {
        println!("  {} {}: {}", f.severity.as_str(), f.code, f.message);
    }

    if report.fails(None) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
