//! Semantic diff of two versions of metadata, with what each change means for the other
//! side of the federation.
//!
//! Entities are matched by entityID (a hash map each side, so the diff is linear in size).
//! Inside an entity the diff compares roles, endpoints, certificates (by SHA-256 of the
//! DER), NameID formats, claims offered, attributes, `validUntil`/`cacheDuration`,
//! extensions, organization and contacts. Values are compared as the model holds them,
//! so formatting (indentation, prefixes, attribute order, base64 line breaks) is ignored.
//! A new `ds:Signature` or `ID` alone is *re-signing*, not a change of content.
//!
//! Every [`Change`] is classified [`Class::Breaking`], [`Class::Action`] or
//! [`Class::Harmless`] and says what to do on the other side. Signing-key changes are
//! summed up as a [`RolloverState`].
//!
//! OLD or NEW may be fetched over HTTPS ([`load`], and `fetch` with the `fetch` feature);
//! the bytes go through the same hardened reader as a file.
//!
//! ```
//! use samlcheck::diff::{diff, Class, DiffOptions};
//! let sp = |acs: &str| format!(r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
//!     entityID="https://sp.example.org/"><md:SPSSODescriptor
//!     protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{acs}</md:SPSSODescriptor>
//!     </md:EntityDescriptor>"#);
//! let acs = |url: &str, i: u32| format!(r#"<md:AssertionConsumerService
//!     Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{url}" index="{i}"/>"#);
//! let limits = samlcheck::Limits::default();
//! let old = samlcheck::parse_metadata(sp(&acs("https://sp.example.org/acs", 0)).into_bytes(), &limits).unwrap();
//! let both = acs("https://sp.example.org/acs", 0) + &acs("https://sp.example.org/acs2", 1);
//! let new = samlcheck::parse_metadata(sp(&both).into_bytes(), &limits).unwrap();
//! let at = chrono::DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z").unwrap().to_utc();
//! let d = diff(&old, &new, &DiffOptions::new(at));
//! let c = d.changes().next().unwrap();
//! assert_eq!((c.code, c.class), ("diff.endpoint.added", Class::Action));
//! assert!(c.action.contains("as a Reply URL"));
//! ```

mod cert;
mod endpoint;
mod entity;
mod fetch;
mod netguard;
mod rules;

#[cfg(feature = "fetch")]
pub use fetch::fetch;
pub use fetch::{is_url, load, non_public, redact_url, FetchOptions, MAX_TIMEOUT};
pub(crate) use rules::RULES;

use crate::finding::{Finding, Location, Severity};
use crate::model::{EntityDescriptor, Metadata};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;

/// How much a change matters to the other side of the federation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Nothing to do.
    Harmless,
    /// Something must be done on the other side, but sign-in keeps working for now.
    Action,
    /// Sign-in breaks (now or at the next step) unless the other side is updated.
    Breaking,
}

impl Class {
    /// `breaking`, `action` or `harmless`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Harmless => "harmless",
            Class::Action => "action",
            Class::Breaking => "breaking",
        }
    }

    /// The finding severity for this class: error, warning, info.
    pub fn severity(self) -> Severity {
        match self {
            Class::Harmless => Severity::Info,
            Class::Action => Severity::Warning,
            Class::Breaking => Severity::Error,
        }
    }
}

impl std::fmt::Display for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::error::padded(f, |f| f.write_str(self.as_str()))
    }
}

/// Where a signing-key rollover stands, seen from OLD to NEW.
///
/// Which key an IdP signs with is not written in metadata; the first signing key listed
/// is taken as the one in use (an inference, stated in `docs/diff.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RolloverState {
    /// A new key is published alongside the old ones, which is still listed first: import
    /// it before the IdP starts using it.
    AddedNotYetUsed,
    /// Old and new keys are both published and a key the old metadata did not list first
    /// now comes first: the new key is (presumably) in use.
    Overlap,
    /// An old key is gone; at least one key of the old metadata remains.
    OldRemoved,
    /// Old and new metadata share no signing key: a clean replacement.
    Replaced,
    /// The old metadata had no signing key; the new one has.
    Introduced,
    /// The new metadata has no signing key left.
    AllRemoved,
}

impl RolloverState {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            RolloverState::AddedNotYetUsed => "added-not-yet-used",
            RolloverState::Overlap => "overlap",
            RolloverState::OldRemoved => "old-removed",
            RolloverState::Replaced => "replaced",
            RolloverState::Introduced => "introduced",
            RolloverState::AllRemoved => "all-removed",
        }
    }
}

impl std::fmt::Display for RolloverState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::error::padded(f, |f| f.write_str(self.as_str()))
    }
}

/// Options of [`diff`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiffOptions {
    /// The instant expiry is judged at (a key that has expired by then is not a shared
    /// key). Default: the Unix epoch; pass the real instant with [`DiffOptions::new`].
    pub at: DateTime<Utc>,
    /// The certificates the other side actually holds, each as its SHA-256 fingerprint or
    /// SHA-1 thumbprint (hex, any case, `:` allowed). `None` (default): it holds every
    /// signing certificate of OLD.
    pub known_certs: Option<Vec<String>>,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            at: DateTime::<Utc>::UNIX_EPOCH,
            known_certs: None,
        }
    }
}

impl DiffOptions {
    /// Options evaluated at `at`.
    pub fn new(at: DateTime<Utc>) -> DiffOptions {
        DiffOptions {
            at,
            ..DiffOptions::default()
        }
    }
}

/// One change, with its consequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Change {
    /// The `diff.*` rule code. A kind of change that can fall in several classes has one code
    /// per class (`diff.endpoint.removed`, `diff.endpoint.removed.breaking`), so the code
    /// alone gives the severity.
    pub code: &'static str,
    /// How much it matters.
    pub class: Class,
    /// The entityID it is about (`""` for the document itself).
    pub entity: String,
    /// What changed, in words.
    pub message: String,
    /// What to do on the other side.
    pub action: String,
    /// The value before, when there is one to show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// The value after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// Where it is in OLD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_location: Option<Location>,
    /// Where it is in NEW.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_location: Option<Location>,
}

/// What happened to an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityStatus {
    /// Only in NEW.
    Added,
    /// Only in OLD.
    Removed,
    /// In both, with changes of content.
    Changed,
}

/// A certificate as the diff shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CertSummary {
    /// SHA-256 of the DER, uppercase hex (of the base64 text when it does not decode).
    pub sha256: String,
    /// SHA-1 thumbprint (as Entra shows it), when the certificate parses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha1: Option<String>,
    /// `signing`, `encryption` or `signing+encryption` (no `use`).
    #[serde(rename = "use")]
    pub usage: String,
    /// Subject DN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Start of validity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_before: Option<DateTime<Utc>>,
    /// End of validity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_after: Option<DateTime<Utc>>,
    /// The roles it appears in.
    pub roles: Vec<String>,
}

/// The signing-key picture of one entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Rollover {
    /// The state.
    pub state: RolloverState,
    /// Signing certificates of OLD, first-listed first.
    pub old: Vec<CertSummary>,
    /// Signing certificates of NEW, first-listed first.
    pub new: Vec<CertSummary>,
}

/// The changes of one entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct EntityDiff {
    /// The entityID (NEW's, when it changed).
    pub entity_id: String,
    /// OLD's entityID, when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_entity_id: Option<String>,
    /// Added, removed or changed.
    pub status: EntityStatus,
    /// The flavour (NEW's, or OLD's for a removed entity).
    pub flavor: String,
    /// The signing-key rollover, when signing keys changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollover: Option<Rollover>,
    /// The changes, in a stable order.
    pub changes: Vec<Change>,
}

impl EntityDiff {
    /// The most serious class among the changes.
    pub fn worst(&self) -> Option<Class> {
        self.changes.iter().map(|c| c.class).max()
    }
}

/// Counts for a summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Counts {
    /// Entities in OLD.
    pub old_entities: usize,
    /// Entities in NEW.
    pub new_entities: usize,
    /// Entities only in NEW.
    pub added: usize,
    /// Entities only in OLD.
    pub removed: usize,
    /// Entities in both with changes of content.
    pub changed: usize,
    /// Entities in both with no change of content.
    pub unchanged: usize,
    /// Of the unchanged, those whose signature or `ID` differ.
    pub resigned: usize,
    /// Changes classified breaking.
    pub breaking: usize,
    /// Changes that need action.
    pub action: usize,
    /// Harmless changes.
    pub harmless: usize,
}

/// The result of [`diff`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Diff {
    /// The instant expiry was judged at.
    pub at: DateTime<Utc>,
    /// Whether anything of content changed.
    pub content_changed: bool,
    /// Whether a signature or `ID` differs (anywhere).
    pub resigned: bool,
    /// Counts.
    pub counts: Counts,
    /// Changes of the document itself (the root `EntitiesDescriptor`).
    pub document: Vec<Change>,
    /// Entities added, removed or changed, in NEW's order then OLD's.
    pub entities: Vec<EntityDiff>,
}

impl Diff {
    /// Every change, document first.
    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.document
            .iter()
            .chain(self.entities.iter().flat_map(|e| e.changes.iter()))
    }

    /// The most serious class among all changes.
    pub fn worst(&self) -> Option<Class> {
        self.changes().map(|c| c.class).max()
    }

    /// One line: `no change in content`, or the counts.
    pub fn summary(&self) -> String {
        if !self.content_changed {
            return if self.resigned {
                "no change in content (re-signed: only the signature and/or ID differ)".into()
            } else {
                "no change in content".into()
            };
        }
        let c = &self.counts;
        format!(
            "{} breaking, {} action, {} harmless; entities: {} added, {} removed, {} changed, {} unchanged",
            c.breaking, c.action, c.harmless, c.added, c.removed, c.changed, c.unchanged
        )
    }

    /// One finding per change (severity error for breaking, warning for action, info for
    /// harmless, which is the catalogue severity of the change's code; the hint is the action), plus `diff.resigned` when only the signature or
    /// `ID` changed. Locations point into NEW, or into OLD for removals; `old_file` and
    /// `new_file` name them.
    pub fn findings(&self, old_file: &str, new_file: &str) -> Vec<Finding> {
        let mut out: Vec<Finding> = self
            .changes()
            .map(|c| {
                let loc = match (&c.new_location, &c.old_location) {
                    (Some(l), _) => Some(Location {
                        file: new_file.to_string(),
                        ..l.clone()
                    }),
                    (None, Some(l)) => Some(Location {
                        file: old_file.to_string(),
                        ..l.clone()
                    }),
                    (None, None) => None,
                };
                let rule = rules::rule(c.code);
                let entity = (!c.entity.is_empty()).then_some(c.entity.as_str());
                // The code already carries the class (`rules::for_class`), so the
                // catalogue severity is the class's.
                rule.at(entity, loc, format!("{} [{}]", c.message, c.class))
                    .with_hint(c.action.clone())
            })
            .collect();
        if self.resigned && !self.content_changed {
            out.push(rules::RESIGNED.at(
                None,
                None,
                "no change in content: only the signature and/or ID differ (re-signed)",
            ));
        }
        out
    }
}

/// Compares OLD with NEW.
///
/// Linear in the size of both: entities are matched through hash maps. When both
/// documents are a single `EntityDescriptor` with different entityIDs, they are compared
/// as one entity whose entityID changed.
pub fn diff(old: &Metadata, new: &Metadata, opts: &DiffOptions) -> Diff {
    let known = opts.known_certs.as_ref().map(|v| {
        v.iter()
            .map(|s| {
                s.chars()
                    .filter(char::is_ascii_hexdigit)
                    .collect::<String>()
                    .to_ascii_uppercase()
            })
            .collect::<std::collections::HashSet<String>>()
    });
    let cx = entity::Cx {
        at: opts.at,
        known: known.as_ref(),
    };
    let mut out = Diff {
        at: opts.at,
        content_changed: false,
        resigned: false,
        counts: Counts {
            old_entities: old.entities.len(),
            new_entities: new.entities.len(),
            ..Counts::default()
        },
        document: Vec::new(),
        entities: Vec::new(),
    };

    // The document itself.
    let og = old.groups.first();
    let ng = new.groups.first();
    if let (Some(o), Some(n)) = (og, ng) {
        entity::group_changes(o, n, &cx, &mut out.document);
        out.resigned |= signing_differs(&o.id, &n.id, &o.signature, &n.signature);
    }
    if old.is_aggregate != new.is_aggregate {
        out.document.push(entity::change(
            &rules::DOCUMENT_SHAPE,
            Class::Harmless,
            "",
            format!(
                "the document root changed from {} to {}",
                root_name(old),
                root_name(new)
            ),
            "nothing to do for the entities themselves; a tool that expects one form may need to be told",
        ));
    }

    // A single entity renamed: compare as one.
    if let (false, false, [o], [n]) = (
        old.is_aggregate,
        new.is_aggregate,
        old.entities.as_slice(),
        new.entities.as_slice(),
    ) {
        if o.entity_id() != n.entity_id() {
            let d = entity::compare(o, n, &cx);
            out.resigned |= d.1;
            out.counts.changed = 1;
            out.entities.push(d.0);
            finish(&mut out);
            return out;
        }
    }

    let mut old_by_id: HashMap<&str, &EntityDescriptor> =
        HashMap::with_capacity(old.entities.len());
    for e in &old.entities {
        old_by_id.entry(e.entity_id()).or_insert(e);
    }
    let mut new_ids: std::collections::HashSet<&str> =
        std::collections::HashSet::with_capacity(new.entities.len());
    for n in &new.entities {
        if !new_ids.insert(n.entity_id()) {
            continue; // a duplicate entityID: the first one counts
        }
        match old_by_id.get(n.entity_id()) {
            Some(o) => {
                let (d, resigned) = entity::compare(o, n, &cx);
                out.resigned |= resigned;
                if d.changes.is_empty() {
                    out.counts.unchanged += 1;
                    if resigned {
                        out.counts.resigned += 1;
                    }
                } else {
                    out.counts.changed += 1;
                    out.entities.push(d);
                }
            }
            None => {
                out.counts.added += 1;
                out.entities.push(entity::added(n));
            }
        }
    }
    let mut seen_old: std::collections::HashSet<&str> =
        std::collections::HashSet::with_capacity(old.entities.len());
    for o in &old.entities {
        if seen_old.insert(o.entity_id()) && !new_ids.contains(o.entity_id()) {
            out.counts.removed += 1;
            out.entities.push(entity::removed(o));
        }
    }
    finish(&mut out);
    out
}

fn finish(out: &mut Diff) {
    let mut c = (0, 0, 0);
    for ch in out.changes() {
        match ch.class {
            Class::Breaking => c.0 += 1,
            Class::Action => c.1 += 1,
            Class::Harmless => c.2 += 1,
        }
    }
    out.counts.breaking = c.0;
    out.counts.action = c.1;
    out.counts.harmless = c.2;
    let any = out.changes().next().is_some();
    out.content_changed = any;
}

fn root_name(md: &Metadata) -> &'static str {
    if md.is_aggregate {
        "EntitiesDescriptor"
    } else {
        "EntityDescriptor"
    }
}

fn attr_value(a: &Option<crate::model::Attr>) -> Option<&str> {
    a.as_ref().map(|a| a.value.as_str())
}

/// Whether the `ID` or the signature of an element differ (what re-signing changes).
pub(crate) fn signing_differs(
    old_id: &Option<crate::model::Attr>,
    new_id: &Option<crate::model::Attr>,
    old_sig: &Option<crate::model::SignaturePresence>,
    new_sig: &Option<crate::model::SignaturePresence>,
) -> bool {
    attr_value(old_id) != attr_value(new_id)
        || old_sig.as_ref().map(|s| &s.reference_uri) != new_sig.as_ref().map(|s| &s.reference_uri)
}
