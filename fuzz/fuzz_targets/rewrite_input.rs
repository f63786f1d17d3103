//! The `rewrite_roundtrip` fuzz target's body, shared with `tests/fuzz_regressions.rs` (included
//! with `#[path]`). See `rewrite_roundtrip.rs`.

#![allow(dead_code)]

use samlcheck::rewrite::{self, Op, RewriteOptions};
use samlcheck::{xml, Limits};
use std::sync::OnceLock;

const FIXTURES: &[&[u8]] = &[
    include_bytes!("../../tests/fixtures/aws-ic-sp.xml"),
    include_bytes!("../../tests/fixtures/aws-iam-sp.xml"),
    include_bytes!("../../tests/fixtures/entra-idp.xml"),
    include_bytes!("../../tests/fixtures/entra-idp-one-cert.xml"),
    include_bytes!("../../tests/fixtures/entra-idp-common.xml"),
    include_bytes!("../../tests/fixtures/aggregate.xml"),
];

struct Pool {
    docs: Vec<Vec<u8>>,
    /// Values from the fixtures (entityIDs, Locations) and foreign ones.
    urls: Vec<String>,
    /// SHA-1 thumbprints and SHA-256 fingerprints of the fixtures' certificates.
    thumbs: Vec<String>,
}

fn pool() -> &'static Pool {
    static P: OnceLock<Pool> = OnceLock::new();
    P.get_or_init(|| {
        let mut docs = Vec::new();
        let mut urls = vec![
            "https://sp.example.org/acs".to_string(),
            "https://new.example/".to_string(),
            "a&b<c\"d'".to_string(),
            String::new(),
        ];
        let mut thumbs = vec!["00".repeat(20)];
        for f in FIXTURES {
            docs.push(f.to_vec());
            let text = String::from_utf8_lossy(f);
            let bare = text.trim_start_matches('\u{feff}');
            let mut bom = b"\xEF\xBB\xBF".to_vec();
            bom.extend_from_slice(bare.as_bytes());
            docs.push(bom);
            docs.push(f.iter().fold(Vec::new(), |mut v, &b| {
                if b == b'\n' {
                    v.push(b'\r');
                }
                v.push(b);
                v
            }));
            if let Ok(doc) = roxmltree::Document::parse(bare) {
                for n in doc.descendants() {
                    for a in ["entityID", "Location"] {
                        if let Some(v) = n.attribute(a) {
                            if !urls.iter().any(|u| u == v) {
                                urls.push(v.to_string());
                            }
                        }
                    }
                    if n.tag_name().name() == "X509Certificate" {
                        if let Ok((_, facts)) =
                            samlcheck::x509::facts_from_base64(n.text().unwrap_or(""))
                        {
                            for t in [facts.sha1_thumbprint, facts.sha256_fingerprint] {
                                if !thumbs.contains(&t) {
                                    thumbs.push(t);
                                }
                            }
                        }
                    }
                }
            }
        }
        // The fixtures never change: their no-operation rewrite is checked once, here.
        for d in &docs {
            unchanged_without_ops(d);
        }
        Pool { docs, urls, thumbs }
    })
}

/// A rewrite with no operation returns UTF-8 input byte for byte (other encodings are
/// written as UTF-8).
fn unchanged_without_ops(input: &[u8]) {
    let limits = Limits::default();
    if let Ok(decoded) = xml::decode_checked(input.to_vec(), &limits) {
        if decoded.info().encoding != xml::Encoding::Utf8 {
            return;
        }
        if let Ok(out) = rewrite::rewrite(&decoded, &[], &RewriteOptions::default()) {
            assert!(
                out.bytes == input,
                "a rewrite with no operation changed the bytes"
            );
        }
    }
}

struct Ins<'a>(&'a [u8]);

impl Ins<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
    fn pick<'p, T>(&mut self, v: &'p [T]) -> Option<&'p T> {
        let i = usize::from(self.byte());
        v.get(i % v.len().max(1))
    }
}

fn op(ins: &mut Ins<'_>, p: &Pool) -> Option<Op> {
    let url = |ins: &mut Ins<'_>| ins.pick(&p.urls).cloned();
    Some(match ins.byte() % 17 {
        0 => Op::StripBom,
        1 => Op::RemoveExpiredCerts,
        2 => Op::RemoveCert(ins.pick(&p.thumbs)?.clone()),
        3 => Op::Saml2Only,
        4 => Op::Extract(url(ins)?),
        5 => {
            let b = ins.byte();
            Op::AddAcs {
                url: url(ins)?,
                binding: [
                    None,
                    Some("HTTP-POST"),
                    Some("HTTP-Redirect"),
                    Some("PAOS"),
                    Some("urn:x"),
                ]
                .get(usize::from(b % 5))
                .copied()
                .flatten()
                .map(str::to_string),
                make_default: b & 0x80 != 0,
            }
        }
        6 => Op::ReplaceAcs {
            old: url(ins)?,
            new: url(ins)?,
        },
        7 => Op::RemoveAcs(url(ins)?),
        8 => Op::SetEntityId(url(ins)?),
        9 => Op::SetValidUntil(chrono::DateTime::from_timestamp(
            1_700_000_000 + i64::from(ins.byte()) * 10_000_000,
            0,
        )?),
        10 => Op::RemoveValidUntil,
        11 => Op::SetCacheDuration(
            ["PT6H", "P1D", "PT0S", "bogus", ""]
                .get(usize::from(ins.byte() % 5))?
                .to_string(),
        ),
        12 => Op::RemoveCacheDuration,
        13 => Op::StripSignature,
        14 => Op::Sign,
        15 => Op::Pretty,
        _ => Op::Minify,
    })
}

/// One run of the target on `data`: panics when an invariant breaks.
pub fn run(data: &[u8]) {
    let p = pool();
    let mut ins = Ins(data);
    let first = ins.byte();
    let mut ops = Vec::new();
    let inline = first >= 0xC0;
    let input: Vec<u8> = if !inline {
        let doc = p.docs[usize::from(first) % p.docs.len()].clone();
        while !ins.0.is_empty() && ops.len() < 6 {
            if let Some(o) = op(&mut ins, p) {
                ops.push(o);
            }
        }
        doc
    } else {
        let n = ins.byte() % 4;
        for _ in 0..n {
            if let Some(o) = op(&mut ins, p) {
                ops.push(o);
            }
        }
        ins.0.to_vec()
    };
    if let Err(e) = rewrite::check_roundtrip(&input, &ops) {
        panic!("round trip broken: {e}");
    }
    // A fixture's no-operation rewrite was checked when the pool was made.
    if inline {
        unchanged_without_ops(&input);
    }
}
