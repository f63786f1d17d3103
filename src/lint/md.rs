//! Structure and values (`md.*`): what the SAML 2.0 metadata schema and profiles require.

use super::{at_attr, at_place, day, eid, q, Cx};
use crate::finding::{Rule, Severity};
use crate::model::{Duration, EndpointKind, EntityDescriptor, Place, Role, RoleKind, Timestamp};
use std::collections::HashMap;

macro_rules! rule {
    ($name:ident, $code:expr, $sev:ident, $summary:expr, $fix:expr, $source:expr) => {
        pub(crate) static $name: Rule = Rule {
            code: $code,
            severity: Severity::$sev,
            summary: $summary,
            fix: $fix,
            source: $source,
        };
    };
}
pub(crate) use rule;

rule!(
    ENTITY_ID_MISSING,
    "md.entity_id.missing",
    Error,
    "EntityDescriptor without an entityID attribute",
    "Add entityID=\"...\" with the entity's identifier (an absolute URI) to the EntityDescriptor",
    "SAML 2.0 Metadata (OASIS), section 2.3.2 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(
    ENTITY_ID_NOT_ABSOLUTE,
    "md.entity_id.not_absolute",
    Error,
    "entityID is not an absolute URI (or has white space around it)",
    "Use the entity's identifier as an absolute URI (https://... or urn:...), without white space",
    "SAML 2.0 Core (OASIS), section 8.3.6 <https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf>; SAML 2.0 Metadata (OASIS), section 2.3.2 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(
    ENTITY_ID_TOO_LONG,
    "md.entity_id.too_long",
    Error,
    "entityID longer than 1,024 characters",
    "Use an entityID of at most 1,024 characters",
    "SAML 2.0 Core (OASIS), section 8.3.6 <https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf>; SAML 2.0 Metadata (OASIS), section 2.3.2 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(
    ENTITY_ID_DUPLICATE,
    "md.entity_id.duplicate",
    Warning,
    "the same entityID on more than one EntityDescriptor of a document: which one a consumer uses is not defined",
    "Keep one EntityDescriptor per entityID (remove or merge the duplicate)",
    "SAML 2.0 Metadata (OASIS), section 2.3.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; SAML V2.0 Metadata Interoperability Profile (OASIS) <https://docs.oasis-open.org/security/saml/Post2.0/sstc-metadata-iop-cs-01.pdf>"
);
rule!(
    IDS_DUPLICATE,
    "md.ids.duplicate",
    Error,
    "the same ID attribute value on more than one element",
    "Give every ID attribute a unique value; duplicate IDs make signature references ambiguous",
    "XML Schema Part 2: Datatypes (W3C), ID <https://www.w3.org/TR/xmlschema-2/#ID>; XML Signature Syntax and Processing Version 1.1 (W3C), Same-Document URI-References <https://www.w3.org/TR/xmldsig-core1/>"
);
rule!(
    PROTOCOLS_MISSING,
    "md.protocols.missing",
    Error,
    "role descriptor without protocolSupportEnumeration",
    "Add protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\" to the role",
    "SAML 2.0 Metadata (OASIS), section 2.4.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(PROTOCOLS_NO_SAML2, "md.protocols.no_saml2", Warning,
    "SAML role whose protocolSupportEnumeration does not list SAML 2.0",
    "Add urn:oasis:names:tc:SAML:2.0:protocol to protocolSupportEnumeration, or use a SAML 2.0 peer",
    "SAML 2.0 Metadata (OASIS), section 2.4.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>");
rule!(
    ENDPOINT_BINDING_MISSING,
    "md.endpoint.binding.missing",
    Error,
    "endpoint without a Binding attribute",
    "Add the Binding URI (e.g. urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST) to the endpoint",
    "SAML 2.0 Metadata (OASIS), section 2.2.2 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(ENDPOINT_BINDING_UNKNOWN, "md.endpoint.binding.unknown", Warning,
    "endpoint Binding is not a known SAML binding URI",
    "Use a SAML binding URI such as urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST; check for typos",
    "SAML 2.0 Bindings (OASIS), section 3 <https://docs.oasis-open.org/security/saml/v2.0/saml-bindings-2.0-os.pdf>");
rule!(
    ENDPOINT_LOCATION_MISSING,
    "md.endpoint.location.missing",
    Error,
    "endpoint without a Location attribute",
    "Add Location=\"https://...\" with the endpoint URL",
    "SAML 2.0 Metadata (OASIS), section 2.2.2 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(
    ENDPOINT_LOCATION_NOT_ABSOLUTE,
    "md.endpoint.location.not_absolute",
    Error,
    "SingleSignOnService or AssertionConsumerService Location is not an absolute URL: sign-in cannot reach it",
    "Use an absolute https:// URL as Location",
    "SAML 2.0 Metadata (OASIS), section 2.2.2 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; SAML 2.0 Profiles (OASIS), section 4.1.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf>"
);
rule!(
    ENDPOINT_LOCATION_NOT_ABSOLUTE_OTHER,
    "md.endpoint.location.not_absolute.other",
    Warning,
    "Location of an endpoint other than SingleSignOnService or AssertionConsumerService (logout, artifact resolution, ...) is not an absolute URL: that service cannot be reached, sign-in is not affected",
    "Use an absolute https:// URL as Location, or remove the endpoint",
    "SAML 2.0 Metadata (OASIS), section 2.2.2 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(
    ENDPOINT_LOCATION_HTTP,
    "md.endpoint.location.http",
    Warning,
    "endpoint Location uses http: instead of https:",
    "Serve the endpoint over TLS and change the Location to https://",
    "SAML 2.0 Bindings (OASIS), section 3.5.2 <https://docs.oasis-open.org/security/saml/v2.0/saml-bindings-2.0-os.pdf>; Microsoft Entra: Redirect URI (reply URL) outline and restrictions <https://learn.microsoft.com/en-us/entra/identity-platform/reply-url>"
);
rule!(
    ENDPOINT_LOCATION_WHITESPACE,
    "md.endpoint.location.whitespace",
    Warning,
    "endpoint Location contains a CR, LF or tab, or starts or ends with white space (unconfirmed whether AWS and Entra strip it, as URL parsers do)",
    "Remove the white space from the Location; URLs are compared character by character",
    "RFC 3986: Uniform Resource Identifier (URI): Generic Syntax, section 2 <https://www.rfc-editor.org/rfc/rfc3986#section-2>; AWS IAM Identity Center User Guide: Troubleshooting IAM Identity Center issues <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>; URL Standard (WHATWG), basic URL parser <https://url.spec.whatwg.org/#concept-basic-url-parser>"
);
rule!(ENDPOINT_INDEX_MISSING, "md.endpoint.index.missing", Error,
    "indexed endpoint (AssertionConsumerService, ArtifactResolutionService, DiscoveryResponse) without index",
    "Add index=\"N\" (an unsigned number, unique among the role's endpoints of that kind)",
    "SAML 2.0 Metadata (OASIS), section 2.2.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>");
rule!(
    ENDPOINT_INDEX_INVALID,
    "md.endpoint.index.invalid",
    Error,
    "endpoint index is not an unsigned 16-bit number",
    "Use a number from 0 to 65535 as index",
    "SAML 2.0 Metadata (OASIS), section 2.2.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(
    ENDPOINT_INDEX_DUPLICATE,
    "md.endpoint.index.duplicate",
    Error,
    "two indexed endpoints of the same kind in one role share an index",
    "Give each endpoint of that kind its own index",
    "SAML 2.0 Metadata (OASIS), section 2.2.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(
    ENDPOINT_DEFAULT_MULTIPLE,
    "md.endpoint.default.multiple",
    Error,
    "more than one indexed endpoint of the same kind with isDefault=\"true\"",
    "Mark at most one endpoint of each kind isDefault=\"true\"",
    "SAML 2.0 Metadata (OASIS), section 2.2.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(
    IDP_SSO_MISSING,
    "md.idp.sso.missing",
    Error,
    "IDPSSODescriptor without a SingleSignOnService",
    "Add a SingleSignOnService (HTTP-Redirect and/or HTTP-POST) to the IdP role",
    "SAML 2.0 Metadata (OASIS), section 2.4.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>"
);
rule!(
    SP_ACS_MISSING,
    "md.sp.acs.missing",
    Error,
    "SPSSODescriptor without an AssertionConsumerService",
    "Add an AssertionConsumerService with Binding, Location and index to the SP role",
    "SAML 2.0 Metadata (OASIS), section 2.4.4 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(
    ENTITY_NO_ROLE,
    "md.entity.no_role",
    Error,
    "EntityDescriptor with no role descriptor and no AffiliationDescriptor",
    "Add the entity's role (IDPSSODescriptor or SPSSODescriptor); an entity without one cannot be used",
    "SAML 2.0 Metadata (OASIS), section 2.3.2 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(
    VALID_UNTIL_EXPIRED,
    "md.valid_until.expired",
    Warning,
    "validUntil is in the past: consumers that honour it must not use the metadata (AWS IAM documents that it does not evaluate validUntil)",
    "Fetch current metadata from its publisher (or remove validUntil only if you own the file)",
    "SAML 2.0 Metadata (OASIS), section 2.2.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; SAML 2.0 Metadata (OASIS), section 4.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; AWS IAM User Guide: Create a SAML identity provider in IAM <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml.html>"
);
rule!(
    VALID_UNTIL_FAR_FUTURE,
    "md.valid_until.far_future",
    Warning,
    "validUntil implausibly far ahead (more than a year by default)",
    "Use a validity that matches how often the metadata is re-signed (days or weeks)",
    "SAML 2.0 Metadata (OASIS), section 4.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; SAML V2.0 Metadata Interoperability Profile (OASIS) <https://docs.oasis-open.org/security/saml/Post2.0/sstc-metadata-iop-cs-01.pdf>"
);
rule!(
    VALID_UNTIL_INVALID,
    "md.valid_until.invalid",
    Error,
    "validUntil is not an xs:dateTime",
    "Write validUntil as an xs:dateTime such as 2026-12-31T00:00:00Z",
    "SAML 2.0 Metadata (OASIS), section 2.2.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; XML Schema Part 2: Datatypes (W3C), dateTime and duration <https://www.w3.org/TR/xmlschema-2/#dateTime>"
);
rule!(
    CACHE_DURATION_INVALID,
    "md.cache_duration.invalid",
    Error,
    "cacheDuration is not an xs:duration",
    "Write cacheDuration as an xs:duration such as PT6H or P1D",
    "SAML 2.0 Metadata (OASIS), section 2.2.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; XML Schema Part 2: Datatypes (W3C), dateTime and duration <https://www.w3.org/TR/xmlschema-2/#dateTime>"
);
rule!(NAMEID_FORMAT_EMPTY, "md.nameid_format.empty", Warning,
    "empty NameIDFormat element (not reported on metadata that IAM Identity Center publishes as an IdP, which has them)",
    "Put the NameID format URI in the element (e.g. urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress) or remove it",
    "SAML 2.0 Metadata (OASIS), section 2.4.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; AWS IAM Identity Center User Guide: Set up your own SAML 2.0 application <https://docs.aws.amazon.com/singlesignon/latest/userguide/customermanagedapps-saml2-setup.html>");
rule!(ROLE_NO_SIGNING_KEY, "md.role.no_signing_key", Error,
    "a role that signs (IdP SSO, attribute authority, SP with AuthnRequestsSigned=\"true\") has no signing key",
    "Add a KeyDescriptor use=\"signing\" with the role's X.509 certificate",
    "SAML 2.0 Metadata (OASIS), section 2.4.1.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; SAML 2.0 Profiles (OASIS), section 4.1.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf>");
rule!(SPLIT_VALUE, "md.split_value", Warning,
    "a comment or processing instruction splits a text value",
    "Remove the comment or processing instruction from inside the value; consumers that ignore it read a different value (comment injection)",
    "CVE-2017-11427 (comment truncation in SAML libraries) <https://nvd.nist.gov/vuln/detail/CVE-2017-11427>; XML Signature Syntax and Processing Version 1.1 (W3C), Same-Document URI-References <https://www.w3.org/TR/xmldsig-core1/>");
rule!(AGGREGATE_UNSIGNED, "md.aggregate.unsigned", Warning,
    "EntitiesDescriptor root without a ds:Signature: its origin cannot be verified",
    "Fetch the aggregate from its publisher's signed source and verify it against the publisher's key",
    "SAML 2.0 Metadata (OASIS), section 3.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; SAML V2.0 Metadata Interoperability Profile (OASIS) <https://docs.oasis-open.org/security/saml/Post2.0/sstc-metadata-iop-cs-01.pdf>");

/// Rules about the document as a whole.
pub(super) fn document(cx: &mut Cx<'_>) {
    let md = cx.md;
    // md.aggregate.unsigned: only the root group matters.
    if md.is_aggregate {
        if let Some(root) = md.groups.first() {
            if root.signature.is_none() {
                let name = root
                    .name
                    .as_ref()
                    .map_or(String::new(), |n| format!(" {}", q(&n.value)));
                cx.push(AGGREGATE_UNSIGNED.at(
                    None,
                    at_place(&root.place),
                    format!(
                        "aggregate EntitiesDescriptor{name} with {} entities has no ds:Signature child",
                        md.entities.len()
                    ),
                ));
            }
        }
    }
    for g in &md.groups {
        times(
            cx,
            None,
            "EntitiesDescriptor",
            &g.place,
            g.valid_until.as_ref(),
            g.cache_duration.as_ref(),
        );
    }
    // md.entity_id.duplicate
    let mut first: HashMap<&str, &EntityDescriptor> = HashMap::with_capacity(md.entities.len());
    for e in &md.entities {
        let Some(id) = &e.entity_id else { continue };
        if let Some(prev) = first.get(id.value.as_str()) {
            cx.push(ENTITY_ID_DUPLICATE.at(
                Some(&id.value),
                at_attr(id, &e.place),
                format!(
                    "entityID {} at {} was already used by the EntityDescriptor at {}",
                    q(&id.value),
                    e.place.path,
                    prev.place.pos
                ),
            ));
        } else {
            first.insert(&id.value, e);
        }
    }
    // md.ids.duplicate
    let mut ids: HashMap<&str, crate::Pos> = HashMap::with_capacity(md.ids.len());
    for a in &md.ids {
        if let Some(prev) = ids.get(a.value.as_str()) {
            let (entity, path) = owner_of(cx, a.pos.offset);
            cx.push(IDS_DUPLICATE.at(
                entity,
                Some(crate::Location::new(a.pos, path)),
                format!(
                    "ID {} is also used at {}; a signature reference to #{} is ambiguous",
                    q(&a.value),
                    prev,
                    a.value
                ),
            ));
        } else {
            ids.insert(&a.value, a.pos);
        }
    }
    // md.split_value
    for p in &md.split_values {
        let (entity, _) = owner_of(cx, p.pos.offset);
        cx.push(SPLIT_VALUE.at(
            entity,
            at_place(p),
            format!(
                "a comment or processing instruction splits the text of {}",
                p.path
            ),
        ));
    }
}

/// The entityID of the entity containing a byte offset, and the path of the innermost
/// entity or group containing it.
fn owner_of<'a>(cx: &Cx<'a>, offset: u64) -> (Option<&'a str>, String) {
    let off = usize::try_from(offset).unwrap_or(usize::MAX);
    let md = cx.md;
    // Entities are in document order and do not nest: binary search.
    let i = md.entities.partition_point(|e| e.place.range.start <= off);
    if let Some(e) = i.checked_sub(1).and_then(|i| md.entities.get(i)) {
        if e.place.range.contains(&off) {
            return (eid(e), e.place.path.clone());
        }
    }
    let g = md
        .groups
        .iter()
        .filter(|g| g.place.range.contains(&off))
        .max_by_key(|g| g.place.range.start);
    (None, g.map_or_else(String::new, |g| g.place.path.clone()))
}

fn times(
    cx: &mut Cx<'_>,
    entity: Option<&str>,
    what: &str,
    place: &Place,
    valid_until: Option<&Timestamp>,
    cache: Option<&Duration>,
) {
    if let Some(t) = valid_until {
        match t.value {
            None => cx.push(VALID_UNTIL_INVALID.at(
                entity,
                at_attr(&t.raw, place),
                format!(
                    "validUntil {} of {what} is not an xs:dateTime",
                    q(&t.raw.value)
                ),
            )),
            Some(v) if v < cx.opts.at => cx.push(VALID_UNTIL_EXPIRED.at(
                entity,
                at_attr(&t.raw, place),
                format!(
                    "validUntil {} of {what} passed {} days before {}",
                    q(&t.raw.value),
                    (cx.opts.at - v).num_days(),
                    day(cx.opts.at)
                ),
            )),
            Some(v) if (v - cx.opts.at).num_days() > cx.opts.far_future_days => {
                cx.push(VALID_UNTIL_FAR_FUTURE.at(
                    entity,
                    at_attr(&t.raw, place),
                    format!(
                        "validUntil {} of {what} is {} days ahead (more than {})",
                        q(&t.raw.value),
                        (v - cx.opts.at).num_days(),
                        cx.opts.far_future_days
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    if let Some(d) = cache {
        if d.value.is_none() {
            cx.push(CACHE_DURATION_INVALID.at(
                entity,
                at_attr(&d.raw, place),
                format!(
                    "cacheDuration {} of {what} is not an xs:duration",
                    q(&d.raw.value)
                ),
            ));
        }
    }
}

/// The binding URIs SAML 2.0 (and SAML 1.x, for metadata that lists them) defines.
const KNOWN_BINDINGS: &[&str] = &[
    "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
    "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
    "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact",
    "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST-SimpleSign",
    "urn:oasis:names:tc:SAML:2.0:bindings:SOAP",
    "urn:oasis:names:tc:SAML:2.0:bindings:PAOS",
    "urn:oasis:names:tc:SAML:2.0:bindings:URI",
    "urn:oasis:names:tc:SAML:2.0:bindings:HOK-SSO",
    "urn:oasis:names:tc:SAML:1.0:profiles:browser-post",
    "urn:oasis:names:tc:SAML:1.0:profiles:artifact-01",
    "urn:oasis:names:tc:SAML:1.0:bindings:SOAP-binding",
    "urn:mace:shibboleth:1.0:profiles:AuthnRequest",
    "urn:mace:shibboleth:2.0:profiles:AuthnRequest",
    "urn:oasis:names:tc:SAML:profiles:SSO:idp-discovery-protocol",
    "urn:oasis:names:tc:SAML:profiles:SSO:request-init",
    "http://schemas.xmlsoap.org/ws/2005/04/wsfed",
];

fn is_indexed(kind: EndpointKind) -> bool {
    matches!(
        kind,
        EndpointKind::AssertionConsumerService
            | EndpointKind::ArtifactResolutionService
            | EndpointKind::DiscoveryResponse
    )
}

fn is_saml_role(kind: &RoleKind) -> bool {
    matches!(
        kind,
        RoleKind::SpSso
            | RoleKind::IdpSso
            | RoleKind::AttributeAuthority
            | RoleKind::AuthnAuthority
            | RoleKind::Pdp
    )
}

/// Rules about one entity.
pub(super) fn entity(cx: &mut Cx<'_>, e: &EntityDescriptor) {
    let ent = eid(e);
    match &e.entity_id {
        None => cx.push(ENTITY_ID_MISSING.at(
            None,
            at_place(&e.place),
            format!(
                "EntityDescriptor at {} has no entityID attribute",
                e.place.path
            ),
        )),
        Some(id) => {
            let v = id.value.as_str();
            let n = v.chars().count();
            if n > 1024 {
                cx.push(ENTITY_ID_TOO_LONG.at(
                    ent,
                    at_attr(id, &e.place),
                    format!("entityID {} is {n} characters long (at most 1,024)", q(v)),
                ));
            }
            if !is_absolute_uri(v) {
                cx.push(ENTITY_ID_NOT_ABSOLUTE.at(
                    ent,
                    at_attr(id, &e.place),
                    format!("entityID {} is not an absolute URI", q(v)),
                ));
            }
        }
    }
    times(
        cx,
        ent,
        "EntityDescriptor",
        &e.place,
        e.valid_until.as_ref(),
        e.cache_duration.as_ref(),
    );
    if e.roles.is_empty() && !e.affiliation {
        cx.push(ENTITY_NO_ROLE.at(
            ent,
            at_place(&e.place),
            format!(
                "EntityDescriptor at {} has no role descriptor (no IDPSSODescriptor, SPSSODescriptor, ...)",
                e.place.path
            ),
        ));
    }
    for r in &e.roles {
        role(cx, ent, r, &e.flavor);
    }
    interrupted_texts(cx, e);
}

/// `md.split_value` for text values split below their element (a comment after a child
/// element) that the document-wide scan of direct children did not see.
fn interrupted_texts(cx: &mut Cx<'_>, e: &EntityDescriptor) {
    let mut texts: Vec<&crate::model::Text> = Vec::new();
    for r in &e.roles {
        texts.extend(r.nameid_formats.iter());
        texts.extend(r.target_scopes.iter());
        for k in &r.keys {
            texts.extend(k.certificates.iter().map(|c| &c.text));
            texts.extend(k.key_names.iter());
        }
    }
    if let Some(o) = &e.organization {
        texts.extend(o.names.iter().chain(&o.display_names).chain(&o.urls));
    }
    for c in &e.contacts {
        texts.extend(c.company.iter().chain(&c.given_name).chain(&c.sur_name));
        texts.extend(c.emails.iter().chain(&c.phones));
    }
    texts.extend(e.extensions.scopes.iter());
    texts.extend(e.extensions.display_names.iter().map(|(_, t)| t));
    for t in texts {
        if t.interrupted && !cx.split_at.contains(&t.pos.offset) {
            cx.split_at.insert(t.pos.offset);
            cx.push(SPLIT_VALUE.at(
                eid(e),
                Some(crate::Location::new(t.pos, t.path.clone())),
                format!(
                    "a comment or processing instruction splits the text of {}",
                    t.path
                ),
            ));
        }
    }
}

/// `scheme:rest` with an RFC 3986 scheme, no white space or control characters anywhere.
pub(crate) fn is_absolute_uri(v: &str) -> bool {
    if v.is_empty() || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((scheme, rest)) = v.split_once(':') else {
        return false;
    };
    let mut cs = scheme.chars();
    cs.next().is_some_and(|c| c.is_ascii_alphabetic())
        && cs.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
}

fn role(cx: &mut Cx<'_>, ent: Option<&str>, r: &Role, flavor: &crate::Flavor) {
    let label = r.kind.label();
    times(
        cx,
        ent,
        &label,
        &r.place,
        r.valid_until.as_ref(),
        r.cache_duration.as_ref(),
    );
    match &r.protocols_attr {
        None => cx.push(PROTOCOLS_MISSING.at(
            ent,
            at_place(&r.place),
            format!("{label} at {} has no protocolSupportEnumeration", r.place.path),
        )),
        Some(a) if is_saml_role(&r.kind) && !r.supports_saml2() => cx.push(PROTOCOLS_NO_SAML2.at(
            ent,
            at_attr(a, &r.place),
            format!(
                "protocolSupportEnumeration {} of {label} does not list urn:oasis:names:tc:SAML:2.0:protocol",
                q(&a.value)
            ),
        )),
        Some(_) => {}
    }
    if r.kind == RoleKind::IdpSso
        && r.endpoints_of(EndpointKind::SingleSignOnService)
            .next()
            .is_none()
    {
        cx.push(IDP_SSO_MISSING.at(
            ent,
            at_place(&r.place),
            format!(
                "IDPSSODescriptor at {} has no SingleSignOnService",
                r.place.path
            ),
        ));
    }
    if r.kind == RoleKind::SpSso
        && r.endpoints_of(EndpointKind::AssertionConsumerService)
            .next()
            .is_none()
    {
        cx.push(SP_ACS_MISSING.at(
            ent,
            at_place(&r.place),
            format!(
                "SPSSODescriptor at {} has no AssertionConsumerService",
                r.place.path
            ),
        ));
    }
    // IAM Identity Center acting as IdP publishes empty NameIDFormat elements in the metadata
    // it generates: not something its users can or need to change.
    let vendor_empty = matches!(flavor, crate::Flavor::AwsIdentityCenterIdp { .. });
    for nf in r.nameid_formats.iter().filter(|_| !vendor_empty) {
        if nf.value.trim().is_empty() {
            cx.push(NAMEID_FORMAT_EMPTY.at(
                ent,
                Some(crate::Location::new(nf.pos, nf.path.clone())),
                format!("NameIDFormat at {} of {label} is empty", nf.path),
            ));
        }
    }
    // md.role.no_signing_key
    let needs_signing = match r.kind {
        RoleKind::IdpSso | RoleKind::AttributeAuthority => true,
        RoleKind::SpSso => r
            .authn_requests_signed
            .as_ref()
            .is_some_and(|a| matches!(a.value.trim(), "true" | "1")),
        _ => false,
    };
    if needs_signing && r.signing_keys().next().is_none() {
        let why = if r.kind == RoleKind::SpSso {
            " although AuthnRequestsSigned=\"true\""
        } else {
            ""
        };
        cx.push(ROLE_NO_SIGNING_KEY.at(
            ent,
            at_place(&r.place),
            format!(
                "{label} at {} has no KeyDescriptor usable for signing{why}",
                r.place.path
            ),
        ));
    }
    endpoints(cx, ent, r, &label);
}

fn endpoints(cx: &mut Cx<'_>, ent: Option<&str>, r: &Role, label: &str) {
    // (kind, index) -> first position; (kind) -> first default.
    let mut indexes: HashMap<(EndpointKind, u32), crate::Pos> = HashMap::new();
    let mut defaults: HashMap<EndpointKind, crate::Pos> = HashMap::new();
    for ep in &r.endpoints {
        let name = ep.kind.name();
        if !ep.kind.is_wsfed() {
            match &ep.binding {
                None => cx.push(ENDPOINT_BINDING_MISSING.at(
                    ent,
                    at_place(&ep.place),
                    format!("{name} at {} of {label} has no Binding", ep.place.path),
                )),
                Some(b) if !KNOWN_BINDINGS.contains(&b.value.as_str()) => {
                    cx.push(ENDPOINT_BINDING_UNKNOWN.at(
                        ent,
                        at_attr(b, &ep.place),
                        format!("{name} Binding {} is not a known SAML binding", q(&b.value)),
                    ))
                }
                Some(_) => {}
            }
        }
        match &ep.location {
            None => cx.push(ENDPOINT_LOCATION_MISSING.at(
                ent,
                at_place(&ep.place),
                format!("{name} at {} of {label} has no Location", ep.place.path),
            )),
            Some(l) => location(cx, ent, name, ep.kind, l, &ep.place),
        }
        if let Some(l) = &ep.response_location {
            location(cx, ent, name, ep.kind, l, &ep.place);
        }
        if is_indexed(ep.kind) {
            match &ep.index {
                None => cx.push(ENDPOINT_INDEX_MISSING.at(
                    ent,
                    at_place(&ep.place),
                    format!("{name} at {} has no index", ep.place.path),
                )),
                Some(a) => match a.value.trim().parse::<u16>() {
                    Err(_) => cx.push(ENDPOINT_INDEX_INVALID.at(
                        ent,
                        at_attr(a, &ep.place),
                        format!(
                            "{name} index {} is not a number from 0 to 65535",
                            q(&a.value)
                        ),
                    )),
                    Ok(i) => {
                        if let Some(prev) = indexes.get(&(ep.kind, u32::from(i))) {
                            cx.push(ENDPOINT_INDEX_DUPLICATE.at(
                                ent,
                                at_attr(a, &ep.place),
                                format!(
                                    "{name} index {i} at {} is also used by the {name} at {prev}",
                                    ep.place.path
                                ),
                            ));
                        } else {
                            indexes.insert((ep.kind, u32::from(i)), ep.place.pos);
                        }
                    }
                },
            }
            if ep.is_default() {
                if let Some(prev) = defaults.get(&ep.kind) {
                    cx.push(ENDPOINT_DEFAULT_MULTIPLE.at(
                        ent,
                        ep.is_default.as_ref().and_then(|a| at_attr(a, &ep.place)),
                        format!(
                            "{name} at {} is isDefault=\"true\" as is the {name} at {prev}",
                            ep.place.path
                        ),
                    ));
                } else {
                    defaults.insert(ep.kind, ep.place.pos);
                }
            }
        }
    }
}

fn location(
    cx: &mut Cx<'_>,
    ent: Option<&str>,
    name: &str,
    kind: EndpointKind,
    l: &crate::model::Attr,
    place: &Place,
) {
    // Sign-in goes through these two; a broken URL elsewhere (logout, ...) does not stop it.
    let not_absolute = if matches!(
        kind,
        EndpointKind::SingleSignOnService | EndpointKind::AssertionConsumerService
    ) {
        &ENDPOINT_LOCATION_NOT_ABSOLUTE
    } else {
        &ENDPOINT_LOCATION_NOT_ABSOLUTE_OTHER
    };
    let v = l.value.as_str();
    if v.contains(['\r', '\n', '\t']) || v.trim() != v {
        cx.push(ENDPOINT_LOCATION_WHITESPACE.at(
            ent,
            at_attr(l, place),
            format!(
                "{name} Location {} contains white space (CR, LF, tab, or around the URL)",
                q(v)
            ),
        ));
        // An XML parser turns a literal newline in an attribute into a space, so the value
        // may still look like a URL once trimmed; judge the rest on the trimmed value.
    }
    let t = v.trim();
    match url::Url::parse(t) {
        Ok(u) if u.scheme() == "https" => {}
        Ok(u) if u.scheme() == "http" => {
            let local = u
                .host_str()
                .is_some_and(|h| h == "localhost" || h == "127.0.0.1" || h == "[::1]");
            if !local {
                cx.push(ENDPOINT_LOCATION_HTTP.at(
                    ent,
                    at_attr(l, place),
                    format!("{name} Location {} uses http: instead of https:", q(t)),
                ));
            }
        }
        Ok(u) if u.cannot_be_a_base() || u.host_str().is_none() => cx.push(not_absolute.at(
            ent,
            at_attr(l, place),
            format!(
                "{name} Location {} is not an absolute URL with a host",
                q(t)
            ),
        )),
        Ok(_) => {}
        Err(e) => cx.push(not_absolute.at(
            ent,
            at_attr(l, place),
            format!("{name} Location {} is not an absolute URL ({e})", q(t)),
        )),
    }
}
