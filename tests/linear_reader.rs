//! Issue #15, the reader and the model builder: crafted inputs that used to make the
//! pre-scan, roxmltree or the model builder do quadratic work, built by generators at n, 4n
//! and 16n. Each class either stops at a `Limits` cap (a positioned error, exit 2 from the
//! CLI) or builds a model whose size grows linearly. No assertion here is a timing: work is
//! measured as output size. Times before and after the fix are in the closing note of #15.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use assert_cmd::Command;
use samlcheck::{parse_metadata, Error, Limits};

const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";

fn entity(extra: &str, body: &str) -> String {
    format!("<md:EntityDescriptor xmlns:md=\"{MD}\" entityID=\"https://sp.example.com/\"{extra}>{body}</md:EntityDescriptor>")
}

/// `n` attributes on the root besides `entityID` (so `n + 1` in all).
fn attributes(n: usize) -> String {
    entity(
        &(0..n).map(|i| format!(" a{i}=\"\"")).collect::<String>(),
        "",
    )
}

/// `n` namespace declarations on the root besides `xmlns:md` (so `n + 1` in all).
fn declarations(n: usize) -> String {
    entity(
        &(0..n)
            .map(|i| format!(" xmlns:p{i}=\"u\""))
            .collect::<String>(),
        "",
    )
}

/// `k` declarations on the root inherited by `n` children that each declare one more.
fn inherited(k: usize, n: usize) -> String {
    entity(
        &(0..k)
            .map(|i| format!(" xmlns:p{i}=\"u\""))
            .collect::<String>(),
        &"<x xmlns:q=\"v\"/>".repeat(n),
    )
}

/// The root declares `md` and `counts[0]` more; each nested element `counts[i]`.
fn levels(counts: &[usize]) -> String {
    let decls = |n: usize, p: usize| {
        (0..n)
            .map(|i| format!(" xmlns:l{p}n{i}=\"u\""))
            .collect::<String>()
    };
    let inner: String = counts
        .iter()
        .enumerate()
        .skip(1)
        .map(|(p, n)| format!("<x{}>", decls(*n, p)))
        .collect();
    let close = "</x>".repeat(counts.len().saturating_sub(1));
    entity(&decls(counts[0], 0), &format!("{inner}{close}"))
}

/// One name followed by `n` empty values: the pre-scan used to walk back to the name for
/// each value.
fn empty_values(n: usize) -> String {
    entity("", &format!("<x b{}/>", "=\"\"".repeat(n)))
}

/// `n` children with distinct names, each with a value split by a comment.
fn distinct_split_children(n: usize) -> String {
    entity(
        "",
        &(0..n)
            .map(|i| format!("<md:c{i}>a<!---->b</md:c{i}>"))
            .collect::<String>(),
    )
}

/// `d` nested `EntitiesDescriptor` with `n` entities in the innermost.
fn deep_groups(d: usize, n: usize) -> String {
    format!(
        "<md:EntitiesDescriptor xmlns:md=\"{MD}\">{}{}{}</md:EntitiesDescriptor>",
        "<md:EntitiesDescriptor>".repeat(d - 1),
        "<md:EntityDescriptor entityID=\"x\"><md:SPSSODescriptor/></md:EntityDescriptor>".repeat(n),
        "</md:EntitiesDescriptor>".repeat(d - 1)
    )
}

fn parse(s: &str) -> Result<samlcheck::Metadata, Error> {
    parse_metadata(s.as_bytes().to_vec(), &Limits::default())
}

/// Asserts `s` is refused by the cap named `what`, with a position.
fn capped(s: &str, what: &str) -> Error {
    let e = parse(s).unwrap_err();
    match &e {
        Error::LimitExceeded { what: w, pos, .. } => {
            assert_eq!(*w, what, "{e}");
            assert!(pos.offset > 0, "{e}");
        }
        _ => panic!("expected the {what} limit, got {e}"),
    }
    e
}

/// The model's serialized size, a deterministic measure of the work of building it.
fn model_size(s: &str) -> usize {
    let md = parse(s).unwrap();
    serde_json::to_vec(&md.entities).unwrap().len()
        + serde_json::to_vec(&md.groups).unwrap().len()
        + md.split_values.iter().map(|p| p.path.len()).sum::<usize>()
}

/// Output grows at most linearly: about 4x per 4x of input, never more than 6x, and at most
/// `per_byte` output bytes per input byte.
fn linear(sizes: [(usize, usize); 3], per_byte: usize) {
    for (input, out) in sizes {
        assert!(out <= per_byte * input, "{out} bytes from {input}");
    }
    for w in sizes.windows(2) {
        let growth = w[1].1 as f64 / w[0].1 as f64;
        assert!(growth < 6.0, "grew {growth:.1}x per 4x: {sizes:?}");
    }
}

#[test]
fn attributes_per_element_cap() {
    let l = Limits::default().max_attributes_per_element as usize;
    assert!(parse(&attributes(l - 1)).is_ok());
    let e = capped(&attributes(l), "attributes on one element");
    assert!(e.to_string().contains("limit of 256"), "{e}");
    for n in [1000, 4000, 16_000] {
        capped(&attributes(n), "attributes on one element");
    }
}

#[test]
fn namespace_declarations_per_element_cap() {
    let l = Limits::default().max_namespaces_per_element as usize;
    assert!(parse(&declarations(l - 1)).is_ok());
    capped(&declarations(l), "namespace declarations on one element");
    for n in [1000, 4000, 16_000] {
        capped(&declarations(n), "namespace declarations on one element");
    }
}

#[test]
fn namespace_declarations_in_scope_cap() {
    let l = Limits::default().max_namespaces_in_scope as usize;
    let per = Limits::default().max_namespaces_per_element as usize;
    assert!(
        l <= per + 1,
        "the in-scope cap is reachable one element at a time"
    );
    let (a, b) = (l / 2 - 1, l / 4);
    assert!(parse(&levels(&[a, b, l - 1 - a - b])).is_ok());
    capped(
        &levels(&[a, b, l - a - b]),
        "namespace declarations in scope",
    );
    // Many declarations inherited by many elements: accepted under the cap with a model of
    // linear size, refused past it.
    linear(
        [1000, 4000, 16_000].map(|n| {
            let s = inherited(per - 4, n);
            (s.len(), model_size(&s))
        }),
        4,
    );
    // A prefix declared again at every level counts once; new prefixes at every level add up.
    let again = format!(
        "<a xmlns:md=\"{MD}\">{}{}</a>",
        "<b xmlns:p=\"u\" xmlns:q=\"u\">".repeat(200),
        "</b>".repeat(200)
    );
    assert!(matches!(parse(&again), Err(Error::NotMetadata { .. })));
    let deep = format!(
        "<a xmlns:md=\"{MD}\">{}{}</a>",
        (0..l)
            .map(|i| format!("<b xmlns:p{i}=\"u\">"))
            .collect::<String>(),
        "</b>".repeat(l)
    );
    capped(&deep, "namespace declarations in scope");
}

#[test]
fn empty_values_after_one_name_are_one_pass() {
    for n in [1000, 4000, 16_000] {
        capped(&empty_values(n), "attributes on one element");
    }
}

#[test]
fn distinct_child_names_build_a_linear_model() {
    linear(
        [1000, 4000, 16_000].map(|n| {
            let s = distinct_split_children(n);
            (s.len(), model_size(&s))
        }),
        4,
    );
    let md = parse(&distinct_split_children(16_000)).unwrap();
    assert_eq!(md.split_values.len(), 16_000);
    assert_eq!(
        md.split_values[7].path, "/EntityDescriptor/c7",
        "no index: the name is unique"
    );
}

#[test]
fn deep_groups_have_bounded_paths() {
    let sizes = [100, 400, 1600].map(|n| {
        let s = deep_groups(200, n);
        let md = parse(&s).unwrap();
        assert_eq!(md.entities.len(), n);
        assert!(
            md.entities.iter().all(|e| e.place.path.len() < 300),
            "{}",
            md.entities[0].place.path
        );
        (s.len(), model_size(&s))
    });
    linear(sizes, 40);
    let md = parse(&deep_groups(200, 2)).unwrap();
    let p = &md.entities[1].place.path;
    assert!(
        p.starts_with("/…/") && p.ends_with("/EntitiesDescriptor/EntityDescriptor[2]"),
        "{p}"
    );
    // Shallow paths are unchanged.
    let md = parse(&deep_groups(2, 2)).unwrap();
    assert_eq!(
        md.entities[1].place.path,
        "/EntitiesDescriptor/EntitiesDescriptor/EntityDescriptor[2]"
    );
}

#[cfg(feature = "cli")]
fn cli(args: &[&str], xml: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("in.xml");
    std::fs::write(&f, xml).unwrap();
    let out = Command::cargo_bin("samlcheck")
        .unwrap()
        .args(args)
        .arg(&f)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
#[cfg(feature = "cli")]
fn cli_at_and_past_each_new_limit() {
    let d = Limits::default();
    let per = d.max_namespaces_per_element as usize;
    let a = d.max_attributes_per_element as usize;
    let s = d.max_namespaces_in_scope as usize;
    for (at, past, what) in [
        (
            attributes(a - 1),
            attributes(a),
            "attributes on one element",
        ),
        (
            declarations(per - 1),
            declarations(per),
            "namespace declarations on one element",
        ),
        (
            levels(&[s / 2 - 1, s / 4, s - 1 - (s / 2 - 1) - s / 4]),
            levels(&[s / 2 - 1, s / 4, s - (s / 2 - 1) - s / 4]),
            "namespace declarations in scope",
        ),
    ] {
        for cmd in ["show", "lint", "verify"] {
            let (code, err) = cli(&[cmd], &at);
            assert_ne!(code, 2, "{cmd} at the {what} limit: {err}");
            let (code, err) = cli(&[cmd], &past);
            assert_eq!(code, 2, "{cmd} past the {what} limit: {err}");
            assert!(err.contains(what), "{cmd}: {err}");
            assert!(err.contains("at 1:"), "{cmd}: {err}");
        }
    }
}
