//! Building the model from the tree.

use super::*;
use crate::error::Error;
use crate::xml::{self, ns, XmlDoc};
use roxmltree::Node;

/// Options for building the model.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModelOptions {
    /// Parse every certificate with x509-parser (default true).
    pub parse_certificates: bool,
}

impl Default for ModelOptions {
    fn default() -> Self {
        ModelOptions {
            parse_certificates: true,
        }
    }
}

struct Ctx<'d, 'a> {
    doc: &'d XmlDoc<'a>,
    opts: &'d ModelOptions,
}

pub(super) fn build(
    doc: &XmlDoc<'_>,
    root: Node<'_, '_>,
    source: &crate::xml::SourceInfo,
    opts: &ModelOptions,
) -> Result<Metadata, Error> {
    let cx = Ctx { doc, opts };
    let mut md = Metadata {
        source: source.clone(),
        is_aggregate: false,
        groups: Vec::new(),
        entities: Vec::new(),
        ids: Vec::new(),
        split_values: Vec::new(),
    };
    let name = root.tag_name().name();
    let in_md = root.tag_name().namespace() == Some(ns::MD);
    let root_path = format!("/{name}");
    if in_md && name == "EntitiesDescriptor" {
        md.is_aggregate = true;
        group(&cx, root, None, root_path, &mut md);
    } else if in_md && name == "EntityDescriptor" {
        let e = entity(&cx, root, None, root_path);
        md.entities.push(e);
    } else {
        let pos = doc.node_pos(root);
        let what = match root.tag_name().namespace() {
            Some(u) if name.ends_with("EntityDescriptor") || name.ends_with("EntitiesDescriptor") => format!(
                "root element <{}> is in namespace \"{u}\", not SAML metadata ({})",
                xml::qname(root),
                ns::MD
            ),
            None if name.ends_with("EntityDescriptor") || name.ends_with("EntitiesDescriptor") => format!(
                "root element <{name}> has no namespace; SAML metadata elements are in {}",
                ns::MD
            ),
            _ => format!(
                "not SAML metadata: root element is <{}>, expected <md:EntityDescriptor> or <md:EntitiesDescriptor>",
                xml::qname(root)
            ),
        };
        return Err(Error::NotMetadata {
            what: what.into(),
            pos,
        });
    }
    scan_ids_and_splits(&cx, root, &mut md);
    Ok(md)
}

fn place(cx: &Ctx<'_, '_>, n: Node<'_, '_>, path: String) -> Place {
    Place {
        pos: cx.doc.node_pos(n),
        path,
        range: n.range(),
    }
}

fn attr(cx: &Ctx<'_, '_>, n: Node<'_, '_>, name: &str) -> Option<Attr> {
    n.attributes()
        .find(|a| a.name() == name && a.namespace().is_none())
        .map(|a| Attr {
            value: a.value().to_string(),
            pos: cx.doc.pos(a.range_value().start),
        })
}

/// The elements whose text the model reads as a value (through [`text`] or
/// [`xml::text_of`]), wherever they stand. The rewrite's formatter leaves their content
/// alone: the white space in them is part of a value, even when they also hold elements
/// (which the schema forbids but the model reads through).
const TEXT_VALUED: &[(&str, &str)] = &[
    (ns::MD, "NameIDFormat"),
    (ns::MD, "ServiceName"),
    (ns::MD, "OrganizationName"),
    (ns::MD, "OrganizationDisplayName"),
    (ns::MD, "OrganizationURL"),
    (ns::MD, "Company"),
    (ns::MD, "GivenName"),
    (ns::MD, "SurName"),
    (ns::MD, "EmailAddress"),
    (ns::MD, "TelephoneNumber"),
    (ns::SAML, "AttributeValue"),
    (ns::DS, "KeyName"),
    (ns::DS, "X509Certificate"),
    (ns::MDUI, "DisplayName"),
    (ns::SHIBMD, "Scope"),
    (ns::WSA, "Address"),
];

/// Whether `n` is an element whose text the model reads as a value (see [`TEXT_VALUED`]).
pub(crate) fn is_text_valued(n: Node<'_, '_>) -> bool {
    TEXT_VALUED.iter().any(|&(uri, name)| xml::is(n, uri, name))
}

fn text(cx: &Ctx<'_, '_>, n: Node<'_, '_>, path: String) -> Text {
    let (value, interrupted) = xml::text_of(n);
    Text {
        value,
        pos: cx.doc.node_pos(n),
        path,
        interrupted,
    }
}

fn timestamp(cx: &Ctx<'_, '_>, n: Node<'_, '_>) -> Option<Timestamp> {
    attr(cx, n, "validUntil").map(|raw| Timestamp {
        value: crate::time::parse_datetime(&raw.value),
        raw,
    })
}

fn duration(cx: &Ctx<'_, '_>, n: Node<'_, '_>) -> Option<Duration> {
    attr(cx, n, "cacheDuration").map(|raw| Duration {
        value: crate::time::parse_duration(&raw.value),
        raw,
    })
}

/// `parent_path` shortened to at most about [`xml::PATH_MAX`] bytes: past it the outer
/// segments become `/…`, so that a path costs the same at any depth of nested groups.
fn bounded(parent_path: &str) -> std::borrow::Cow<'_, str> {
    if parent_path.len() <= xml::PATH_MAX {
        return parent_path.into();
    }
    let from = parent_path.len().saturating_sub(xml::PATH_MAX / 2);
    let tail = parent_path
        .char_indices()
        .skip_while(|(i, _)| *i < from)
        .find(|(_, c)| *c == '/')
        .and_then(|(i, _)| parent_path.get(i..))
        .unwrap_or("");
    format!("/…{tail}").into()
}

/// Element children with their paths (`/parent/Local[n]`, the index only when repeated).
/// Names are counted in a map, so many distinct child names cost one step each.
fn kids<'a, 'i>(parent: Node<'a, 'i>, parent_path: &str) -> Vec<(Node<'a, 'i>, String)> {
    let elems: Vec<Node<'a, 'i>> = parent.children().filter(Node::is_element).collect();
    let parent_path = bounded(parent_path);
    let mut counts: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::with_capacity(elems.len());
    let mut idx = Vec::with_capacity(elems.len());
    for n in &elems {
        let c = counts.entry(n.tag_name().name()).or_insert(0);
        *c += 1;
        idx.push(*c);
    }
    elems
        .into_iter()
        .zip(idx)
        .map(|(n, idx)| {
            let name = n.tag_name().name();
            let total = counts.get(name).copied().unwrap_or(1);
            let path = if total > 1 {
                format!("{parent_path}/{name}[{idx}]")
            } else {
                format!("{parent_path}/{name}")
            };
            (n, path)
        })
        .collect()
}

fn signature(cx: &Ctx<'_, '_>, ks: &[(Node<'_, '_>, String)]) -> Option<SignaturePresence> {
    let (sig, p) = ks.iter().find(|(k, _)| xml::is(*k, ns::DS, "Signature"))?;
    let (sig, p) = (*sig, p.clone());
    let reference_uri = xml::child(sig, ns::DS, "SignedInfo")
        .and_then(|si| xml::child(si, ns::DS, "Reference"))
        .and_then(|r| r.attribute("URI"))
        .map(str::to_string);
    Some(SignaturePresence {
        place: place(cx, sig, p),
        reference_uri,
    })
}

fn group(
    cx: &Ctx<'_, '_>,
    n: Node<'_, '_>,
    parent: Option<usize>,
    path: String,
    md: &mut Metadata,
) {
    let idx = md.groups.len();
    let ks = kids(n, &path);
    let ext = ks
        .iter()
        .find(|(k, _)| xml::is(*k, ns::MD, "Extensions"))
        .map(|(k, p)| extensions(cx, *k, p))
        .unwrap_or_default();
    md.groups.push(EntitiesDescriptor {
        name: attr(cx, n, "Name"),
        id: attr(cx, n, "ID"),
        valid_until: timestamp(cx, n),
        cache_duration: duration(cx, n),
        signature: signature(cx, &ks),
        parent,
        extensions: ext,
        place: place(cx, n, path.clone()),
    });
    for (k, p) in ks {
        if xml::is(k, ns::MD, "EntitiesDescriptor") {
            group(cx, k, Some(idx), p, md);
        } else if xml::is(k, ns::MD, "EntityDescriptor") {
            let e = entity(cx, k, Some(idx), p);
            md.entities.push(e);
        }
    }
}

fn entity(
    cx: &Ctx<'_, '_>,
    n: Node<'_, '_>,
    group: Option<usize>,
    path: String,
) -> EntityDescriptor {
    let ks = kids(n, &path);
    let mut e = EntityDescriptor {
        entity_id: attr(cx, n, "entityID"),
        id: attr(cx, n, "ID"),
        valid_until: timestamp(cx, n),
        cache_duration: duration(cx, n),
        signature: signature(cx, &ks),
        group,
        roles: Vec::new(),
        affiliation: false,
        organization: None,
        contacts: Vec::new(),
        extensions: Extensions::default(),
        flavor: crate::flavor::Flavor::Generic,
        place: place(cx, n, path),
    };
    for (k, p) in ks {
        if k.tag_name().namespace() != Some(ns::MD) {
            continue;
        }
        match k.tag_name().name() {
            "Extensions" => e.extensions = extensions(cx, k, &p),
            "SPSSODescriptor" => e.roles.push(role(cx, k, RoleKind::SpSso, p)),
            "IDPSSODescriptor" => e.roles.push(role(cx, k, RoleKind::IdpSso, p)),
            "AttributeAuthorityDescriptor" => {
                e.roles.push(role(cx, k, RoleKind::AttributeAuthority, p))
            }
            "AuthnAuthorityDescriptor" => e.roles.push(role(cx, k, RoleKind::AuthnAuthority, p)),
            "PDPDescriptor" => e.roles.push(role(cx, k, RoleKind::Pdp, p)),
            "RoleDescriptor" => {
                let kind = role_descriptor_kind(k);
                e.roles.push(role(cx, k, kind, p));
            }
            "AffiliationDescriptor" => e.affiliation = true,
            "Organization" => e.organization = Some(organization(cx, k, p)),
            "ContactPerson" => e.contacts.push(contact(cx, k, p)),
            _ => {}
        }
    }
    e.flavor = crate::flavor::detect(&e);
    e
}

fn role_descriptor_kind(n: Node<'_, '_>) -> RoleKind {
    let Some(t) = n.attribute((ns::XSI, "type")) else {
        return RoleKind::Other("(no xsi:type)".into());
    };
    let (prefix, local) = match t.trim().split_once(':') {
        Some((p, l)) => (Some(p), l),
        None => (None, t.trim()),
    };
    let uri = n.lookup_namespace_uri(prefix).unwrap_or("");
    match (uri, local) {
        (ns::FED, "SecurityTokenServiceType") => RoleKind::WsFedSecurityTokenService,
        (ns::FED, "ApplicationServiceType") => RoleKind::WsFedApplicationService,
        _ => RoleKind::Other(format!("{{{uri}}}{local}")),
    }
}

fn endpoint_kind(n: Node<'_, '_>) -> Option<EndpointKind> {
    let local = n.tag_name().name();
    let nsu = n.tag_name().namespace()?;
    Some(match (nsu, local) {
        (ns::MD, "AssertionConsumerService") => EndpointKind::AssertionConsumerService,
        (ns::MD, "SingleSignOnService") => EndpointKind::SingleSignOnService,
        (ns::MD, "SingleLogoutService") => EndpointKind::SingleLogoutService,
        (ns::MD, "ArtifactResolutionService") => EndpointKind::ArtifactResolutionService,
        (ns::MD, "ManageNameIDService") => EndpointKind::ManageNameIdService,
        (ns::MD, "NameIDMappingService") => EndpointKind::NameIdMappingService,
        (ns::MD, "AssertionIDRequestService") => EndpointKind::AssertionIdRequestService,
        (ns::MD, "AttributeService") => EndpointKind::AttributeService,
        (ns::MD, "AuthnQueryService") => EndpointKind::AuthnQueryService,
        (ns::MD, "AuthzService") => EndpointKind::AuthzService,
        (ns::FED, "PassiveRequestorEndpoint") => EndpointKind::PassiveRequestorEndpoint,
        (ns::FED, "SecurityTokenServiceEndpoint") => EndpointKind::SecurityTokenServiceEndpoint,
        (ns::FED, "ApplicationServiceEndpoint") => EndpointKind::ApplicationServiceEndpoint,
        (ns::FED, "SingleSignOutNotificationEndpoint") => {
            EndpointKind::SingleSignOutNotificationEndpoint
        }
        ("urn:oasis:names:tc:SAML:profiles:SSO:idp-discovery-protocol", "DiscoveryResponse") => {
            EndpointKind::DiscoveryResponse
        }
        ("urn:oasis:names:tc:SAML:profiles:SSO:request-init", "RequestInitiator") => {
            EndpointKind::RequestInitiator
        }
        _ => return None,
    })
}

fn endpoint(cx: &Ctx<'_, '_>, n: Node<'_, '_>, kind: EndpointKind, path: String) -> Endpoint {
    let location = if kind.is_wsfed() {
        // <fed:X><wsa:EndpointReference><wsa:Address>URL</wsa:Address>...
        n.descendants()
            .find(|d| xml::is(*d, ns::WSA, "Address"))
            .map(|a| Attr {
                value: xml::text_of(a).0.trim().to_string(),
                pos: cx.doc.node_pos(a),
            })
    } else {
        attr(cx, n, "Location")
    };
    Endpoint {
        kind,
        binding: attr(cx, n, "Binding"),
        location,
        response_location: attr(cx, n, "ResponseLocation"),
        index: attr(cx, n, "index"),
        is_default: attr(cx, n, "isDefault"),
        place: place(cx, n, path),
    }
}

fn role(cx: &Ctx<'_, '_>, n: Node<'_, '_>, kind: RoleKind, path: String) -> Role {
    let protocols_attr = attr(cx, n, "protocolSupportEnumeration");
    let protocols = protocols_attr
        .as_ref()
        .map(|a| a.value.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    let mut r = Role {
        kind,
        protocols_attr,
        protocols,
        valid_until: timestamp(cx, n),
        cache_duration: duration(cx, n),
        error_url: attr(cx, n, "errorURL"),
        keys: Vec::new(),
        nameid_formats: Vec::new(),
        endpoints: Vec::new(),
        authn_requests_signed: attr(cx, n, "AuthnRequestsSigned"),
        want_assertions_signed: attr(cx, n, "WantAssertionsSigned"),
        want_authn_requests_signed: attr(cx, n, "WantAuthnRequestsSigned"),
        attribute_consuming_services: Vec::new(),
        attributes: Vec::new(),
        claim_types: Vec::new(),
        target_scopes: Vec::new(),
        extensions: Extensions::default(),
        place: place(cx, n, path.clone()),
    };
    for (k, p) in kids(n, &path) {
        if let Some(kind) = endpoint_kind(k) {
            r.endpoints.push(endpoint(cx, k, kind, p));
            continue;
        }
        let nsu = k.tag_name().namespace();
        match (nsu, k.tag_name().name()) {
            (Some(ns::MD), "KeyDescriptor") => r.keys.push(key_descriptor(cx, k, p)),
            (Some(ns::MD), "NameIDFormat") => r.nameid_formats.push(text(cx, k, p)),
            (Some(ns::MD), "Extensions") => {
                let ks = kids(k, &p);
                r.extensions = extensions_of(cx, &ks);
                for (d, dp) in ks {
                    if let Some(kind) = endpoint_kind(d) {
                        r.endpoints.push(endpoint(cx, d, kind, dp));
                    }
                }
            }
            (Some(ns::MD), "AttributeConsumingService") => {
                r.attribute_consuming_services.push(acs_service(cx, k, p))
            }
            (Some(ns::SAML), "Attribute") => r.attributes.push(saml_attribute(cx, k, p)),
            (Some(ns::FED), "ClaimTypesOffered") | (Some(ns::FED), "ClaimTypesRequested") => {
                for ct in k.children().filter(|c| xml::is(*c, ns::AUTH, "ClaimType")) {
                    if let Some(a) = attr(cx, ct, "Uri") {
                        r.claim_types.push(a);
                    }
                }
            }
            (Some(ns::FED), "TargetScopes") => {
                for (a, ap) in kids(k, &p)
                    .into_iter()
                    .flat_map(|(epr, ep)| kids(epr, &ep))
                    .filter(|(a, _)| xml::is(*a, ns::WSA, "Address"))
                {
                    r.target_scopes.push(text(cx, a, ap));
                }
            }
            _ => {}
        }
    }
    r
}

fn key_descriptor(cx: &Ctx<'_, '_>, n: Node<'_, '_>, path: String) -> KeyDescriptor {
    let use_attr = attr(cx, n, "use");
    let usage = match use_attr.as_ref().map(|a| a.value.trim()) {
        None => KeyUse::Both,
        Some("signing") => KeyUse::Signing,
        Some("encryption") => KeyUse::Encryption,
        Some(_) => KeyUse::Invalid,
    };
    let mut kd = KeyDescriptor {
        usage,
        use_attr,
        certificates: Vec::new(),
        key_names: Vec::new(),
        has_key_value: false,
        encryption_methods: Vec::new(),
        place: place(cx, n, path.clone()),
    };
    for (k, p) in kids(n, &path) {
        if xml::is(k, ns::DS, "KeyInfo") {
            for (ki, kp) in kids(k, &p) {
                if xml::is(ki, ns::DS, "X509Data") {
                    for (c, cp) in kids(ki, &kp) {
                        if xml::is(c, ns::DS, "X509Certificate") {
                            kd.certificates.push(certificate(cx, c, cp));
                        }
                    }
                } else if xml::is(ki, ns::DS, "KeyName") {
                    kd.key_names.push(text(cx, ki, kp));
                } else if xml::is(ki, ns::DS, "KeyValue")
                    || xml::is(ki, ns::DSIG11, "DEREncodedKeyValue")
                {
                    kd.has_key_value = true;
                }
            }
        } else if xml::is(k, ns::MD, "EncryptionMethod") {
            if let Some(a) = attr(cx, k, "Algorithm") {
                kd.encryption_methods.push(a);
            }
        }
    }
    kd
}

fn certificate(cx: &Ctx<'_, '_>, n: Node<'_, '_>, path: String) -> Certificate {
    let t = text(cx, n, path);
    let (der, facts) = if cx.opts.parse_certificates {
        match crate::x509::decode_base64(&t.value) {
            Ok(der) => {
                let f = crate::x509::facts_from_der(&der);
                (der, f)
            }
            Err(e) => (Vec::new(), Err(e)),
        }
    } else {
        (
            crate::x509::decode_base64(&t.value).unwrap_or_default(),
            Err(crate::x509::CertProblem::Der("not parsed".into())),
        )
    };
    Certificate {
        text: t,
        der,
        facts,
    }
}

fn acs_service(cx: &Ctx<'_, '_>, n: Node<'_, '_>, path: String) -> AttributeConsumingService {
    let mut s = AttributeConsumingService {
        index: attr(cx, n, "index"),
        is_default: attr(cx, n, "isDefault"),
        service_names: Vec::new(),
        requested: Vec::new(),
        place: place(cx, n, path.clone()),
    };
    for (k, p) in kids(n, &path) {
        if xml::is(k, ns::MD, "ServiceName") {
            s.service_names.push(text(cx, k, p));
        } else if xml::is(k, ns::MD, "RequestedAttribute") {
            s.requested.push(saml_attribute(cx, k, p));
        }
    }
    s
}

fn saml_attribute(cx: &Ctx<'_, '_>, n: Node<'_, '_>, path: String) -> SamlAttribute {
    let values = kids(n, &path)
        .into_iter()
        .filter(|(k, _)| xml::is(*k, ns::SAML, "AttributeValue"))
        .map(|(k, p)| text(cx, k, p))
        .collect();
    SamlAttribute {
        name: attr(cx, n, "Name"),
        name_format: attr(cx, n, "NameFormat"),
        friendly_name: attr(cx, n, "FriendlyName"),
        is_required: attr(cx, n, "isRequired"),
        values,
        place: place(cx, n, path),
    }
}

fn organization(cx: &Ctx<'_, '_>, n: Node<'_, '_>, path: String) -> Organization {
    let mut o = Organization {
        names: Vec::new(),
        display_names: Vec::new(),
        urls: Vec::new(),
        place: place(cx, n, path.clone()),
    };
    for (k, p) in kids(n, &path) {
        match (k.tag_name().namespace(), k.tag_name().name()) {
            (Some(ns::MD), "OrganizationName") => o.names.push(text(cx, k, p)),
            (Some(ns::MD), "OrganizationDisplayName") => o.display_names.push(text(cx, k, p)),
            (Some(ns::MD), "OrganizationURL") => o.urls.push(text(cx, k, p)),
            _ => {}
        }
    }
    o
}

fn contact(cx: &Ctx<'_, '_>, n: Node<'_, '_>, path: String) -> Contact {
    let mut c = Contact {
        contact_type: attr(cx, n, "contactType"),
        company: None,
        given_name: None,
        sur_name: None,
        emails: Vec::new(),
        phones: Vec::new(),
        place: place(cx, n, path.clone()),
    };
    for (k, p) in kids(n, &path) {
        match (k.tag_name().namespace(), k.tag_name().name()) {
            (Some(ns::MD), "Company") => c.company = Some(text(cx, k, p)),
            (Some(ns::MD), "GivenName") => c.given_name = Some(text(cx, k, p)),
            (Some(ns::MD), "SurName") => c.sur_name = Some(text(cx, k, p)),
            (Some(ns::MD), "EmailAddress") => c.emails.push(text(cx, k, p)),
            (Some(ns::MD), "TelephoneNumber") => c.phones.push(text(cx, k, p)),
            _ => {}
        }
    }
    c
}

fn extensions(cx: &Ctx<'_, '_>, n: Node<'_, '_>, path: &str) -> Extensions {
    extensions_of(cx, &kids(n, path))
}

/// [`extensions`] from the children of `md:Extensions`, already listed.
fn extensions_of(cx: &Ctx<'_, '_>, ks: &[(Node<'_, '_>, String)]) -> Extensions {
    let mut x = Extensions {
        present: true,
        ..Extensions::default()
    };
    for (k, p) in ks {
        let (k, p) = (*k, p.as_str());
        if xml::is(k, ns::MDUI, "UIInfo") {
            for (d, dp) in kids(k, p) {
                if xml::is(d, ns::MDUI, "DisplayName") {
                    let lang = d.attribute((ns::XML, "lang")).map(str::to_string);
                    x.display_names.push((lang, text(cx, d, dp)));
                }
            }
        } else if xml::is(k, ns::MDRPI, "RegistrationInfo") {
            x.registration_authority = attr(cx, k, "registrationAuthority");
            x.registration_instant = attr(cx, k, "registrationInstant");
        } else if xml::is(k, ns::MDATTR, "EntityAttributes") {
            for (a, ap) in kids(k, p) {
                if xml::is(a, ns::SAML, "Attribute") {
                    x.entity_attributes.push(saml_attribute(cx, a, ap));
                }
            }
        } else if xml::is(k, ns::SHIBMD, "Scope") {
            x.scopes.push(text(cx, k, p.to_string()));
        }
    }
    x
}

/// Collects every `ID` attribute and every value split by a comment or PI.
fn scan_ids_and_splits(cx: &Ctx<'_, '_>, root: Node<'_, '_>, md: &mut Metadata) {
    let mut paths = xml::PathCache::default();
    for n in root.descendants().filter(Node::is_element) {
        for a in n.attributes() {
            if a.namespace().is_none() && (a.name() == "ID") {
                md.ids.push(Attr {
                    value: a.value().to_string(),
                    pos: cx.doc.pos(a.range_value().start),
                });
            }
        }
        let mut text_before = false;
        let mut pending = false;
        for c in n.children() {
            match c.node_type() {
                roxmltree::NodeType::Text => {
                    let nonblank = c.text().is_some_and(|t| !t.trim().is_empty());
                    if nonblank && pending {
                        md.split_values.push(Place {
                            pos: cx.doc.node_pos(n),
                            path: paths.path(n),
                            range: n.range(),
                        });
                        break;
                    }
                    text_before |= nonblank;
                }
                roxmltree::NodeType::Comment | roxmltree::NodeType::PI if text_before => {
                    pending = true
                }
                roxmltree::NodeType::Element => {
                    text_before = false;
                    pending = false;
                }
                _ => {}
            }
        }
    }
}
