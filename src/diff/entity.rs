//! Comparing two versions of one entity.

use super::rules::*;
use super::{
    signing_differs, CertSummary, Change, Class, EntityDiff, EntityStatus, Rollover, RolloverState,
};
use crate::finding::{Location, Rule};
use crate::flavor::Flavor;
use crate::model::{
    Certificate, Endpoint, EndpointKind, EntitiesDescriptor, EntityDescriptor, Extensions, KeyUse,
    Place, Role, RoleKind, SamlAttribute, Text, Timestamp,
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
        code: rule.code,
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
    fn values(mut self, old: Option<String>, new: Option<String>) -> Change {
        self.old = old;
        self.new = new;
        self
    }

    fn places(mut self, old: Option<&Place>, new: Option<&Place>) -> Change {
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
enum Peer {
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

    fn is_idp(self) -> bool {
        matches!(self, Peer::EntraIdp | Peer::Idp)
    }

    /// Where the IdP's metadata must be refreshed on the other side.
    fn reupload(self) -> &'static str {
        match self {
            Peer::EntraIdp => "re-upload the new Entra metadata in AWS (IAM Identity Center: Settings → Identity source → Actions → Manage authentication; IAM: `aws iam update-saml-provider --saml-metadata-document file://NEW`)",
            _ => "refresh this IdP's metadata at every SP that trusts it",
        }
    }

    /// Where the SP's settings live at the IdP.
    fn sp_config(self) -> &'static str {
        match self {
            Peer::AwsIcSp => "the AWS IAM Identity Center enterprise app in Entra (Single sign-on → Basic SAML Configuration)",
            Peer::AwsIamSp => "the AWS Single-Account Access app in Entra (Single sign-on → Basic SAML Configuration)",
            _ => "the SP's configuration at the IdP (Entra: the enterprise app's Basic SAML Configuration)",
        }
    }

    fn idp_name(self) -> &'static str {
        match self {
            Peer::EntraIdp => "Entra",
            _ => "the IdP",
        }
    }

    fn import_cert(self) -> String {
        match self {
            Peer::EntraIdp => "import the new certificate in AWS before Entra activates it: IAM Identity Center trusts every imported IdP certificate, so add it now (Settings → Identity source → Actions → Manage authentication → add certificate) and delete the old one after the switch; for an IAM SAML provider run `aws iam update-saml-provider` with the new metadata".into(),
            _ => "add the new certificate at every SP that trusts this IdP before the IdP signs with it, keeping the old one until then".into(),
        }
    }

    fn delete_old_cert(self) -> &'static str {
        match self {
            Peer::EntraIdp => "delete it in AWS once Entra signs with the remaining certificate (IAM Identity Center: Manage authentication → delete the old certificate; IAM: `aws iam update-saml-provider` with the new metadata)",
            _ => "delete it at the SPs that trust this IdP once the IdP signs with the remaining certificate",
        }
    }
}

fn binding_short(b: &str) -> &str {
    b.rsplit(':').next().unwrap_or(b)
}

fn ep_desc(e: &Endpoint) -> String {
    let b = e.binding();
    if b.is_empty() {
        format!("{} {}", e.kind.name(), e.location().trim())
    } else {
        format!(
            "{} ({}) {}",
            e.kind.name(),
            binding_short(b),
            e.location().trim()
        )
    }
}

fn short_fp(fp: &str) -> String {
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

    let rollover = certificates(&id, o, n, peer, cx, &mut out);

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

fn flag(a: &Option<crate::model::Attr>) -> Option<String> {
    a.as_ref().map(|a| a.value.trim().to_string())
}

fn is_true(v: &Option<String>) -> bool {
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
    endpoints(id, label, o, n, peer, out);
    nameid_formats(id, label, o, n, peer, out);
    claims(id, label, o, n, out);
    attributes(id, label, o, n, out);
}

type EpKey<'a> = (EndpointKind, &'a str, &'a str);

fn ep_key(e: &Endpoint) -> EpKey<'_> {
    (e.kind, e.binding().trim(), e.location().trim())
}

fn endpoints(id: &str, label: &str, o: &Role, n: &Role, peer: Peer, out: &mut Vec<Change>) {
    let mut new_by_key: HashMap<EpKey<'_>, Vec<usize>> = HashMap::new();
    for (i, e) in n.endpoints.iter().enumerate().rev() {
        new_by_key.entry(ep_key(e)).or_default().push(i);
    }
    let mut new_used = vec![false; n.endpoints.len()];
    let mut old_left: Vec<&Endpoint> = Vec::new();
    for oe in &o.endpoints {
        let hit = new_by_key.get_mut(&ep_key(oe)).and_then(Vec::pop);
        match hit.and_then(|i| n.endpoints.get(i).map(|ne| (i, ne))) {
            Some((i, ne)) => {
                if let Some(u) = new_used.get_mut(i) {
                    *u = true;
                }
                endpoint_attrs(id, label, oe, ne, peer, out);
            }
            None => old_left.push(oe),
        }
    }
    let mut new_left: Vec<&Endpoint> = n
        .endpoints
        .iter()
        .zip(&new_used)
        .filter(|(_, u)| !**u)
        .map(|(e, _)| e)
        .collect();
    // Pair what is left: same kind and index, or the same location with another binding,
    // or the only one of its kind and binding on both sides.
    let mut unpaired_old = Vec::new();
    for oe in old_left {
        let pos = new_left
            .iter()
            .position(|ne| {
                ne.kind == oe.kind
                    && oe.index.is_some()
                    && ne.index() == oe.index()
                    && ne.binding() == oe.binding()
            })
            .or_else(|| {
                new_left.iter().position(|ne| {
                    ne.kind == oe.kind && ne.location().trim() == oe.location().trim()
                })
            })
            .or_else(|| {
                let same = |e: &&Endpoint| e.kind == oe.kind && e.binding() == oe.binding();
                let olds = o.endpoints.iter().filter(same).count();
                let news = n.endpoints.iter().filter(same).count();
                (olds == 1 && news == 1)
                    .then(|| new_left.iter().position(same))
                    .flatten()
            });
        match pos {
            Some(p) => {
                let ne = new_left.remove(p);
                endpoint_moved(id, label, oe, ne, peer, out);
            }
            None => unpaired_old.push(oe),
        }
    }
    for ne in new_left {
        let (class, action) = match ne.kind {
            EndpointKind::AssertionConsumerService => {
                let ic = crate::flavor::ic_acs(ne.location())
                    .map(|a| format!(" (IAM Identity Center ACS of Region {}, {} form: Entra needs it for sign-in through that Region)", a.region, a.form.label()))
                    .unwrap_or_default();
                (Class::Action, format!("add {} as a Reply URL in {}{ic}; until then Entra rejects requests that name it (AADSTS50011)", ne.location().trim(), peer.sp_config()))
            }
            k if k.is_wsfed() => (
                Class::Harmless,
                "nothing to do for SAML (AWS does not use WS-Federation)".to_string(),
            ),
            _ => (
                Class::Harmless,
                "nothing to do: the other side may keep using the endpoints it has".to_string(),
            ),
        };
        out.push(
            change(
                &ENDPOINT_ADDED,
                class,
                id,
                format!("{label}: {} added", ep_desc(ne)),
                action,
            )
            .values(None, Some(ne.location().trim().to_string()))
            .places(None, Some(&ne.place)),
        );
    }
    for oe in unpaired_old {
        let left_of_kind = n.endpoints.iter().filter(|e| e.kind == oe.kind).count();
        let (class, action) = match oe.kind {
            EndpointKind::AssertionConsumerService if left_of_kind == 0 => (Class::Breaking, "the SP has no AssertionConsumerService left: sign-in cannot complete".to_string()),
            EndpointKind::AssertionConsumerService if oe.is_default() => (Class::Action, format!("remove it from the Reply URLs in {} and mark another one Default; IdP-initiated sign-in posts to the Default Reply URL", peer.sp_config())),
            EndpointKind::AssertionConsumerService => (Class::Action, format!("remove it from the Reply URLs in {}", peer.sp_config())),
            EndpointKind::SingleSignOnService if left_of_kind == 0 => (Class::Breaking, "the IdP has no SingleSignOnService left: SP-initiated sign-in cannot start".to_string()),
            EndpointKind::SingleSignOnService => (Class::Action, format!("if the SP sends users to this URL, {}", peer.reupload())),
            k if k.is_wsfed() => (Class::Harmless, "nothing to do for SAML (AWS does not use WS-Federation)".to_string()),
            _ => (Class::Action, "stop using it on the other side".to_string()),
        };
        out.push(
            change(
                &ENDPOINT_REMOVED,
                class,
                id,
                format!("{label}: {} removed", ep_desc(oe)),
                action,
            )
            .values(Some(oe.location().trim().to_string()), None)
            .places(Some(&oe.place), None),
        );
    }
}

/// The same endpoint (kind, binding, location): index or isDefault may differ.
fn endpoint_attrs(
    id: &str,
    label: &str,
    o: &Endpoint,
    n: &Endpoint,
    peer: Peer,
    out: &mut Vec<Change>,
) {
    let (oi, ni) = (flag(&o.index), flag(&n.index));
    if oi != ni {
        out.push(
            change(
                &ENDPOINT_CHANGED,
                Class::Harmless,
                id,
                format!(
                    "{label}: index of {} changed from {} to {}",
                    ep_desc(n),
                    oi.as_deref().unwrap_or("(none)"),
                    ni.as_deref().unwrap_or("(none)")
                ),
                "nothing to do unless requests name the endpoint by index",
            )
            .values(oi, ni)
            .places(Some(&o.place), Some(&n.place)),
        );
    }
    if o.is_default() != n.is_default() {
        let action = if n.kind == EndpointKind::AssertionConsumerService && n.is_default() {
            format!(
                "mark {} as the Default Reply URL in {}: IdP-initiated sign-in posts there",
                n.location().trim(),
                peer.sp_config()
            )
        } else {
            "nothing to do".to_string()
        };
        let class = if action == "nothing to do" {
            Class::Harmless
        } else {
            Class::Action
        };
        out.push(
            change(
                &ENDPOINT_CHANGED,
                class,
                id,
                format!(
                    "{label}: isDefault of {} changed to {}",
                    ep_desc(n),
                    n.is_default()
                ),
                action,
            )
            .values(flag(&o.is_default), flag(&n.is_default))
            .places(Some(&o.place), Some(&n.place)),
        );
    }
}

/// An endpoint whose location or binding changed.
fn endpoint_moved(
    id: &str,
    label: &str,
    o: &Endpoint,
    n: &Endpoint,
    peer: Peer,
    out: &mut Vec<Change>,
) {
    let loc_changed = o.location().trim() != n.location().trim();
    let what = if loc_changed && o.binding() != n.binding() {
        "location and binding"
    } else if loc_changed {
        "location"
    } else {
        "binding"
    };
    let (class, action) = match n.kind {
        EndpointKind::AssertionConsumerService if loc_changed => (Class::Breaking, format!("replace the Reply URL {} with {} in {}; Entra rejects requests naming a URL it does not know (AADSTS50011)", o.location().trim(), n.location().trim(), peer.sp_config())),
        EndpointKind::AssertionConsumerService => (Class::Breaking, format!("the SP now expects responses with {}: Entra sends SAML responses with HTTP-POST only", binding_short(n.binding()))),
        EndpointKind::SingleSignOnService => (Class::Breaking, format!("the SP still sends users to the old {what}: {}", peer.reupload())),
        EndpointKind::SingleLogoutService => (Class::Action, format!("update the logout URL on the other side: {}", if peer.is_idp() { peer.reupload().to_string() } else { format!("Logout URL in {}", peer.sp_config()) })),
        k if k.is_wsfed() => (Class::Harmless, "nothing to do for SAML (AWS does not use WS-Federation)".to_string()),
        _ => (Class::Action, "update it on the other side".to_string()),
    };
    let (ov, nv) = if loc_changed {
        (
            o.location().trim().to_string(),
            n.location().trim().to_string(),
        )
    } else {
        (o.binding().to_string(), n.binding().to_string())
    };
    out.push(
        change(
            &ENDPOINT_CHANGED,
            class,
            id,
            format!(
                "{label}: {} {what} changed: {} → {}",
                n.kind.name(),
                ep_desc(o),
                ep_desc(n)
            ),
            action,
        )
        .values(Some(ov), Some(nv))
        .places(Some(&o.place), Some(&n.place)),
    );
    endpoint_attrs(id, label, o, n, peer, out);
}

fn texts(v: &[Text]) -> Vec<&str> {
    let mut seen = HashSet::new();
    v.iter()
        .map(|t| t.value.trim())
        .filter(|s| seen.insert(*s))
        .collect()
}

fn nameid_formats(id: &str, label: &str, o: &Role, n: &Role, peer: Peer, out: &mut Vec<Change>) {
    let of = texts(&o.nameid_formats);
    let nf = texts(&n.nameid_formats);
    let sp = n.kind == RoleKind::SpSso;
    for f in nf.iter().filter(|f| !of.contains(f)) {
        let (class, action) = if sp {
            (Class::Action, format!("if the SP now requires it, set the NameID format in Entra (Attributes & Claims → Unique User Identifier) to {f}"))
        } else {
            (Class::Harmless, "nothing to do".to_string())
        };
        let place = n
            .nameid_formats
            .iter()
            .find(|t| t.value.trim() == *f)
            .map(text_place);
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
    for f in of.iter().filter(|f| !nf.contains(f)) {
        let action = if sp {
            format!("if {} is configured to send {f}, change the NameID format there to one the SP still lists", peer.sp_config())
        } else {
            format!("make sure the SP does not request {f} (AWS IAM Identity Center needs emailAddress)")
        };
        let place = o
            .nameid_formats
            .iter()
            .find(|t| t.value.trim() == *f)
            .map(text_place);
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

/// A certificate as seen in one version of an entity.
struct CertSeen<'a> {
    cert: &'a Certificate,
    fp: String,
    spki: Option<String>,
    signing: bool,
    encryption: bool,
    roles: Vec<String>,
    /// In a role whose keys the rollover follows.
    primary: bool,
    place: Place,
}

fn fp_of(c: &Certificate) -> String {
    match &c.facts {
        Ok(f) => f.sha256_fingerprint.clone(),
        Err(_) if !c.der.is_empty() => {
            crate::x509::hex_upper(ring::digest::digest(&ring::digest::SHA256, &c.der).as_ref())
        }
        Err(_) => {
            let compact: String = c
                .text
                .value
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            crate::x509::hex_upper(
                ring::digest::digest(&ring::digest::SHA256, compact.as_bytes()).as_ref(),
            )
        }
    }
}

/// Certificates of an entity in first-seen order.
fn certs_of(e: &EntityDescriptor) -> Vec<CertSeen<'_>> {
    let primary_kind = if e.is_idp() {
        Some(RoleKind::IdpSso)
    } else if e.is_sp() {
        Some(RoleKind::SpSso)
    } else {
        None
    };
    let mut out: Vec<CertSeen<'_>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for r in &e.roles {
        let primary = primary_kind.as_ref().is_none_or(|k| *k == r.kind);
        for k in &r.keys {
            for c in &k.certificates {
                let fp = fp_of(c);
                let i = *index.entry(fp.clone()).or_insert_with(|| {
                    out.push(CertSeen {
                        cert: c,
                        fp: fp.clone(),
                        spki: c.facts.as_ref().ok().map(|f| f.spki_sha256.clone()),
                        signing: false,
                        encryption: false,
                        roles: Vec::new(),
                        primary: false,
                        place: k.place.clone(),
                    });
                    out.len() - 1
                });
                if let Some(s) = out.get_mut(i) {
                    s.signing |= k.usage.signing();
                    s.encryption |= k.usage.encryption() || k.usage == KeyUse::Invalid;
                    s.primary |= primary && k.usage.signing();
                    let label = r.kind.label();
                    if !s.roles.contains(&label) {
                        s.roles.push(label);
                    }
                }
            }
        }
    }
    out
}

fn usage(s: &CertSeen<'_>) -> &'static str {
    match (s.signing, s.encryption) {
        (true, true) => "signing+encryption",
        (true, false) => "signing",
        _ => "encryption",
    }
}

fn summary(s: &CertSeen<'_>) -> CertSummary {
    let f = s.cert.facts.as_ref().ok();
    CertSummary {
        sha256: s.fp.clone(),
        sha1: f.map(|f| f.sha1_thumbprint.clone()),
        usage: usage(s).to_string(),
        subject: f.map(|f| f.subject.clone()),
        not_before: f.map(|f| f.not_before),
        not_after: f.map(|f| f.not_after),
        roles: s.roles.clone(),
    }
}

fn describe(s: &CertSeen<'_>) -> String {
    let mut d = format!("SHA-256 {}", short_fp(&s.fp));
    if let Ok(f) = &s.cert.facts {
        d.push_str(&format!(
            ", subject {}, valid {} to {}",
            f.subject,
            f.not_before.format("%Y-%m-%d"),
            f.not_after.format("%Y-%m-%d")
        ));
    }
    d.push_str(&format!(", in {}", s.roles.join(", ")));
    d
}

fn expired(s: &CertSeen<'_>, at: DateTime<Utc>) -> bool {
    s.cert.facts.as_ref().is_ok_and(|f| f.not_after < at)
}

fn certificates(
    id: &str,
    o: &EntityDescriptor,
    n: &EntityDescriptor,
    peer: Peer,
    cx: &Cx<'_>,
    out: &mut Vec<Change>,
) -> Option<Rollover> {
    let oc = certs_of(o);
    let nc = certs_of(n);
    let om: HashMap<&str, &CertSeen<'_>> = oc.iter().map(|c| (c.fp.as_str(), c)).collect();
    let nm: HashMap<&str, &CertSeen<'_>> = nc.iter().map(|c| (c.fp.as_str(), c)).collect();

    let o_sign: Vec<&CertSeen<'_>> = oc.iter().filter(|c| c.primary).collect();
    let n_sign: Vec<&CertSeen<'_>> = nc.iter().filter(|c| c.primary).collect();
    let o_set: HashSet<&str> = o_sign.iter().map(|c| c.fp.as_str()).collect();
    let n_set: HashSet<&str> = n_sign.iter().map(|c| c.fp.as_str()).collect();
    let o_first = o_sign.first().map(|c| c.fp.as_str());
    let n_first = n_sign.first().map(|c| c.fp.as_str());
    let added_any = n_set.iter().any(|f| !o_set.contains(f));
    let removed_any = o_set.iter().any(|f| !n_set.contains(f));
    let shared_any = n_set.iter().any(|f| o_set.contains(f));
    let state = match (o_sign.is_empty(), n_sign.is_empty()) {
        (true, true) => None,
        (true, false) => Some(RolloverState::Introduced),
        (false, true) => Some(RolloverState::AllRemoved),
        (false, false) if !shared_any => Some(RolloverState::Replaced),
        _ if removed_any => Some(RolloverState::OldRemoved),
        _ if o_first != n_first => Some(RolloverState::Overlap),
        _ if added_any => Some(RolloverState::AddedNotYetUsed),
        _ => None,
    };

    // What the other side holds: the given certificates, or every signing key of OLD.
    let known: HashSet<String> = match cx.known {
        Some(k) => k.clone(),
        None => o_sign.iter().map(|c| c.fp.clone()).collect(),
    };
    let known_spki: HashSet<&str> = oc
        .iter()
        .chain(nc.iter())
        .filter(|c| known.contains(&c.fp))
        .filter_map(|c| c.spki.as_deref())
        .collect();
    let held = |c: &CertSeen<'_>| {
        known.contains(&c.fp) || c.spki.as_deref().is_some_and(|s| known_spki.contains(s))
    };
    let held_left = n_sign
        .iter()
        .filter(|c| held(c) && !expired(c, cx.at))
        .count();
    let idp = peer.is_idp();
    let signs_requests = n
        .sp_roles()
        .any(|r| is_true(&flag(&r.authn_requests_signed)));
    let no_shared = idp
        && !n_sign.is_empty()
        && !known.is_empty()
        && held_left == 0
        && (state.is_some() || cx.known.is_some());

    // Added.
    for c in nc.iter().filter(|c| !om.contains_key(c.fp.as_str())) {
        let what = format!("{} certificate added: {}", usage(c), describe(c));
        let (class, msg, action) = if c.primary && idp {
            let st = state.map_or(String::new(), |s| format!(" (rollover: {s})"));
            let first = n_first == Some(c.fp.as_str()) && o_first.is_some();
            let class = if no_shared {
                Class::Breaking
            } else {
                Class::Action
            };
            let action = if first {
                format!(
                    "it is listed first, so {} presumably signs with it already: {}",
                    peer.idp_name(),
                    peer.import_cert()
                )
            } else {
                peer.import_cert()
            };
            (class, format!("{what}{st}"), action)
        } else if c.signing && !idp {
            let class = if signs_requests {
                Class::Action
            } else {
                Class::Harmless
            };
            (class, what, "if the IdP verifies this SP's signed requests (Entra: Single sign-on → Verification certificates), upload the new certificate there".to_string())
        } else if c.encryption && !idp {
            (Class::Action, what, "if the IdP encrypts assertions for this SP (Entra: Token encryption), upload the new certificate there; AWS IAM Identity Center does not accept encrypted assertions".to_string())
        } else {
            (
                Class::Harmless,
                what,
                "nothing to do for SAML sign-in with AWS".to_string(),
            )
        };
        out.push(
            change(&CERT_ADDED, class, id, msg, action)
                .values(None, Some(c.fp.clone()))
                .places(None, Some(&c.place)),
        );
    }
    // Removed.
    for c in oc.iter().filter(|c| !nm.contains_key(c.fp.as_str())) {
        let what = format!("{} certificate removed: {}", usage(c), describe(c));
        let (class, msg, action) = if c.primary && idp {
            let st = state.map_or(String::new(), |s| format!(" (rollover: {s})"));
            if held(c) && held_left == 0 {
                let only = if known.len() == 1 {
                    "the only certificate the SP was given"
                } else {
                    "one of the certificates the SP holds, and none of them remains"
                };
                (Class::Breaking, format!("{what}{st}; it was {only}"), format!("sign-in fails as soon as {} signs with a certificate the SP does not hold: {}", peer.idp_name(), peer.import_cert()))
            } else if expired(c, cx.at) {
                (
                    Class::Harmless,
                    format!("{what}{st}; it had expired"),
                    format!("nothing breaks; {}", peer.delete_old_cert()),
                )
            } else {
                (
                    Class::Action,
                    format!("{what}{st}"),
                    peer.delete_old_cert().to_string(),
                )
            }
        } else if !idp && c.encryption {
            (Class::Action, what, "if the IdP encrypts assertions with this certificate (Entra: Token encryption), switch it to the remaining one".to_string())
        } else {
            (Class::Harmless, what, "nothing to do".to_string())
        };
        out.push(
            change(&CERT_REMOVED, class, id, msg, action)
                .values(Some(c.fp.clone()), None)
                .places(Some(&c.place), None),
        );
    }
    // Kept, with another use or other roles.
    for c in &nc {
        let Some(oc) = om.get(c.fp.as_str()) else {
            continue;
        };
        if usage(oc) != usage(c) || oc.roles != c.roles {
            let lost_signing = oc.primary && !c.primary && idp;
            out.push(
                change(
                    &CERT_CHANGED,
                    if lost_signing {
                        Class::Action
                    } else {
                        Class::Harmless
                    },
                    id,
                    format!(
                        "certificate SHA-256 {}: use {} → {}, roles {} → {}",
                        short_fp(&c.fp),
                        usage(oc),
                        usage(c),
                        oc.roles.join(", "),
                        c.roles.join(", ")
                    ),
                    if lost_signing {
                        peer.delete_old_cert().to_string()
                    } else {
                        "nothing to do".to_string()
                    },
                )
                .places(Some(&oc.place), Some(&c.place)),
            );
        }
    }
    // The first-listed signing key changed without a key being added (overlap).
    if idp && state == Some(RolloverState::Overlap) && !added_any {
        if let Some(first) = n_sign.first() {
            let unknown = cx.known.is_some() && !held(first);
            out.push(
                change(
                    &CERT_ACTIVE_CHANGED,
                    if unknown { Class::Breaking } else { Class::Action },
                    id,
                    format!("rollover: overlap: {} is now listed first, so {} presumably signs with it; the old key is still published", describe(first), peer.idp_name()),
                    format!("make sure the SP holds it: {}", peer.import_cert()),
                )
                .values(o_first.map(str::to_string), Some(first.fp.clone()))
                .places(o_sign.first().map(|c| &c.place), Some(&first.place)),
            );
        }
    }
    if no_shared {
        out.push(
            change(
                &CERT_NO_SHARED_KEY,
                Class::Breaking,
                id,
                format!(
                    "the new metadata shares no non-expired signing key with {}",
                    if cx.known.is_some() {
                        "the certificates the SP holds"
                    } else {
                        "the old metadata"
                    }
                ),
                format!(
                    "every signature made with the new key fails at the SP: {}",
                    peer.import_cert()
                ),
            )
            .places(None, n_sign.first().map(|c| &c.place)),
        );
    }
    state.map(|state| Rollover {
        state,
        old: o_sign.iter().map(|c| summary(c)).collect(),
        new: n_sign.iter().map(|c| summary(c)).collect(),
    })
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
