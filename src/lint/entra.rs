//! Microsoft Entra ID federation metadata (`entra.*`).

use super::md::rule;
use super::x509::describe;
use super::{at_attr, at_place, day, eid, q, Cx};
use crate::finding::{Rule, Severity};
use crate::flavor::{self, EntraCloud, EntraTenant, Flavor};
use crate::model::{EntityDescriptor, RoleKind};
use crate::x509::CertFacts;

rule!(TENANT_MISMATCH, "entra.tenant.mismatch", Error,
    "tenant GUID of an SSO, SLO or WS-Federation endpoint differs from the entityID's",
    "Download the federation metadata of the one tenant again; a mixed file was edited or assembled by hand",
    "Microsoft Entra: Federation metadata <https://learn.microsoft.com/en-us/entra/identity-platform/federation-metadata>");
rule!(CLOUD_USGOV_ISSUER, "entra.cloud.usgov_endpoints_global_issuer", Warning,
    "entityID on the global host sts.windows.net with endpoints on the US Government cloud (login.microsoftonline.us): possibly genuine, Entra US Government tenants may keep the sts.windows.net issuer (unconfirmed)",
    "Check that the metadata comes from the tenant's own cloud (an Azure Government tenant downloads it from login.microsoftonline.us) and that the issuer in its SAML responses equals this entityID",
    "Microsoft Entra: National clouds <https://learn.microsoft.com/en-us/entra/identity-platform/authentication-national-cloud>; Microsoft Entra: Federation metadata <https://learn.microsoft.com/en-us/entra/identity-platform/federation-metadata>");
rule!(CLOUD_MISMATCH, "entra.cloud.mismatch", Error,
    "endpoint host belongs to another Entra cloud than the entityID host (global, US Government, China)",
    "Use the federation metadata of the tenant's own cloud (e.g. login.microsoftonline.com with sts.windows.net)",
    "Microsoft Entra: National clouds <https://learn.microsoft.com/en-us/entra/identity-platform/authentication-national-cloud>; Microsoft Entra: Federation metadata <https://learn.microsoft.com/en-us/entra/identity-platform/federation-metadata>");
rule!(TENANT_PLACEHOLDER, "entra.tenant.placeholder", Warning,
    "tenant-independent metadata (entityID https://sts.windows.net/{tenantid}/): no SP can match its issuer",
    "Download the tenant's own document: https://login.microsoftonline.com/<tenant>/FederationMetadata/2007-06/FederationMetadata.xml (or the app's ?appid= URL)",
    "Microsoft Entra: Federation metadata <https://learn.microsoft.com/en-us/entra/identity-platform/federation-metadata>");
rule!(ROLLOVER, "entra.signing.rollover", Info,
    "several signing certificates: a key rollover is under way",
    "Trust every listed certificate at the SP (Identity Center: import each; IAM: update-saml-provider) until the old one is gone",
    "Microsoft Entra: Federation metadata <https://learn.microsoft.com/en-us/entra/identity-platform/federation-metadata>; AWS IAM Identity Center User Guide: Rotate a SAML 2.0 certificate <https://docs.aws.amazon.com/singlesignon/latest/userguide/rotatesamlcert.html>");
rule!(UNSIGNED, "entra.unsigned", Warning,
    "Entra metadata without a signature: Microsoft always signs it, so this copy was edited",
    "Download the metadata again from Entra (or its federation metadata URL) and upload it unchanged",
    "Microsoft Entra: Federation metadata <https://learn.microsoft.com/en-us/entra/identity-platform/federation-metadata>");
rule!(
    CERTS_DIFFER,
    "entra.certs.differ",
    Warning,
    "IDPSSODescriptor and WS-Federation RoleDescriptor list different signing certificates",
    "Download the metadata again; Entra lists the same signing certificates in every role",
    "Microsoft Entra: Federation metadata <https://learn.microsoft.com/en-us/entra/identity-platform/federation-metadata>"
);

/// Rules about one entity of Entra flavour.
pub(super) fn entity(cx: &mut Cx<'_>, e: &EntityDescriptor) {
    let Flavor::Entra { cloud, tenant } = &e.flavor else {
        return;
    };
    let ent = eid(e);
    let id_loc = e
        .entity_id
        .as_ref()
        .and_then(|a| at_attr(a, &e.place))
        .or_else(|| at_place(&e.place));
    if *tenant == EntraTenant::Placeholder {
        cx.push(TENANT_PLACEHOLDER.at(
            ent,
            id_loc.clone(),
            format!(
                "entityID {} is the tenant-independent placeholder; responses carry the tenant's own issuer",
                q(e.entity_id())
            ),
        ));
    }
    // Endpoints and target scopes: tenant and cloud.
    let mut urls: Vec<(String, String, Option<crate::Location>)> = Vec::new();
    for r in &e.roles {
        for ep in &r.endpoints {
            if let Some(l) = &ep.location {
                urls.push((
                    l.value.clone(),
                    format!("{} of {}", ep.kind.name(), r.kind.label()),
                    at_attr(l, &ep.place),
                ));
            }
        }
        for t in &r.target_scopes {
            urls.push((
                t.value.trim().to_string(),
                format!("TargetScopes of {}", r.kind.label()),
                Some(crate::Location::new(t.pos, t.path.clone())),
            ));
        }
    }
    for (url, what, loc) in urls {
        let Some((host, path)) = flavor::host_and_path(&url) else {
            continue;
        };
        let Some(c) = EntraCloud::of_host(&host) else {
            continue;
        };
        let global_issuer = *cloud == EntraCloud::Global
            && flavor::host_and_path(e.entity_id()).is_some_and(|(h, _)| h == "sts.windows.net");
        if c != *cloud && c == EntraCloud::UsGov && global_issuer {
            cx.push(CLOUD_USGOV_ISSUER.at(
                ent,
                loc.clone(),
                format!(
                    "{what} {} is in the {} cloud but the entityID {} is on the global host sts.windows.net (possibly genuine for a US Government tenant, unconfirmed)",
                    q(&url),
                    c.label(),
                    q(e.entity_id())
                ),
            ));
        } else if c != *cloud {
            cx.push(CLOUD_MISMATCH.at(
                ent,
                loc.clone(),
                format!(
                    "{what} {} is in the {} cloud but the entityID {} is in the {} cloud",
                    q(&url),
                    c.label(),
                    q(e.entity_id()),
                    cloud.label()
                ),
            ));
        }
        if let EntraTenant::Guid(g) = tenant {
            let seg = path.trim_matches('/').split('/').next().unwrap_or("");
            let other = flavor::tenant_of(seg);
            let same = matches!(&other, EntraTenant::Guid(o) if o == g);
            if !same {
                let shown = match &other {
                    EntraTenant::Guid(o) => o.clone(),
                    EntraTenant::Placeholder => "{tenantid}".to_string(),
                    EntraTenant::Other(o) => o.clone(),
                };
                cx.push(TENANT_MISMATCH.at(
                    ent,
                    loc,
                    format!(
                        "{what} {} names tenant {} but the entityID names tenant {g}",
                        q(&url),
                        q(&shown)
                    ),
                ));
            }
        }
    }
    // Signing certificates of the IdP role(s) and of the WS-Federation roles.
    let mut idp: Vec<(&CertFacts, crate::Location)> = Vec::new();
    let mut wsfed: Vec<&str> = Vec::new();
    for r in &e.roles {
        for k in r.signing_keys() {
            for c in &k.certificates {
                let Ok(f) = &c.facts else { continue };
                if r.kind == RoleKind::IdpSso {
                    if !idp
                        .iter()
                        .any(|(x, _)| x.sha256_fingerprint == f.sha256_fingerprint)
                    {
                        idp.push((f, crate::Location::new(c.text.pos, c.text.path.clone())));
                    }
                } else if r.kind.is_wsfed() && !wsfed.contains(&f.sha256_fingerprint.as_str()) {
                    wsfed.push(&f.sha256_fingerprint);
                }
            }
        }
    }
    if idp.len() > 1 {
        let newest = idp.iter().max_by_key(|(f, _)| f.not_before);
        let first = idp.iter().min_by_key(|(f, _)| f.not_after);
        if let (Some((n, _)), Some((x, _))) = (newest, first) {
            let loc = idp.first().map(|(_, l)| l.clone());
            cx.push(ROLLOVER.at(
                ent,
                loc,
                format!(
                    "IDPSSODescriptor lists {} signing certificates; newest {} (from {}), first to expire {} (on {})",
                    idp.len(),
                    describe(n),
                    day(n.not_before),
                    describe(x),
                    day(x.not_after)
                ),
            ));
        }
    }
    if !idp.is_empty() && !wsfed.is_empty() {
        let only_idp: Vec<&str> = idp
            .iter()
            .map(|(f, _)| f.sha1_thumbprint.as_str())
            .filter(|t| {
                !idp.iter().any(|(f, _)| {
                    f.sha1_thumbprint == *t && wsfed.contains(&f.sha256_fingerprint.as_str())
                })
            })
            .collect();
        let only_wsfed = wsfed
            .iter()
            .filter(|w| !idp.iter().any(|(f, _)| f.sha256_fingerprint == **w))
            .count();
        if !only_idp.is_empty() || only_wsfed > 0 {
            cx.push(CERTS_DIFFER.at(
                ent,
                idp.first().map(|(_, l)| l.clone()),
                format!(
                    "IDPSSODescriptor and the WS-Federation RoleDescriptors list different signing certificates: {} only in IDPSSODescriptor ({}), {} only in RoleDescriptors",
                    only_idp.len(),
                    only_idp.join(", "),
                    only_wsfed
                ),
            ));
        }
    }
    if !signed(cx, e) {
        cx.push(UNSIGNED.at(
            ent,
            at_place(&e.place),
            format!(
                "Entra metadata for {} has no ds:Signature (neither on the EntityDescriptor nor on an enclosing EntitiesDescriptor)",
                q(e.entity_id())
            ),
        ));
    }
}

/// Whether the entity or any enclosing group has a signature child.
fn signed(cx: &Cx<'_>, e: &EntityDescriptor) -> bool {
    if e.signature.is_some() {
        return true;
    }
    let mut g = e.group;
    let mut steps = 0usize;
    while let Some(i) = g {
        let Some(grp) = cx.md.groups.get(i) else {
            return false;
        };
        if grp.signature.is_some() {
            return true;
        }
        g = grp.parent;
        steps += 1;
        if steps > cx.md.groups.len() {
            return false;
        }
    }
    false
}
