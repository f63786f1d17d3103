//! Verification to the profile of `docs/dsig.md`.
//!
//! Every `ds:Signature` of the document is listed in the [`Report`]; each either yields a
//! [`Verified`] value (the only route to signed content) or a [`Failure`] that says why.
//! `SignedInfo`, `Reference` and the values are found by fixed structural position under
//! the `Signature` element, never by a search.

use super::algorithms::{DigestAlg, SignatureAlg, ENVELOPED};
use super::c14n::{self, C14n, Subset};
use super::reference::{self, IdIndex, Target, UriProblem};
use super::trust::{b64_text, CertInfo, Trust, TrustBasis};
use crate::error::Pos;
use crate::xml::{ns, XmlDoc};
use roxmltree::Node;
use std::fmt;

/// The outcome of verifying every signature in a document.
#[derive(Debug)]
#[non_exhaustive]
pub struct Report<'a> {
    /// Every `ds:Signature` element, in document order.
    pub signatures: Vec<Checked<'a>>,
    /// Whether the root element is SAML metadata (`EntityDescriptor` or
    /// `EntitiesDescriptor`).
    pub is_metadata: bool,
    /// The qualified name of the root element.
    pub root_name: String,
    /// The root element's position.
    pub root_pos: Pos,
    /// Canonicalization work units spent on all signatures (see [`Report::c14n_units`]).
    c14n_units: u64,
}

impl<'a> Report<'a> {
    /// The checked signature whose parent is the root element, if there is exactly one.
    pub fn root_signature(&self) -> Option<&Checked<'a>> {
        let mut it = self.signatures.iter().filter(|c| c.on_root);
        let first = it.next()?;
        it.next().is_none().then_some(first)
    }

    /// The verified signature of the root element: the whole document is signed.
    pub fn verified_root(&self) -> Option<&Verified<'a>> {
        self.root_signature().and_then(|c| c.outcome.as_ref().ok())
    }

    /// Whether every signature verified and the root element is signed.
    pub fn all_verified(&self) -> bool {
        self.verified_root().is_some() && self.signatures.iter().all(|c| c.outcome.is_ok())
    }

    /// Canonicalization work units (canonical bytes plus namespace steps, see
    /// [`c14n::Work`]) spent on all signatures: deterministic, for budgets and tests.
    pub fn c14n_units(&self) -> u64 {
        self.c14n_units
    }

    /// The limit that stopped verification, if one did: the document could not be
    /// verified within [`Limits`](crate::Limits) (the CLI exits 2 with this error).
    pub fn limit_exceeded(&self) -> Option<&crate::Error> {
        self.signatures.iter().find_map(|c| match &c.outcome {
            Err(Failure::LimitExceeded(e)) => Some(e),
            _ => None,
        })
    }

    /// The verdict of `samlcheck verify`: the root element's one signature verified, and
    /// every other signature verified too or lies inside the verified root (where it cannot
    /// change what the root's signature proves: a broken or foreign entity signature inside
    /// a verified aggregate is reported, never a reason to reject the document).
    pub fn is_verified(&self) -> bool {
        self.verified_root().is_some()
            && self
                .signatures
                .iter()
                .all(|c| c.outcome.is_ok() || c.under_verified_root)
    }
}

/// One `ds:Signature` element and what became of it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Checked<'a> {
    /// The `ds:Signature` element.
    pub signature: Node<'a, 'a>,
    /// Where it starts.
    pub pos: Pos,
    /// Element path of the signature (`/EntitiesDescriptor/Signature`).
    pub path: String,
    /// Qualified name of the parent element, the one it should sign.
    pub parent_name: String,
    /// `entityID` (or `Name`) of the parent element, if any.
    pub entity: Option<String>,
    /// Whether the parent is the root element.
    pub on_root: bool,
    /// Whether this signature is not the root's and the root element's one signature
    /// verified: the content it signs is covered by the root's signature. Such a signature
    /// falls back to its embedded certificate when no pinned key verifies it (integrity
    /// only), and its failure is a warning, not a reason to reject the document.
    pub under_verified_root: bool,
    /// The verdict.
    pub outcome: Result<Verified<'a>, Failure>,
}

/// A signature that verified: refers to exactly the element that was digested.
#[derive(Debug, Clone)]
pub struct Verified<'a> {
    node: Node<'a, 'a>,
    info: SignatureInfo,
}

impl<'a> Verified<'a> {
    /// The signed element. Read signed content only through this node.
    pub fn node(&self) -> Node<'a, 'a> {
        self.node
    }

    /// How it was signed, and by whom.
    pub fn info(&self) -> &SignatureInfo {
        &self.info
    }
}

/// How an element was signed, and by whom.
#[derive(Debug, Clone, serde::Serialize)]
#[non_exhaustive]
pub struct SignatureInfo {
    /// Qualified name of the signed element.
    pub element: String,
    /// Its `entityID` or `Name`, when it has one.
    pub entity: Option<String>,
    /// The reference URI (`""` or `#ID`).
    pub reference_uri: String,
    /// The `SignedInfo` canonicalization URI.
    pub signed_info_c14n: String,
    /// The reference's canonicalization URI (after enveloped-signature).
    pub reference_c14n: String,
    /// The digest method.
    pub digest: DigestAlg,
    /// The signature method.
    pub signature: SignatureAlg,
    /// The certificate whose key verified the signature.
    pub signer: CertInfo,
    /// Why that certificate is accepted.
    pub trust: TrustBasis,
    /// Comments and processing instructions inside the signed element: never digested,
    /// so never signed.
    pub comments: usize,
    /// Whether the reference used exclusive canonicalization.
    pub exclusive: bool,
    /// Exclusive c14n only: the `InclusiveNamespaces PrefixList` (`""` is `#default`).
    pub inclusive_prefixes: Vec<String>,
}

impl SignatureInfo {
    /// Whether SHA-1 was used (digest or signature method).
    pub fn is_weak(&self) -> bool {
        self.digest.is_weak() || self.signature.is_weak()
    }
}

/// Why a signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// The canonical bytes of the signed element do not give the `DigestValue`.
    DigestMismatch {
        /// The signed element.
        element: String,
    },
    /// The `SignatureValue` does not verify over `SignedInfo` with the key used.
    SignatureMismatch {
        /// Which key was tried.
        detail: String,
    },
    /// The signature verifies with the embedded certificate, but that certificate is
    /// neither pinned nor has a pinned fingerprint.
    UntrustedKey {
        /// The signer's SHA-256 fingerprint and subject.
        detail: String,
    },
    /// No usable key: no `X509Certificate`, or one that cannot be read.
    NoKey {
        /// What is missing or broken.
        detail: String,
    },
    /// The signature is outside the supported profile.
    Profile(Violation),
    /// Checking it would pass a limit of [`Limits`](crate::Limits) (canonical output of a
    /// reference, `PrefixList` entries): the document cannot be verified within the
    /// limits, and the signatures after it are not checked. The CLI exits 2.
    LimitExceeded(crate::Error),
    /// The document has a namespace declaration with a relative URI (`xmlns:a="foo"`):
    /// Canonical XML 1.0 section 2.1 requires canonicalization to fail, so no signature
    /// in it can be checked (libxml2 and xmlsec1 refuse it too).
    RelativeNamespace {
        /// The declaration: `xmlns:a="foo"`.
        declaration: String,
        /// The element that carries it.
        element: String,
        /// Where the declaration is.
        pos: Pos,
    },
}

/// A profile rule a signature breaks (see `docs/dsig.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Violation {
    /// The signature's parent is not the root element nor an entity (nor an assertion).
    Misplaced {
        /// The parent element.
        parent: String,
    },
    /// Not exactly one `SignedInfo` as the first child.
    SignedInfoCount(usize),
    /// Not exactly one `Reference`.
    ReferenceCount(usize),
    /// A `ds:Object` element is present.
    Object,
    /// An element the profile does not allow.
    UnexpectedElement {
        /// The element.
        element: String,
        /// Where it was found.
        within: String,
    },
    /// A required element is missing.
    Missing {
        /// The element.
        element: &'static str,
    },
    /// The reference URI is not `""` or `#ID`.
    ReferenceUri {
        /// The URI.
        uri: String,
    },
    /// No element has the referenced ID.
    IdNotFound {
        /// The ID.
        id: String,
    },
    /// More than one element has the referenced ID.
    DuplicateId {
        /// The ID.
        id: String,
        /// How many elements carry it.
        count: usize,
    },
    /// The reference names another element than the signature's parent.
    NotParent {
        /// The URI.
        uri: String,
        /// The element it names.
        target: String,
    },
    /// The first transform is not enveloped-signature.
    MissingEnveloped,
    /// A transform other than enveloped-signature and one canonicalization.
    ForbiddenTransform {
        /// The algorithm URI.
        uri: String,
    },
    /// An algorithm outside the allow-list.
    UnsupportedAlgorithm {
        /// Which element (`SignatureMethod`, `DigestMethod`, `CanonicalizationMethod`).
        what: &'static str,
        /// The algorithm URI.
        uri: String,
    },
    /// A comment or processing instruction inside a value.
    CommentInValue {
        /// The element.
        element: &'static str,
    },
    /// A value is not valid base64.
    BadBase64 {
        /// The element.
        element: &'static str,
    },
    /// The signatures checked before this one already spent the document's
    /// canonicalization budget ([`Limits::max_c14n_work_factor`](crate::Limits)): the
    /// rest are not checked.
    WorkLimit,
    /// The signature method does not fit the key (e.g. ECDSA with an RSA certificate).
    KeyMismatch {
        /// The method.
        method: &'static str,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::error::padded(f, |f| {
            match self {
                Violation::Misplaced { parent } => write!(
                    f,
                    "signature in <{parent}> is not a child of the root element or of an entity: nothing it could sign is trusted"
                ),
                Violation::SignedInfoCount(1) => write!(
                    f,
                    "SignedInfo must be the first child element of Signature"
                ),
                Violation::SignedInfoCount(n) => write!(
                    f,
                    "expected exactly one SignedInfo as the first child of Signature, found {n}"
                ),
                Violation::ReferenceCount(n) => {
                    write!(f, "expected exactly one Reference in SignedInfo, found {n}")
                }
                Violation::Object => write!(f, "ds:Object inside Signature is not allowed"),
                Violation::UnexpectedElement { element, within } => {
                    write!(f, "unexpected <{element}> in {within}")
                }
                Violation::Missing { element } => write!(f, "missing {element}"),
                Violation::ReferenceUri { uri } => write!(
                    f,
                    "reference URI {uri:?} is not allowed: only \"\" or \"#ID\" of the signed element"
                ),
                Violation::IdNotFound { id } => {
                    write!(f, "reference URI \"#{id}\" names no element")
                }
                Violation::DuplicateId { id, count } => write!(
                    f,
                    "ID {id:?} is carried by {count} elements: duplicate IDs are rejected (signature wrapping)"
                ),
                Violation::NotParent { uri, target } => write!(
                    f,
                    "reference URI {uri:?} names <{target}>, not the signature's parent element (signature wrapping)"
                ),
                Violation::MissingEnveloped => write!(
                    f,
                    "the first transform must be enveloped-signature"
                ),
                Violation::ForbiddenTransform { uri } => write!(
                    f,
                    "transform {uri} is not allowed: only enveloped-signature and one canonicalization"
                ),
                Violation::UnsupportedAlgorithm { what, uri } => {
                    write!(f, "{what} {uri} is not supported")
                }
                Violation::CommentInValue { element } => write!(
                    f,
                    "a comment or processing instruction inside {element} is not allowed"
                ),
                Violation::BadBase64 { element } => write!(f, "{element} is not valid base64"),
                Violation::WorkLimit => write!(
                    f,
                    "not checked: the signatures checked before it already spent the canonicalization budget (Limits::max_c14n_work_factor times the document's size)"
                ),
                Violation::KeyMismatch { method } => {
                    write!(f, "signature method {method} does not fit the certificate's key")
                }
            }
        })
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::error::padded(f, |f| {
            match self {
                Failure::DigestMismatch { element } => write!(
                    f,
                    "digest mismatch: content changed after signing (<{element}> does not canonicalize to the signed DigestValue)"
                ),
                Failure::SignatureMismatch { detail } => {
                    write!(f, "signature mismatch: {detail}")
                }
                Failure::UntrustedKey { detail } => write!(
                    f,
                    "key not trusted: the signature verifies with {detail}, which is not pinned"
                ),
                Failure::NoKey { detail } => write!(f, "no usable key: {detail}"),
                Failure::Profile(v) => write!(f, "profile violation: {v}"),
                Failure::LimitExceeded(e) => write!(f, "not checked: {e}"),
                Failure::RelativeNamespace {
                    declaration,
                    element,
                    pos,
                } => write!(
                    f,
                    "cannot be canonicalized: the namespace declaration {declaration} on <{element}> at line {}, column {} has a relative URI (Canonical XML 1.0 section 2.1 requires canonicalization to fail on such a document)",
                    pos.line,
                    pos.col
                ),
            }
        })
    }
}

impl Failure {
    /// The `dsig.*` finding code this failure is reported under.
    pub fn code(&self) -> &'static str {
        match self {
            Failure::DigestMismatch { .. } => "dsig.digest_mismatch",
            Failure::SignatureMismatch { .. } | Failure::NoKey { .. } => "dsig.invalid",
            Failure::UntrustedKey { .. } => "dsig.untrusted_key",
            Failure::Profile(_) | Failure::LimitExceeded(_) => "dsig.profile",
            Failure::RelativeNamespace { .. } => "dsig.relative_namespace",
        }
    }
}

fn profile(v: Violation) -> Failure {
    Failure::Profile(v)
}

/// Added to the document's canonicalization budget, so that small documents with a few
/// nested signatures pass.
const WORK_SLACK: u64 = 1 << 20;

/// Verifies every signature of `doc` with the given trust anchors, within the default
/// [`Limits`](crate::Limits) (see [`verify_with_limits`]).
pub fn verify<'a>(doc: &'a XmlDoc<'_>, trust: &Trust) -> Report<'a> {
    verify_with_limits(doc, trust, &crate::Limits::default())
}

/// What bounds the canonicalization work of one document.
struct Caps<'d, 'a> {
    doc: &'d XmlDoc<'a>,
    /// [`Limits::max_prefix_list`](crate::Limits).
    max_prefix_list: u32,
    /// Most canonical bytes of one reference or `SignedInfo`.
    output: u64,
    /// Which limit sets `output`.
    output_what: &'static str,
    /// The document's first namespace declaration with a relative URI: no signature can
    /// be checked (looked for once, when the document has signatures).
    relative: Option<Failure>,
}

impl Caps<'_, '_> {
    fn pos(&self, offset: usize) -> Pos {
        self.doc.pos(offset)
    }

    /// The error for a canonicalization stopped at its cap.
    fn overflow(&self, o: &c14n::Overflow) -> Failure {
        Failure::LimitExceeded(crate::Error::LimitExceeded {
            what: self.output_what,
            limit: self.output,
            pos: self.pos(o.offset),
        })
    }
}

/// Verifies every signature of `doc` with the given trust anchors, within `limits`: the
/// canonical output of each reference (and `SignedInfo`) is capped by
/// [`Limits::max_c14n_output_factor`](crate::Limits) times the document's size and by
/// [`Limits::max_c14n_output_bytes`](crate::Limits), and an `InclusiveNamespaces
/// PrefixList` by [`Limits::max_prefix_list`](crate::Limits); passing one is
/// [`Failure::LimitExceeded`] on that signature (see [`Report::limit_exceeded`]), and the
/// signatures after it are not checked. All signatures together may cost
/// [`Limits::max_c14n_work_factor`](crate::Limits) times the document's size plus 1 MiB in
/// work units; the signatures met after that are reported as not checked
/// ([`Violation::WorkLimit`]).
pub fn verify_with_limits<'a>(
    doc: &'a XmlDoc<'_>,
    trust: &Trust,
    limits: &crate::Limits,
) -> Report<'a> {
    let tree: &'a roxmltree::Document<'a> = doc.tree();
    let root = tree.root_element();
    let is_metadata = crate::xml::is(root, ns::MD, "EntityDescriptor")
        || crate::xml::is(root, ns::MD, "EntitiesDescriptor");
    let (ids, sigs) = IdIndex::scan(tree, |n| crate::xml::is(n, ns::DS, "Signature"));
    let mut signatures = Vec::new();
    // Nested signed elements (a signed aggregate inside a signed aggregate, ...) make the
    // same bytes canonicalized more than once; the total is capped so that a crafted
    // document cannot multiply the work by its nesting depth.
    let size = u64::try_from(doc.text().len()).unwrap_or(u64::MAX);
    let budget = size
        .saturating_mul(limits.max_c14n_work_factor)
        .saturating_add(WORK_SLACK);
    let by_factor = size.saturating_mul(limits.max_c14n_output_factor);
    let relative = if sigs.is_empty() {
        None
    } else {
        c14n::first_relative_namespace(tree).map(|r| Failure::RelativeNamespace {
            pos: doc.pos(r.offset),
            declaration: r.declaration,
            element: r.element,
        })
    };
    let mut caps = if by_factor <= limits.max_c14n_output_bytes {
        Caps {
            doc,
            max_prefix_list: limits.max_prefix_list,
            output: by_factor,
            output_what: "canonical bytes of one signature reference (Limits::max_c14n_output_factor times the input size)",
            relative: None,
        }
    } else {
        Caps {
            doc,
            max_prefix_list: limits.max_prefix_list,
            output: limits.max_c14n_output_bytes,
            output_what:
                "canonical bytes of one signature reference (Limits::max_c14n_output_bytes)",
            relative: None,
        }
    };
    caps.relative = relative;
    let mut spent = 0u64;
    let mut c14n_units = 0u64;
    // The root's signatures first: whether the root verified decides how the signatures
    // nested inside it are judged.
    let mut outcomes: Vec<Option<Result<Verified<'a>, Failure>>> = vec![None; sigs.len()];
    let is_root_sig = |sig: &Node<'a, 'a>| sig.parent_element() == Some(root);
    let root_sigs = sigs.iter().filter(|s| is_root_sig(s)).count();
    let mut root_ok = false;
    for pass in [true, false] {
        for (slot, sig) in outcomes.iter_mut().zip(&sigs) {
            if is_root_sig(sig) != pass {
                continue;
            }
            let outcome = match sig.parent_element() {
                Some(_) if spent > budget => Err(profile(Violation::WorkLimit)),
                Some(p) => {
                    let (outcome, units) = check(&caps, &ids, *sig, p, trust, !pass && root_ok);
                    spent = spent.saturating_add(units);
                    c14n_units = c14n_units.saturating_add(units);
                    if matches!(outcome, Err(Failure::LimitExceeded(_))) {
                        // The document cannot be verified within the limits: stop here.
                        spent = u64::MAX;
                    }
                    outcome
                }
                None => Err(profile(Violation::Misplaced {
                    parent: String::new(),
                })),
            };
            if pass && root_sigs == 1 {
                root_ok = outcome.is_ok();
            }
            *slot = Some(outcome);
        }
    }
    for (sig, outcome) in sigs.into_iter().zip(outcomes) {
        let parent = sig.parent_element();
        let on_root = parent == Some(root);
        signatures.push(Checked {
            signature: sig,
            pos: Pos::default(),
            path: element_path(sig),
            parent_name: parent.map(crate::xml::qname).unwrap_or_default(),
            entity: parent.and_then(entity_of),
            on_root,
            under_verified_root: !on_root && root_ok,
            outcome: outcome.unwrap_or(Err(profile(Violation::WorkLimit))),
        });
    }
    // Positions in one forward pass: asking for each separately would count the
    // characters of a single-line file once per signature.
    // The root comes first in document order; its position shares the pass (asking the
    // document would index the lines of the whole text for one position).
    let offsets: Vec<usize> = std::iter::once(root.range().start)
        .chain(signatures.iter().map(|c| c.signature.range().start))
        .collect();
    let mut found = positions(doc.text(), &offsets).into_iter();
    let root_pos = found.next().unwrap_or_default();
    for (c, p) in signatures.iter_mut().zip(found) {
        c.pos = p;
    }
    Report {
        signatures,
        is_metadata,
        root_name: crate::xml::qname(root),
        root_pos,
        c14n_units,
    }
}

/// Line and column of ascending byte offsets, in one pass over the text.
pub(crate) fn positions(text: &str, offsets: &[usize]) -> Vec<Pos> {
    let (mut line, mut at, mut col) = (1u32, 0usize, 1usize);
    let mut out = Vec::with_capacity(offsets.len());
    for &off in offsets {
        let off = off.min(text.len());
        if off < at {
            // Not ascending (never happens for document order): start over.
            (line, at, col) = (1, 0, 1);
        }
        let seg = text.as_bytes().get(at..off).unwrap_or_default();
        let newlines = memchr::memchr_iter(b'\n', seg).count();
        if newlines > 0 {
            line = line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
            at += memchr::memrchr(b'\n', seg).map_or(0, |p| p + 1);
            col = 1;
        }
        col += text.get(at..off).map_or(0, |t| t.chars().count());
        at = off;
        out.push(Pos::new(
            line,
            u32::try_from(col).unwrap_or(u32::MAX),
            off as u64,
        ));
    }
    out
}

fn entity_of(n: Node<'_, '_>) -> Option<String> {
    n.attribute("entityID")
        .or_else(|| n.attribute("Name"))
        .map(str::to_string)
}

pub(crate) use crate::xml::element_path;

/// Element children, rejecting anything but whitespace text, comments and PIs between.
fn elements<'a>(n: Node<'a, 'a>) -> impl Iterator<Item = Node<'a, 'a>> {
    n.children().filter(|c| c.is_element())
}

fn is_ds(n: Node<'_, '_>, local: &str) -> bool {
    crate::xml::is(n, ns::DS, local)
}

/// The whole text of a value element: no child elements, no comments, valid base64.
fn b64_value(n: Node<'_, '_>, element: &'static str) -> Result<Vec<u8>, Failure> {
    if n.children()
        .any(|c| c.is_element() || c.is_comment() || c.is_pi())
    {
        if n.children().any(|c| c.is_element()) {
            return Err(profile(Violation::UnexpectedElement {
                element: elements(n)
                    .next()
                    .map(crate::xml::qname)
                    .unwrap_or_default(),
                within: element.to_string(),
            }));
        }
        return Err(profile(Violation::CommentInValue { element }));
    }
    let (text, _) = crate::xml::text_of(n);
    b64_text(&text).ok_or(profile(Violation::BadBase64 { element }))
}

fn algorithm<'a>(n: Node<'a, '_>) -> &'a str {
    n.attribute("Algorithm").unwrap_or("")
}

/// Reads a canonicalization method element (also used for a c14n transform).
fn c14n_of(n: Node<'_, '_>, what: &'static str, caps: &Caps<'_, '_>) -> Result<C14n, Failure> {
    let uri = algorithm(n);
    let mut c = C14n::from_uri(uri).ok_or_else(|| {
        profile(Violation::UnsupportedAlgorithm {
            what,
            uri: uri.to_string(),
        })
    })?;
    for child in elements(n) {
        if c.exclusive && crate::xml::is(child, ns::EXC_C14N, "InclusiveNamespaces") {
            let list = child.attribute("PrefixList").unwrap_or("");
            let max = caps.max_prefix_list;
            if list
                .split_ascii_whitespace()
                .nth(usize::try_from(max).unwrap_or(usize::MAX))
                .is_some()
            {
                return Err(Failure::LimitExceeded(crate::Error::LimitExceeded {
                    what:
                        "prefixes in one InclusiveNamespaces PrefixList (Limits::max_prefix_list)",
                    limit: u64::from(max),
                    pos: caps.pos(child.range().start),
                }));
            }
            c = c.with_prefix_list(list);
        } else {
            return Err(profile(Violation::UnexpectedElement {
                element: crate::xml::qname(child),
                within: what.to_string(),
            }));
        }
    }
    Ok(c)
}

struct Parsed<'a> {
    signed_info: Node<'a, 'a>,
    si_c14n: C14n,
    method: SignatureAlg,
    uri: &'a str,
    ref_c14n: C14n,
    digest_alg: DigestAlg,
    digest: Vec<u8>,
    value: Vec<u8>,
    key_info: Option<Node<'a, 'a>>,
}

/// Reads the signature's structure by fixed position.
fn parse<'a>(sig: Node<'a, 'a>, caps: &Caps<'_, '_>) -> Result<Parsed<'a>, Failure> {
    let mut kids = elements(sig);
    let signed_info = kids
        .next()
        .filter(|n| is_ds(*n, "SignedInfo"))
        .ok_or_else(|| {
            profile(Violation::SignedInfoCount(
                elements(sig).filter(|n| is_ds(*n, "SignedInfo")).count(),
            ))
        })?;
    let sv = kids.next().ok_or(profile(Violation::Missing {
        element: "SignatureValue",
    }))?;
    if !is_ds(sv, "SignatureValue") {
        if is_ds(sv, "SignedInfo") {
            return Err(profile(Violation::SignedInfoCount(
                elements(sig).filter(|n| is_ds(*n, "SignedInfo")).count(),
            )));
        }
        return Err(profile(Violation::Missing {
            element: "SignatureValue",
        }));
    }
    let mut key_info = None;
    for k in kids {
        if is_ds(k, "KeyInfo") && key_info.is_none() {
            key_info = Some(k);
        } else if is_ds(k, "Object") {
            return Err(profile(Violation::Object));
        } else if is_ds(k, "SignedInfo") {
            return Err(profile(Violation::SignedInfoCount(
                elements(sig).filter(|n| is_ds(*n, "SignedInfo")).count(),
            )));
        } else {
            return Err(profile(Violation::UnexpectedElement {
                element: crate::xml::qname(k),
                within: "Signature".into(),
            }));
        }
    }

    // SignedInfo: CanonicalizationMethod, SignatureMethod, Reference.
    let mut si = elements(signed_info);
    let cm = si
        .next()
        .filter(|n| is_ds(*n, "CanonicalizationMethod"))
        .ok_or(profile(Violation::Missing {
            element: "CanonicalizationMethod as the first child of SignedInfo",
        }))?;
    let si_c14n = c14n_of(cm, "CanonicalizationMethod", caps)?;
    let sm = si
        .next()
        .filter(|n| is_ds(*n, "SignatureMethod"))
        .ok_or(profile(Violation::Missing {
            element: "SignatureMethod after CanonicalizationMethod",
        }))?;
    if let Some(c) = elements(sm).next() {
        return Err(profile(Violation::UnexpectedElement {
            element: crate::xml::qname(c),
            within: "SignatureMethod".into(),
        }));
    }
    let method = SignatureAlg::from_uri(algorithm(sm)).ok_or_else(|| {
        profile(Violation::UnsupportedAlgorithm {
            what: "SignatureMethod",
            uri: algorithm(sm).to_string(),
        })
    })?;
    let refs: Vec<Node<'a, 'a>> = si.collect();
    if let Some(bad) = refs.iter().find(|n| !is_ds(**n, "Reference")) {
        return Err(profile(Violation::UnexpectedElement {
            element: crate::xml::qname(*bad),
            within: "SignedInfo".into(),
        }));
    }
    let reference = match refs.as_slice() {
        [one] => *one,
        other => return Err(profile(Violation::ReferenceCount(other.len()))),
    };

    // Reference: Transforms, DigestMethod, DigestValue.
    let uri = reference
        .attribute("URI")
        .ok_or(profile(Violation::ReferenceUri {
            uri: "(absent)".into(),
        }))?;
    let mut rk = elements(reference);
    let mut next = rk.next();
    let mut ref_c14n = None;
    match next {
        Some(t) if is_ds(t, "Transforms") => {
            let transforms: Vec<Node<'a, 'a>> = elements(t).collect();
            for (i, tr) in transforms.iter().enumerate() {
                if !is_ds(*tr, "Transform") {
                    return Err(profile(Violation::UnexpectedElement {
                        element: crate::xml::qname(*tr),
                        within: "Transforms".into(),
                    }));
                }
                let alg = algorithm(*tr);
                if i == 0 {
                    if alg != ENVELOPED {
                        if C14n::from_uri(alg).is_some() {
                            return Err(profile(Violation::MissingEnveloped));
                        }
                        return Err(profile(Violation::ForbiddenTransform {
                            uri: alg.to_string(),
                        }));
                    }
                    if let Some(c) = elements(*tr).next() {
                        return Err(profile(Violation::UnexpectedElement {
                            element: crate::xml::qname(c),
                            within: "the enveloped-signature Transform".into(),
                        }));
                    }
                } else if i == 1 && C14n::from_uri(alg).is_some() {
                    ref_c14n = Some(c14n_of(*tr, "Transform", caps)?);
                } else {
                    return Err(profile(Violation::ForbiddenTransform {
                        uri: alg.to_string(),
                    }));
                }
            }
            if transforms.is_empty() {
                return Err(profile(Violation::MissingEnveloped));
            }
            next = rk.next();
        }
        _ => return Err(profile(Violation::MissingEnveloped)),
    }
    let dm = next
        .filter(|n| is_ds(*n, "DigestMethod"))
        .ok_or(profile(Violation::Missing {
            element: "DigestMethod in Reference",
        }))?;
    let digest_alg = DigestAlg::from_uri(algorithm(dm)).ok_or_else(|| {
        profile(Violation::UnsupportedAlgorithm {
            what: "DigestMethod",
            uri: algorithm(dm).to_string(),
        })
    })?;
    let dv = rk
        .next()
        .filter(|n| is_ds(*n, "DigestValue"))
        .ok_or(profile(Violation::Missing {
            element: "DigestValue in Reference",
        }))?;
    if let Some(extra) = rk.next() {
        return Err(profile(Violation::UnexpectedElement {
            element: crate::xml::qname(extra),
            within: "Reference".into(),
        }));
    }
    let digest = b64_value(dv, "DigestValue")?;
    let value = b64_value(sv, "SignatureValue")?;
    // With no canonicalization transform, inclusive c14n 1.0 applies. A same-document
    // reference drops comments before any transform, so #WithComments keeps none.
    let mut ref_c14n = ref_c14n.unwrap_or_else(C14n::inclusive);
    ref_c14n.with_comments = false;
    Ok(Parsed {
        signed_info,
        si_c14n,
        method,
        uri,
        ref_c14n,
        digest_alg,
        digest,
        value,
        key_info,
    })
}

/// The certificates of `KeyInfo/X509Data/X509Certificate`, read by position.
fn embedded_certs(key_info: Option<Node<'_, '_>>) -> Vec<Result<CertInfo, String>> {
    let Some(ki) = key_info else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for xd in elements(ki).filter(|n| is_ds(*n, "X509Data")) {
        for c in elements(xd).filter(|n| is_ds(*n, "X509Certificate")) {
            out.push(match b64_value(c, "X509Certificate") {
                Ok(der) => CertInfo::from_der(&der).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            });
        }
    }
    out
}

/// Checks one signature; also returns the canonicalization work units it cost.
fn check<'a>(
    caps: &Caps<'a, '_>,
    ids: &IdIndex<'a>,
    sig: Node<'a, 'a>,
    parent: Node<'a, 'a>,
    trust: &Trust,
    nested: bool,
) -> (Result<Verified<'a>, Failure>, u64) {
    let mut units = 0;
    let outcome = check_counting(caps, ids, sig, parent, trust, nested, &mut units);
    (outcome, units)
}

fn check_counting<'a>(
    caps: &Caps<'a, '_>,
    ids: &IdIndex<'a>,
    sig: Node<'a, 'a>,
    parent: Node<'a, 'a>,
    trust: &Trust,
    nested: bool,
    units: &mut u64,
) -> Result<Verified<'a>, Failure> {
    let tree: &'a roxmltree::Document<'a> = caps.doc.tree();
    let allowed_parent = parent == tree.root_element()
        || crate::xml::is(parent, ns::MD, "EntityDescriptor")
        || crate::xml::is(parent, ns::MD, "EntitiesDescriptor")
        || crate::xml::is(parent, ns::SAML, "Assertion");
    if !allowed_parent {
        return Err(profile(Violation::Misplaced {
            parent: crate::xml::qname(parent),
        }));
    }
    let p = parse(sig, caps)?;

    // The reference must name the parent, by a unique ID or as the whole document.
    let subset = match reference::resolve(tree, ids, p.uri) {
        Ok(Target::Document(root)) if root == parent => Subset::Document(tree),
        Ok(Target::Element(e)) if e == parent => Subset::Element(parent),
        Ok(Target::Document(t) | Target::Element(t)) => {
            return Err(profile(Violation::NotParent {
                uri: p.uri.to_string(),
                target: crate::xml::qname(t),
            }))
        }
        Err(UriProblem::Unsupported) => {
            return Err(profile(Violation::ReferenceUri {
                uri: p.uri.to_string(),
            }))
        }
        Err(UriProblem::NotFound) => {
            return Err(profile(Violation::IdNotFound {
                id: p.uri.trim_start_matches('#').to_string(),
            }))
        }
        Err(UriProblem::Duplicate(count)) => {
            return Err(profile(Violation::DuplicateId {
                id: p.uri.trim_start_matches('#').to_string(),
                count,
            }))
        }
    };

    // A document with a relative namespace URI cannot be canonicalized (C14N 1.0 2.1).
    if let Some(f) = &caps.relative {
        return Err(f.clone());
    }
    // Keys before the expensive digest: a signature nobody could check is reported as such.
    let certs = embedded_certs(p.key_info);

    let (digest, work) =
        super::digest_capped(subset, Some(sig), &p.ref_c14n, p.digest_alg, caps.output).map_err(
            |o| {
                *units = units.saturating_add(o.work.units());
                caps.overflow(&o)
            },
        )?;
    *units = units.saturating_add(work.units());
    let comments = work.markup;
    if digest != p.digest {
        return Err(Failure::DigestMismatch {
            element: crate::xml::qname(parent),
        });
    }
    let mut si_bytes = Vec::new();
    let si_work = c14n::canonicalize_capped(
        Subset::Element(p.signed_info),
        None,
        &p.si_c14n,
        caps.output,
        &mut |b: &[u8]| si_bytes.extend_from_slice(b),
    )
    .map_err(|o| {
        *units = units.saturating_add(o.work.units());
        caps.overflow(&o)
    })?;
    *units = units.saturating_add(si_work.units());
    let (signer, basis) = choose_key(&p, &si_bytes, &certs, trust, nested)?;
    Ok(Verified {
        node: parent,
        info: SignatureInfo {
            element: crate::xml::qname(parent),
            entity: entity_of(parent),
            reference_uri: p.uri.to_string(),
            signed_info_c14n: p.si_c14n.uri().to_string(),
            reference_c14n: p.ref_c14n.uri().to_string(),
            digest: p.digest_alg,
            signature: p.method,
            signer,
            trust: basis,
            comments,
            exclusive: p.ref_c14n.exclusive,
            inclusive_prefixes: p.ref_c14n.inclusive_prefixes.clone(),
        },
    })
}

fn key_verifies(p: &Parsed<'_>, cert: &CertInfo, msg: &[u8]) -> bool {
    p.method.fits(cert.key_kind) && p.method.verify(&cert.public_key, msg, &p.value)
}

fn describe(c: &CertInfo) -> String {
    format!("certificate {} (SHA-256 {})", c.subject, c.sha256)
}

fn choose_key(
    p: &Parsed<'_>,
    msg: &[u8],
    certs: &[Result<CertInfo, String>],
    trust: &Trust,
    nested: bool,
) -> Result<(CertInfo, TrustBasis), Failure> {
    // Inside a verified root, a signature no pinned key verifies is judged by its embedded
    // certificate (integrity only): the root's signature already covers its content.
    let embedded_mode = trust.is_embedded_only() || nested;
    let good: Vec<&CertInfo> = certs.iter().filter_map(|c| c.as_ref().ok()).collect();
    // 1. Pinned certificates: their keys, whatever KeyInfo says.
    for pin in trust.pinned_certs() {
        if key_verifies(p, pin, msg) {
            return Ok((pin.clone(), TrustBasis::PinnedCert));
        }
    }
    // 2. Embedded certificates whose fingerprint is pinned.
    let mut pinned_by_fp_failed = false;
    if trust.has_fingerprints() {
        for c in good.iter().filter(|c| trust.fingerprint_pins(c)) {
            if key_verifies(p, c, msg) {
                return Ok(((*c).clone(), TrustBasis::PinnedFingerprint));
            }
            pinned_by_fp_failed = true;
        }
    }
    // 3. Embedded certificates: integrity only, or evidence of an untrusted signer.
    let embedded_ok = good.iter().find(|c| key_verifies(p, c, msg));
    if embedded_mode {
        if let Some(c) = embedded_ok {
            return Ok(((*c).clone(), TrustBasis::EmbeddedOnly));
        }
    } else if let Some(c) = embedded_ok {
        return Err(Failure::UntrustedKey {
            detail: describe(c),
        });
    }
    if good.is_empty() && embedded_mode {
        let detail = match certs.iter().find_map(|c| c.as_ref().err()) {
            Some(e) => format!("the X509Certificate in KeyInfo cannot be read: {e}"),
            None if trust.is_embedded_only() => {
                "KeyInfo has no X509Certificate, and no certificate is pinned".into()
            }
            None => {
                "KeyInfo has no X509Certificate, and no pinned certificate's key verifies it".into()
            }
        };
        return Err(Failure::NoKey { detail });
    }
    if let [only] = good.as_slice() {
        if embedded_mode && !p.method.fits(only.key_kind) {
            return Err(profile(Violation::KeyMismatch {
                method: p.method.name(),
            }));
        }
    }
    let detail = if embedded_mode {
        match good.as_slice() {
            [one] => format!(
                "SignatureValue does not verify with the key of the embedded {} (wrong key, or SignedInfo changed)",
                describe(one)
            ),
            _ => "SignatureValue does not verify with the key of any embedded certificate (wrong key, or SignedInfo changed)".into(),
        }
    } else if pinned_by_fp_failed {
        "SignatureValue does not verify with the key of the embedded certificate whose fingerprint is pinned".into()
    } else {
        "SignatureValue does not verify with any pinned certificate's key, nor with an embedded certificate (wrong key, or SignedInfo changed)".into()
    };
    Err(Failure::SignatureMismatch { detail })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_match_the_line_index() {
        let text = "<a>\n  <é/>x<b/>\n\n<c/></a>";
        let offsets: Vec<usize> = ["<é", "<b", "<c"]
            .iter()
            .map(|p| text.find(p).unwrap())
            .collect();
        let doc = XmlDoc::parse(text, &crate::Limits::default()).unwrap();
        let want: Vec<Pos> = offsets.iter().map(|o| doc.pos(*o)).collect();
        assert_eq!(positions(text, &offsets), want);
    }
}
