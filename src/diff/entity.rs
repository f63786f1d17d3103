//! Comparing two versions of one entity.

use super::rules::*;
use super::{signing_differs, Change, Class, EntityDiff, EntityStatus};
use crate::finding::{Location, Rule};
use crate::flavor::Flavor;
use crate::model::{
    EntitiesDescriptor, EntityDescriptor, Extensions, Place, Role, RoleKind, SamlAttribute, Text,
    Timestamp,
};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

pub(super) struct Cx<'a> {
    pub at: DateTime<Utc>,
    pub known: Option<&'a HashSet<String>>,
}

pub(super) fn change(
    rule: &'static Rule,
    class: Class,
    entity: &str,
    message: String,
    action: impl Into<String>,
) -> Change {
    Change {
        code: super::rules::for_class(rule, class).code,
        class,
        entity: entity.to_string(),
        message,
        action: action.into(),
        old: None,
        new: None,
        old_location: None,
        new_location: None,
    }
}

impl Change {
    pub(super) fn values(mut self, old: Option<String>, new: Option<String>) -> Change {
        self.old = old;
        self.new = new;
        self
    }

    pub(super) fn places(mut self, old: Option<&Place>, new: Option<&Place>) -> Change {
        self.old_location = old.map(loc);
        self.new_location = new.map(loc);
        self
    }
}

fn loc(p: &Place) -> Location {
    Location::new(p.pos, p.path.clone())
}

/// Who is on the other side, in words the actions use.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Peer {
    /// The entity is Entra as IdP; the other side is AWS.
    EntraIdp,
    /// Any other IdP.
    Idp,
    /// AWS IAM Identity Center as SP; the other side is Entra.
    AwsIcSp,
    /// AWS IAM single-account SP.
    AwsIamSp,
    /// Any other SP.
    Sp,
}

impl Peer {
    fn of(e: &EntityDescriptor) -> Peer {
        match (&e.flavor, e.is_idp()) {
            (Flavor::Entra { .. }, _) => Peer::EntraIdp,
            (Flavor::AwsIdentityCenterSp { .. }, _) => Peer::AwsIcSp,
            (Flavor::AwsIamSp { .. }, _) => Peer::AwsIamSp,
            (Flavor::Adfs | Flavor::AwsIdentityCenterIdp { .. }, _) | (_, true) => Peer::Idp,
            _ if e.roles.iter().any(|r| r.kind.is_wsfed()) => Peer::Idp,
            _ => Peer::Sp,
        }
    }

    pub(super) fn is_idp(self) -> bool {
        matches!(self, Peer::EntraIdp | Peer::Idp)
    }

    /// Where the IdP's metadata must be refreshed on the other side.
    pub(super) fn reupload(self) -> &'static str {
        match self {
            Peer::EntraIdp => "re-upload the new Entra metadata in AWS (IAM Identity Center: Settings → Identity source → Actions → Manage authentication; IAM: `aws iam update-saml-provider --saml-metadata-document file://NEW`)",
            _ => "refresh this IdP's metadata at every SP that trusts it",
        }
    }

    /// Where the SP's settings live at the IdP.
    pub(super) fn sp_config(self) -> &'static str {
        match self {
            Peer::AwsIcSp => "the AWS IAM Identity Center enterprise app in Entra (Single sign-on → Basic SAML Configuration)",
            Peer::AwsIamSp => "the AWS Single-Account Access app in Entra (Single sign-on → Basic SAML Configuration)",
            _ => "the SP's configuration at the IdP (Entra: the enterprise app's Basic SAML Configuration)",
        }
    }

    pub(super) fn idp_name(self) -> &'static str {
        match self {
            Peer::EntraIdp => "Entra",
            _ => "the IdP",
        }
    }

    pub(super) fn import_cert(self) -> String {
        match self {
            Peer::EntraIdp => "import the new certificate in AWS before Entra activates it: IAM Identity Center trusts every imported IdP certificate, so add it now (Settings → Identity source → Actions → Manage authentication → add certificate) and delete the old one after the switch; for an IAM SAML provider run `aws iam update-saml-provider` with the new metadata".into(),
            _ => "add the new certificate at every SP that trusts this IdP before the IdP signs with it, keeping the old one until then".into(),
        }
    }

    /// The same, when the new key is (presumably) in use already.
    pub(super) fn import_cert_now(self) -> String {
        match self {
            Peer::EntraIdp => "import the new certificate in AWS now (IAM Identity Center: Settings → Identity source → Actions → Manage authentication → add certificate; IAM: `aws iam update-saml-provider` with the new metadata)".into(),
            _ => "add the new certificate now at every SP that trusts this IdP".into(),
        }
    }

    pub(super) fn delete_old_cert(self) -> &'static str {
        match self {
            Peer::EntraIdp => "delete it in AWS once Entra signs with the remaining certificate (IAM Identity Center: Manage authentication → delete the old certificate; IAM: `aws iam update-saml-provider` with the new metadata)",
            _ => "delete it at the SPs that trust this IdP once the IdP signs with the remaining certificate",
        }
    }
}

pub(super) fn short_fp(fp: &str) -> String {
    fp.chars().take(16).collect::<String>() + "…"
}

pub(super) fn added(n: &EntityDescriptor) -> EntityDiff {
    let id = n.entity_id().to_string();
    EntityDiff {
        changes: vec![change(
            &ENTITY_ADDED,
            Class::Harmless,
            &id,
            format!("entity {id} added ({})", n.flavor.label()),
            "nothing to do unless you want to federate with it",
        )
        .places(None, Some(&n.place))],
        entity_id: id,
        old_entity_id: None,
        status: EntityStatus::Added,
        flavor: n.flavor.label(),
        rollover: None,
    }
}

pub(super) fn removed(o: &EntityDescriptor) -> EntityDiff {
    let id = o.entity_id().to_string();
    EntityDiff {
        changes: vec![change(
            &ENTITY_REMOVED,
            Class::Breaking,
            &id,
            format!("entity {id} removed ({})", o.flavor.label()),
            "whoever federates with it loses it: remove the trust on the other side, or find out where it went",
        )
        .places(Some(&o.place), None)],
        entity_id: id,
        old_entity_id: None,
        status: EntityStatus::Removed,
        flavor: o.flavor.label(),
        rollover: None,
    }
}

pub(super) fn group_changes(
    o: &EntitiesDescriptor,
    n: &EntitiesDescriptor,
    cx: &Cx<'_>,
    out: &mut Vec<Change>,
) {
    let (on, nn) = (
        o.name.as_ref().map(|a| a.value.trim().to_string()),
        n.name.as_ref().map(|a| a.value.trim().to_string()),
    );
    if on != nn {
        out.push(
            change(
                &ROLE_CHANGED,
                Class::Harmless,
                "",
                "the EntitiesDescriptor Name changed".into(),
                "nothing to do unless a tool selects the aggregate by Name",
            )
            .values(on, nn)
            .places(Some(&o.place), Some(&n.place)),
        );
    }
    validity(
        "",
        "the document",
        (&o.valid_until, &o.cache_duration, &o.place),
        (&n.valid_until, &n.cache_duration, &n.place),
        cx,
        out,
    );
    extensions("", &o.extensions, &n.extensions, &o.place, &n.place, out);
}

/// Compares two versions of an entity; the bool says whether the signature or ID differ.
pub(super) fn compare(
    o: &EntityDescriptor,
    n: &EntityDescriptor,
    cx: &Cx<'_>,
) -> (EntityDiff, bool) {
    let id = n.entity_id().to_string();
    let peer = Peer::of(n);
    let mut out = Vec::new();
    let resigned = signing_differs(&o.id, &n.id, &o.signature, &n.signature);

    let old_entity_id = (o.entity_id() != n.entity_id()).then(|| o.entity_id().to_string());
    if let Some(old_id) = &old_entity_id {
        let action = if peer.is_idp() {
            format!(
                "update the IdP on the other side: {}; AWS rejects assertions whose Issuer is not the IdP's entityID (\"Issuer not present in specified provider\")",
                peer.reupload()
            )
        } else {
            format!(
                "update the Identifier (Entity ID) in {} to {}; Entra rejects requests whose Issuer is not one of the app's identifiers (AADSTS700016)",
                peer.sp_config(),
                n.entity_id()
            )
        };
        out.push(
            change(
                &ENTITY_ID_CHANGED,
                Class::Breaking,
                &id,
                format!("entityID changed from {old_id} to {}", n.entity_id()),
                action,
            )
            .values(Some(old_id.clone()), Some(n.entity_id().to_string()))
            .places(
                o.entity_id.as_ref().map(|_| &o.place),
                n.entity_id.as_ref().map(|_| &n.place),
            ),
        );
    }

    validity(
        &id,
        "the entity",
        (&o.valid_until, &o.cache_duration, &o.place),
        (&n.valid_until, &n.cache_duration, &n.place),
        cx,
        &mut out,
    );

    // Roles, paired by kind and occurrence.
    let pair_roles = |rs: &[Role]| -> Vec<(String, usize)> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        rs.iter()
            .enumerate()
            .map(|(i, r)| {
                let label = r.kind.label();
                let c = seen.entry(label.clone()).or_insert(0);
                *c += 1;
                let l = if *c > 1 {
                    format!("{label} #{c}")
                } else {
                    label
                };
                (l, i)
            })
            .collect()
    };
    let o_roles = pair_roles(&o.roles);
    let n_roles = pair_roles(&n.roles);
    let o_map: HashMap<&str, usize> = o_roles.iter().map(|(l, i)| (l.as_str(), *i)).collect();
    let n_map: HashMap<&str, usize> = n_roles.iter().map(|(l, i)| (l.as_str(), *i)).collect();
    for (label, ni) in &n_roles {
        let Some(nr) = n.roles.get(*ni) else { continue };
        match o_map.get(label.as_str()).and_then(|oi| o.roles.get(*oi)) {
            Some(or) => role_changes(&id, label, or, nr, peer, cx, &mut out),
            None => out.push(
                change(
                    &ROLE_ADDED,
                    Class::Harmless,
                    &id,
                    format!("{label} added"),
                    "nothing to do unless you use the new role",
                )
                .places(None, Some(&nr.place)),
            ),
        }
    }
    for (label, oi) in &o_roles {
        if n_map.contains_key(label.as_str()) {
            continue;
        }
        let Some(or) = o.roles.get(*oi) else { continue };
        let sso = matches!(or.kind, RoleKind::IdpSso | RoleKind::SpSso);
        out.push(
            change(
                &ROLE_REMOVED,
                if sso { Class::Breaking } else { Class::Action },
                &id,
                format!("{label} removed"),
                if sso {
                    "SAML single sign-on through this role stops: restore it or move the other side to another provider"
                } else {
                    "whoever used this role loses it; AWS does not use WS-Federation roles"
                },
            )
            .places(Some(&or.place), None),
        );
    }

    let rollover = super::cert::certificates(&id, o, n, peer, cx, &mut out);

    extensions(
        &id,
        &o.extensions,
        &n.extensions,
        &o.place,
        &n.place,
        &mut out,
    );
    organization_contacts(&id, o, n, &mut out);

    (
        EntityDiff {
            entity_id: id,
            old_entity_id,
            status: EntityStatus::Changed,
            flavor: n.flavor.label(),
            rollover,
            changes: out,
        },
        resigned,
    )
}

type Validity<'a> = (
    &'a Option<Timestamp>,
    &'a Option<crate::model::Duration>,
    &'a Place,
);

fn validity(
    id: &str,
    what: &str,
    o: Validity<'_>,
    n: Validity<'_>,
    cx: &Cx<'_>,
    out: &mut Vec<Change>,
) {
    let ov = o.0.as_ref().map(|t| t.raw.value.trim().to_string());
    let nv = n.0.as_ref().map(|t| t.raw.value.trim().to_string());
    let same_instant =
        matches!((o.0, n.0), (Some(a), Some(b)) if a.value.is_some() && a.value == b.value);
    if ov != nv && !same_instant {
        let expired = n.0.as_ref().and_then(|t| t.value).filter(|v| *v < cx.at);
        let (class, action) = match expired {
            Some(v) => (
                Class::Breaking,
                format!("the new metadata expired at {v}: consumers that honour validUntil refuse it; get a fresh copy signed by the publisher"),
            ),
            None => (Class::Harmless, "nothing to do".to_string()),
        };
        out.push(
            change(
                &VALIDITY_CHANGED,
                class,
                id,
                format!(
                    "validUntil of {what} changed from {} to {}",
                    ov.as_deref().unwrap_or("(none)"),
                    nv.as_deref().unwrap_or("(none)")
                ),
                action,
            )
            .values(ov, nv)
            .places(Some(o.2), Some(n.2)),
        );
    }
    let oc = o.1.as_ref().map(|d| d.raw.value.trim().to_string());
    let nc = n.1.as_ref().map(|d| d.raw.value.trim().to_string());
    if oc != nc {
        out.push(
            change(
                &VALIDITY_CHANGED,
                Class::Harmless,
                id,
                format!(
                    "cacheDuration of {what} changed from {} to {}",
                    oc.as_deref().unwrap_or("(none)"),
                    nc.as_deref().unwrap_or("(none)")
                ),
                "nothing to do: consumers refresh the metadata at the new interval",
            )
            .values(oc, nc)
            .places(Some(o.2), Some(n.2)),
        );
    }
}

pub(super) fn flag(a: &Option<crate::model::Attr>) -> Option<String> {
    a.as_ref().map(|a| a.value.trim().to_string())
}

pub(super) fn is_true(v: &Option<String>) -> bool {
    matches!(v.as_deref(), Some("true" | "1"))
}

fn role_changes(
    id: &str,
    label: &str,
    o: &Role,
    n: &Role,
    peer: Peer,
    cx: &Cx<'_>,
    out: &mut Vec<Change>,
) {
    // protocolSupportEnumeration.
    let op: HashSet<&str> = o.protocols.iter().map(String::as_str).collect();
    let np: HashSet<&str> = n.protocols.iter().map(String::as_str).collect();
    if op != np {
        let lost_saml2 = o.supports_saml2() && !n.supports_saml2();
        out.push(
            change(
                &ROLE_CHANGED,
                if lost_saml2 {
                    Class::Breaking
                } else {
                    Class::Harmless
                },
                id,
                format!("{label}: protocolSupportEnumeration changed"),
                if lost_saml2 {
                    "the role no longer supports SAML 2.0: AWS and Entra cannot use it"
                } else {
                    "nothing to do"
                },
            )
            .values(flag(&o.protocols_attr), flag(&n.protocols_attr))
            .places(Some(&o.place), Some(&n.place)),
        );
    }
    let flags: [(
        &str,
        &Option<crate::model::Attr>,
        &Option<crate::model::Attr>,
    ); 4] = [
        (
            "WantAssertionsSigned",
            &o.want_assertions_signed,
            &n.want_assertions_signed,
        ),
        (
            "AuthnRequestsSigned",
            &o.authn_requests_signed,
            &n.authn_requests_signed,
        ),
        (
            "WantAuthnRequestsSigned",
            &o.want_authn_requests_signed,
            &n.want_authn_requests_signed,
        ),
        ("errorURL", &o.error_url, &n.error_url),
    ];
    for (name, a, b) in flags {
        let (ov, nv) = (flag(a), flag(b));
        if ov == nv {
            continue;
        }
        let (class, action) = match name {
            "WantAssertionsSigned" if is_true(&nv) => (Class::Action, format!("make {} sign the assertion (Entra: Single sign-on → SAML Certificates → Signing option \"Sign SAML assertion\" or \"Sign SAML response and assertion\")", if peer.is_idp() { "the IdP" } else { "the IdP of this SP" })),
            "AuthnRequestsSigned" if is_true(&nv) => (Class::Action, "the SP now signs its requests: if the IdP should verify them, upload the SP's signing certificate there (Entra: Single sign-on → Verification certificates)".to_string()),
            "WantAuthnRequestsSigned" if is_true(&nv) => (Class::Breaking, "the IdP now wants signed requests: SPs that do not sign AuthnRequests (AWS IAM Identity Center does not) fail until they sign or the requirement is lifted".to_string()),
            "errorURL" => (Class::Harmless, "nothing to do".to_string()),
            _ => (Class::Harmless, "nothing to do: a requirement was relaxed".to_string()),
        };
        out.push(
            change(
                &ROLE_CHANGED,
                class,
                id,
                format!(
                    "{label}: {name} changed from {} to {}",
                    ov.as_deref().unwrap_or("(none)"),
                    nv.as_deref().unwrap_or("(none)")
                ),
                action,
            )
            .values(ov, nv)
            .places(Some(&o.place), Some(&n.place)),
        );
    }
    validity(
        id,
        label,
        (&o.valid_until, &o.cache_duration, &o.place),
        (&n.valid_until, &n.cache_duration, &n.place),
        cx,
        out,
    );
    super::endpoint::endpoints(id, label, o, n, peer, out);
    nameid_formats(id, label, o, n, peer, out);
    claims(id, label, o, n, out);
    attributes(id, label, o, n, out);
}

/// Distinct trimmed values, first occurrence first, with the element each comes from.
fn texts(v: &[Text]) -> Vec<(&str, &Text)> {
    let mut seen = HashSet::new();
    v.iter()
        .map(|t| (t.value.trim(), t))
        .filter(|(s, _)| seen.insert(*s))
        .collect()
}

fn nameid_formats(id: &str, label: &str, o: &Role, n: &Role, peer: Peer, out: &mut Vec<Change>) {
    let of = texts(&o.nameid_formats);
    let nf = texts(&n.nameid_formats);
    let (ofs, nfs): (HashSet<&str>, HashSet<&str>) = (
        of.iter().map(|(f, _)| *f).collect(),
        nf.iter().map(|(f, _)| *f).collect(),
    );
    let sp = n.kind == RoleKind::SpSso;
    for (f, t) in nf.iter().filter(|(f, _)| !ofs.contains(*f)) {
        let (class, action) = if sp {
            (Class::Action, format!("if the SP now requires it, set the NameID format in Entra (Attributes & Claims → Unique User Identifier) to {f}"))
        } else {
            (Class::Harmless, "nothing to do".to_string())
        };
        let place = Some(text_place(t));
        out.push(
            change(
                &NAMEID_ADDED,
                class,
                id,
                format!("{label}: NameIDFormat {f} added"),
                action,
            )
            .values(None, Some(f.to_string()))
            .places(None, place.as_ref()),
        );
    }
    for (f, t) in of.iter().filter(|(f, _)| !nfs.contains(*f)) {
        let action = if sp {
            format!("if {} is configured to send {f}, change the NameID format there to one the SP still lists", peer.sp_config())
        } else {
            format!("make sure the SP does not request {f} (AWS IAM Identity Center needs emailAddress)")
        };
        let place = Some(text_place(t));
        out.push(
            change(
                &NAMEID_REMOVED,
                Class::Action,
                id,
                format!("{label}: NameIDFormat {f} removed"),
                action,
            )
            .values(Some(f.to_string()), None)
            .places(place.as_ref(), None),
        );
    }
}

fn text_place(t: &Text) -> Place {
    Place {
        pos: t.pos,
        path: t.path.clone(),
        range: 0..0,
    }
}

fn claims(id: &str, label: &str, o: &Role, n: &Role, out: &mut Vec<Change>) {
    let oc: HashSet<&str> = o.claim_types.iter().map(|a| a.value.trim()).collect();
    let nc: HashSet<&str> = n.claim_types.iter().map(|a| a.value.trim()).collect();
    let mut seen = HashSet::new();
    for a in n
        .claim_types
        .iter()
        .filter(|a| !oc.contains(a.value.trim()))
    {
        if seen.insert(a.value.trim()) {
            out.push(
                change(
                    &CLAIMS_ADDED,
                    Class::Harmless,
                    id,
                    format!("{label}: claim type {} now offered", a.value.trim()),
                    "nothing to do",
                )
                .values(None, Some(a.value.trim().to_string()))
                .places(None, Some(&n.place)),
            );
        }
    }
    for a in o
        .claim_types
        .iter()
        .filter(|a| !nc.contains(a.value.trim()))
    {
        if seen.insert(a.value.trim()) {
            out.push(
                change(
                    &CLAIMS_REMOVED,
                    Class::Action,
                    id,
                    format!("{label}: claim type {} no longer offered", a.value.trim()),
                    "check that no claim rule or application relies on it",
                )
                .values(Some(a.value.trim().to_string()), None)
                .places(Some(&o.place), None),
            );
        }
    }
}

fn attr_list(r: &Role) -> Vec<(&SamlAttribute, bool)> {
    r.attributes
        .iter()
        .map(|a| (a, false))
        .chain(
            r.attribute_consuming_services
                .iter()
                .flat_map(|s| s.requested.iter().map(|a| (a, true))),
        )
        .collect()
}

fn attr_sig(a: &SamlAttribute) -> (Option<String>, Option<String>, Option<String>, Vec<&str>) {
    (
        flag(&a.name_format),
        flag(&a.friendly_name),
        flag(&a.is_required),
        a.values.iter().map(|v| v.value.trim()).collect(),
    )
}

fn attributes(id: &str, label: &str, o: &Role, n: &Role, out: &mut Vec<Change>) {
    let name = |a: &SamlAttribute| {
        a.name
            .as_ref()
            .map_or(String::new(), |x| x.value.trim().to_string())
    };
    let mut om: HashMap<(String, bool), &SamlAttribute> = HashMap::new();
    for (a, req) in attr_list(o) {
        om.entry((name(a), req)).or_insert(a);
    }
    let mut seen = HashSet::new();
    for (a, req) in attr_list(n) {
        let key = (name(a), req);
        if !seen.insert(key.clone()) {
            continue;
        }
        let kind = if req {
            "requested attribute"
        } else {
            "attribute"
        };
        match om.get(&key) {
            None => {
                let required = is_true(&flag(&a.is_required));
                let (class, action) = if req && required {
                    (Class::Action, format!("the SP requires it: add a claim named {} in Entra (Attributes & Claims)", key.0))
                } else if req {
                    (
                        Class::Harmless,
                        format!(
                            "optional: add a claim named {} in Entra if the SP should get it",
                            key.0
                        ),
                    )
                } else {
                    (Class::Harmless, "nothing to do".to_string())
                };
                out.push(
                    change(
                        &ATTRIBUTE_ADDED,
                        class,
                        id,
                        format!("{label}: {kind} {} added", key.0),
                        action,
                    )
                    .values(None, Some(key.0.clone()))
                    .places(None, Some(&a.place)),
                );
            }
            Some(oa) => {
                if attr_sig(oa) != attr_sig(a) {
                    out.push(
                        change(&ATTRIBUTE_CHANGED, Class::Action, id, format!("{label}: {kind} {} changed (format, friendly name, isRequired or values)", key.0), "align the claim on the other side with the new definition")
                            .places(Some(&oa.place), Some(&a.place)),
                    );
                }
            }
        }
    }
    let mut nm: HashSet<(String, bool)> = HashSet::new();
    for (a, req) in attr_list(n) {
        nm.insert((name(a), req));
    }
    let mut seen_old = HashSet::new();
    for (a, req) in attr_list(o) {
        let key = (name(a), req);
        if nm.contains(&key) || !seen_old.insert(key.clone()) {
            continue;
        }
        let (kind, class, action) = if req {
            (
                "requested attribute",
                Class::Harmless,
                format!(
                    "the SP no longer asks for it: the claim {} may be removed in Entra",
                    key.0
                ),
            )
        } else {
            (
                "attribute",
                Class::Action,
                "check that the SP does not rely on it".to_string(),
            )
        };
        out.push(
            change(
                &ATTRIBUTE_REMOVED,
                class,
                id,
                format!("{label}: {kind} {} removed", key.0),
                action,
            )
            .values(Some(key.0.clone()), None)
            .places(Some(&a.place), None),
        );
    }
}

fn extensions(
    id: &str,
    o: &Extensions,
    n: &Extensions,
    op: &Place,
    np: &Place,
    out: &mut Vec<Change>,
) {
    let dn = |x: &Extensions| -> Vec<(Option<String>, String)> {
        x.display_names
            .iter()
            .map(|(l, t)| (l.clone(), t.value.trim().to_string()))
            .collect()
    };
    let mut push = |class: Class, what: &str, old: String, new: String, action: &str| {
        out.push(
            change(
                &EXTENSIONS_CHANGED,
                class,
                id,
                format!("{what} changed"),
                action,
            )
            .values(Some(old), Some(new))
            .places(Some(op), Some(np)),
        );
    };
    let fmt_dn = |v: &[(Option<String>, String)]| {
        v.iter()
            .map(|(l, t)| match l {
                Some(l) => format!("{t} ({l})"),
                None => t.clone(),
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    if dn(o) != dn(n) {
        push(
            Class::Harmless,
            "display names (mdui:DisplayName)",
            fmt_dn(&dn(o)),
            fmt_dn(&dn(n)),
            "nothing to do",
        );
    }
    let reg = |x: &Extensions| {
        format!(
            "{} {}",
            flag(&x.registration_authority).unwrap_or_default(),
            flag(&x.registration_instant).unwrap_or_default()
        )
        .trim()
        .to_string()
    };
    if reg(o) != reg(n) {
        push(
            Class::Harmless,
            "registration info (mdrpi:RegistrationInfo)",
            reg(o),
            reg(n),
            "nothing to do",
        );
    }
    let ea = |x: &Extensions| {
        let mut v: Vec<String> = x
            .entity_attributes
            .iter()
            .map(|a| {
                let vals: Vec<&str> = a.values.iter().map(|t| t.value.trim()).collect();
                format!(
                    "{}={}",
                    a.name.as_ref().map_or("", |n| n.value.trim()),
                    vals.join(",")
                )
            })
            .collect();
        v.sort();
        v.join("; ")
    };
    if ea(o) != ea(n) {
        push(Class::Action, "entity attributes (mdattr:EntityAttributes)", ea(o), ea(n), "entity categories or assurance attributes changed: check attribute-release and access policies that rely on them");
    }
    let sc = |x: &Extensions| {
        let mut v: Vec<&str> = x.scopes.iter().map(|t| t.value.trim()).collect();
        v.sort_unstable();
        v.join(", ")
    };
    if sc(o) != sc(n) {
        push(Class::Action, "scopes (shibmd:Scope)", sc(o), sc(n), "SPs that check scoped attributes accept only the new scopes: make sure user values fit them");
    }
}

fn organization_contacts(
    id: &str,
    o: &EntityDescriptor,
    n: &EntityDescriptor,
    out: &mut Vec<Change>,
) {
    let org = |e: &EntityDescriptor| {
        e.organization.as_ref().map_or(String::new(), |g| {
            let j = |v: &[Text]| {
                v.iter()
                    .map(|t| t.value.trim())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!("{} / {} / {}", j(&g.names), j(&g.display_names), j(&g.urls))
        })
    };
    if org(o) != org(n) {
        out.push(
            change(
                &ORGANIZATION_CHANGED,
                Class::Harmless,
                id,
                "Organization changed".into(),
                "nothing to do",
            )
            .values(Some(org(o)), Some(org(n)))
            .places(
                o.organization.as_ref().map(|g| &g.place),
                n.organization.as_ref().map(|g| &g.place),
            ),
        );
    }
    let contacts = |e: &EntityDescriptor| {
        let mut v: Vec<String> = e
            .contacts
            .iter()
            .map(|c| {
                let t = |x: &Option<Text>| x.as_ref().map_or("", |t| t.value.trim()).to_string();
                let j = |v: &[Text]| {
                    v.iter()
                        .map(|t| t.value.trim())
                        .collect::<Vec<_>>()
                        .join(",")
                };
                format!(
                    "{}: {} {} {} <{}> {}",
                    flag(&c.contact_type).unwrap_or_default(),
                    t(&c.company),
                    t(&c.given_name),
                    t(&c.sur_name),
                    j(&c.emails),
                    j(&c.phones)
                )
            })
            .collect();
        v.sort();
        v.join("; ")
    };
    if contacts(o) != contacts(n) {
        out.push(
            change(
                &CONTACT_CHANGED,
                Class::Harmless,
                id,
                "contact persons changed".into(),
                "nothing to do (update your records of whom to call)",
            )
            .values(Some(contacts(o)), Some(contacts(n)))
            .places(
                o.contacts.first().map(|c| &c.place),
                n.contacts.first().map(|c| &c.place),
            ),
        );
    }
}
