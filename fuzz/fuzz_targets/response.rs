//! The response reader and checker (`samlcheck::response::check`) on mutated Entra-like
//! responses and on raw input of any form. The body and the invariants are in
//! `response_check.rs` (replayed by `tests/response_fuzz.rs`); the main one: a response
//! the checker accepts has a verified signature, by a pinned IdP certificate, covering the
//! one Assertion whose NameID it read.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "response_check.rs"]
mod response_check;

fuzz_target!(|data: &[u8]| response_check::run(data));
