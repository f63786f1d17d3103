//! Checks of the claims policy that need no user: the token settings (`audienceOverride`,
//! `includeApplicationIdInIssuer`) against the AWS SP and the IdP metadata, and claim names
//! that equal an AWS attribute name only when case is ignored.

use super::app::EntraApp;
use super::claims::{ClaimsConfig, AWS_NS};
use super::rules::*;
use super::{at_json, IdpFacts, SpFacts, SpKind};
use crate::finding::{Finding, Rule, Severity};

// ---- The rules this module reports (the catalogue lists them in `rules.rs`) ----

pub(crate) static AUDIENCE_OVERRIDE: Rule = Rule {
    code: "claims.audience.override",
    severity: Severity::Error,
    summary: "The claims policy overrides the Audience with a value that is not the AWS entity ID, so AWS rejects the assertion",
    fix: "Clear audienceOverride (Advanced SAML claims options > Override audience claim) or set it to the AWS entity ID exactly",
    source: "Microsoft Graph: customClaimsPolicy resource type (audienceOverride) <https://learn.microsoft.com/en-us/graph/api/resources/customclaimspolicy>; Microsoft Entra: Customize SAML token claims (Advanced SAML claims options) <https://learn.microsoft.com/en-us/entra/identity-platform/saml-claims-customization>; AWS IAM User Guide: Configure SAML assertions for the authentication response <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html>; SAML 2.0 Profiles (OASIS), section 4.1.4.2 <https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf>",
};
pub(crate) static ISSUER_APPLICATION_ID: Rule = Rule {
    code: "claims.issuer.application_id",
    severity: Severity::Error,
    summary: "The claims policy appends the application ID to the Issuer, which then no longer equals the IdP entityID AWS was given",
    fix: "Clear includeApplicationIdInIssuer (Advanced SAML claims options > Append application ID to issuer), or add the application ID at the end of the entityID in the IdP metadata uploaded to AWS",
    source: "Microsoft Entra: Customize SAML token claims (Append application ID to issuer) <https://learn.microsoft.com/en-us/entra/identity-platform/saml-claims-customization>; Microsoft Entra tutorial: ADP (edit the entityID by adding the application ID) <https://learn.microsoft.com/en-us/entra/identity/saas-apps/adpfederatedsso-tutorial>; AWS IAM User Guide: Troubleshoot SAML 2.0 federation (Issuer not present in specified provider) <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_saml.html>; SAML 2.0 Profiles (OASIS), section 4.1.4.2 <https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf>",
};
pub(crate) static AWS_ATTRIBUTE_CASE: Rule = Rule {
    code: "claims.aws_attribute.case",
    severity: Severity::Error,
    summary: "A claim is named like an AWS IAM SAML attribute (Role, RoleSessionName, SessionDuration) but differs in case; AWS compares the name exactly and ignores the claim",
    fix: "Rename the claim to the exact case AWS documents, e.g. https://aws.amazon.com/SAML/Attributes/Role (in Entra: namespace https://aws.amazon.com/SAML/Attributes, name Role)",
    source: CL_A_IAM,
};
pub(crate) static AWS_ATTRIBUTE_CASE_UNCONFIRMED: Rule = Rule {
    code: "claims.aws_attribute.case_unconfirmed",
    severity: Severity::Warning,
    summary: "A claim is named like an AWS SAML attribute (PrincipalTag:, AccessControl:, SourceIdentity, TransitiveTagKeys) but differs in case; AWS documents the exact name but not that it compares case-sensitively (unconfirmed)",
    fix: "Rename the claim to the exact case AWS documents (https://aws.amazon.com/SAML/Attributes/PrincipalTag:<key>, .../AccessControl:<key>, .../SourceIdentity, .../TransitiveTagKeys)",
    source: "AWS IAM User Guide: Configure SAML assertions for the authentication response <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html>; AWS IAM Identity Center User Guide: Attributes for access control <https://docs.aws.amazon.com/singlesignon/latest/userguide/attributesforaccesscontrol.html>",
};

/// Whether the app export shows that the app has no signing key of its own. Microsoft
/// documents that both settings are ignored without a custom signing key; without a
/// service principal export this is not known, and an Enterprise application that signs
/// SAML tokens for AWS has its own certificate.
fn no_signing_key(app: Option<&EntraApp>) -> bool {
    app.is_some_and(|a| {
        a.has_service_principal
            && a.preferred_thumbprint.is_none()
            && !a.keys.iter().any(|k| {
                k.usage
                    .as_deref()
                    .is_some_and(|u| u.eq_ignore_ascii_case("sign"))
            })
    })
}

/// Whether `v` is an Audience the AWS SP accepts: its entity ID; for IAM also the other
/// identifiers AWS documents for the same partition (`https://signin.aws.amazon.com/saml`,
/// `urn:amazon:webservices`, the regional `/saml` hosts).
fn audience_ok(sp: &SpFacts, v: &str) -> bool {
    if v == sp.entity_id {
        return true;
    }
    match &sp.kind {
        SpKind::IamSingleAccount { partition } => matches!(
            SpKind::from_entity_id(v),
            SpKind::IamSingleAccount { partition: p } if &p == partition
        ),
        _ => false,
    }
}

/// Whether an Entra entityID is the tenant form `https://<sts host>/<tenant GUID>/` with
/// nothing after the GUID (so an Issuer with the application ID added cannot equal it).
fn plain_tenant_entity_id(e: &str) -> bool {
    let Ok(u) = url::Url::parse(e.trim()) else {
        return false;
    };
    let segs: Vec<&str> = u
        .path_segments()
        .map(|s| s.filter(|x| !x.is_empty()).collect())
        .unwrap_or_default();
    matches!(segs.as_slice(), [one] if is_guid(one)) && u.query().is_none()
}

fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    lens == [8, 4, 4, 4, 12]
        && parts
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The token settings: an overridden Audience and an Issuer with the application ID.
pub(crate) fn token_settings(
    sp: &SpFacts,
    idp: &IdpFacts,
    app: Option<&EntraApp>,
    c: &ClaimsConfig,
    out: &mut Vec<Finding>,
) {
    let aws = matches!(
        sp.kind,
        SpKind::IdentityCenter { .. } | SpKind::IamSingleAccount { .. }
    );
    if !aws || no_signing_key(app) {
        return;
    }
    let ent = Some(sp.entity_id.as_str());
    let f = c.file.as_str();
    if let Some(a) = &c.audience_override {
        if !audience_ok(sp, &a.value) {
            let expected = match sp.kind {
                SpKind::IamSingleAccount { .. } => format!(
                    "`{}` (or another identifier AWS documents for IAM, such as https://signin.aws.amazon.com/saml)",
                    sp.entity_id
                ),
                _ => format!("`{}`, the IAM Identity Center entity ID", sp.entity_id),
            };
            out.push(AUDIENCE_OVERRIDE.at(
                ent,
                Some(at_json(f, &a.path)),
                format!(
                    "the claims policy overrides the Audience with `{}` ({f}: {}); AWS expects {expected} and rejects the assertion",
                    a.value, a.path
                ),
            ));
        }
    }
    if let (Some(path), Some(e)) = (&c.application_id_in_issuer, idp.entity_id.as_deref()) {
        if plain_tenant_entity_id(e) {
            let what = match sp.kind {
                SpKind::IamSingleAccount { .. } => "IAM answers \"Issuer not present in specified provider\"",
                _ => "IAM Identity Center compares the Issuer with the IdP entityID it was given (its exact error is not documented)",
            };
            out.push(ISSUER_APPLICATION_ID.at(
                ent,
                Some(at_json(f, path)),
                format!(
                    "the claims policy appends the application ID to the Issuer ({f}: {path}), so the Issuer is no longer `{e}`, the entityID in the IdP metadata AWS was given; {what}"
                ),
            ));
        }
    }
}

/// AWS attribute names whose case AWS documents as significant ("The value of the Name
/// attribute in the Attribute tag is case-sensitive"), for IAM.
const EXACT_DOCUMENTED: [&str; 3] = ["Role", "RoleSessionName", "SessionDuration"];
/// AWS attribute names (IAM) documented without a case statement.
const EXACT_OTHER: [&str; 2] = ["SourceIdentity", "TransitiveTagKeys"];

/// Claims whose name equals an AWS attribute name only when case is ignored.
pub(crate) fn aws_attribute_names(sp: &SpFacts, c: &ClaimsConfig, out: &mut Vec<Finding>) {
    let (exact_err, exact_warn, prefixes): (&[&str], &[&str], &[&str]) = match sp.kind {
        SpKind::IamSingleAccount { .. } => (&EXACT_DOCUMENTED, &EXACT_OTHER, &["PrincipalTag:"]),
        SpKind::IdentityCenter { .. } => (&[], &[], &["AccessControl:"]),
        SpKind::Other => return,
    };
    let ent = Some(sp.entity_id.as_str());
    let f = c.file.as_str();
    let names: std::collections::HashSet<&str> = c.claims.iter().map(|x| x.name.as_str()).collect();
    for claim in &c.claims {
        let n = claim.name.as_str();
        let lower = n.to_lowercase();
        let exact = |list: &[&str]| {
            list.iter()
                .map(|x| format!("{AWS_NS}/{x}"))
                .find(|full| full.to_lowercase() == lower && full != n)
        };
        if let Some(full) = exact(exact_err) {
            // A claim with the exact name also exists: this one is ignored, nothing breaks.
            if !names.contains(full.as_str()) {
                out.push(AWS_ATTRIBUTE_CASE.at(
                    ent,
                    Some(at_json(f, &claim.path)),
                    format!("the claim `{n}` ({f}: {}) differs from `{full}` only in case; AWS compares the attribute name exactly, so it ignores this claim", claim.path),
                ));
            }
            continue;
        }
        let prefix = prefixes
            .iter()
            .map(|p| format!("{AWS_NS}/{p}"))
            .find(|full| lower.starts_with(&full.to_lowercase()) && !n.starts_with(full.as_str()));
        if let Some(full) = exact(exact_warn).or(prefix) {
            out.push(AWS_ATTRIBUTE_CASE_UNCONFIRMED.at(
                ent,
                Some(at_json(f, &claim.path)),
                format!("the claim `{n}` ({f}: {}) differs from `{full}` only in case; AWS documents the exact name, so it may ignore this claim (unconfirmed)", claim.path),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_entity_ids() {
        assert!(plain_tenant_entity_id(
            "https://sts.windows.net/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee/"
        ));
        assert!(plain_tenant_entity_id(
            "https://sts.windows.net/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
        ));
        // The application ID added at the end, as Microsoft's ADP tutorial says to.
        assert!(!plain_tenant_entity_id(
            "https://sts.windows.net/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee/11111111-2222-4333-8444-555555555555"
        ));
        assert!(!plain_tenant_entity_id(
            "http://adfs.contoso.com/adfs/services/trust"
        ));
        assert!(!plain_tenant_entity_id("not a url"));
    }
}
