//! Structure-aware signature verification. The input does not go to the verifier as bytes:
//! its first byte picks a signed base document, the rest is a list of mutation instructions
//! applied to that document's text by splicing (ranges from the parsed tree and a start-tag
//! scanner), so most runs reach the reference, digest and signature code.
//!
//! Base documents: the signed fixtures (`entra-idp.xml`, `entra-idp-one-cert.xml`,
//! `aggregate.xml`, signed by the fixture generator) and the same documents with their
//! root signature removed and signed again here with `dsig::sign` (RSA 2048 and ECDSA P-256
//! test keys). Trust is pinned to the certificates that signed each base document.
//!
//! Mutations (each picks its element, attribute or text node by index): change an attribute
//! value (ID, URI, Algorithm, xmlns:*), copy an attribute (an ID) onto another element,
//! remove an attribute or namespace declaration, add an `ID`/`xmlns` attribute, move a
//! `Signature` elsewhere, wrap an element in another (a new root around the signed one, or
//! an `Extensions`), duplicate an element (the root's copy goes inside the root), insert a
//! comment inside a text value, change one byte, rename a prefix.
//!
//! Invariants:
//! - never panics;
//! - setup: every document we sign verifies with the signer's certificate pinned;
//! - a `Verified` signature is a child of the element it names, and that element's
//!   canonical bytes (its reference's c14n, the signature left out) are exactly those of an
//!   element signed in the base document: nothing that was signed changed;
//! - the plain property: one alphanumeric byte changed in a text value or attribute value
//!   of the signed root (outside its `Signature`) makes the root signature fail.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "dsig_mutate.rs"]
mod dsig_mutate;

fuzz_target!(|data: &[u8]| dsig_mutate::run(data));
