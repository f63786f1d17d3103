//! Criterion benches for XML signatures.
//!
//! `cargo bench --bench dsig`. Inputs are generated (nothing large is committed) with the
//! aggregate generator of `examples/gen_aggregate.rs` and the test-only rsa2048 key.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use samlcheck::dsig::{self, c14n, DigestAlg, SignOptions, SigningKey, Trust};
use samlcheck::xml::XmlDoc;
use samlcheck::Limits;

#[allow(dead_code)]
#[path = "../examples/gen_aggregate.rs"]
mod gen;

/// (name, entities): one comment per input.
const INPUTS: &[(&str, usize)] = &[
    // A single entity (~4 KB): per-call overhead dominates.
    ("entity-1", 1),
    // A small federation (~4 MB).
    ("aggregate-1000", 1_000),
    // A large aggregate (~40 MB), the size class of national federations.
    ("aggregate-10000", 10_000),
];

fn key() -> SigningKey {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys");
    SigningKey::from_pem(
        &std::fs::read_to_string(format!("{dir}/rsa2048.key.pem")).unwrap(),
        &std::fs::read_to_string(format!("{dir}/rsa2048.crt.pem")).unwrap(),
    )
    .unwrap()
}

fn cert_body() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys");
    std::fs::read_to_string(format!("{dir}/rsa2048.crt.pem"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(|l| format!("              {l}\n"))
        .collect()
}

fn signed(n: usize) -> String {
    let mut o = SignOptions::default();
    o.verify_after = false;
    dsig::sign(&gen::aggregate(n, cert_body().trim_end()), &key(), &o).unwrap()
}

fn c14n_digest(c: &mut Criterion) {
    let mut g = c.benchmark_group("c14n+sha256");
    g.sample_size(10);
    for (name, n) in INPUTS {
        let text = gen::aggregate(*n, cert_body().trim_end());
        let doc = XmlDoc::parse(&text, &Limits::default()).unwrap();
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::new("exclusive", name), &doc, |b, doc| {
            b.iter(|| {
                dsig::digest(
                    c14n::Subset::Element(doc.root()),
                    None,
                    &c14n::C14n::exclusive(),
                    DigestAlg::Sha256,
                )
            })
        });
        g.bench_with_input(
            BenchmarkId::new("exclusive-c14n-only", name),
            &doc,
            |b, doc| {
                b.iter(|| {
                    let mut n = 0usize;
                    c14n::canonicalize(
                        c14n::Subset::Element(doc.root()),
                        None,
                        &c14n::C14n::exclusive(),
                        &mut |b: &[u8]| n += b.len(),
                    );
                    n
                })
            },
        );
    }
    g.finish();
}

fn verify(c: &mut Criterion) {
    let mut g = c.benchmark_group("verify");
    g.sample_size(10);
    for (name, n) in INPUTS {
        let text = signed(*n);
        g.throughput(Throughput::Bytes(text.len() as u64));
        // Parse and verify, as `samlcheck verify` does after reading the file.
        g.bench_with_input(BenchmarkId::new("parse+verify", name), &text, |b, text| {
            b.iter(|| {
                let doc = XmlDoc::parse(text, &Limits::default()).unwrap();
                let r = dsig::verify(&doc, &Trust::embedded());
                assert!(r.all_verified());
            })
        });
    }
    g.finish();
}

criterion_group!(benches, c14n_digest, verify);
criterion_main!(benches);
