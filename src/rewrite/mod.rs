//! Byte-faithful rewriting of metadata: the edits people make by hand before uploading a
//! file to AWS or Entra, made without disturbing anything else.
//!
//! [`rewrite`] takes the decoded input and a list of [`Op`]s and returns the new bytes,
//! a note per edit, and what happened to the signatures ([`SignatureEffect`]).
//!
//! # Byte faithfulness
//!
//! Every edit is a splice of a byte range that the one `roxmltree` tree gave (an element's
//! or attribute's range); every byte outside the spliced ranges is copied unchanged:
//! quotes, prefixes, white space, line endings, the XML declaration. New markup (an
//! `AssertionConsumerService`, an attribute, a namespace declaration) is written by
//! quick-xml, with double quotes and the prefix its siblings use. Removing an element
//! removes its range plus the white space before it, from that white space's last line
//! break on (so the lines around it stay as they were).
//!
//! # Order
//!
//! Operations are applied in this fixed order, whatever order they were given in (ops of
//! the same step keep their relative order):
//!
//! 1. [`Op::Extract`]
//! 2. [`Op::Saml2Only`]
//! 3. [`Op::RemoveExpiredCerts`], [`Op::RemoveCert`]
//! 4. [`Op::ReplaceAcs`], [`Op::RemoveAcs`], [`Op::AddAcs`]
//! 5. [`Op::SetEntityId`]
//! 6. [`Op::SetValidUntil`] / [`Op::RemoveValidUntil`], [`Op::SetCacheDuration`] /
//!    [`Op::RemoveCacheDuration`]
//! 7. [`Op::StripSignature`]
//! 8. [`Op::Pretty`] / [`Op::Minify`]
//! 9. [`Op::Sign`]
//! 10. [`Op::StripBom`] (on the output bytes)
//!
//! # Signatures
//!
//! An edit inside the element an enveloped signature covers removes that signature, and
//! a note says so; with [`Op::Sign`] the document is then signed again. An edit outside
//! every signed element leaves signatures alone. [`Op::Pretty`] and [`Op::Minify`] change
//! white space inside signed content: without [`Op::Sign`] they keep the signature
//! element and report it as [`SignatureEffect::Broken`].
//!
//! # Encodings
//!
//! UTF-8 input is rewritten byte for byte. UTF-16 and ISO-8859-1 / US-ASCII input is
//! re-encoded in its own encoding (decoding those is lossless, so untouched characters
//! come back as the same bytes); a new value with a character the encoding cannot hold is
//! an error, as is [`Op::StripBom`] on UTF-16 (a UTF-16 document needs its BOM).
//!
//! ```
//! use samlcheck::rewrite::{rewrite, Op, RewriteOptions};
//! let input = samlcheck::xml::decode(std::fs::read("tests/fixtures/aws-ic-sp.xml")?)?;
//! let mut opts = RewriteOptions::default();
//! opts.at = Some("2026-12-01T00:00:00Z".parse()?);
//! let out = rewrite(&input, &[Op::SetEntityId("https://sp.example.org/".into())], &opts)?;
//! // Only the entityID changed; every other byte is as it was.
//! let text = String::from_utf8(out.bytes)?;
//! assert!(text.contains(r#"entityID="https://sp.example.org/""#));
//! assert_eq!(out.edits.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod edit;
mod ops;
mod roundtrip;

pub use roundtrip::check_roundtrip;

use crate::error::Error;
use crate::limits::Limits;
use crate::xml::{self, Encoding, XmlDoc};
use chrono::{DateTime, Utc};
use edit::{Kind, Splice};
use serde::Serialize;

/// One rewrite operation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Op {
    /// Drop the UTF-8 byte order mark (AWS IAM refuses files that start with one).
    StripBom,
    /// Remove every certificate that has expired at [`RewriteOptions::at`].
    RemoveExpiredCerts,
    /// Remove the certificate with this SHA-1 thumbprint or SHA-256 fingerprint (hex;
    /// colons, spaces and case do not matter).
    RemoveCert(String),
    /// Keep only SAML 2.0 roles: drop WS-Federation `RoleDescriptor`s and roles whose
    /// `protocolSupportEnumeration` lacks SAML 2.0.
    Saml2Only,
    /// Make the `EntityDescriptor` with this entityID the whole document.
    Extract(String),
    /// Add an `AssertionConsumerService` to the (only) SP role.
    AddAcs {
        /// The `Location`.
        url: String,
        /// The binding URI or short name (`HTTP-POST`, `HTTP-Redirect`, `HTTP-Artifact`,
        /// `PAOS`); `None` means HTTP-POST.
        binding: Option<String>,
        /// Make it the default (`isDefault="true"`, and `"false"` on the previous one).
        make_default: bool,
    },
    /// Change the `Location` of every `AssertionConsumerService` at `old` to `new`.
    ReplaceAcs {
        /// The current location.
        old: String,
        /// The new location.
        new: String,
    },
    /// Remove every `AssertionConsumerService` at this location.
    RemoveAcs(String),
    /// Set the entityID of the (only) entity.
    SetEntityId(String),
    /// Set `validUntil` on the root element.
    SetValidUntil(DateTime<Utc>),
    /// Remove `validUntil` from the root element.
    RemoveValidUntil,
    /// Set `cacheDuration` (an `xs:duration` such as `PT6H`) on the root element.
    SetCacheDuration(String),
    /// Remove `cacheDuration` from the root element.
    RemoveCacheDuration,
    /// Remove every signature.
    StripSignature,
    /// Sign the result with [`RewriteOptions::signer`] (after removing the root's old
    /// signature).
    Sign,
    /// Indent the document (two spaces; the input's line ending). Only white space
    /// between elements changes: an element with text content or whose text is a value
    /// (`NameIDFormat`, `X509Certificate`, ...), or under `xml:space="preserve"`, keeps
    /// its bytes with all it holds. Breaks signatures.
    Pretty,
    /// Remove white space between elements, leaving the same elements as
    /// [`Op::Pretty`] alone. Breaks signatures.
    Minify,
}

impl Op {
    /// A short name for notes (`add-acs`, `saml2-only`, ...), as on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Op::StripBom => "strip-bom",
            Op::RemoveExpiredCerts => "remove-expired-certs",
            Op::RemoveCert(_) => "remove-cert",
            Op::Saml2Only => "saml2-only",
            Op::Extract(_) => "extract",
            Op::AddAcs { .. } => "add-acs",
            Op::ReplaceAcs { .. } => "replace-acs",
            Op::RemoveAcs(_) => "remove-acs",
            Op::SetEntityId(_) => "set-entity-id",
            Op::SetValidUntil(_) => "set-valid-until",
            Op::RemoveValidUntil => "remove-valid-until",
            Op::SetCacheDuration(_) => "set-cache-duration",
            Op::RemoveCacheDuration => "remove-cache-duration",
            Op::StripSignature => "strip-signature",
            Op::Sign => "sign",
            Op::Pretty => "pretty",
            Op::Minify => "minify",
        }
    }

    /// The step this operation belongs to (see the module docs).
    fn step(&self) -> u8 {
        match self {
            Op::Extract(_) => 1,
            Op::Saml2Only => 2,
            Op::RemoveExpiredCerts | Op::RemoveCert(_) => 3,
            Op::ReplaceAcs { .. } => 4,
            Op::RemoveAcs(_) => 5,
            Op::AddAcs { .. } => 6,
            Op::SetEntityId(_) => 7,
            Op::SetValidUntil(_)
            | Op::RemoveValidUntil
            | Op::SetCacheDuration(_)
            | Op::RemoveCacheDuration => 8,
            Op::StripSignature => 9,
            Op::Pretty | Op::Minify => 10,
            Op::Sign => 11,
            Op::StripBom => 12,
        }
    }
}

/// A signer: takes the document text and returns it signed (the signature module's
/// `dsig::sign` fits behind a closure).
pub type Signer<'a> = &'a dyn Fn(&str) -> Result<String, Error>;

/// Options for [`rewrite`].
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct RewriteOptions<'a> {
    /// The instant "expired" is judged at ([`Op::RemoveExpiredCerts`] needs it).
    pub at: Option<DateTime<Utc>>,
    /// Limits for every parse of the input and of intermediate results.
    pub limits: Limits,
    /// What [`Op::Sign`] calls; without one, [`Op::Sign`] is an error.
    pub signer: Option<Signer<'a>>,
}

impl std::fmt::Debug for RewriteOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RewriteOptions")
            .field("at", &self.at)
            .field("limits", &self.limits)
            .field("signer", &self.signer.is_some())
            .finish()
    }
}

/// What an edit did, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct EditNote {
    /// The operation (`add-acs`, ...), or `signature` for a consequence on a signature.
    pub op: &'static str,
    /// The element concerned, as a path (`/EntityDescriptor/SPSSODescriptor`).
    pub path: Option<String>,
    /// What was done.
    pub message: String,
}

/// What the rewrite did to the input's signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SignatureEffect {
    /// Neither input nor output is signed.
    Unsigned,
    /// Every signature is as it was and still covers unchanged content.
    Untouched,
    /// One or more signatures were removed (asked for, or because an edit changed what
    /// they cover); the output is unsigned there.
    Removed,
    /// The output was signed again with the given signer.
    #[serde(rename = "re-signed")]
    Resigned,
    /// A signature is still present but no longer verifies (pretty-printing or minifying
    /// signed content); the notes say which.
    Broken,
}

impl SignatureEffect {
    /// A short label: `unsigned`, `untouched`, `removed`, `re-signed`, `broken`.
    pub fn label(self) -> &'static str {
        match self {
            SignatureEffect::Unsigned => "unsigned",
            SignatureEffect::Untouched => "untouched",
            SignatureEffect::Removed => "removed",
            SignatureEffect::Resigned => "re-signed",
            SignatureEffect::Broken => "broken",
        }
    }
}

/// The result of [`rewrite`].
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Rewritten {
    /// The output bytes, in the input's encoding.
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// One note per edit, in the order applied.
    pub edits: Vec<EditNote>,
    /// What happened to the signatures.
    pub signature: SignatureEffect,
}

/// Signature bookkeeping across the steps.
#[derive(Debug, Default)]
struct SigState {
    removed: bool,
    broken: bool,
    resigned: bool,
    dropped_with_aggregate: bool,
}

/// Applies `ops` to `input` in the documented order.
///
/// On error nothing is produced: no partial output exists.
///
/// ```
/// use samlcheck::rewrite::{rewrite, Op, RewriteOptions};
/// let xml = "\u{feff}<EntityDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\" \
///     entityID=\"https://sp.example.org/\"><SPSSODescriptor \
///     protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\
///     <AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" \
///     Location=\"https://sp.example.org/acs\" index=\"0\"/></SPSSODescriptor></EntityDescriptor>";
/// let input = samlcheck::xml::decode(xml.as_bytes().to_vec()).unwrap();
/// let out = rewrite(&input, &[Op::StripBom], &RewriteOptions::default()).unwrap();
/// assert_eq!(out.bytes, xml.as_bytes()[3..]);
/// ```
pub fn rewrite(
    input: &xml::Decoded,
    ops: &[Op],
    opts: &RewriteOptions<'_>,
) -> Result<Rewritten, Error> {
    let info = input.info();
    let ordered = plan(ops, info.encoding, opts)?;
    let mut text = input.text().to_string();
    let mut notes: Vec<EditNote> = Vec::new();
    let mut sig = SigState::default();
    let wants_sign = ordered.iter().any(|o| matches!(o, Op::Sign));
    let mut strip_bom = false;
    for op in &ordered {
        match op {
            Op::StripBom => {
                strip_bom = true;
                notes.push(note(
                    op,
                    None,
                    if info.bom {
                        "removed the UTF-8 byte order mark (3 bytes)".into()
                    } else {
                        "no byte order mark to remove".into()
                    },
                ));
            }
            Op::Sign => {
                let signer = opts.signer.ok_or_else(|| {
                    Error::input("signing not available: no signing key was configured")
                })?;
                let doc = XmlDoc::parse(&text, &opts.limits)?;
                let root = doc.root();
                let mut splices = Vec::new();
                if let Some(s) = root
                    .children()
                    .find(|c| xml::is(*c, xml::ns::DS, "Signature"))
                {
                    splices.push(edit::remove_element(&text, s, Kind::StripSignature));
                    notes.push(note(
                        op,
                        Some(ops::path(root)),
                        "removed the old signature of the root element before signing".into(),
                    ));
                }
                drop(doc);
                if !splices.is_empty() {
                    text = edit::apply(&text, splices)?;
                }
                text = signer(&text)?;
                sig.resigned = true;
                notes.push(note(op, None, "signed the document".into()));
            }
            _ => {
                let format = matches!(op, Op::Pretty | Op::Minify);
                if format && wants_sign && has_signature(&XmlDoc::parse(&text, &opts.limits)?) {
                    // Reformatting breaks every signature; the document is signed again.
                    text = step(&text, op, opts, &mut notes, &mut sig, false, |s| {
                        s.strip_signatures(
                            Kind::StripSignature,
                            "removed (reformatting changes signed content; signed again below)",
                        );
                        Ok(())
                    })?;
                }
                text = step(
                    &text,
                    op,
                    opts,
                    &mut notes,
                    &mut sig,
                    format && !wants_sign,
                    |s| s.run(),
                )?;
            }
        }
    }
    // The output must still be metadata that the one reader accepts.
    let out_doc = XmlDoc::parse(&text, &opts.limits).map_err(|e| {
        Error::input(format!(
            "internal error: the rewritten document does not parse ({e}); nothing was written"
        ))
    })?;
    crate::model::Metadata::from_doc(&out_doc, info)?;
    let signed_now = has_signature(&out_doc);
    let signature = if sig.resigned {
        SignatureEffect::Resigned
    } else if sig.broken {
        SignatureEffect::Broken
    } else if sig.removed || (sig.dropped_with_aggregate && !signed_now) {
        SignatureEffect::Removed
    } else if signed_now {
        SignatureEffect::Untouched
    } else {
        SignatureEffect::Unsigned
    };
    let bytes = encode(&text, info, strip_bom)?;
    Ok(Rewritten {
        bytes,
        edits: notes,
        signature,
    })
}

/// Runs one step on the current text: parse, plan splices, guard signatures, apply.
fn step(
    text: &str,
    op: &Op,
    opts: &RewriteOptions<'_>,
    notes: &mut Vec<EditNote>,
    sig: &mut SigState,
    keep_broken: bool,
    plan: impl FnOnce(&mut ops::Step<'_, '_, '_>) -> Result<(), Error>,
) -> Result<String, Error> {
    let doc = XmlDoc::parse(text, &opts.limits)?;
    let mut st = ops::Step {
        text,
        doc: &doc,
        at: opts.at,
        op,
        splices: Vec::new(),
        notes,
    };
    plan(&mut st)?;
    let splices = std::mem::take(&mut st.splices);
    if splices.is_empty() {
        return Ok(text.to_string());
    }
    let extracting = matches!(op, Op::Extract(_));
    let splices = guard_signatures(text, &doc, splices, keep_broken, extracting, notes, sig);
    edit::apply(text, splices)
}

fn note(op: &Op, path: Option<String>, message: String) -> EditNote {
    EditNote {
        op: op.name(),
        path,
        message,
    }
}

/// Validates and orders the operations.
fn plan(ops: &[Op], enc: Encoding, opts: &RewriteOptions<'_>) -> Result<Vec<Op>, Error> {
    let has = |f: fn(&Op) -> bool| ops.iter().filter(|o| f(o)).count();
    if has(|o| matches!(o, Op::Pretty)) > 0 && has(|o| matches!(o, Op::Minify)) > 0 {
        return Err(Error::input("--pretty and --minify cannot be combined"));
    }
    if has(|o| matches!(o, Op::SetValidUntil(_))) > 0
        && has(|o| matches!(o, Op::RemoveValidUntil)) > 0
    {
        return Err(Error::input(
            "--set-valid-until and --remove-valid-until cannot be combined",
        ));
    }
    if has(|o| matches!(o, Op::SetCacheDuration(_))) > 0
        && has(|o| matches!(o, Op::RemoveCacheDuration)) > 0
    {
        return Err(Error::input(
            "--set-cache-duration and --remove-cache-duration cannot be combined",
        ));
    }
    if has(|o| matches!(o, Op::Extract(_))) > 1 {
        return Err(Error::input("only one entity can be extracted at a time"));
    }
    if has(|o| matches!(o, Op::SetEntityId(_))) > 1 {
        return Err(Error::input("--set-entity-id given more than once"));
    }
    if has(|o| matches!(o, Op::StripBom)) > 0
        && matches!(enc, Encoding::Utf16Le | Encoding::Utf16Be)
    {
        return Err(Error::input(
            "cannot strip the byte order mark of a UTF-16 document (it needs one); convert the file to UTF-8 first",
        ));
    }
    if has(|o| matches!(o, Op::RemoveExpiredCerts)) > 0 && opts.at.is_none() {
        return Err(Error::input(
            "removing expired certificates needs the instant to judge them at",
        ));
    }
    if has(|o| matches!(o, Op::Sign)) > 0 && opts.signer.is_none() {
        return Err(Error::input(
            "signing not available: no signing key was configured",
        ));
    }
    for op in ops {
        ops::validate(op)?;
    }
    let mut ordered: Vec<Op> = ops.to_vec();
    ordered.sort_by_key(Op::step);
    Ok(ordered)
}

/// Whether the document has any `ds:Signature` element.
fn has_signature(doc: &XmlDoc<'_>) -> bool {
    doc.root()
        .descendants()
        .any(|n| xml::is(n, xml::ns::DS, "Signature"))
}

/// Adds to `splices` the removal of every signature whose signed element they change,
/// notes what happened to each signature, and returns the final splices. With
/// `keep_broken` (pretty/minify without re-signing), touched signatures stay and are
/// reported broken.
fn guard_signatures(
    text: &str,
    doc: &XmlDoc<'_>,
    mut splices: Vec<Splice>,
    keep_broken: bool,
    extracting: bool,
    notes: &mut Vec<EditNote>,
    sig: &mut SigState,
) -> Vec<Splice> {
    let sigs: Vec<_> = doc
        .root()
        .descendants()
        .filter(|n| xml::is(*n, xml::ns::DS, "Signature"))
        .collect();
    let mut extra = Vec::new();
    for s in sigs {
        let Some(parent) = s.parent_element() else {
            continue;
        };
        let sr = s.range();
        let what = match signer_subject(s) {
            Some(subject) => format!(
                "signature of <{}> (by {subject})",
                edit::elem_qname(text, parent)
            ),
            None => format!("signature of <{}>", edit::elem_qname(text, parent)),
        };
        let path = Some(ops::path(parent));
        if let Some(cov) = splices.iter().find(|sp| sp.covers(&sr)) {
            if cov.kind == Kind::StripSignature {
                sig.removed = true;
                continue; // the strip step notes it
            }
            if splices.iter().any(|sp| sp.covers(&parent.range())) {
                // Gone with the element it signs. Entities left out by extract are not
                // part of the output at all; a dropped role's signature is worth a note.
                if !extracting {
                    sig.removed = true;
                    notes.push(EditNote {
                        op: "signature",
                        path,
                        message: format!("{what} removed together with its element"),
                    });
                }
                continue;
            } else {
                sig.dropped_with_aggregate = true;
                notes.push(EditNote {
                    op: "signature",
                    path,
                    message: format!(
                        "{what} dropped: it covers the whole aggregate, not the extracted entity"
                    ),
                });
            }
            continue;
        }
        let pr = parent.range();
        if !splices
            .iter()
            .any(|sp| sp.kind != Kind::Neutral && sp.touches(&pr))
        {
            continue;
        }
        if keep_broken {
            sig.broken = true;
            notes.push(EditNote {
                op: "signature",
                path,
                message: format!(
                    "{what} kept but no longer verifies: reformatting changes the signed bytes (re-sign, or upload the original)"
                ),
            });
        } else {
            sig.removed = true;
            extra.push(edit::remove_element(text, s, Kind::Content));
            notes.push(EditNote {
                op: "signature",
                path,
                message: format!(
                    "{what} removed: the edit changes signed content, so it would no longer verify"
                ),
            });
        }
    }
    // A signature inside another removed signature's element is already gone.
    for e in extra {
        if !splices.iter().any(|sp| sp.covers(&e.range)) {
            splices.push(e);
        }
    }
    splices
}

/// The subject of the certificate in a signature's `KeyInfo`, to say whose signature it is.
fn signer_subject(sig: roxmltree::Node<'_, '_>) -> Option<String> {
    let cert = sig
        .descendants()
        .find(|n| xml::is(*n, xml::ns::DS, "X509Certificate"))?;
    let der = crate::x509::decode_base64(&xml::text_of(cert).0).ok()?;
    crate::x509::facts_from_der(&der).ok().map(|f| f.subject)
}

/// Encodes the output text in the input's encoding.
fn encode(text: &str, info: &xml::SourceInfo, strip_bom: bool) -> Result<Vec<u8>, Error> {
    match info.encoding {
        Encoding::Utf8 => {
            let mut out = Vec::with_capacity(text.len().saturating_add(3));
            if info.bom && !strip_bom {
                out.extend_from_slice(b"\xEF\xBB\xBF");
            }
            out.extend_from_slice(text.as_bytes());
            Ok(out)
        }
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let le = info.encoding == Encoding::Utf16Le;
            let mut out = Vec::with_capacity(text.len().saturating_mul(2).saturating_add(2));
            let mut push = |u: u16| {
                if le {
                    out.extend_from_slice(&u.to_le_bytes());
                } else {
                    out.extend_from_slice(&u.to_be_bytes());
                }
            };
            if info.bom {
                push(0xFEFF);
            }
            for u in text.encode_utf16() {
                push(u);
            }
            Ok(out)
        }
        Encoding::Latin1 | Encoding::Ascii => {
            let max = if info.encoding == Encoding::Latin1 {
                0xFF
            } else {
                0x7F
            };
            text.chars()
                .map(|c| {
                    u8::try_from(u32::from(c))
                        .ok()
                        .filter(|b| u32::from(*b) <= max)
                        .ok_or_else(|| {
                            Error::input(format!(
                                "character U+{:04X} cannot be written in {}; convert the file to UTF-8 first",
                                u32::from(c),
                                info.encoding.name()
                            ))
                        })
                })
                .collect()
        }
    }
}
