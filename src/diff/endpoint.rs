//! Endpoints of a role: added, removed, moved (location or binding), index and isDefault.

use super::entity::{change, flag, Peer};
use super::rules::*;
use super::{Change, Class};
use crate::model::{Endpoint, EndpointKind, Role};
use std::collections::HashMap;

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

pub(super) type EpKey<'a> = (EndpointKind, &'a str, &'a str);

fn ep_key(e: &Endpoint) -> EpKey<'_> {
    (e.kind, e.binding().trim(), e.location().trim())
}

pub(super) fn endpoints(
    id: &str,
    label: &str,
    o: &Role,
    n: &Role,
    peer: Peer,
    out: &mut Vec<Change>,
) {
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
    let new_left: Vec<&Endpoint> = n
        .endpoints
        .iter()
        .zip(&new_used)
        .filter(|(_, u)| !**u)
        .map(|(e, _)| e)
        .collect();
    // Pair what is left: same kind, binding and index; or the same location with another
    // binding; or the only one of its kind and binding on both sides. Hash maps keep this
    // linear however many endpoints a role lists.
    let mut taken = vec![false; new_left.len()];
    let mut by_index: HashMap<(EndpointKind, &str, u32), Vec<usize>> = HashMap::new();
    let mut by_location: HashMap<(EndpointKind, &str), Vec<usize>> = HashMap::new();
    let mut by_binding: HashMap<(EndpointKind, &str), Vec<usize>> = HashMap::new();
    for (i, ne) in new_left.iter().enumerate().rev() {
        if let Some(ix) = ne.index() {
            by_index
                .entry((ne.kind, ne.binding(), ix))
                .or_default()
                .push(i);
        }
        by_location
            .entry((ne.kind, ne.location().trim()))
            .or_default()
            .push(i);
        by_binding
            .entry((ne.kind, ne.binding()))
            .or_default()
            .push(i);
    }
    let mut old_per_binding: HashMap<(EndpointKind, &str), usize> = HashMap::new();
    for e in &o.endpoints {
        *old_per_binding.entry((e.kind, e.binding())).or_default() += 1;
    }
    let mut new_per_binding: HashMap<(EndpointKind, &str), usize> = HashMap::new();
    for e in &n.endpoints {
        *new_per_binding.entry((e.kind, e.binding())).or_default() += 1;
    }
    let take = |stack: Option<&mut Vec<usize>>, taken: &mut Vec<bool>| -> Option<usize> {
        let stack = stack?;
        while let Some(i) = stack.pop() {
            if let Some(t) = taken.get_mut(i) {
                if !*t {
                    *t = true;
                    return Some(i);
                }
            }
        }
        None
    };
    let mut unpaired_old = Vec::new();
    for oe in old_left {
        let kb = (oe.kind, oe.binding());
        let mut hit = oe
            .index()
            .and_then(|ix| take(by_index.get_mut(&(oe.kind, oe.binding(), ix)), &mut taken));
        if hit.is_none() {
            hit = take(
                by_location.get_mut(&(oe.kind, oe.location().trim())),
                &mut taken,
            );
        }
        if hit.is_none()
            && old_per_binding.get(&kb) == Some(&1)
            && new_per_binding.get(&kb) == Some(&1)
        {
            hit = take(by_binding.get_mut(&kb), &mut taken);
        }
        match hit.and_then(|i| new_left.get(i)) {
            Some(ne) => endpoint_moved(id, label, oe, ne, peer, out),
            None => unpaired_old.push(oe),
        }
    }
    let new_left: Vec<&Endpoint> = new_left
        .into_iter()
        .zip(taken)
        .filter(|(_, t)| !*t)
        .map(|(e, _)| e)
        .collect();
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
