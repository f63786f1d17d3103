//! Slowness on large inputs (up to 1 MiB, `-max_len=1048576`): the reader (decode, pre-scan,
//! tree), the model, c14n of the whole document (exclusive, inclusive, exclusive with a long
//! `PrefixList`), signature verification (every reference canonicalized and digested) and
//! the lint, each once per input.
//!
//! Invariants: no panic; no input runs longer than libFuzzer's `-timeout` (scripts/fuzz-ci.sh
//! sets it so that a quadratic stage on an input under the size limit trips it).

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "large_input_check.rs"]
mod large_input_check;

fuzz_target!(|data: &[u8]| large_input_check::run(data));
