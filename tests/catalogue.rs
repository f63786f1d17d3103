//! The rule catalogue against the policy of docs/severity.md:
//!
//! - every rule cites public sources (`Title <https://...>`, separated by `; `), never an
//!   internal tag, and a rule whose summary says "unconfirmed" is at most a warning;
//! - one code, one severity: the binary is run (`--format json`) with `lint`, `verify`, `check`
//!   and `diff` over every file in tests/fixtures and, when present, ../shared/corpus; every
//!   code it emits is in the catalogue and every finding has its code's catalogue severity.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use samlcheck::{catalog, Severity};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const INSTANTS: &[&str] = &["2026-12-02T00:00:00Z", "2031-01-01T00:00:00Z"];

// ------------------------------------------------------------------------- sources

#[test]
fn every_rule_cites_public_sources_with_title_and_url() {
    let internal =
        regex::Regex::new(r"\b[ACE]-[A-Z0-9]{2,}\b|domain\.md|\bINF\b|\bCOMM\b|\bART\b").unwrap();
    let rules = catalog::rules();
    assert!(rules.len() > 150, "{}", rules.len());
    let mut bad = Vec::new();
    for r in &rules {
        let entries: Vec<&str> = r.source.split("; ").collect();
        if r.source.trim().is_empty() {
            bad.push(format!("{}: no source", r.code));
        }
        for e in &entries {
            let ok = match e.split_once(" <https://") {
                Some((title, rest)) => {
                    !title.trim().is_empty()
                        && rest.ends_with('>')
                        && rest.len() > 1
                        && !rest.contains(char::is_whitespace)
                }
                None => false,
            };
            if !ok {
                bad.push(format!(
                    "{}: entry {e:?} is not `Title <https://...>`",
                    r.code
                ));
            }
        }
        if let Some(m) = internal.find(r.source) {
            bad.push(format!(
                "{}: internal tag {:?} in the source",
                r.code,
                m.as_str()
            ));
        }
        // The library's reading of the source agrees: one (title, url) per entry.
        let parsed: Vec<_> = r.sources().collect();
        assert_eq!(parsed.len(), entries.len(), "{}", r.code);
        if parsed.iter().any(|(_, u)| u.is_none()) || r.help_uri().is_none() {
            bad.push(format!(
                "{}: Rule::sources finds an entry without URL",
                r.code
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn a_rule_resting_on_an_unconfirmed_fact_is_at_most_a_warning() {
    let mut unconfirmed = 0;
    for r in catalog::rules() {
        if r.summary.to_lowercase().contains("unconfirmed") {
            unconfirmed += 1;
            assert!(
                r.severity <= Severity::Warning,
                "{} says unconfirmed but is an {}",
                r.code,
                r.severity
            );
        }
    }
    // diff.cert.active_changed (which key signs is inferred from the order) at least.
    assert!(unconfirmed >= 1);
}

/// The two sides of the test below agree on a sample: a source missing its URL is caught.
#[test]
fn the_source_check_rejects_internal_tags_and_bare_titles() {
    let internal = regex::Regex::new(r"\b[ACE]-[A-Z0-9]{2,}\b").unwrap();
    assert!(internal.is_match("A-IC22 other-idps"));
    assert!(internal.is_match("E-CERT"));
    assert!(!internal.is_match("CVE-2017-11427 <https://nvd.nist.gov/>"));
    let r = samlcheck::Rule::new(
        "x.y",
        Severity::Info,
        "",
        "",
        "SAML2 Metadata §2.4.1; Title <https://example.org/a>",
    );
    let v: Vec<_> = r.sources().collect();
    assert_eq!(v[0], ("SAML2 Metadata §2.4.1", None));
    assert_eq!(v[1], ("Title", Some("https://example.org/a")));
    assert_eq!(r.help_uri(), Some("https://example.org/a"));
}

// ------------------------------------------------------------------------- emitted codes

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures")
}

/// `../shared/corpus` next to the checkout (or next to the worktrees folder, for a git
/// worktree under /work/wt); `None`, with a message, when absent.
fn corpus() -> Option<PathBuf> {
    let found = ["../shared/corpus", "../../shared/corpus"]
        .iter()
        .map(|r| root().join(r))
        .find(|p| p.is_dir());
    if found.is_none() {
        eprintln!("skipping the corpus part: ../shared/corpus is absent");
    }
    found
}

/// The files of a folder, sorted (not recursive).
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn fixture_xml() -> Vec<PathBuf> {
    let f = fixtures();
    let mut v: Vec<PathBuf> = files(&f)
        .into_iter()
        .chain(files(&f.join("encodings")))
        .chain(files(&f.join("broken")))
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    v.sort();
    v
}

/// Every file of the corpus, folder by folder.
fn corpus_dirs() -> Vec<Vec<PathBuf>> {
    let Some(c) = corpus() else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&c)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs.iter()
        .filter(|d| !d.ends_with("keys"))
        .map(|d| files(d))
        .collect()
}

fn contains(p: &Path, what: &str) -> bool {
    std::fs::read(p)
        .map(|b| String::from_utf8_lossy(&b).contains(what))
        .unwrap_or(false)
}

/// Runs the binary; the JSON document when it ran (exit 0 or 1), `None` on exit 2 (an input
/// that is not metadata, or a combination of inputs the command refuses).
#[cfg(feature = "cli")]
fn run(args: &[&str]) -> Option<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_samlcheck"))
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    match out.status.code() {
        Some(0 | 1) => Some(
            serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("{args:?}: output is not JSON: {e}")),
        ),
        Some(2) => None,
        other => panic!(
            "{args:?}: exit {other:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// What was seen over the runs of one test: codes with the severity they came at, and every
/// disagreement with the catalogue.
#[derive(Default)]
struct Seen {
    runs: usize,
    findings: usize,
    codes: BTreeSet<String>,
    /// (code, what is wrong) → an example run.
    bad: BTreeMap<(String, String), String>,
}

impl Seen {
    /// Walks a JSON document: every object with `code` and `severity` is a finding; every object
    /// with `code` and `class` is a diff change, whose class gives its severity.
    fn walk(&mut self, v: &Value, ctx: &str) {
        match v {
            Value::Array(a) => a.iter().for_each(|x| self.walk(x, ctx)),
            Value::Object(o) => {
                if let Some(code) = o.get("code").and_then(Value::as_str) {
                    let sev = o.get("severity").and_then(Value::as_str).or_else(|| {
                        o.get("class").and_then(Value::as_str).map(|c| match c {
                            "breaking" => "error",
                            "action" => "warning",
                            "harmless" => "info",
                            other => panic!("unknown class {other}"),
                        })
                    });
                    if let Some(sev) = sev {
                        self.finding(code, sev, ctx);
                    }
                }
                o.values().for_each(|x| self.walk(x, ctx));
            }
            _ => {}
        }
    }

    fn finding(&mut self, code: &str, sev: &str, ctx: &str) {
        self.findings += 1;
        self.codes.insert(code.to_string());
        match catalog::rule(code) {
            None => {
                self.bad
                    .entry((code.to_string(), "not in the catalogue".to_string()))
                    .or_insert_with(|| ctx.to_string());
            }
            Some(r) if r.severity.as_str() != sev => {
                let what = format!("emitted as {sev}, catalogue says {}", r.severity);
                self.bad
                    .entry((code.to_string(), what))
                    .or_insert_with(|| ctx.to_string());
            }
            Some(_) => {}
        }
    }

    #[cfg(feature = "cli")]
    fn run(&mut self, args: &[&str]) {
        if let Some(v) = run(args) {
            self.runs += 1;
            self.walk(&v, &args.join(" "));
        }
    }

    fn finish(self, what: &str, min_codes: usize) {
        eprintln!(
            "{what}: {} runs, {} findings, {} codes: {:?}",
            self.runs,
            self.findings,
            self.codes.len(),
            self.codes
        );
        assert!(
            self.bad.is_empty(),
            "{what}: codes emitted against the catalogue:\n{}",
            self.bad
                .iter()
                .map(|((code, what), ctx)| format!("{code}: {what} (e.g. {ctx})"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        assert!(
            self.codes.len() >= min_codes,
            "{what}: only {} codes seen: {:?}",
            self.codes.len(),
            self.codes
        );
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
#[cfg(feature = "cli")]
fn lint_emits_catalogue_codes_at_catalogue_severities() {
    let mut seen = Seen::default();
    let all: Vec<PathBuf> = fixture_xml()
        .into_iter()
        .chain(corpus_dirs().into_iter().flatten())
        .collect();
    for at in INSTANTS {
        for f in &all {
            seen.run(&["--at", at, "lint", "--warn-days", "90", s(f)]);
        }
    }
    seen.finish("lint", 10);
}

#[test]
#[cfg(feature = "cli")]
fn verify_emits_catalogue_codes_at_catalogue_severities() {
    let mut seen = Seen::default();
    let all: Vec<PathBuf> = fixture_xml()
        .into_iter()
        .chain(corpus_dirs().into_iter().flatten())
        .collect();
    for f in &all {
        seen.run(&["--at", INSTANTS[0], "verify", s(f)]);
    }
    seen.finish("verify", 2);
}

#[test]
#[cfg(feature = "cli")]
fn check_emits_catalogue_codes_at_catalogue_severities() {
    let mut seen = Seen::default();
    let fx = fixtures();
    let corpus: Vec<Vec<PathBuf>> = corpus_dirs();
    let mut sps: Vec<PathBuf> = vec![fx.join("aws-ic-sp.xml"), fx.join("aws-iam-sp.xml")];
    let mut idps: Vec<PathBuf> = fixture_xml()
        .into_iter()
        .filter(|p| contains(p, "IDPSSODescriptor"))
        .collect();
    let mut other_sps = Vec::new();
    for dir in &corpus {
        for f in dir {
            let aws = f
                .parent()
                .is_some_and(|d| d.ends_with("1-aws-identity-center"));
            if contains(f, "SPSSODescriptor") {
                if aws {
                    sps.push(f.clone());
                } else {
                    other_sps.push(f.clone());
                }
            }
            if contains(f, "IDPSSODescriptor") {
                idps.push(f.clone());
            }
        }
    }
    for at in INSTANTS {
        for sp in &sps {
            for idp in &idps {
                seen.run(&["--at", at, "check", s(sp), s(idp)]);
            }
        }
        // SP-side rules of other SPs, against the Entra fixture.
        for sp in &other_sps {
            seen.run(&["--at", at, "check", s(sp), s(&fx.join("entra-idp.xml"))]);
        }
    }
    // With the Entra and AWS exports (the rules of src/exports).
    let e = |n: &str| fx.join("entra").join(n);
    let ic = fx.join("aws-ic-sp.xml");
    let iam = fx.join("aws-iam-sp.xml");
    let idp = fx.join("entra-idp.xml");
    let sets: Vec<Vec<(&str, PathBuf)>> = vec![
        vec![
            ("--entra-app", e("app-ic-bad.json")),
            ("--entra-users", e("entra-users.json")),
            ("--aws-users", e("aws-users-bad.json")),
        ],
        vec![
            ("--entra-app", e("app-ic-good.json")),
            ("--claims", e("claims-custom.json")),
            ("--entra-users", e("entra-users.json")),
            ("--aws-users", e("aws-users-good.json")),
        ],
        vec![
            ("--entra-app", e("app-aadgraph.json")),
            ("--claims", e("claims-regex.json")),
            ("--entra-users", e("entra-users-page.json")),
            ("--aws-users", e("aws-users-page.json")),
        ],
        vec![
            ("--claims", e("claims-mapping.json")),
            ("--entra-users", e("entra-group-members.json")),
            ("--aws-users", e("aws-users-bad.json")),
        ],
    ];
    for at in INSTANTS {
        for set in &sets {
            let mut args: Vec<&str> = vec!["--at", at, "check", s(&ic), s(&idp)];
            for (flag, p) in set {
                args.push(flag);
                args.push(s(p));
            }
            seen.run(&args);
        }
        seen.run(&[
            "--at",
            at,
            "check",
            s(&iam),
            s(&idp),
            "--entra-app",
            s(&e("app-iam.json")),
            "--claims",
            s(&e("claims-iam.json")),
            "--entra-users",
            s(&e("entra-users.json")),
        ]);
    }
    seen.finish("check", 10);
}

#[test]
#[cfg(feature = "cli")]
fn diff_emits_catalogue_codes_at_catalogue_severities() {
    let mut seen = Seen::default();
    let fx = fixture_xml();
    for a in &fx {
        for b in &fx {
            if a != b {
                seen.run(&["--at", INSTANTS[0], "diff", s(a), s(b)]);
            }
        }
    }
    // Neighbours in each corpus folder, both ways, and each file against the Entra fixture.
    let entra = fixtures().join("entra-idp.xml");
    for dir in corpus_dirs() {
        for w in dir.windows(2) {
            seen.run(&["--at", INSTANTS[0], "diff", s(&w[0]), s(&w[1])]);
            seen.run(&["--at", INSTANTS[1], "diff", s(&w[1]), s(&w[0])]);
        }
        for f in &dir {
            seen.run(&["--at", INSTANTS[0], "diff", s(&entra), s(f)]);
        }
    }
    seen.finish("diff", 5);
}
