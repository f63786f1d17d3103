//! Bad input of every kind: exit 2, a one-line positioned error naming the problem, no
//! panic, nothing written.
// Drives the binary, which needs the `cli` feature.
#![cfg(feature = "cli")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use assert_cmd::Command;
use std::path::Path;

fn samlcheck() -> Command {
    Command::cargo_bin("samlcheck").unwrap()
}

/// Runs `show` on a file and returns stderr, asserting exit 2 and a single error line.
fn refused(path: &Path) -> String {
    let out = samlcheck().args(["show"]).arg(path).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}: {:?}", path.display(), out);
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout for {}",
        path.display()
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("samlcheck: error: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/broken")
        .join(name)
}

#[test]
fn every_broken_fixture_is_refused_with_a_position() {
    let cases = [
        ("empty.xml", "empty document", "1:1"),
        ("not-xml.txt", "not well-formed XML", "1:1"),
        ("binary.bin", "invalid UTF-8", ":"),
        ("truncated.xml", "not closed", "1:"),
        ("dtd.xml", "document type declaration", "2:1"),
        ("billion-laughs.xml", "document type declaration", "2:1"),
        ("external-entity.xml", "document type declaration", "2:1"),
        ("wrong-root.xml", "not SAML metadata", "2:1"),
        ("wrong-namespace.xml", "namespace", "1:1"),
        (
            "unsupported-encoding.xml",
            "unsupported declared encoding \"Shift_JIS\"",
            "1:1",
        ),
        ("invalid-utf8.xml", "invalid UTF-8 (byte 0xE9)", "3:24"),
        ("unclosed-tag.xml", "not well-formed XML", "3:1"),
    ];
    for (file, what, pos) in cases {
        let err = refused(&fixture(file));
        assert!(err.contains(what), "{file}: {err}");
        assert!(err.contains(pos), "{file}: {err}");
        assert!(err.contains(file), "names the file: {err}");
    }
}

#[test]
fn missing_file_and_directory() {
    let err = refused(Path::new("/nonexistent/metadata.xml"));
    assert!(err.contains("no such file"), "{err}");
    let err = refused(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(err.contains("is a directory"), "{err}");
}

#[test]
fn deep_nesting_is_refused_before_the_tree_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("deep.xml");
    let s = format!(
        "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"x\">{}{}</md:EntityDescriptor>",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    std::fs::write(&p, s).unwrap();
    let err = refused(&p);
    assert!(
        err.contains("element nesting depth exceeds the limit of 256"),
        "{err}"
    );
}

#[test]
fn huge_attribute_value_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("huge.xml");
    let mut s = String::from(
        "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"",
    );
    s.push_str(&"a".repeat(200 * 1024 * 1024));
    s.push_str("\"/>");
    std::fs::write(&p, s).unwrap();
    let err = refused(&p);
    assert!(
        err.contains("attribute value length exceeds the limit"),
        "{err}"
    );
    assert!(err.contains("1:"), "{err}");
}

#[test]
fn pair_check_with_a_broken_input_is_exit_2() {
    let ok = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aws-ic-sp.xml");
    let out = samlcheck()
        .arg(&ok)
        .arg(fixture("dtd.xml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("dtd.xml"));
}

#[test]
fn library_never_panics_on_mangled_fixtures() {
    // Every prefix of a real-shaped file, and byte flips, give Ok or Err, never a panic.
    let base =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/entra-idp.xml"))
            .unwrap();
    let limits = samlcheck::Limits::default();
    for cut in (0..base.len()).step_by(97) {
        let _ = samlcheck::parse_metadata(base[..cut].to_vec(), &limits);
    }
    for i in (0..base.len()).step_by(31) {
        let mut b = base.clone();
        b[i] ^= 0x5A;
        let _ = samlcheck::parse_metadata(b, &limits);
    }
}
