//! The `diff.*` codes. A change's class sets the finding's severity (breaking → error,
//! action → warning, harmless → info); the severity here is the usual one.

use crate::finding::{Rule, Severity};

const SRC_MD: &str = "SAML 2.0 metadata (saml-metadata-2.0-os)";
const SRC_ROLL: &str = "domain.md A5 (IC trusts every imported IdP certificate), C4 (Entra rollover), B5 (IAM update-saml-provider)";

macro_rules! rule {
    ($name:ident, $code:literal, $sev:ident, $summary:literal, $fix:literal, $src:expr) => {
        pub(crate) static $name: Rule = Rule {
            code: $code,
            severity: Severity::$sev,
            summary: $summary,
            fix: $fix,
            source: $src,
        };
    };
}

rule!(
    RESIGNED,
    "diff.resigned",
    Info,
    "Only the signature and/or ID differ between the two versions: no change in content",
    "Nothing to do: the IdP re-signed the same metadata (Entra does so on every fetch)",
    "XML-DSig; domain.md C1"
);
rule!(
    DOCUMENT_SHAPE,
    "diff.document.shape",
    Info,
    "The root changed between EntityDescriptor and EntitiesDescriptor",
    "Nothing to do for the entities; tell tools that expect one form",
    SRC_MD
);
rule!(
    ENTITY_ADDED,
    "diff.entity.added",
    Info,
    "An entity appears in the new version only",
    "Nothing to do unless you want to federate with it",
    SRC_MD
);
rule!(
    ENTITY_REMOVED,
    "diff.entity.removed",
    Error,
    "An entity of the old version is gone",
    "Whoever federates with it loses it: remove the trust or find out where it went",
    SRC_MD
);
rule!(ENTITY_ID_CHANGED, "diff.entity.id_changed", Error,
    "The entityID changed",
    "Update the identifier on the other side (Entra: Identifier (Entity ID); AWS: re-upload the IdP metadata)", "domain.md E1 (AADSTS700016), B5 (Issuer not present)");
rule!(
    ROLE_ADDED,
    "diff.role.added",
    Info,
    "A role descriptor was added",
    "Nothing to do unless you use the new role",
    SRC_MD
);
rule!(
    ROLE_REMOVED,
    "diff.role.removed",
    Error,
    "A role descriptor was removed",
    "Whoever used that role loses it: stop relying on it or restore it",
    SRC_MD
);
rule!(
    ROLE_CHANGED,
    "diff.role.changed",
    Warning,
    "A role's attributes changed (protocols, signing requirements, errorURL)",
    "Align the other side with the new requirement",
    SRC_MD
);
rule!(
    ENDPOINT_ADDED,
    "diff.endpoint.added",
    Warning,
    "An endpoint was added",
    "Register it on the other side (an ACS URL becomes a Reply URL in Entra)",
    "domain.md A3, E-RURL"
);
rule!(
    ENDPOINT_REMOVED,
    "diff.endpoint.removed",
    Warning,
    "An endpoint was removed",
    "Remove it on the other side; make sure another one is the default",
    "domain.md A3"
);
rule!(
    ENDPOINT_CHANGED,
    "diff.endpoint.changed",
    Error,
    "An endpoint's location, binding, index or isDefault changed",
    "Update the URL or binding on the other side",
    "domain.md A2, E1 (AADSTS50011)"
);
rule!(
    CERT_ADDED,
    "diff.cert.added",
    Warning,
    "A certificate was added (a signing-key rollover starts, or an encryption key appears)",
    "Import the new certificate on the other side before it is used",
    SRC_ROLL
);
rule!(
    CERT_REMOVED,
    "diff.cert.removed",
    Warning,
    "A certificate was removed",
    "Delete it on the other side after the switch; make sure the other side holds a remaining key",
    SRC_ROLL
);
rule!(
    CERT_CHANGED,
    "diff.cert.changed",
    Warning,
    "A certificate's use or the roles it appears in changed",
    "Check the other side uses it for what the new metadata says",
    SRC_MD
);
rule!(
    CERT_ACTIVE_CHANGED,
    "diff.cert.active_changed",
    Warning,
    "Another signing key is listed first: the IdP presumably signs with it now (rollover overlap)",
    "Make sure the other side holds that certificate",
    SRC_ROLL
);
rule!(
    CERT_NO_SHARED_KEY,
    "diff.cert.no_shared_key",
    Error,
    "The new metadata shares no non-expired signing key with what the other side holds",
    "Import the new certificate on the other side now: every signature made with it fails there",
    SRC_ROLL
);
rule!(
    NAMEID_ADDED,
    "diff.nameid.added",
    Info,
    "A NameIDFormat was added",
    "Nothing to do unless the SP wants the new format",
    SRC_MD
);
rule!(
    NAMEID_REMOVED,
    "diff.nameid.removed",
    Warning,
    "A NameIDFormat was removed",
    "Make sure the NameID format configured on the other side is still offered",
    "domain.md A6, D1"
);
rule!(
    CLAIMS_ADDED,
    "diff.claims.added",
    Info,
    "A WS-Federation claim type is offered that was not",
    "Nothing to do",
    "WS-Federation 1.2 (fed:ClaimTypesOffered)"
);
rule!(
    CLAIMS_REMOVED,
    "diff.claims.removed",
    Warning,
    "A WS-Federation claim type is no longer offered",
    "Check no claim rule relies on it",
    "WS-Federation 1.2 (fed:ClaimTypesOffered)"
);
rule!(
    ATTRIBUTE_ADDED,
    "diff.attribute.added",
    Info,
    "An attribute (offered or requested) was added",
    "Release it if the SP requires it",
    SRC_MD
);
rule!(
    ATTRIBUTE_REMOVED,
    "diff.attribute.removed",
    Warning,
    "An attribute (offered or requested) was removed",
    "Check nothing on the other side relies on it",
    SRC_MD
);
rule!(
    ATTRIBUTE_CHANGED,
    "diff.attribute.changed",
    Warning,
    "An attribute's format, friendly name, isRequired or values changed",
    "Align the claim on the other side",
    SRC_MD
);
rule!(
    VALIDITY_CHANGED,
    "diff.validity.changed",
    Info,
    "validUntil or cacheDuration changed",
    "Nothing to do unless the new validUntil has passed: then refresh the metadata",
    "SAML 2.0 metadata 2.2.1"
);
rule!(
    EXTENSIONS_CHANGED,
    "diff.extensions.changed",
    Info,
    "Extensions changed (display names, registration, entity attributes, scopes)",
    "Nothing to do unless a policy relies on entity attributes",
    "SAML V2.0 metadata extensions (mdui, mdrpi, mdattr)"
);
rule!(
    ORGANIZATION_CHANGED,
    "diff.organization.changed",
    Info,
    "Organization changed",
    "Nothing to do",
    SRC_MD
);
rule!(
    CONTACT_CHANGED,
    "diff.contact.changed",
    Info,
    "Contact persons changed",
    "Nothing to do (update your records of whom to call)",
    SRC_MD
);

/// Every `diff.*` rule.
pub(crate) static RULES: &[&Rule] = &[
    &RESIGNED,
    &DOCUMENT_SHAPE,
    &ENTITY_ADDED,
    &ENTITY_REMOVED,
    &ENTITY_ID_CHANGED,
    &ROLE_ADDED,
    &ROLE_REMOVED,
    &ROLE_CHANGED,
    &ENDPOINT_ADDED,
    &ENDPOINT_REMOVED,
    &ENDPOINT_CHANGED,
    &CERT_ADDED,
    &CERT_REMOVED,
    &CERT_CHANGED,
    &CERT_ACTIVE_CHANGED,
    &CERT_NO_SHARED_KEY,
    &NAMEID_ADDED,
    &NAMEID_REMOVED,
    &CLAIMS_ADDED,
    &CLAIMS_REMOVED,
    &ATTRIBUTE_ADDED,
    &ATTRIBUTE_REMOVED,
    &ATTRIBUTE_CHANGED,
    &VALIDITY_CHANGED,
    &EXTENSIONS_CHANGED,
    &ORGANIZATION_CHANGED,
    &CONTACT_CHANGED,
];

/// The rule with this code (every code a [`Change`](super::Change) carries is one of
/// [`RULES`]).
pub(crate) fn rule(code: &str) -> &'static Rule {
    RULES
        .iter()
        .copied()
        .find(|r| r.code == code)
        .unwrap_or(&ROLE_CHANGED)
}
