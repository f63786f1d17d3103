//! Writes the generated SAML responses under `tests/fixtures/responses/` (run from the crate
//! root):
//!
//! ```text
//! cargo run --example gen_responses
//! ```
//!
//! Entra-like responses for the fixtures' pair (valid ones in every input form) and the
//! attack family, from `tests/respgen/mod.rs`, signed with the test-only keys of
//! `tests/fixtures/keys` (signatures are deterministic, so the output is reproducible).
//! `tests/response_gen.rs` fails when the committed files drift from the generator.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../tests/respgen/mod.rs"]
mod respgen;

fn main() {
    let dir = respgen::root().join(respgen::FIXTURE_DIR);
    for (rel, text) in respgen::fixture_set() {
        let p = dir.join(&rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, &text).unwrap();
        println!("wrote {} ({} bytes)", p.display(), text.len());
    }
}
