//! Prepares an IdP's metadata for upload, in library calls: drop what the SP does not take
//! (a byte order mark, the WS-Federation roles, certificates expired by the upload date),
//! sign the result with your own key, and check the signature with the certificate the
//! receiving side pins, before anything leaves the machine.
//!
//! Run from the crate root (the defaults are the Entra test fixture, the test-only RSA key
//! and a file in the temporary directory):
//!
//! ```text
//! cargo run --example rewrite_and_sign
//! cargo run --example rewrite_and_sign -- IN.xml KEY.pem CERT.pem OUT.xml
//! ```
//!
//! The exit code is 0 when the signed copy was written and verifies with the pinned
//! certificate, 1 when it does not verify, 2 on a read, write or key error.

use samlcheck::dsig::{SigningKey, VerifyOptions};
use samlcheck::rewrite::{Op, RewriteOptions};
use samlcheck::run::{rewrite_source, verify_source, Source};
use samlcheck::{Limits, Trust};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.into());
    let input = arg(0, "tests/fixtures/entra-idp.xml");
    let key_pem = arg(1, "tests/fixtures/keys/rsa2048.key.pem");
    let cert_pem = arg(2, "tests/fixtures/keys/rsa2048.crt.pem");
    let output = args.get(3).cloned().unwrap_or_else(|| {
        std::env::temp_dir()
            .join("samlcheck-example-signed.xml")
            .display()
            .to_string()
    });

    let (key, cert) = match (
        std::fs::read_to_string(&key_pem),
        std::fs::read_to_string(&cert_pem),
    ) {
        (Ok(k), Ok(c)) => (k, c),
        (Err(e), _) => return fail(&format!("{key_pem}: {e}")),
        (_, Err(e)) => return fail(&format!("{cert_pem}: {e}")),
    };
    let signer = match SigningKey::from_pem(&key, &cert) {
        Ok(s) => s,
        Err(e) => return fail(&format!("{key_pem}: {e}")),
    };

    // The day of the upload: certificates expired by then are removed (the library never
    // reads the clock; a tool would pass `Utc::now()`).
    let at = chrono::DateTime::parse_from_rfc3339("2027-02-01T00:00:00Z")
        .map(|t| t.to_utc())
        .unwrap_or_default();
    let mut opts = RewriteOptions::default();
    opts.at = Some(at);
    // Applied in the library's fixed order, whatever the order here; `Sign` comes last but
    // one (after it only the byte order mark goes), so the signature covers every edit.
    let ops = [
        Op::Saml2Only,
        Op::RemoveExpiredCerts,
        Op::Sign,
        Op::StripBom,
    ];
    let rewritten = match rewrite_source(&Source::read(&input), &ops, Some(&signer), &opts, &output)
    {
        Ok(r) => r,
        Err(e) => return fail(&e.to_string()),
    };
    for e in &rewritten.edits {
        println!("{}: {}", e.op, e.message);
    }
    println!("signature: {:?}", rewritten.signature);

    // Check the copy as the receiving side will: with our certificate pinned.
    let trust = match Trust::from_pem(&cert) {
        Ok(t) => t,
        Err(e) => return fail(&format!("{cert_pem}: {e}")),
    };
    let verified = match verify_source(
        &Source::new(&output, rewritten.bytes.clone()),
        &trust,
        &VerifyOptions::at(at),
        &Limits::default(),
    ) {
        Ok(r) => r,
        Err(e) => return fail(&e.to_string()),
    };
    if !verified.verified {
        eprintln!("the signed copy does not verify with {cert_pem}; not written");
        return ExitCode::from(1);
    }
    if let Err(e) = std::fs::write(&output, &rewritten.bytes) {
        return fail(&format!("{output}: {e}"));
    }
    println!(
        "wrote {output} ({} bytes), verified with the pinned certificate {}",
        rewritten.bytes.len(),
        signer.cert().subject
    );
    ExitCode::SUCCESS
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
