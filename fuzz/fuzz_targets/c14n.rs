//! Canonicalization of any document the hardened reader accepts: the whole document and
//! every element (the first 64 in document order), with exclusive and inclusive c14n 1.0,
//! with and without comments, and with an enveloped-style exclusion (the element's first
//! child element left out, as for a signature).
//!
//! Invariants:
//! - no panic on any parsed document;
//! - the streaming sink and `to_vec` give the same bytes;
//! - the canonical form parses with the hardened reader (well-formed, no DOCTYPE) and holds
//!   no comment in the without-comments forms;
//! - idempotence: canonicalizing the canonical form again (parsed as a document) gives the
//!   same bytes, both as a document subset and as its root element.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "c14n_check.rs"]
mod c14n_check;

fuzz_target!(|data: &[u8]| c14n_check::run(data));
