//! The `diff.*` codes. A change's class gives its severity (breaking → error, action →
//! warning, harmless → info); a kind of change that can fall in several classes has one code
//! per class: `diff.endpoint.removed` (action) and `diff.endpoint.removed.breaking`, for example.

use super::Class;
use crate::finding::{Rule, Severity};

const SRC_MD: &str = "SAML 2.0 Metadata (OASIS) <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>";
const SRC_ROLL: &str = "AWS IAM Identity Center User Guide: Rotate a SAML 2.0 certificate <https://docs.aws.amazon.com/singlesignon/latest/userguide/rotatesamlcert.html>; Microsoft Entra: Manage certificates for federated single sign-on <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/tutorial-manage-certificates-for-federated-single-sign-on>; AWS IAM User Guide: Troubleshoot SAML federation with IAM <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_saml.html>";

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
    "XML Signature Syntax and Processing Version 1.1 (W3C), Core Generation <https://www.w3.org/TR/xmldsig-core1/>; Microsoft Entra: Federation metadata <https://learn.microsoft.com/en-us/entra/identity-platform/federation-metadata>"
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
    "Update the identifier on the other side (Entra: Identifier (Entity ID); AWS: re-upload the IdP metadata)", "Microsoft Entra: Authentication and authorization error codes <https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes>; AWS IAM User Guide: Troubleshoot SAML federation with IAM <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_saml.html>");
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
    "Microsoft Entra: Redirect URI (reply URL) outline and restrictions <https://learn.microsoft.com/en-us/entra/identity-platform/reply-url>; AWS IAM Identity Center User Guide: Workforce access through an additional Region <https://docs.aws.amazon.com/singlesignon/latest/userguide/multi-region-workforce-access.html>"
);
rule!(
    ENDPOINT_REMOVED,
    "diff.endpoint.removed",
    Warning,
    "An endpoint was removed",
    "Remove it on the other side; make sure another one is the default",
    "Microsoft Entra: Redirect URI (reply URL) outline and restrictions <https://learn.microsoft.com/en-us/entra/identity-platform/reply-url>; AWS IAM Identity Center User Guide: Workforce access through an additional Region <https://docs.aws.amazon.com/singlesignon/latest/userguide/multi-region-workforce-access.html>"
);
rule!(
    ENDPOINT_CHANGED,
    "diff.endpoint.changed",
    Error,
    "An endpoint's location, binding, index or isDefault changed",
    "Update the URL or binding on the other side",
    "Microsoft Entra: Authentication and authorization error codes <https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes>; AWS IAM Identity Center User Guide: Troubleshooting IAM Identity Center issues <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>"
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
    "Another signing key is listed first: the IdP presumably signs with it now (rollover overlap; unconfirmed: metadata does not say which key signs)",
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
    "SAML 2.0 Metadata (OASIS), section 2.4.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>"
);
rule!(
    CLAIMS_ADDED,
    "diff.claims.added",
    Info,
    "A WS-Federation claim type is offered that was not",
    "Nothing to do",
    "Web Services Federation Language (WS-Federation) Version 1.2 (OASIS) <https://docs.oasis-open.org/wsfed/federation/v1.2/os/ws-federation-1.2-spec-os.html>"
);
rule!(
    CLAIMS_REMOVED,
    "diff.claims.removed",
    Warning,
    "A WS-Federation claim type is no longer offered",
    "Check no claim rule relies on it",
    "Web Services Federation Language (WS-Federation) Version 1.2 (OASIS) <https://docs.oasis-open.org/wsfed/federation/v1.2/os/ws-federation-1.2-spec-os.html>"
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
    "SAML 2.0 Metadata (OASIS), section 2.2.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(
    EXTENSIONS_CHANGED,
    "diff.extensions.changed",
    Info,
    "Extensions changed (display names, registration, entity attributes, scopes)",
    "Nothing to do unless a policy relies on entity attributes",
    "SAML V2.0 Metadata Extensions for Login and Discovery User Interface (OASIS) <https://docs.oasis-open.org/security/saml/Post2.0/sstc-saml-metadata-ui/v1.0/sstc-saml-metadata-ui-v1.0.pdf>; SAML V2.0 Metadata Extensions for Registration and Publication Information (OASIS) <https://docs.oasis-open.org/security/saml/Post2.0/saml-metadata-rpi/v1.0/saml-metadata-rpi-v1.0.pdf>; SAML V2.0 Metadata Extension for Entity Attributes (OASIS) <https://docs.oasis-open.org/security/saml/Post2.0/sstc-metadata-attr-cs-01.pdf>"
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

// A change whose class is not its kind's usual one has its own code, `<kind>.<class>`, so
// that every code is reported at exactly one severity (see `for_class`).
rule!(
    CERT_ADDED_BREAKING,
    "diff.cert.added.breaking",
    Error,
    "A signing certificate was added and no signing key the other side holds remains in the new metadata",
    "Import the new certificate on the other side now: signatures made with it fail there until then",
    SRC_ROLL
);
rule!(
    CERT_ADDED_HARMLESS,
    "diff.cert.added.harmless",
    Info,
    "A certificate was added that needs nothing on the other side (already expired, or not used for SAML sign-in with AWS)",
    "Nothing to do",
    SRC_MD
);
rule!(
    CERT_REMOVED_BREAKING,
    "diff.cert.removed.breaking",
    Error,
    "A signing certificate the other side holds was removed and none of the certificates it holds remains",
    "Import the IdP's current signing certificate on the other side now",
    SRC_ROLL
);
rule!(
    CERT_REMOVED_HARMLESS,
    "diff.cert.removed.harmless",
    Info,
    "A certificate was removed that needs nothing on the other side (it had expired, or was not used for SAML sign-in)",
    "Nothing to do; delete it on the other side when convenient",
    SRC_MD
);
rule!(
    CERT_CHANGED_HARMLESS,
    "diff.cert.changed.harmless",
    Info,
    "A certificate's use or roles changed without taking away a signing key",
    "Nothing to do",
    SRC_MD
);
rule!(
    ENDPOINT_ADDED_HARMLESS,
    "diff.endpoint.added.harmless",
    Info,
    "An endpoint other than an AssertionConsumerService was added",
    "Nothing to do: the other side may keep using the endpoints it has",
    "SAML 2.0 Metadata (OASIS), section 2.2 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(
    ENDPOINT_REMOVED_BREAKING,
    "diff.endpoint.removed.breaking",
    Error,
    "The last AssertionConsumerService (or the last SingleSignOnService) was removed",
    "Restore an endpoint of that kind: sign-in cannot complete (or start) without one",
    "SAML 2.0 Metadata (OASIS), section 2.4.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; SAML 2.0 Metadata (OASIS), section 2.4.4 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(
    ENDPOINT_REMOVED_HARMLESS,
    "diff.endpoint.removed.harmless",
    Info,
    "A WS-Federation endpoint was removed (AWS does not use WS-Federation)",
    "Nothing to do for SAML",
    "Web Services Federation Language (WS-Federation) Version 1.2 (OASIS) <https://docs.oasis-open.org/wsfed/federation/v1.2/os/ws-federation-1.2-spec-os.html>"
);
rule!(
    ENDPOINT_CHANGED_ACTION,
    "diff.endpoint.changed.action",
    Warning,
    "An endpoint change the other side should follow but that does not stop sign-in (a new default ACS, a logout URL)",
    "Update the Default Reply URL or the logout URL on the other side",
    "Microsoft Entra: Redirect URI (reply URL) outline and restrictions <https://learn.microsoft.com/en-us/entra/identity-platform/reply-url>; SAML 2.0 Metadata (OASIS), section 2.2.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(
    ENDPOINT_CHANGED_HARMLESS,
    "diff.endpoint.changed.harmless",
    Info,
    "An endpoint's index or isDefault changed, or a WS-Federation endpoint changed, with nothing to do",
    "Nothing to do unless requests name the endpoint by index",
    "SAML 2.0 Metadata (OASIS), section 2.2.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(
    ROLE_REMOVED_ACTION,
    "diff.role.removed.action",
    Warning,
    "A role other than an SSO role was removed (for example a WS-Federation role)",
    "Whoever used that role loses it; AWS does not use WS-Federation roles",
    SRC_MD
);
rule!(
    ROLE_CHANGED_BREAKING,
    "diff.role.changed.breaking",
    Error,
    "A role no longer lists SAML 2.0, or the IdP now wants signed AuthnRequests",
    "Restore SAML 2.0 in protocolSupportEnumeration, or lift the signed-request requirement (AWS IAM Identity Center does not sign AuthnRequests)",
    "SAML 2.0 Metadata (OASIS), section 2.4.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; SAML 2.0 Metadata (OASIS), section 2.4.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>"
);
rule!(
    ROLE_CHANGED_HARMLESS,
    "diff.role.changed.harmless",
    Info,
    "A role's attributes changed without a new requirement (a requirement relaxed, errorURL, another protocol, the aggregate's Name)",
    "Nothing to do",
    SRC_MD
);
rule!(
    VALIDITY_CHANGED_BREAKING,
    "diff.validity.changed.breaking",
    Error,
    "validUntil changed to an instant that has already passed",
    "Get a fresh copy signed by the publisher: consumers that honour validUntil refuse the new metadata",
    "SAML 2.0 Metadata (OASIS), section 2.2.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; SAML 2.0 Metadata (OASIS), section 4.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(
    NAMEID_ADDED_ACTION,
    "diff.nameid.added.action",
    Warning,
    "An SP added a NameIDFormat: it may now require that format",
    "If the SP now requires it, set the NameID format at the IdP to it",
    "SAML 2.0 Metadata (OASIS), section 2.4.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(
    ATTRIBUTE_ADDED_ACTION,
    "diff.attribute.added.action",
    Warning,
    "The SP added a requested attribute marked isRequired",
    "Add a claim with that name at the IdP",
    SRC_MD
);
rule!(
    ATTRIBUTE_REMOVED_HARMLESS,
    "diff.attribute.removed.harmless",
    Info,
    "The SP no longer requests an attribute",
    "Nothing to do; the claim may be removed at the IdP",
    SRC_MD
);
rule!(
    EXTENSIONS_CHANGED_ACTION,
    "diff.extensions.changed.action",
    Warning,
    "Entity attributes (mdattr:EntityAttributes) or scopes (shibmd:Scope) changed",
    "Check attribute-release and access policies, and scoped values, that rely on them",
    "SAML V2.0 Metadata Extension for Entity Attributes (OASIS) <https://docs.oasis-open.org/security/saml/Post2.0/sstc-metadata-attr-cs-01.pdf>"
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
    &CERT_ADDED_BREAKING,
    &CERT_ADDED_HARMLESS,
    &CERT_REMOVED_BREAKING,
    &CERT_REMOVED_HARMLESS,
    &CERT_CHANGED_HARMLESS,
    &ENDPOINT_ADDED_HARMLESS,
    &ENDPOINT_REMOVED_BREAKING,
    &ENDPOINT_REMOVED_HARMLESS,
    &ENDPOINT_CHANGED_ACTION,
    &ENDPOINT_CHANGED_HARMLESS,
    &ROLE_REMOVED_ACTION,
    &ROLE_CHANGED_BREAKING,
    &ROLE_CHANGED_HARMLESS,
    &VALIDITY_CHANGED_BREAKING,
    &NAMEID_ADDED_ACTION,
    &ATTRIBUTE_ADDED_ACTION,
    &ATTRIBUTE_REMOVED_HARMLESS,
    &EXTENSIONS_CHANGED_ACTION,
];

/// The rule a change of kind `rule` and class `class` reports: `rule` itself when the class
/// is its usual one, else the `<code>.<class>` variant (every reachable pair has one; a test
/// in `tests/catalogue.rs` compares emitted severities with the catalogue).
pub(crate) fn for_class(rule: &'static Rule, class: Class) -> &'static Rule {
    if rule.severity == class.severity() {
        return rule;
    }
    RULES
        .iter()
        .copied()
        .find(|r| {
            r.code
                .strip_prefix(rule.code)
                .and_then(|s| s.strip_prefix('.'))
                == Some(class.as_str())
        })
        .unwrap_or(rule)
}

/// The rule with this code (every code a [`Change`](super::Change) carries is one of
/// [`RULES`]).
pub(crate) fn rule(code: &str) -> &'static Rule {
    RULES
        .iter()
        .copied()
        .find(|r| r.code == code)
        .unwrap_or(&ROLE_CHANGED)
}
