//! Flavours: what kind of deployment an entity is, detected from its data.
//!
//! Facts and sources: `shared/reference/domain.md` (sections A2, B2, C1–C3). Detection
//! never rejects anything; rules read the flavour.
//!
//! ```
//! use samlcheck::Flavor;
//! let md = samlcheck::parse_metadata(
//!     std::fs::read("tests/fixtures/aws-ic-sp.xml")?,
//!     &samlcheck::Limits::default(),
//! )?;
//! let sp = &md.entities[0];
//! assert!(matches!(sp.flavor, Flavor::AwsIdentityCenterSp { .. }));
//! assert!(sp.flavor.is_aws());
//! println!("{}", sp.flavor.label());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::model::{EndpointKind, EntityDescriptor};
use serde::Serialize;

/// The AWS partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Partition {
    /// `aws`.
    Commercial,
    /// `aws-us-gov`.
    GovCloud,
    /// `aws-cn`.
    China,
}

/// The host form of an IAM Identity Center ACS URL (domain.md A2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AcsHostForm {
    /// `https://<region>.signin.aws/platform/saml/acs/...` (IPv4).
    Ipv4,
    /// `https://<region>.signin.aws.amazon.com/platform/saml/acs/...` (the legacy
    /// "alternative IPv4" form, primary Region of instances enabled before February 2026).
    Legacy,
    /// `https://<region>.sso.signin.aws/platform/saml/acs/...` (dual-stack).
    DualStack,
    /// `https://<region>.signin.amazonaws-us-gov.com/...` (GovCloud, unverified form).
    GovCloud,
}

impl AcsHostForm {
    /// A short label.
    pub fn label(self) -> &'static str {
        match self {
            AcsHostForm::Ipv4 => "IPv4 (signin.aws)",
            AcsHostForm::Legacy => "legacy (signin.aws.amazon.com)",
            AcsHostForm::DualStack => "dual-stack (sso.signin.aws)",
            AcsHostForm::GovCloud => "GovCloud (signin.amazonaws-us-gov.com)",
        }
    }
}

/// An Identity Center ACS URL, taken apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct IcAcs {
    /// The URL.
    pub url: String,
    /// Its Region.
    pub region: String,
    /// Its host form.
    pub form: AcsHostForm,
    /// The opaque tenant part after `/platform/saml/acs/`.
    pub tenant: String,
}

/// The Entra cloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum EntraCloud {
    /// `sts.windows.net` / `login.microsoftonline.com`.
    Global,
    /// `login.microsoftonline.us`.
    UsGov,
    /// `sts.chinacloudapi.cn` / `login.partner.microsoftonline.cn` / `login.chinacloudapi.cn`.
    China,
}

impl EntraCloud {
    /// A short label.
    pub fn label(self) -> &'static str {
        match self {
            EntraCloud::Global => "global",
            EntraCloud::UsGov => "US Government",
            EntraCloud::China => "China (21Vianet)",
        }
    }

    /// The cloud a host belongs to, if it is an Entra host.
    pub fn of_host(host: &str) -> Option<EntraCloud> {
        let h = host.to_ascii_lowercase();
        match h.as_str() {
            "sts.windows.net" | "login.microsoftonline.com" | "login.windows.net" => {
                Some(EntraCloud::Global)
            }
            "login.microsoftonline.us" | "sts.windows.us" | "login.windows.us" => {
                Some(EntraCloud::UsGov)
            }
            "sts.chinacloudapi.cn"
            | "login.partner.microsoftonline.cn"
            | "login.chinacloudapi.cn" => Some(EntraCloud::China),
            _ => None,
        }
    }
}

/// The tenant an Entra document speaks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "id")]
#[non_exhaustive]
pub enum EntraTenant {
    /// A tenant GUID (lowercase).
    Guid(String),
    /// The tenant-independent ("common") document: the literal `{tenantid}` placeholder.
    Placeholder,
    /// Something else in the tenant position.
    Other(String),
}

/// What kind of deployment an entity is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
#[non_exhaustive]
pub enum Flavor {
    /// AWS IAM Identity Center as a SAML service provider.
    AwsIdentityCenterSp {
        /// Region from the entityID.
        region: String,
        /// Identity store id from the entityID (`d-` + 10 hex, or a UUID, when well formed).
        identity_store_id: String,
        /// Every ACS URL that has the Identity Center shape.
        acs: Vec<IcAcs>,
    },
    /// AWS IAM Identity Center acting as an IdP for a customer-managed SAML application.
    AwsIdentityCenterIdp {
        /// Region from the entityID host.
        region: String,
    },
    /// AWS IAM single-account SAML (`urn:amazon:webservices`).
    AwsIamSp {
        /// The partition.
        partition: Partition,
    },
    /// Microsoft Entra ID.
    Entra {
        /// Which cloud.
        cloud: EntraCloud,
        /// Which tenant.
        tenant: EntraTenant,
    },
    /// Active Directory Federation Services.
    Adfs,
    /// Anything else.
    Generic,
}

impl Flavor {
    /// A one-line label.
    pub fn label(&self) -> String {
        match self {
            Flavor::AwsIdentityCenterSp {
                region,
                identity_store_id,
                ..
            } => {
                format!("AWS IAM Identity Center SP (region {region}, identity store {identity_store_id})")
            }
            Flavor::AwsIdentityCenterIdp { region } => {
                format!("AWS IAM Identity Center as IdP (region {region})")
            }
            Flavor::AwsIamSp { partition } => format!("AWS IAM single-account SP ({partition:?})"),
            Flavor::Entra { cloud, tenant } => match tenant {
                EntraTenant::Guid(g) => {
                    format!("Microsoft Entra ID ({} cloud, tenant {g})", cloud.label())
                }
                EntraTenant::Placeholder => format!(
                    "Microsoft Entra ID ({} cloud, tenant-independent document with {{tenantid}})",
                    cloud.label()
                ),
                EntraTenant::Other(t) => format!(
                    "Microsoft Entra ID ({} cloud, tenant \"{t}\")",
                    cloud.label()
                ),
            },
            Flavor::Adfs => "ADFS".into(),
            Flavor::Generic => "generic".into(),
        }
    }

    /// Whose terms advice about this IdP uses (Entra, ADFS, IAM Identity Center or generic).
    pub fn idp_vendor(&self) -> IdpVendor {
        match self {
            Flavor::Entra { .. } => IdpVendor::Entra,
            Flavor::Adfs => IdpVendor::Adfs,
            Flavor::AwsIdentityCenterIdp { .. } => IdpVendor::AwsIdentityCenter,
            _ => IdpVendor::Other,
        }
    }

    /// Whether this is one of the AWS flavours.
    pub fn is_aws(&self) -> bool {
        matches!(
            self,
            Flavor::AwsIdentityCenterSp { .. }
                | Flavor::AwsIdentityCenterIdp { .. }
                | Flavor::AwsIamSp { .. }
        )
    }
}

/// The product an IdP is, as far as advice is concerned: hints and notes name the places
/// to change something in that product's own terms, and generic wording otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IdpVendor {
    /// Microsoft Entra ID (Unique User Identifier, claims policies, AADSTS codes, PIM).
    Entra,
    /// AD FS (relying party trusts, claim issuance rules).
    Adfs,
    /// AWS IAM Identity Center acting as the IdP (customer managed SAML application).
    AwsIdentityCenter,
    /// Any other IdP (Okta, Google Workspace, Keycloak, Shibboleth, ...): generic wording.
    Other,
}

/// Splits `https://host/path` into lowercase host and path (no `url` parse needed here;
/// values that are not URLs yield `None`).
pub(crate) fn host_and_path(u: &str) -> Option<(String, String)> {
    let url = url::Url::parse(u.trim()).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    Some((host, url.path().to_string()))
}

/// Whether `s` looks like an AWS Region name (`us-east-1`, `us-gov-west-1`, `ap-northeast-3`).
pub fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let n = parts.len();
    if !(3..=4).contains(&n) {
        return false;
    }
    let ok_word = |w: &&str| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase());
    parts.first().is_some_and(|p| p.len() == 2 && ok_word(p))
        && parts.iter().skip(1).take(n - 2).all(ok_word)
        && parts
            .last()
            .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// Whether `s` is an identity store id: `d-` + 10 lowercase hex digits, or a UUID.
pub fn is_identity_store_id(s: &str) -> bool {
    if let Some(h) = s.strip_prefix("d-") {
        return h.len() == 10
            && h.chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
    }
    is_uuid(s)
}

/// Whether `s` is a UUID in the 8-4-4-4-12 form.
pub fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8usize, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The Region and host form of an Identity Center ACS or entityID host.
pub fn ic_host(host: &str) -> Option<(String, AcsHostForm)> {
    if let Some(r) = host.strip_suffix(".sso.signin.aws") {
        return is_region(r).then(|| (r.to_string(), AcsHostForm::DualStack));
    }
    if let Some(r) = host.strip_suffix(".signin.aws.amazon.com") {
        return is_region(r).then(|| (r.to_string(), AcsHostForm::Legacy));
    }
    if let Some(r) = host.strip_suffix(".signin.aws") {
        return is_region(r).then(|| (r.to_string(), AcsHostForm::Ipv4));
    }
    if let Some(r) = host.strip_suffix(".signin.amazonaws-us-gov.com") {
        return is_region(r).then(|| (r.to_string(), AcsHostForm::GovCloud));
    }
    None
}

/// Takes an Identity Center ACS URL apart.
pub fn ic_acs(url: &str) -> Option<IcAcs> {
    let (host, path) = host_and_path(url)?;
    let (region, form) = ic_host(&host)?;
    let tenant = path.strip_prefix("/platform/saml/acs/")?;
    Some(IcAcs {
        url: url.trim().to_string(),
        region,
        form,
        tenant: tenant.to_string(),
    })
}

/// The IAM SP partition for an entityID or ACS URL of AWS IAM single-account SAML.
pub fn iam_partition(id: &str) -> Option<Partition> {
    let id = id.trim();
    match id {
        "urn:amazon:webservices" => return Some(Partition::Commercial),
        "urn:amazon:webservices:govcloud" => return Some(Partition::GovCloud),
        _ => {}
    }
    if id.starts_with("urn:amazon:webservices:cn-") {
        return Some(Partition::China);
    }
    let (host, path) = host_and_path(id)?;
    if !(path == "/saml" || path.starts_with("/saml/") || path == "/static/saml") {
        return None;
    }
    if host == "signin.aws.amazon.com"
        || host
            .strip_suffix(".signin.aws.amazon.com")
            .is_some_and(is_region)
    {
        return Some(Partition::Commercial);
    }
    // GovCloud and China: the global host and the regional forms AWS documents
    // (`https://<region>.signin.amazonaws.cn/saml`, `https://<region>.signin.amazonaws-us-gov.com/saml`).
    if host == "signin.amazonaws-us-gov.com"
        || host
            .strip_suffix(".signin.amazonaws-us-gov.com")
            .is_some_and(|r| is_region(r) && r.starts_with("us-gov-"))
    {
        return Some(Partition::GovCloud);
    }
    if host == "signin.amazonaws.cn"
        || host
            .strip_suffix(".signin.amazonaws.cn")
            .is_some_and(|r| is_region(r) && r.starts_with("cn-"))
    {
        return Some(Partition::China);
    }
    None
}

/// Detects the flavour of an entity from its entityID and endpoints.
pub fn detect(e: &EntityDescriptor) -> Flavor {
    let id = e.entity_id().trim();
    let parsed = host_and_path(id);
    if e.is_sp() {
        if let Some((host, path)) = &parsed {
            if let (Some((region, _)), Some(store)) =
                (ic_host(host), path.strip_prefix("/platform/saml/"))
            {
                if !store.starts_with("acs/") && !store.is_empty() {
                    let acs = e
                        .sp_roles()
                        .flat_map(|r| r.endpoints_of(EndpointKind::AssertionConsumerService))
                        .filter_map(|ep| ic_acs(ep.location()))
                        .collect();
                    return Flavor::AwsIdentityCenterSp {
                        region,
                        identity_store_id: store.trim_end_matches('/').to_string(),
                        acs,
                    };
                }
            }
        }
        if let Some(partition) = iam_partition(id) {
            return Flavor::AwsIamSp { partition };
        }
    }
    if let Some((host, path)) = &parsed {
        if let Some(region) = host
            .strip_prefix("portal.sso.")
            .and_then(|h| h.strip_suffix(".amazonaws.com"))
            .filter(|r| is_region(r))
        {
            if path.starts_with("/saml/") {
                return Flavor::AwsIdentityCenterIdp {
                    region: region.to_string(),
                };
            }
        }
        if let Some(cloud) = EntraCloud::of_host(host) {
            let seg = path.trim_matches('/').split('/').next().unwrap_or("");
            let tenant = tenant_of(seg);
            return Flavor::Entra { cloud, tenant };
        }
        if path
            .to_ascii_lowercase()
            .starts_with("/adfs/services/trust")
        {
            return Flavor::Adfs;
        }
    }
    // An entityID that is not an Entra one, but endpoints on an Entra login host.
    let endpoints = e.roles.iter().flat_map(|r| r.endpoints.iter());
    for ep in endpoints {
        if let Some((host, path)) = host_and_path(ep.location()) {
            if path.to_ascii_lowercase().starts_with("/adfs/") {
                return Flavor::Adfs;
            }
            if let Some(cloud) = EntraCloud::of_host(&host) {
                if e.is_idp() {
                    let seg = path.trim_matches('/').split('/').next().unwrap_or("");
                    return Flavor::Entra {
                        cloud,
                        tenant: tenant_of(seg),
                    };
                }
            }
        }
    }
    Flavor::Generic
}

/// Interprets the tenant segment of an Entra URL.
pub fn tenant_of(seg: &str) -> EntraTenant {
    let decoded = seg
        .replace("%7B", "{")
        .replace("%7D", "}")
        .replace("%7b", "{")
        .replace("%7d", "}");
    if decoded.eq_ignore_ascii_case("{tenantid}") || decoded.eq_ignore_ascii_case("{tenant}") {
        EntraTenant::Placeholder
    } else if is_uuid(seg) {
        EntraTenant::Guid(seg.to_ascii_lowercase())
    } else {
        EntraTenant::Other(seg.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_and_ids() {
        for r in [
            "us-east-1",
            "ap-northeast-1",
            "us-gov-west-1",
            "eu-central-2",
        ] {
            assert!(is_region(r), "{r}");
        }
        for r in ["useast1", "us-east", "US-east-1", "us-east-1a", ""] {
            assert!(!is_region(r), "{r}");
        }
        assert!(is_identity_store_id("d-9567b34c60"));
        assert!(is_identity_store_id("12345678-90ab-cdef-1234-567890abcdef"));
        assert!(!is_identity_store_id("d-9567B34C60"));
        assert!(!is_identity_store_id("d-9567b34c6"));
    }

    #[test]
    fn acs_forms() {
        let a = ic_acs("https://eu-west-1.sso.signin.aws/platform/saml/acs/abc-123").unwrap();
        assert_eq!(
            (a.region.as_str(), a.form),
            ("eu-west-1", AcsHostForm::DualStack)
        );
        let a = ic_acs("https://eu-west-1.signin.aws/platform/saml/acs/abc").unwrap();
        assert_eq!(a.form, AcsHostForm::Ipv4);
        let a = ic_acs("https://eu-west-1.signin.aws.amazon.com/platform/saml/acs/abc").unwrap();
        assert_eq!(a.form, AcsHostForm::Legacy);
        assert!(ic_acs("https://example.com/platform/saml/acs/abc").is_none());
    }

    #[test]
    fn iam_partitions() {
        assert_eq!(
            iam_partition("urn:amazon:webservices"),
            Some(Partition::Commercial)
        );
        assert_eq!(
            iam_partition("urn:amazon:webservices:govcloud"),
            Some(Partition::GovCloud)
        );
        assert_eq!(
            iam_partition("urn:amazon:webservices:cn-north-1"),
            Some(Partition::China)
        );
        assert_eq!(
            iam_partition("https://signin.aws.amazon.com/saml"),
            Some(Partition::Commercial)
        );
        assert_eq!(
            iam_partition("https://us-west-2.signin.aws.amazon.com/saml"),
            Some(Partition::Commercial)
        );
        assert_eq!(iam_partition("https://example.com/saml"), None);
        assert_eq!(
            iam_partition("https://cn-north-1.signin.amazonaws.cn/saml"),
            Some(Partition::China)
        );
        assert_eq!(
            iam_partition("https://signin.amazonaws.cn/saml"),
            Some(Partition::China)
        );
        assert_eq!(
            iam_partition("https://us-gov-west-1.signin.amazonaws-us-gov.com/saml"),
            Some(Partition::GovCloud)
        );
        assert_eq!(
            iam_partition("https://signin.amazonaws-us-gov.com/saml"),
            Some(Partition::GovCloud)
        );
        assert_eq!(
            iam_partition("https://eu-west-1.signin.amazonaws.cn/saml"),
            None
        );
    }

    #[test]
    fn tenants() {
        assert_eq!(
            tenant_of("81C1DF79-0000-4000-8000-000000000000"),
            EntraTenant::Guid("81c1df79-0000-4000-8000-000000000000".into())
        );
        assert_eq!(tenant_of("{tenantid}"), EntraTenant::Placeholder);
        assert_eq!(tenant_of("common"), EntraTenant::Other("common".into()));
    }
}
