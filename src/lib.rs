//! samlcheck: parse, validate, verify, diff and rewrite SAML 2.0 federation metadata, with
//! first-class knowledge of AWS (IAM Identity Center, IAM single-account SAML) and Microsoft
//! Entra ID.
//!
//! The headline job is the pair check: given an SP's and an IdP's metadata, say before anyone
//! signs in whether they will work together, and why not.
//!
//! ```
//! use samlcheck::{pair, Limits};
//! let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z").unwrap().to_utc();
//! let sp = samlcheck::parse_metadata(std::fs::read("tests/fixtures/aws-ic-sp.xml")?, &Limits::default())?;
//! let idp = samlcheck::parse_metadata(std::fs::read("tests/fixtures/entra-idp.xml")?, &Limits::default())?;
//! let opts = pair::PairOptions::at(at);
//! let sel = pair::select(&sp, "sp", &idp, "idp", &opts)?;
//! assert!(matches!(sel.sp.flavor, samlcheck::Flavor::AwsIdentityCenterSp { .. }));
//! let findings = pair::check(&sp, sel.sp, &idp, sel.idp, &opts);
//! assert!(findings.iter().all(|f| f.severity != samlcheck::Severity::Error));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Principles
//!
//! * One reader of untrusted XML ([`xml`]): bytes are decoded once, DTDs are rejected, limits
//!   ([`Limits`]) are checked before the tree is built, and every verdict comes from that tree.
//! * The clock is an input: time-dependent checks take `at`; the library never reads the clock.
//! * No panics on any input: problems are an [`Error`] (no result) or a [`Finding`] (a fact
//!   about valid input, with a stable code from the [`catalog`]).
//! * Severity means sign-in impact, and every rule cites a public source: the policy is
//!   [`guide::severity`] (`docs/severity.md`).
//!
//! # What this crate does not do
//!
//! * It fetches nothing on its own: only `diff::fetch` (and [`diff::load`] given a URL) reads
//!   an `https://` URL, when asked to compare with what a publisher serves now.
//! * It does not process SAML protocol messages for sign-in; it checks configuration.
//! * It does not build certificate chains: a certificate is trusted when you pin it.
//!
//! # Cargo features
//!
//! Both are on by default, so `cargo install samlcheck` and `cargo run` work as they are.
//! A library user who wants neither writes
//! `samlcheck = { version = "0.1", default-features = false }` and still gets the whole
//! library (parse, lint, pair check, signatures, diff, rewrite, sign).
//!
//! * `cli`: the `samlcheck` binary (clap, signal-hook). Nothing in the library needs it.
//! * `fetch`: `diff::fetch`, and URLs in [`diff::load`]: an HTTPS client (ureq with rustls
//!   and the Mozilla roots). Without it, [`diff::load`] given a URL returns an [`Error`]
//!   saying the build cannot fetch.
//!
//! The crate re-exports [`chrono`], whose `DateTime<Utc>` is the clock input everywhere, so
//! callers need no matching chrono dependency of their own, and [`roxmltree`], the tree the
//! low-level [`xml`] and [`dsig`] modules hand out.

pub mod catalog;
pub mod diff;
pub mod dsig;
mod error;
pub mod exports;
mod finding;
pub mod flavor;
pub mod guide;
mod limits;
pub mod lint;
pub mod model;
pub mod pair;
pub mod report;
pub mod response;
pub mod rewrite;
pub mod run;
pub mod time;
pub mod x509;
pub mod xml;

pub use dsig::{Failure, Trust, Verified};
pub use error::{Error, Pos};
pub use finding::{sort_findings, Finding, Location, Rule, Severity};
pub use limits::Limits;

pub use flavor::Flavor;
pub use model::Metadata;
pub use run::{
    check_pair, diff_sources, lint_sources, rewrite_source, show_source, sign_source, verify_source,
};

/// The date and time library of every clock input (`DateTime<Utc>`) and date in the API,
/// re-exported so callers need no matching `chrono` dependency of their own.
pub use chrono;

/// The XML tree of the low-level [`xml`] and [`dsig`] modules ([`xml::XmlDoc::tree`],
/// [`xml::XmlDoc::root`], the canonicalizer, the signature nodes of [`dsig::Report`]),
/// re-exported deliberately so callers of those modules need no matching `roxmltree`.
/// Those modules are part of the API on purpose (a signature is a place in a tree); a
/// `roxmltree` release that breaks its API will be a breaking release of samlcheck. The
/// job-level calls ([`parse_metadata`], [`lint`], [`pair`], [`diff`], [`rewrite`]) take
/// bytes or samlcheck's own types.
pub use roxmltree;

/// Reads metadata from bytes in one call: decode, parse with `limits`, build the model.
///
/// ```
/// let xml = br#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
///     entityID="https://sp.example.org/"><md:SPSSODescriptor
///     protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>"#;
/// let md = samlcheck::parse_metadata(xml.to_vec(), &samlcheck::Limits::default()).unwrap();
/// assert_eq!(md.entities[0].entity_id(), "https://sp.example.org/");
/// ```
pub fn parse_metadata(bytes: Vec<u8>, limits: &Limits) -> Result<Metadata, Error> {
    let decoded = xml::decode_checked(bytes, limits)?;
    let doc = xml::XmlDoc::parse(decoded.text(), limits)?;
    Metadata::from_doc(&doc, decoded.info())
}

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
