//! STUB (enable after src/rewrite lands; see stubs/README.md).
//!
//! bytes -> parse -> rewrite with a no-op edit list and with each edit kind the input allows
//! (strip BOM, drop a role, change an ACS URL, remove a certificate).
//!
//! Invariants:
//! - a no-op rewrite returns the input bytes unchanged (byte-faithful);
//! - parse -> rewrite -> parse gives the same model apart from what the edit changed;
//! - bytes outside the edited ranges are identical;
//! - an edit inside signed content removes or redoes the signature, and says which.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(md) = samlcheck::parse_metadata(data.to_vec(), &samlcheck::Limits::default()) else {
        return;
    };
    let _ = md;
    // TODO(lead): let out = samlcheck::rewrite::apply(data, &[]) ...; assert_eq!(out, data);
});
