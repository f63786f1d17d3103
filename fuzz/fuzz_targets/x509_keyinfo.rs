//! Certificate bytes, as DER and as the base64 text of an `X509Certificate` element.
//!
//! Invariants: no panic; thumbprints are uppercase hex of the right length (SHA-1 40,
//! SHA-256 64, SPKI SHA-256 64); the base64 route (with line breaks, as in metadata) gives the
//! same facts as the DER route; the time helpers work at the ends of the range.

#![no_main]

use base64::Engine;
use libfuzzer_sys::fuzz_target;
use samlcheck::x509::{self, CertFacts};

fn upper_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
}

fn check(f: &CertFacts) {
    assert!(upper_hex(&f.sha1_thumbprint, 40), "{}", f.sha1_thumbprint);
    assert!(
        upper_hex(&f.sha256_fingerprint, 64),
        "{}",
        f.sha256_fingerprint
    );
    assert!(upper_hex(&f.spki_sha256, 64), "{}", f.spki_sha256);
    assert!(!f.key.describe().is_empty());
    for at in [
        chrono::DateTime::<chrono::Utc>::MIN_UTC,
        chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
        chrono::DateTime::<chrono::Utc>::MAX_UTC,
    ] {
        let _ = f.valid_at(at);
        let _ = f.days_left(at);
    }
    let _ = serde_json::to_string(f).expect("facts serialize");
}

fuzz_target!(|data: &[u8]| {
    let der = x509::facts_from_der(data);
    if let Ok(f) = &der {
        check(f);
    }
    // The same bytes as metadata carries them: base64 wrapped at 64 columns.
    let b64 = base64::engine::general_purpose::STANDARD.encode(data);
    let wrapped: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).expect("base64 is ASCII"))
        .collect();
    let text = format!("\n  {}\n", wrapped.join("\n  "));
    match x509::facts_from_base64(&text) {
        Ok((bytes, f)) => {
            assert_eq!(bytes, data);
            assert_eq!(Ok(&f), der.as_ref());
        }
        Err(e) => {
            assert!(der.is_err(), "base64 route failed ({e}) where DER worked");
            assert!(!e.to_string().is_empty());
        }
    }
    // Arbitrary text as the element content: never a panic, messages non-empty.
    if let Ok(s) = std::str::from_utf8(data) {
        match x509::facts_from_base64(s) {
            Ok((_, f)) => check(&f),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
});
