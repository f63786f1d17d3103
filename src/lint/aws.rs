//! AWS IAM Identity Center and AWS IAM (`aws.*`).
//!
//! SP-side rules read the entity's [`Flavor`]. IdP-side rules apply to every IdP entity,
//! since any IdP's metadata may be uploaded to AWS: `warning` when AWS refuses such a file,
//! `info` when it only ignores a part of it.

use super::md::rule;
use super::{at_attr, at_place, eid, q, Cx};
use crate::finding::{Rule, Severity};
use crate::flavor::{self, AcsHostForm, Flavor};
use crate::model::{EndpointKind, EntityDescriptor, KeyUse};
use crate::xml::Encoding;

rule!(IC_SP_ENTITY_ID, "aws.ic.sp.entity_id", Error,
    "Identity Center SP entityID not of the form https://<region>.signin.aws.amazon.com/platform/saml/<identity store id>",
    "Download the SP metadata again from the Identity Center console (Settings > Identity source > Manage authentication) instead of editing it",
    "Microsoft Entra: Configure AWS IAM Identity Center for single sign-on <https://learn.microsoft.com/en-us/entra/identity/saas-apps/aws-single-sign-on-tutorial>; AWS Identity Store API Reference: DescribeUser (IdentityStoreId pattern) <https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_DescribeUser.html>");
rule!(IC_SP_ACS_SHAPE, "aws.ic.sp.acs.shape", Error,
    "Identity Center SP ACS not of the form https://<region>.signin.aws[.amazon.com]/platform/saml/acs/<tenant>",
    "Use the ACS URL exactly as the Identity Center console shows it",
    "AWS IAM Identity Center User Guide: Workforce access through an additional Region <https://docs.aws.amazon.com/singlesignon/latest/userguide/multi-region-workforce-access.html>; AWS IAM Identity Center User Guide: Troubleshooting IAM Identity Center issues <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>");
rule!(IC_SP_ACS_BINDING, "aws.ic.sp.acs.binding", Warning,
    "Identity Center SP ACS with a binding other than HTTP-POST",
    "Use Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\"; Identity Center receives responses only by POST",
    "SAML 2.0 Profiles (OASIS), section 4.1.3.5 <https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf>; Microsoft Entra: Single sign-on SAML protocol <https://learn.microsoft.com/en-us/entra/identity-platform/single-sign-on-saml-protocol>");
rule!(
    IC_SP_REGION,
    "aws.ic.sp.region",
    Error,
    "no Identity Center ACS in the Region of the entityID (the primary Region)",
    "Keep the primary Region's ACS URL; add other Regions' ACS URLs next to it",
    "AWS IAM Identity Center User Guide: Replicate IAM Identity Center to an additional Region <https://docs.aws.amazon.com/singlesignon/latest/userguide/replicate-to-additional-region.html>; AWS IAM Identity Center User Guide: Workforce access through an additional Region <https://docs.aws.amazon.com/singlesignon/latest/userguide/multi-region-workforce-access.html>"
);
rule!(IC_SP_ACS_REGIONS, "aws.ic.sp.acs.regions", Info,
    "Identity Center SP with ACS URLs in several Regions (multi-Region instance)",
    "Add every Region's ACS URL to the IdP's reply URLs; IdP-initiated sign-in needs one marked default",
    "AWS IAM Identity Center User Guide: Replicate IAM Identity Center to an additional Region <https://docs.aws.amazon.com/singlesignon/latest/userguide/replicate-to-additional-region.html>; AWS IAM Identity Center User Guide: How to connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/how-to-connect-idp.html>; Microsoft Entra: Redirect URI (reply URL) outline and restrictions <https://learn.microsoft.com/en-us/entra/identity-platform/reply-url>");
rule!(IC_SP_ACS_HOST_FORM, "aws.ic.sp.acs.host_form", Info,
    "which ACS host form(s) Identity Center SP metadata uses; the legacy signin.aws.amazon.com form must be kept by instances enabled before Feb 2026",
    "Keep every ACS URL the console lists in the IdP's reply URLs; do not drop the legacy form for an older instance",
    "AWS IAM Identity Center User Guide: Workforce access through an additional Region <https://docs.aws.amazon.com/singlesignon/latest/userguide/multi-region-workforce-access.html>; AWS IAM Identity Center User Guide: How to connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/how-to-connect-idp.html>");
rule!(IAM_SP_ACS, "aws.iam.sp.acs", Warning,
    "AWS IAM SP ACS is not an AWS sign-in SAML endpoint (https://[<region>.]signin.aws.amazon.com/saml and the partition equivalents)",
    "Use the ACS URLs of https://signin.aws.amazon.com/static/saml-metadata.xml (or its partition's copy: https://[<region>.]signin.amazonaws.cn/saml, https://[<region>.]signin.amazonaws-us-gov.com/saml)",
    "AWS General Reference: AWS Sign-In endpoints <https://docs.aws.amazon.com/general/latest/gr/signin-service.html>; AWS IAM User Guide: Configure SAML assertions for the authentication response <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html>; Amazon Web Services in China IAM User Guide: Configure SAML assertions for the authentication response <https://docs.amazonaws.cn/en_us/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html>");
rule!(IAM_SP_PARTITION, "aws.iam.sp.partition", Error,
    "AWS IAM SP entityID and ACS belong to different partitions (commercial, GovCloud, China)",
    "Use the entityID and ACS of one partition: urn:amazon:webservices with [<region>.]signin.aws.amazon.com, :govcloud with [<region>.]signin.amazonaws-us-gov.com, :cn-* with [<region>.]signin.amazonaws.cn",
    "AWS GovCloud (US) User Guide: AWS Identity and Access Management <https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/govcloud-iam.html>; Amazon Web Services in China IAM User Guide: Configure SAML assertions for the authentication response <https://docs.amazonaws.cn/en_us/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html>");
rule!(
    IC_IDP_NO_CERTIFICATE,
    "aws.ic.idp.no_certificate",
    Warning,
    "IdP role with signing keys but no usable X.509 certificate (IAM Identity Center needs one)",
    "Publish the IdP's signing certificate in KeyDescriptor/KeyInfo/X509Data/X509Certificate",
    "AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>"
);
rule!(IC_IDP_SSO_BINDING, "aws.ic.idp.sso_binding", Warning,
    "IdP SingleSignOnService offers neither HTTP-Redirect nor HTTP-POST: AWS cannot send an AuthnRequest to it (only relevant if uploaded there)",
    "Publish a SingleSignOnService with the HTTP-Redirect (and/or HTTP-POST) binding",
    "AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>; SAML 2.0 Metadata (OASIS), section 2.4.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>");
rule!(IC_IDP_ENCRYPTION_KEY, "aws.ic.idp.encryption_key", Warning,
    "IdP metadata with an encryption KeyDescriptor: IAM Identity Center's metadata requirements say \"An encryption key is not supported\" (only relevant if uploaded there; whether the upload is refused or the key ignored is unconfirmed)",
    "Upload a copy without the use=\"encryption\" KeyDescriptor if IAM Identity Center refuses the file",
    "AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>");
rule!(IC_IDP_TOO_LARGE, "aws.ic.idp.too_large", Warning,
    "IdP metadata longer than 75,000 characters: IAM Identity Center refuses it (only relevant if uploaded there)",
    "Upload a copy reduced to the one EntityDescriptor with its IDPSSODescriptor (samlcheck rewrite can drop the rest)",
    "AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>");
rule!(IC_IDP_CERT_YELLOW, "aws.ic.idp.cert_yellow", Info,
    "IdP signing certificate expires within 90 days: IAM Identity Center shows it yellow",
    "Plan the rollover: import the new certificate into Identity Center before the IdP starts signing with it",
    "AWS IAM Identity Center User Guide: Certificate expiration status indicators <https://docs.aws.amazon.com/singlesignon/latest/userguide/samlcertexpirationindicators.html>; AWS IAM Identity Center User Guide: Rotate a SAML 2.0 certificate <https://docs.aws.amazon.com/singlesignon/latest/userguide/rotatesamlcert.html>");
rule!(IAM_IDP_BOM, "aws.iam.idp.bom", Warning,
    "IdP metadata starts with a UTF-8 byte order mark: AWS IAM answers \"Could not parse metadata\" (only relevant if uploaded there)",
    "Strip the three bytes EF BB BF before uploading (samlcheck rewrite --strip-bom); Entra's app federation metadata URL serves them",
    "AWS IAM User Guide: Create a SAML identity provider in IAM <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml.html>; AWS IAM User Guide: Troubleshoot SAML federation with IAM <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_saml.html>; Microsoft Entra: Enable SAML single sign-on for an enterprise application <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/add-application-portal-setup-sso>");
rule!(IAM_IDP_ENCODING, "aws.iam.idp.encoding", Warning,
    "IdP metadata not in UTF-8 (UTF-16 or ISO-8859-1): AWS IAM needs UTF-8 (only relevant if uploaded there)",
    "Convert the file to UTF-8 and change the XML declaration to encoding=\"UTF-8\"",
    "AWS IAM User Guide: Create a SAML identity provider in IAM <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml.html>");
rule!(IAM_IDP_SIZE, "aws.iam.idp.size", Warning,
    "IdP metadata shorter than 1,000 or longer than 10,000,000 characters: AWS IAM refuses it (only relevant if uploaded there)",
    "Upload the IdP's complete metadata (not a fragment), or a copy reduced to its IdP entity",
    "AWS IAM API Reference: CreateSAMLProvider <https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateSAMLProvider.html>");
rule!(IAM_IDP_TOO_MANY_KEYS, "aws.iam.idp.too_many_keys", Warning,
    "IdP entity with more than 10 keys: an AWS IAM SAML provider holds at most 10 (only relevant if uploaded there)",
    "Remove retired keys from the copy you upload to IAM",
    "AWS IAM User Guide: IAM and AWS STS quotas <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>");

/// Rules about the file as a whole, when it is one IdP entity (what would be uploaded).
pub(super) fn document(cx: &mut Cx<'_>) {
    let md = cx.md;
    if md.is_aggregate {
        return;
    }
    let Some(e) = md.entities.first() else { return };
    if !e.is_idp() {
        return;
    }
    let ent = eid(e);
    let src = &md.source;
    let loc = at_place(&e.place);
    if src.char_len > 75_000 {
        cx.push(IC_IDP_TOO_LARGE.at(
            ent,
            loc.clone(),
            format!(
                "the IdP metadata file is {} characters long; IAM Identity Center accepts at most 75,000",
                src.char_len
            ),
        ));
    }
    if src.bom && src.encoding == Encoding::Utf8 {
        cx.push(IAM_IDP_BOM.at(
            ent,
            Some(crate::Location::new(
                crate::Pos::new(1, 1, 0),
                e.place.path.clone(),
            )),
            "the IdP metadata file starts with a UTF-8 byte order mark (EF BB BF)".to_string(),
        ));
    }
    if !matches!(src.encoding, Encoding::Utf8 | Encoding::Ascii) {
        cx.push(IAM_IDP_ENCODING.at(
            ent,
            Some(crate::Location::new(
                crate::Pos::new(1, 1, 0),
                e.place.path.clone(),
            )),
            format!(
                "the IdP metadata file is encoded in {}, not UTF-8",
                src.encoding.name()
            ),
        ));
    }
    if src.char_len < 1_000 || src.char_len > 10_000_000 {
        cx.push(IAM_IDP_SIZE.at(
            ent,
            loc,
            format!(
                "the IdP metadata file is {} characters long; AWS IAM accepts 1,000 to 10,000,000",
                src.char_len
            ),
        ));
    }
}

/// Rules about one entity.
pub(super) fn entity(cx: &mut Cx<'_>, e: &EntityDescriptor) {
    match &e.flavor {
        Flavor::AwsIdentityCenterSp {
            region,
            identity_store_id,
            acs,
        } => ic_sp(cx, e, region, identity_store_id, acs),
        Flavor::AwsIamSp { partition } => iam_sp(cx, e, *partition),
        _ => {}
    }
    if e.is_idp() {
        idp(cx, e);
    }
}

fn ic_sp(cx: &mut Cx<'_>, e: &EntityDescriptor, region: &str, store: &str, acs: &[flavor::IcAcs]) {
    let ent = eid(e);
    if let Some(id) = &e.entity_id {
        let v = id.value.as_str();
        let mut wrong: Vec<String> = Vec::new();
        if !flavor::is_identity_store_id(store) {
            wrong.push(format!(
                "identity store id {} is neither d- and 10 lowercase hex digits nor a UUID",
                q(store)
            ));
        }
        // The issuer host seen so far is <region>.signin.aws.amazon.com; whether newer
        // instances use another host form is not documented (domain.md G), so the host is
        // not judged here.
        if flavor::host_and_path(v).is_some_and(|(_, path)| path.ends_with('/')) {
            wrong.push("it ends with a slash".into());
        }
        if !v.starts_with("https://") {
            wrong.push("it does not start with https://".into());
        }
        if !wrong.is_empty() {
            cx.push(IC_SP_ENTITY_ID.at(
                ent,
                at_attr(id, &e.place),
                format!("Identity Center SP entityID {}: {}", q(v), wrong.join("; ")),
            ));
        }
    }
    let mut regions: Vec<&str> = Vec::new();
    let mut forms: Vec<(AcsHostForm, String)> = Vec::new();
    for r in e.sp_roles() {
        for ep in r.endpoints_of(EndpointKind::AssertionConsumerService) {
            let loc = ep.location();
            let Some(a) = flavor::ic_acs(loc) else {
                if !loc.is_empty() {
                    cx.push(IC_SP_ACS_SHAPE.at(
                        ent,
                        ep.location.as_ref().and_then(|l| at_attr(l, &ep.place)),
                        format!(
                            "ACS {} of the Identity Center SP is not an Identity Center ACS URL",
                            q(loc)
                        ),
                    ));
                }
                continue;
            };
            let tenant_ok = !a.tenant.is_empty()
                && a.tenant
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !tenant_ok {
                cx.push(IC_SP_ACS_SHAPE.at(
                    ent,
                    ep.location.as_ref().and_then(|l| at_attr(l, &ep.place)),
                    format!(
                        "ACS {} ends in {} where Identity Center has its ACS id (letters, digits and -)",
                        q(loc),
                        q(&a.tenant)
                    ),
                ));
            }
            let b = ep.binding();
            if !b.is_empty() && b != "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" {
                cx.push(IC_SP_ACS_BINDING.at(
                    ent,
                    ep.binding.as_ref().and_then(|l| at_attr(l, &ep.place)),
                    format!("ACS {} has Binding {}, not HTTP-POST", q(loc), q(b)),
                ));
            }
        }
    }
    for a in acs {
        if !regions.contains(&a.region.as_str()) {
            regions.push(&a.region);
        }
        forms.push((a.form, a.url.clone()));
    }
    if acs.is_empty() {
        return;
    }
    let loc = e
        .sp_roles()
        .flat_map(|r| r.endpoints_of(EndpointKind::AssertionConsumerService))
        .next()
        .map_or_else(|| at_place(&e.place), |ep| at_place(&ep.place));
    if !regions.contains(&region) {
        cx.push(IC_SP_REGION.at(
            ent,
            loc.clone(),
            format!(
                "the entityID names Region {region} but the ACS URLs are in {}",
                regions.join(", ")
            ),
        ));
    }
    if regions.len() > 1 {
        cx.push(IC_SP_ACS_REGIONS.at(
            ent,
            loc.clone(),
            format!(
                "ACS URLs in {} Regions ({}); primary Region {region}",
                regions.len(),
                regions.join(", ")
            ),
        ));
    }
    let list = forms
        .iter()
        .map(|(f, u)| format!("{} ({})", u, f.label()))
        .collect::<Vec<_>>()
        .join(", ");
    let legacy = forms.iter().any(|(f, _)| *f == AcsHostForm::Legacy);
    let msg = if legacy {
        format!(
            "ACS host forms in use: {list}; keep the legacy signin.aws.amazon.com ACS in the IdP: instances enabled before Feb 2026 need it for SP-initiated sign-in to the primary Region"
        )
    } else {
        format!("ACS host forms in use: {list}")
    };
    cx.push(IC_SP_ACS_HOST_FORM.at(ent, loc, msg));
}

fn iam_sp(cx: &mut Cx<'_>, e: &EntityDescriptor, partition: flavor::Partition) {
    let ent = eid(e);
    for r in e.sp_roles() {
        for ep in r.endpoints_of(EndpointKind::AssertionConsumerService) {
            let loc = ep.location();
            match flavor::iam_partition(loc) {
                None if !loc.starts_with("urn:") => cx.push(IAM_SP_ACS.at(
                    ent,
                    ep.location.as_ref().and_then(|l| at_attr(l, &ep.place)),
                    format!(
                        "ACS {} of the AWS IAM SP ({partition:?}) is not an AWS sign-in SAML endpoint",
                        q(loc)
                    ),
                )),
                Some(p) if p != partition => cx.push(IAM_SP_PARTITION.at(
                    ent,
                    ep.location.as_ref().and_then(|l| at_attr(l, &ep.place)),
                    format!(
                        "ACS {} is in the {p:?} partition but the entityID {} is {partition:?}",
                        q(loc),
                        q(e.entity_id())
                    ),
                )),
                _ => {}
            }
        }
    }
}

fn idp(cx: &mut Cx<'_>, e: &EntityDescriptor) {
    let ent = eid(e);
    let mut keys = 0usize;
    for r in e.idp_roles() {
        keys = keys.saturating_add(r.keys.len());
        let mut signing = r.signing_keys().peekable();
        if signing.peek().is_some()
            && !r
                .signing_keys()
                .flat_map(|k| k.certificates.iter())
                .any(|c| c.facts.is_ok())
        {
            cx.push(IC_IDP_NO_CERTIFICATE.at(
                ent,
                at_place(&r.place),
                format!(
                    "IDPSSODescriptor at {} has signing keys but no X.509 certificate that parses",
                    r.place.path
                ),
            ));
        }
        let mut sso = r.endpoints_of(EndpointKind::SingleSignOnService).peekable();
        if sso.peek().is_some()
            && !sso.any(|ep| {
                matches!(
                    ep.binding(),
                    "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
                        | "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
                )
            })
        {
            cx.push(IC_IDP_SSO_BINDING.at(
                ent,
                at_place(&r.place),
                format!(
                    "IDPSSODescriptor at {} has no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding",
                    r.place.path
                ),
            ));
        }
        for k in r.keys.iter().filter(|k| k.usage == KeyUse::Encryption) {
            cx.push(IC_IDP_ENCRYPTION_KEY.at(
                ent,
                at_place(&k.place),
                format!(
                    "IDPSSODescriptor has a KeyDescriptor use=\"encryption\" at {}; IAM Identity Center's metadata requirements say \"An encryption key is not supported\" (unconfirmed whether the upload is refused)",
                    k.place.path
                ),
            ));
        }
    }
    if keys > 10 {
        let loc = e
            .idp_roles()
            .next()
            .map_or_else(|| at_place(&e.place), |r| at_place(&r.place));
        cx.push(IAM_IDP_TOO_MANY_KEYS.at(
            ent,
            loc,
            format!("the IdP role lists {keys} KeyDescriptors; an AWS IAM SAML provider holds at most 10"),
        ));
    }
}
