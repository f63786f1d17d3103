//! Certificates of an entity: added, removed, changed use, and the signing-key rollover.

use super::entity::{change, flag, is_true, short_fp, Cx, Peer};
use super::rules::*;
use super::{CertSummary, Change, Class, Rollover, RolloverState};
use crate::model::{Certificate, EntityDescriptor, KeyUse, Place, RoleKind};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

/// A certificate as seen in one version of an entity.
struct CertSeen<'a> {
    cert: &'a Certificate,
    fp: String,
    spki: Option<String>,
    sha1: Option<String>,
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
                        sha1: c.facts.as_ref().ok().map(|f| f.sha1_thumbprint.clone()),
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

pub(super) fn certificates(
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
    // A certificate is named by its SHA-256 fingerprint or its SHA-1 thumbprint (as Entra
    // shows it).
    let named = |c: &CertSeen<'_>| {
        known.contains(&c.fp) || c.sha1.as_ref().is_some_and(|t| known.contains(t))
    };
    let known_spki: HashSet<&str> = oc
        .iter()
        .chain(nc.iter())
        .filter(|c| named(c))
        .filter_map(|c| c.spki.as_deref())
        .collect();
    let held =
        |c: &CertSeen<'_>| named(c) || c.spki.as_deref().is_some_and(|s| known_spki.contains(s));
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
            if expired(c, cx.at) {
                (
                    Class::Harmless,
                    format!("{what}{st}; it has already expired"),
                    "nothing to import: an expired certificate cannot take over signing"
                        .to_string(),
                )
            } else {
                let class = if no_shared {
                    Class::Breaking
                } else {
                    Class::Action
                };
                let action = if first {
                    format!(
                        "it is listed first, so {} presumably signs with it already: {}",
                        peer.idp_name(),
                        peer.import_cert_now()
                    )
                } else if no_shared {
                    peer.import_cert_now()
                } else {
                    peer.import_cert()
                };
                (class, format!("{what}{st}"), action)
            }
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
                (Class::Breaking, format!("{what}{st}; it was {only}"), format!("sign-in fails as soon as {} signs with a certificate the SP does not hold: {}", peer.idp_name(), peer.import_cert_now()))
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
            out.push(
                change(
                    &CERT_ACTIVE_CHANGED,
                    // Which key signs is not in metadata (first listed is an inference): at
                    // most an action, even when the SP does not hold it.
                    Class::Action,
                    id,
                    format!("rollover: overlap: {} is now listed first, so {} presumably signs with it; the old key is still published", describe(first), peer.idp_name()),
                    format!("make sure the SP holds it: {}", peer.import_cert_now()),
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
                    peer.import_cert_now()
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
