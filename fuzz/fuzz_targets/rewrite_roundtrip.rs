//! Rewrite round trip over generated inputs and random operation sequences, through
//! `samlcheck::rewrite::check_roundtrip`: parsing the output gives exactly the model of the
//! input with the edits applied, the BOM is gone when asked, and the signature effect is
//! told truthfully.
//!
//! Input layout: the first byte below 0xC0 picks a fixture (as is, with a UTF-8 BOM, or
//! with CRLF line ends) and the rest of the bytes are operations; from 0xC0 up, the next
//! byte gives the number of operations (0-3), those are decoded, and what remains is the
//! document itself. Operation arguments are drawn from the fixtures' own values
//! (entityIDs, ACS locations, certificate thumbprints) so that edits apply, plus a few
//! foreign ones.
//!
//! Invariants: no panic; `check_roundtrip` is `Ok` (a refused rewrite or a non-metadata
//! input is `Ok` by its contract); a rewrite with no operation is byte-identical.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "rewrite_input.rs"]
mod rewrite_input;

fuzz_target!(|data: &[u8]| rewrite_input::run(data));
