//! Fuzz crashes, kept as regression tests.
//!
//! Every file under `tests/fuzz_regressions/` is an input a fuzz target once failed on (see
//! `fuzz/README.md`), named `TARGET-what-it-is.bin`; `replay_every_regression_input` runs
//! each through its target's checks: `c14n-*`, `dsig_verify-*` and `rewrite_roundtrip-*`
//! through those targets' own bodies (the same files the targets include), every other
//! file through the parse path (and, when two documents come out of it, the pair check and
//! every renderer) with the same invariants as the targets. A crash worth its own name gets
//! a named test below as well.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use samlcheck::report::{self, FileReport, Report};
use samlcheck::{xml, Limits, Metadata};
use std::path::Path;

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions")
}

/// The fuzz targets' invariants, shared with them.
#[path = "../fuzz/fuzz_targets/common.rs"]
mod common;
use common::check_error;

/// The bodies of the `c14n`, `dsig_verify` and `rewrite_roundtrip` targets.
#[path = "../fuzz/fuzz_targets/c14n_check.rs"]
mod c14n_check;
#[path = "../fuzz/fuzz_targets/dsig_mutate.rs"]
mod dsig_mutate;
#[path = "../fuzz/fuzz_targets/large_input_check.rs"]
mod large_input_check;
#[path = "../fuzz/fuzz_targets/rewrite_input.rs"]
mod rewrite_input;

/// The `parse` target: decode, parse, model; `Some` when a model came out.
fn parse_path(data: &[u8]) -> Option<Metadata> {
    let limits = Limits::default();
    let decoded = match xml::decode_checked(data.to_vec(), &limits) {
        Ok(d) => d,
        Err(e) => {
            check_error(&e, None);
            return None;
        }
    };
    let text = decoded.text();
    let doc = match xml::XmlDoc::parse(text, &limits) {
        Ok(d) => d,
        Err(e) => {
            check_error(&e, Some(text.len()));
            return None;
        }
    };
    assert!(
        !common::has_doctype(text),
        "a document with a DOCTYPE was accepted"
    );
    match Metadata::from_doc(&doc, decoded.info()) {
        Ok(md) => {
            for e in &md.entities {
                common::check_place(&e.place, text);
            }
            common::check_positions(&serde_json::to_value(&md).unwrap(), text.len());
            Some(md)
        }
        Err(e) => {
            check_error(&e, Some(text.len()));
            None
        }
    }
}

/// The `lint_pair` target: split at the first 0xFF (else the midpoint), parse both halves,
/// and when both parse, run the pair check and render every format.
fn pair_path(data: &[u8]) {
    let cut = data
        .iter()
        .position(|&b| b == 0xFF)
        .unwrap_or(data.len() / 2);
    let (a, b) = data.split_at(cut);
    let b = if data.get(cut) == Some(&0xFF) {
        &b[1..]
    } else {
        b
    };
    let (Some(ma), Some(mb)) = (parse_path(a), parse_path(b)) else {
        return;
    };
    let at = chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap();
    let opts = samlcheck::pair::PairOptions::at(at);
    let Ok(sel) = samlcheck::pair::select(&ma, "a.xml", &mb, "b.xml", &opts) else {
        return;
    };
    let (sp_md, idp_md) = match sel.sp_side {
        samlcheck::pair::Side::First => (&ma, &mb),
        samlcheck::pair::Side::Second => (&mb, &ma),
    };
    let mut r = Report::new("check", at);
    r.files.push(FileReport {
        file: "a.xml".into(),
        entities: Vec::new(),
        findings: Vec::new(),
    });
    r.findings = samlcheck::pair::check(sp_md, sel.sp, idp_md, sel.idp, &opts);
    r.checks = samlcheck::pair::rule_codes();
    let _: serde_json::Value = serde_json::from_str(&report::to_json(&r, None)).unwrap();
    let _: serde_json::Value = serde_json::from_str(&report::to_sarif(&r)).unwrap();
    roxmltree::Document::parse(&report::to_junit(&r)).unwrap();
}

#[test]
fn replay_every_regression_input() {
    let mut n = 0;
    for entry in std::fs::read_dir(dir()).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let data = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("c14n-") {
            c14n_check::run(&data);
        } else if name.starts_with("dsig_verify-") {
            dsig_mutate::run(&data);
        } else if name.starts_with("rewrite_roundtrip-") {
            rewrite_input::run(&data);
        } else if name.starts_with("large_input-") {
            large_input_check::run(&data);
        } else {
            let _ = parse_path(&data);
            pair_path(&data);
        }
        n += 1;
    }
    assert!(n >= 1, "tests/fuzz_regressions/ holds the crash inputs");
}

/// parse, first run: a UTF-16 file cut to an odd length. The error opens with the acronym
/// `UTF-16`, which the target's first invariant (no capital first letter) took for a
/// capitalised message; the invariant now allows an acronym as the first word.
#[test]
fn parse_utf16_odd_length_error_message() {
    let data = std::fs::read(dir().join("parse-utf16-odd-length-error-message.bin")).unwrap();
    let e = xml::decode_checked(data, &Limits::default()).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("UTF-16 input has an odd number of bytes"),
        "{e}"
    );
    check_error(&e, None);
}

/// rewrite_roundtrip, first run: the aggregate (with a BOM) and `--set-cache-duration PT0S
/// --set-cache-duration PT6H`. The first step changes signed content, so the rewrite removes
/// the aggregate's signature; the second puts the old value back. `check_roundtrip` judged
/// signatures on the net model change only and expected the signature kept; it now judges
/// them step by step, as the rewrite applies the operations.
#[test]
fn rewrite_roundtrip_set_cache_duration_twice() {
    let data = std::fs::read(dir().join("rewrite_roundtrip-set-cache-duration-twice.bin")).unwrap();
    rewrite_input::run(&data);
    let input =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aggregate.xml"))
            .unwrap();
    let ops = [
        samlcheck::rewrite::Op::SetCacheDuration("PT0S".into()),
        samlcheck::rewrite::Op::SetCacheDuration("PT6H".into()),
    ];
    assert_eq!(samlcheck::rewrite::check_roundtrip(&input, &ops), Ok(()));
    // The signature is gone: the file's content went through PT0S.
    let decoded = xml::decode_checked(input, &Limits::default()).unwrap();
    let opts = samlcheck::rewrite::RewriteOptions::default();
    let out = samlcheck::rewrite::rewrite(&decoded, &ops, &opts).unwrap();
    assert_eq!(out.signature, samlcheck::rewrite::SignatureEffect::Removed);
}

/// rewrite_roundtrip, second run: the aggregate, `--replace-acs X X` (the same location)
/// and `--minify`. Replacing a location with itself spliced the same value in, and the
/// rewrite removed the aggregate's signature for an edit that changed nothing; it now makes
/// no splice and keeps the signature, as setting an attribute to its current value does.
#[test]
fn rewrite_roundtrip_replace_acs_with_itself() {
    let data = std::fs::read(dir().join("rewrite_roundtrip-replace-acs-with-itself.bin")).unwrap();
    rewrite_input::run(&data);
    let input =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aggregate.xml"))
            .unwrap();
    let url = "https://sp1.example.org/Shibboleth.sso/SAML2/POST".to_string();
    let ops = [samlcheck::rewrite::Op::ReplaceAcs {
        old: url.clone(),
        new: url,
    }];
    assert_eq!(samlcheck::rewrite::check_roundtrip(&input, &ops), Ok(()));
    let decoded = xml::decode_checked(input.clone(), &Limits::default()).unwrap();
    let opts = samlcheck::rewrite::RewriteOptions::default();
    let out = samlcheck::rewrite::rewrite(&decoded, &ops, &opts).unwrap();
    assert_eq!(
        out.signature,
        samlcheck::rewrite::SignatureEffect::Untouched
    );
    assert_eq!(out.bytes, input);
}

/// c14n, first run: `<?xml% version="1.0"?>` opening an Entra file. roxmltree read it as a
/// processing instruction named `xml` (reserved), the canonical form wrote it as
/// `<?xml % version=...?>`, an XML declaration that does not parse. The reader now refuses
/// a PI target `xml` anywhere but in the declaration.
#[test]
fn c14n_pi_target_xml_percent() {
    let data = std::fs::read(dir().join("c14n-pi-target-xml-percent.bin")).unwrap();
    c14n_check::run(&data);
    let decoded = xml::decode_checked(data, &Limits::default());
    let e = match decoded {
        Ok(d) => xml::XmlDoc::parse(d.text(), &Limits::default())
            .map(|_| ())
            .unwrap_err(),
        Err(e) => e,
    };
    assert!(e.to_string().contains("`xml` is reserved"), "{e}");
    check_error(&e, None);
}

/// c14n, second run: `<b xmlns:p=""><p:c/></b>`. roxmltree accepts undeclaring a prefix
/// (XML 1.1 only), leaves `p:c` without a namespace, and its canonical form `<p:c>` does not
/// parse. The reader now refuses `xmlns:p=""` with its position.
#[test]
fn c14n_undeclared_prefix() {
    let data = std::fs::read(dir().join("c14n-undeclared-prefix.bin")).unwrap();
    c14n_check::run(&data);
    let text = std::str::from_utf8(&data).unwrap();
    let e = xml::XmlDoc::parse(text, &Limits::default())
        .map(|_| ())
        .unwrap_err();
    assert!(e.to_string().contains("empty URI"), "{e}");
    assert_eq!(
        e.pos().unwrap().offset as usize,
        text.find("xmlns:p=\"\"").unwrap()
    );
    check_error(&e, Some(text.len()));
}

/// The structure-aware signature target on its seeds' shapes: every mutation kind on the
/// first element of each base document, and the one-byte-change property on each.
#[test]
fn dsig_verify_target_runs_every_mutation_kind() {
    for base in 0u8..9 {
        dsig_mutate::run(&[base, 0, 5, 0]);
        for op in 0u8..11 {
            for el in [0u8, 1, 5] {
                dsig_mutate::run(&[base, 1, op, el, 0, 1, 0, 2, 0, 3]);
            }
        }
    }
}

/// The c14n target's fixed-point checks on a document with the hard cases together.
#[test]
fn c14n_target_on_namespace_and_escaping_edges() {
    c14n_check::run(
        b"<?pi x?><!--c--><a xmlns=\"urn:a\" xmlns:p=\"urn:p\" p:x=\"1\" b=\"&#9;&#10;&#13;&amp;&lt;&quot;\"><p:b xmlns=\"\"><c xml:lang=\"en\">t&#13;&gt;<!--d--><![CDATA[<x>]]></c></p:b></a><!--e-->",
    );
}

#[test]
fn doctype_detection_skips_comments_cdata_and_pis() {
    assert!(common::has_doctype("<!DOCTYPE a><a/>"));
    assert!(common::has_doctype(
        "<?xml version='1.0'?>\n<!DOCTYPE a [<!ENTITY e 'x'>]><a/>"
    ));
    assert!(!common::has_doctype("<a><!-- <!DOCTYPE x> --></a>"));
    assert!(!common::has_doctype("<a><![CDATA[<!DOCTYPE x>]]></a>"));
    assert!(!common::has_doctype("<?pi <!DOCTYPE x> ?><a/>"));
    // An unterminated comment hides the rest.
    assert!(!common::has_doctype("<!-- <!DOCTYPE"));
}

/// rewrite_roundtrip, fourth round (after 9,443,861 executions): an aggregate whose first
/// entity's `X509Certificate` holds, as mixed content, a whole `EntityDescriptor` with a
/// WS-Federation `RoleDescriptor`. `--saml2-only` took every `EntityDescriptor` in the
/// document for an entity, removed that nested `RoleDescriptor` (changing the certificate's
/// text and breaking the aggregate's signature), while the model has no such entity. The
/// rewrite now finds entities where the model does: the root, or children of groups.
#[test]
fn rewrite_roundtrip_saml2_only_entity_inside_certificate() {
    let data =
        std::fs::read(dir().join("rewrite_roundtrip-saml2-only-entity-inside-certificate.bin"))
            .unwrap();
    rewrite_input::run(&data);
    // Three bytes of instructions (inline document, one operation, saml2-only), then the file.
    let input = &data[3..];
    let ops = [samlcheck::rewrite::Op::Saml2Only];
    assert_eq!(samlcheck::rewrite::check_roundtrip(input, &ops), Ok(()));
    let decoded = xml::decode_checked(input.to_vec(), &Limits::default()).unwrap();
    let opts = samlcheck::rewrite::RewriteOptions::default();
    let out = samlcheck::rewrite::rewrite(&decoded, &ops, &opts).unwrap();
    // Nothing to remove: no entity of the model has a non-SAML 2.0 role.
    assert!(
        out.edits.iter().all(|e| !e.message.starts_with("removed")),
        "{:?}",
        out.edits
    );
    assert_eq!(out.bytes, input);
}

/// rewrite_roundtrip, fourth round (after 3,911,828 executions in one of two processes):
/// `--pretty` on a document whose `X509Certificate` holds mixed content, text around a
/// nested `KeyDescriptor`. The certificate was left alone (it has text), but the nested
/// element, with only white space between its children, was re-indented, which changed the
/// certificate's text in the model. The formatter now leaves everything inside an element
/// with text content alone.
#[test]
fn rewrite_roundtrip_pretty_inside_mixed_content() {
    let data =
        std::fs::read(dir().join("rewrite_roundtrip-pretty-inside-mixed-content.bin")).unwrap();
    rewrite_input::run(&data);
    // Three bytes of instructions (inline document, one operation, pretty), then the file.
    let input = &data[3..];
    let ops = [samlcheck::rewrite::Op::Pretty];
    assert_eq!(samlcheck::rewrite::check_roundtrip(input, &ops), Ok(()));
    let decoded = xml::decode_checked(input.to_vec(), &Limits::default()).unwrap();
    let out = samlcheck::rewrite::rewrite(&decoded, &ops, &Default::default()).unwrap();
    let text = String::from_utf8(out.bytes).unwrap();
    // The certificate's content, nested element included, keeps its bytes.
    let cert = |t: &str| {
        let a = t.find("<ds:X509Certificate>").unwrap();
        let b = t[a..].find("</ds:X509Certificate>").unwrap();
        t[a..a + b].to_string()
    };
    assert_eq!(cert(&text), cert(std::str::from_utf8(input).unwrap()));
}

/// The `large_input` target's body on the shapes its seeds hold (fuzz/seeds.sh), generated
/// here at a small size: a slow unit the target finds becomes a test like this one, with
/// its shape generated at the size where it was slow (see fuzz/README.md, "Slow inputs").
/// No time is asserted: the test checks the stages run to the end on each shape.
#[test]
fn large_input_target_on_generated_shapes() {
    let head = |extra: &str| {
        format!(
            "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" xmlns:x=\"urn:x\" ID=\"_r\" entityID=\"https://sts.windows.net/x/\"{extra}>"
        )
    };
    let role = "<md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://login.example.org/saml2\"/></md:IDPSSODescriptor></md:EntityDescriptor>";
    let attrs: String = (0..200).map(|i| format!(" a{i}=\"{i}\"")).collect();
    // 60 declarations: with md and x, under Limits::max_namespaces_per_element (64).
    let decls: String = (0..60)
        .map(|i| format!(" xmlns:p{i}=\"urn:example:ns:{i}\""))
        .collect();
    let uses: String = (0..60).map(|i| format!("<p{i}:e/>")).collect();
    let names: String = (0..200).map(|i| format!("<x:c{i}/>")).collect();
    let chain = "<x:d>".repeat(200) + &"</x:d>".repeat(200);
    let shapes = [
        format!("{}{role}", head(&attrs)),
        format!(
            "{}<md:Extensions>{uses}</md:Extensions>{role}",
            head(&decls)
        ),
        format!(
            "{}{}",
            head(""),
            role.replacen("<md:Single", &format!("{names}<md:Single"), 1)
        ),
        format!("{}<md:Extensions>{chain}</md:Extensions>{role}", head("")),
    ];
    for s in &shapes {
        // Each shape is read whole (it is a valid document at this size).
        let d = xml::decode_checked(s.as_bytes().to_vec(), &Limits::default()).unwrap();
        xml::XmlDoc::parse(d.text(), &Limits::default()).unwrap();
        large_input_check::run(s.as_bytes());
    }
}
