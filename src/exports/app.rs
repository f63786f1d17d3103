//! The Entra app export (`az ad sp show`, Graph servicePrincipal or application object)
//! and the checks that compare it with the AWS side.

use super::json::{Node, J};
use super::rules::*;
use super::{at_json, IdpFacts, Sourced, SpFacts, SpKind};
use crate::error::Error;
use crate::finding::{Finding, Rule, Severity};
use chrono::{DateTime, Utc};
use serde_json::Value;

// ---- The rules this module reports (the catalogue lists them in `rules.rs`) ----

pub(crate) static ENTITY_ID_NOT_IDENTIFIER: Rule = Rule {
    code: "pair.entity_id.not_identifier",
    severity: Severity::Error,
    summary: "The AWS entity ID is not one of the Entra app's Identifiers (AADSTS700016)",
    fix: "Set the Entra app's Identifier (Entity ID) to the AWS entity ID exactly; AWS sends it as the AuthnRequest Issuer and Entra answers AADSTS700016 when no app has it",
    source: E_DIAG,
};
pub(crate) static ACS_NOT_IN_REPLY_URLS: Rule = Rule {
    code: "pair.acs.not_in_reply_urls",
    severity: Severity::Error,
    summary: "An AWS ACS URL is not among the Entra app's Reply URLs, and (for IAM Identity Center) no ACS URL of the primary Region is (AADSTS50011)",
    fix: "Add the AWS ACS URL to the Entra app's Reply URLs exactly (Reply URLs are case-sensitive); otherwise Entra answers AADSTS50011",
    source: E_DIAG,
};
pub(crate) static ACS_LEGACY_MISSING: Rule = Rule {
    code: "pair.acs.legacy_missing",
    severity: Severity::Warning,
    summary: "The legacy <region>.signin.aws.amazon.com ACS URL of the primary Region is missing from the Reply URLs while another primary-Region ACS URL is there: SP-initiated sign-in through the legacy form gets AADSTS50011",
    fix: "Add the primary Region's <region>.signin.aws.amazon.com ACS URL to the Reply URLs if your instance (enabled before February 2026) uses it for SP-initiated sign-in",
    source: "AWS IAM Identity Center User Guide: Workforce access through an additional Region <https://docs.aws.amazon.com/singlesignon/latest/userguide/multi-region-workforce-access.html>; AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>",
};
pub(crate) static ACS_ALTERNATIVE_MISSING: Rule = Rule {
    code: "pair.acs.alternative_missing",
    severity: Severity::Warning,
    summary: "An alternative IAM Identity Center ACS URL (another host form, or another Region) is missing from the Reply URLs while a primary-Region ACS URL is there: only the sign-in path through it breaks (AADSTS50011)",
    fix: "Add the ACS URL to the Entra app's Reply URLs if users sign in through that host form or Region; AWS says ACS URLs you do not need may be left out of the IdP",
    source: "AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>; AWS IAM Identity Center User Guide: Workforce access through an additional Region <https://docs.aws.amazon.com/singlesignon/latest/userguide/multi-region-workforce-access.html>",
};
pub(crate) static ACS_NO_DEFAULT: Rule = Rule {
    code: "pair.acs.no_default",
    severity: Severity::Warning,
    summary: "Several Reply URLs but no valid default: IdP-initiated sign-in (My Apps) has nowhere to post",
    fix: "Mark one Reply URL as Default in the Entra app's Basic SAML Configuration (Graph: application.defaultRedirectUri)",
    source: E_RURL,
};
pub(crate) static REPLY_URL_INVALID: Rule = Rule {
    code: "pair.reply_url.invalid",
    severity: Severity::Warning,
    summary: "A Reply URL breaks Entra's rules (https, at most 256 characters, no wildcard for IdP-initiated)",
    fix: "Use an absolute https Reply URL of at most 256 characters, without wildcards",
    source: E_RURL,
};
pub(crate) static REPLY_URL_STALE: Rule = Rule {
    code: "pair.reply_url.stale",
    severity: Severity::Info,
    summary: "A Reply URL is an IAM Identity Center ACS URL that the SP metadata does not list",
    fix: "Remove Reply URLs left from an earlier instance or identity source, or check that the SP metadata is the current one (Download metadata file lists every Region's ACS URLs)",
    source: "AWS IAM Identity Center User Guide: Workforce access through an additional Region <https://docs.aws.amazon.com/singlesignon/latest/userguide/multi-region-workforce-access.html>; AWS IAM Identity Center User Guide: How to connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/how-to-connect-idp.html>",
};
pub(crate) static SIGNING_KEY_UNKNOWN: Rule = Rule {
    code: "pair.signing_key.thumbprint_unknown",
    severity: Severity::Error,
    summary: "Entra signs with a certificate that is not in the IdP metadata given to AWS",
    fix: "Upload the metadata that holds the active certificate to AWS, or make the certificate AWS has the active one in Entra (SAML Signing Certificate > Make certificate active)",
    source: "Microsoft Entra: Manage certificates for federated single sign-on <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/tutorial-manage-certificates-for-federated-single-sign-on>",
};
pub(crate) static SIGNING_KEY_NONE: Rule = Rule {
    code: "pair.signing_key.none_active",
    severity: Severity::Error,
    summary: "The Entra app has no active SAML signing certificate (AADSTS50003)",
    fix: "Create or activate a SAML signing certificate on the Entra app; without one Entra answers AADSTS50003",
    source: E_DIAG,
};
pub(crate) static KEY_EXPIRED_INACTIVE: Rule = Rule {
    code: "pair.key.expired_inactive",
    severity: Severity::Info,
    summary: "A key credential of the Entra app that is not the active signing key has expired (it signs nothing)",
    fix: "An expired inactive key does no harm; delete it to keep the app tidy",
    source: "Microsoft Entra: Manage certificates for federated single sign-on <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/tutorial-manage-certificates-for-federated-single-sign-on>",
};
pub(crate) static KEY_EXPIRED: Rule = Rule {
    code: "pair.key.expired",
    severity: Severity::Error,
    summary: "The Entra app's active signing key has expired",
    fix: "Create a new SAML signing certificate, upload the new metadata to AWS, then make it active in Entra",
    source: "Microsoft Entra: Manage certificates for federated single sign-on <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/tutorial-manage-certificates-for-federated-single-sign-on>",
};
pub(crate) static KEY_EXPIRING: Rule = Rule {
    code: "pair.key.expiring",
    severity: Severity::Warning,
    summary: "The active signing key of the Entra app expires within 60 days",
    fix: "Roll the certificate over now: create a new one, import it into AWS, then activate it in Entra",
    source: "Microsoft Entra: Manage certificates for federated single sign-on <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/tutorial-manage-certificates-for-federated-single-sign-on>",
};
pub(crate) static RELAY_STATE: Rule = Rule {
    code: "pair.relay_state.not_aws_https",
    severity: Severity::Warning,
    summary: "The relay state is not an https URL on an AWS host",
    fix: "Set the relay state to an https AWS console or access portal URL, or clear it",
    source: "Microsoft Graph: samlSingleSignOnSettings resource type <https://learn.microsoft.com/en-us/graph/api/resources/samlsinglesignonsettings>; Microsoft Entra: Configure AWS IAM Identity Center for single sign-on <https://learn.microsoft.com/en-us/entra/identity/saas-apps/aws-single-sign-on-tutorial>",
};
pub(crate) static LOGIN_URL: Rule = Rule {
    code: "pair.login_url.not_aws_https",
    severity: Severity::Warning,
    summary: "The Sign-on URL is not an https URL on an AWS host",
    fix: "Set the Sign-on URL to the AWS access portal URL (or clear it for IdP-initiated sign-in)",
    source: "Microsoft Entra: Configure AWS IAM Identity Center for single sign-on <https://learn.microsoft.com/en-us/entra/identity/saas-apps/aws-single-sign-on-tutorial>",
};
pub(crate) static TOKEN_ENCRYPTED_IC: Rule = Rule {
    code: "pair.token.encrypted",
    severity: Severity::Error,
    summary: "The Entra app encrypts its SAML tokens (tokenEncryptionKeyId is set), and IAM Identity Center offers no encryption key to decrypt them with",
    fix: "Turn off token encryption on the Entra app (Token encryption: deactivate the certificate); IAM Identity Center publishes no encryption certificate",
    source: "AWS IAM Identity Center User Guide: Using SAML and SCIM identity federation with external identity providers <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>; Microsoft Entra: Configure SAML token encryption <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/howto-saml-token-encryption>",
};
pub(crate) static TOKEN_RESPONSE_ONLY: Rule = Rule {
    code: "pair.token.response_only_signed",
    severity: Severity::Warning,
    summary: "Entra signs only the SAML response, but the SP metadata says WantAssertionsSigned=\"true\" (whether AWS then refuses the assertion is unconfirmed: AWS does not document it)",
    fix: "Set the Entra app's Signing Option to Sign SAML assertion or Sign SAML response and assertion",
    source: "SAML 2.0 Metadata (OASIS), section 2.4.4 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; Microsoft Entra: Advanced certificate signing options in a SAML token <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/certificate-signing-options>; Microsoft Graph: tokenIssuancePolicy resource type <https://learn.microsoft.com/en-us/graph/api/resources/tokenissuancepolicy>",
};
pub(crate) static TOKEN_SHA1: Rule = Rule {
    code: "pair.token.sha1",
    severity: Severity::Warning,
    summary: "Entra signs the SAML token with RSA-SHA1 (unconfirmed that AWS accepts it; AWS documents no signature algorithms)",
    fix: "Set the Entra app's Signing Algorithm to SHA-256",
    source: "Microsoft Entra: Advanced certificate signing options in a SAML token <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/certificate-signing-options>; Microsoft Graph: tokenIssuancePolicy resource type <https://learn.microsoft.com/en-us/graph/api/resources/tokenissuancepolicy>",
};

/// What the Entra app export says, from a service principal, an application object, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EntraApp {
    /// The file it was read from, as given.
    pub file: String,
    /// Whether a service principal object was read (reply URLs, signing key, relay state).
    pub has_service_principal: bool,
    /// Whether an application object was read (the only place the default Reply URL shows).
    pub has_application: bool,
    /// Identifiers: `servicePrincipalNames` and `identifierUris`.
    pub identifiers: Vec<Sourced>,
    /// Reply URLs: `replyUrls`, `web.redirectUris`, `web.redirectUriSettings[].uri`.
    pub reply_urls: Vec<Sourced>,
    /// The default Reply URL (`defaultRedirectUri` of the application object).
    pub default_reply_url: Option<Sourced>,
    /// `preferredTokenSigningKeyThumbprint`: the SHA-1 thumbprint of the active signing key.
    pub preferred_thumbprint: Option<Sourced>,
    /// `samlSingleSignOnSettings.relayState`.
    pub relay_state: Option<Sourced>,
    /// `loginUrl` (the Sign-on URL).
    pub login_url: Option<Sourced>,
    /// `keyCredentials`.
    pub keys: Vec<KeyCredential>,
    /// `appRoles` (for AWS IAM single-account apps the values are Role pairs).
    pub app_roles: Vec<AppRole>,
    /// `tokenEncryptionKeyId` (service principal or application): set when Entra encrypts
    /// the tokens it issues for this app.
    pub token_encryption_key_id: Option<Sourced>,
    /// The token issuance policy assigned to the service principal, when the export carries
    /// it (`tokenIssuancePolicies`, from `$expand=tokenIssuancePolicies`).
    pub token_issuance: Option<TokenIssuance>,
}

/// The SAML signing settings of a Graph `tokenIssuancePolicy` definition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenIssuance {
    /// `TokenResponseSigningPolicy`: `TokenOnly` (sign the assertion), `ResponseOnly`, or
    /// `ResponseAndToken`, with its path.
    pub signing_policy: Option<Sourced>,
    /// `SigningAlgorithm`: `http://www.w3.org/2001/04/xmldsig-more#rsa-sha256` or
    /// `http://www.w3.org/2000/09/xmldsig#rsa-sha1`, with its path.
    pub signing_algorithm: Option<Sourced>,
}

/// One entry of `keyCredentials`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyCredential {
    /// `keyId`.
    pub key_id: Option<String>,
    /// `displayName` (for SAML certificates `CN=Microsoft Azure Federated SSO Certificate`).
    pub display_name: Option<String>,
    /// `usage`: `Sign` or `Verify`.
    pub usage: Option<String>,
    /// SHA-1 thumbprint in upper-case hex, from `customKeyIdentifier` when it holds one.
    pub thumbprint: Option<String>,
    /// `endDateTime` (or `endDate` in older exports).
    pub end: Option<DateTime<Utc>>,
    /// The JSON path of the entry.
    pub path: String,
}

/// One entry of `appRoles`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppRole {
    /// `value`: for AWS single-account apps `roleARN,providerARN`.
    pub value: Option<String>,
    /// `displayName`.
    pub display_name: Option<String>,
    /// `isEnabled` (true when absent).
    pub enabled: bool,
    /// The JSON path of the entry.
    pub path: String,
}

impl EntraApp {
    /// Reads an Entra app export from JSON text; `file` names it in messages and findings.
    ///
    /// Accepts a service principal or application object, a Graph collection holding one
    /// (`{"value": [...]}`), or an array of both objects.
    pub fn from_json(text: &str, file: &str) -> Result<EntraApp, Error> {
        let v = super::json::parse(text.as_bytes(), file)?;
        EntraApp::from_value(&v, file)
    }

    pub(crate) fn from_value(v: &Value, file: &str) -> Result<EntraApp, Error> {
        let root = Node::root(v, file);
        let mut app = EntraApp {
            file: file.to_string(),
            ..EntraApp::default()
        };
        let objects: Vec<Node<'_>> = if v.is_array() {
            root.j().items()?
        } else if let Some(list) = root.j().get("value").filter(|n| n.v.is_array()) {
            list.j().items()?
        } else {
            vec![Node::root(v, file)]
        };
        if objects.is_empty() {
            return Err(root.j().err("no service principal or application object"));
        }
        for o in &objects {
            app.read_object(o.j())?;
        }
        Ok(app)
    }

    fn read_object(&mut self, o: J<'_, '_>) -> Result<(), Error> {
        if !o.is_object() {
            return Err(o.err("expected a service principal or application object"));
        }
        let odata = o
            .get_any(&[
                "@odata.type",
                "odata.type",
                "@odata.context",
                "odata.metadata",
                "objectType",
            ])
            .and_then(|n| n.v.as_str().map(str::to_ascii_lowercase))
            .unwrap_or_default();
        let is_sp = odata.contains("serviceprincipal")
            || o.get("servicePrincipalNames").is_some()
            || o.get("servicePrincipalType").is_some();
        let is_app = !is_sp
            && (odata.contains("application")
                || o.get("identifierUris").is_some()
                || o.get("web").is_some()
                || o.get("replyUrlsWithType").is_some());
        if !is_sp && !is_app {
            return Err(o.err(
                "neither a service principal (servicePrincipalNames) nor an application object (identifierUris)",
            ));
        }
        let src = |(value, path): (String, String)| Sourced { value, path };
        if is_sp {
            self.has_service_principal = true;
            self.identifiers
                .extend(o.strs("servicePrincipalNames")?.into_iter().map(src));
            self.reply_urls
                .extend(o.strs("replyUrls")?.into_iter().map(src));
            self.preferred_thumbprint = sourced(o, "preferredTokenSigningKeyThumbprint")?
                .filter(|s| !s.value.trim().is_empty())
                .or(self.preferred_thumbprint.take());
            if let Some(s) = o.get("samlSingleSignOnSettings") {
                if let Some(r) = sourced(s.j(), "relayState")?.filter(|s| !s.value.is_empty()) {
                    self.relay_state = Some(r);
                }
            }
            if let Some(l) = sourced(o, "loginUrl")?.filter(|s| !s.value.is_empty()) {
                self.login_url = Some(l);
            }
            for r in o.arr("appRoles")? {
                let j = r.j();
                self.app_roles.push(AppRole {
                    value: j.str("value")?,
                    display_name: j.str("displayName")?,
                    enabled: j.bool("isEnabled")?.unwrap_or(true),
                    path: r.path.clone(),
                });
            }
        } else {
            self.has_application = true;
            self.identifiers
                .extend(o.strs("identifierUris")?.into_iter().map(src));
            if let Some(web) = o.get("web") {
                let w = web.j();
                self.reply_urls
                    .extend(w.strs("redirectUris")?.into_iter().map(src));
                for s in w.arr("redirectUriSettings")? {
                    if let Some(u) = sourced(s.j(), "uri")? {
                        if !self.reply_urls.iter().any(|r| r.value == u.value) {
                            self.reply_urls.push(u);
                        }
                    }
                }
            }
            for r in o.arr("replyUrlsWithType")? {
                if let Some(u) = sourced(r.j(), "url")? {
                    if !self.reply_urls.iter().any(|x| x.value == u.value) {
                        self.reply_urls.push(u);
                    }
                }
            }
            self.default_reply_url =
                sourced(o, "defaultRedirectUri")?.filter(|s| !s.value.is_empty());
        }
        if let Some(t) = sourced(o, "tokenEncryptionKeyId")?.filter(|s| !s.value.trim().is_empty())
        {
            self.token_encryption_key_id = Some(t);
        }
        let policies = o.arr("tokenIssuancePolicies")?;
        if let [one, ..] = policies.as_slice() {
            self.token_issuance = Some(token_issuance(one)?);
        }
        for k in o.arr("keyCredentials")? {
            let j = k.j();
            let end = match j.get_any(&["endDateTime", "endDate"]) {
                None => None,
                Some(n) => Some(parse_time(n.j())?),
            };
            let thumbprint = j
                .str("customKeyIdentifier")?
                .and_then(|c| thumbprint_of(&c));
            self.keys.push(KeyCredential {
                key_id: j.str("keyId")?,
                display_name: j.str("displayName")?,
                usage: j.str("usage")?,
                thumbprint,
                end,
                path: k.path.clone(),
            });
        }
        // Both objects may list the same value; keep the first occurrence.
        dedup(&mut self.identifiers);
        dedup(&mut self.reply_urls);
        Ok(())
    }
}

/// Reads a tokenIssuancePolicy object: its `definition` holds one JSON string.
fn token_issuance(n: &Node<'_>) -> Result<TokenIssuance, Error> {
    let j = n.j();
    let defs = j.arr("definition")?;
    let first = defs
        .first()
        .ok_or_else(|| j.err("a token issuance policy without a definition"))?;
    let text = first.j().as_str()?;
    let inner: Value = serde_json::from_str(text).map_err(|e| {
        first.j().err(&format!(
            "the definition is not valid JSON: {}",
            crate::error::lower_first(&e.to_string())
        ))
    })?;
    let root = Node::with_path(&inner, j.file, format!("{}→$", first.path));
    let r = root.j();
    let body = r.get("TokenIssuancePolicy").unwrap_or(root);
    let b = body.j();
    if !b.is_object() {
        return Err(b.err("expected a TokenIssuancePolicy object"));
    }
    Ok(TokenIssuance {
        signing_policy: sourced(b, "TokenResponseSigningPolicy")?,
        signing_algorithm: sourced(b, "SigningAlgorithm")?,
    })
}

fn dedup(v: &mut Vec<Sourced>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|s| seen.insert(s.value.clone()));
}

fn sourced(o: J<'_, '_>, key: &str) -> Result<Option<Sourced>, Error> {
    match o.get(key) {
        None => Ok(None),
        Some(n) => Ok(Some(Sourced {
            value: n.j().as_str()?.to_string(),
            path: n.path.clone(),
        })),
    }
}

fn parse_time(j: J<'_, '_>) -> Result<DateTime<Utc>, Error> {
    let s = j.as_str()?;
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .map(|n| n.and_utc())
        .map_err(|_| j.err(&format!("expected an RFC 3339 date and time, found {s:?}")))
}

/// A SHA-1 thumbprint from a `customKeyIdentifier`: 40 hex digits, or base64 of 20 bytes.
fn thumbprint_of(c: &str) -> Option<String> {
    let c = c.trim();
    if c.len() == 40 && c.chars().all(|x| x.is_ascii_hexdigit()) {
        return Some(c.to_ascii_uppercase());
    }
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(c).ok()?;
    (bytes.len() == 20).then(|| bytes.iter().map(|b| format!("{b:02X}")).collect())
}

/// Upper-case hex without separators, for comparing thumbprints as users paste them.
pub(crate) fn norm_thumbprint(t: &str) -> String {
    t.chars()
        .filter(|c| c.is_ascii_hexdigit())
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Whether `host` belongs to AWS (console, access portal, sign-in, partitions).
pub(crate) fn is_aws_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    [
        "aws.amazon.com",
        "awsapps.com",
        "amazonaws.com",
        "amazonaws-us-gov.com",
        "amazonaws.cn",
        "aws",
    ]
    .iter()
    .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

fn https_aws(value: &str) -> bool {
    url::Url::parse(value)
        .ok()
        .filter(|u| u.scheme() == "https")
        .and_then(|u| u.host_str().map(is_aws_host))
        .unwrap_or(false)
}

fn list(v: &[Sourced]) -> String {
    if v.is_empty() {
        return "none".to_string();
    }
    v.iter()
        .map(|s| format!("`{}`", s.value))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the SP's identifiers may be for AWS IAM single-account SAML (Entra strips `#n`).
fn iam_identifiers(partition: &str) -> Vec<String> {
    let (urn, host) = match partition {
        "aws-us-gov" => (
            "urn:amazon:webservices:govcloud",
            "signin.amazonaws-us-gov.com",
        ),
        "aws-cn" => ("urn:amazon:webservices:cn-north-1", "signin.amazonaws.cn"),
        _ => ("urn:amazon:webservices", "signin.aws.amazon.com"),
    };
    vec![urn.to_string(), format!("https://{host}/saml")]
}

fn iam_identifier_ok(id: &str, sp: &SpFacts, partition: &str) -> bool {
    let base = id.split('#').next().unwrap_or(id);
    if id == sp.entity_id || base == sp.entity_id {
        return true;
    }
    if iam_identifiers(partition).iter().any(|x| x == base) {
        return true;
    }
    // Regional endpoints: https://<region>.signin.aws.amazon.com/saml, and the China URN variants.
    base.starts_with("urn:amazon:webservices:cn-")
        || url::Url::parse(base)
            .ok()
            .filter(|u| u.scheme() == "https" && u.path() == "/saml")
            .and_then(|u| u.host_str().map(|h| h.ends_with(".signin.aws.amazon.com")))
            .unwrap_or(false)
}

/// A Reply URL that differs from `acs` only by case, a trailing slash or the scheme.
fn near_miss<'a>(acs: &str, reply: &'a [Sourced]) -> Option<(&'a Sourced, &'static str)> {
    let strip = |s: &str| s.trim_end_matches('/').to_string();
    let no_scheme = |s: &str| {
        s.split_once("://")
            .map(|(_, r)| r.to_string())
            .unwrap_or_default()
    };
    reply.iter().find_map(|r| {
        if r.value.eq_ignore_ascii_case(acs) {
            Some((
                r,
                "differs only in letter case (Reply URLs are case-sensitive)",
            ))
        } else if strip(&r.value) == strip(acs) {
            Some((r, "differs only by a trailing slash"))
        } else if strip(&r.value).eq_ignore_ascii_case(&strip(acs)) {
            Some((r, "differs in letter case and a trailing slash"))
        } else if no_scheme(&r.value) == no_scheme(acs) {
            Some((r, "differs only in the scheme (http/https)"))
        } else {
            None
        }
    })
}

fn is_legacy_ic_acs(acs: &str) -> bool {
    url::Url::parse(acs)
        .ok()
        .map(|u| {
            let host = u.host_str().unwrap_or_default().to_ascii_lowercase();
            let region = host
                .strip_suffix(".signin.aws.amazon.com")
                .unwrap_or_default();
            !region.is_empty()
                && !region.contains('.')
                && u.path().starts_with("/platform/saml/acs/")
        })
        .unwrap_or(false)
}

/// The checks between the Entra app and the two metadata files.
pub(crate) fn check(
    app: &EntraApp,
    sp: &SpFacts,
    idp: &IdpFacts,
    at: DateTime<Utc>,
    out: &mut Vec<Finding>,
    not_checkable: &mut Vec<String>,
) {
    let f = app.file.as_str();
    let ent = Some(sp.entity_id.as_str());
    let ids_path = app
        .identifiers
        .first()
        .map(|s| {
            s.path
                .rsplit_once('[')
                .map_or(s.path.clone(), |(p, _)| p.to_string())
        })
        .unwrap_or_else(|| "$.servicePrincipalNames".to_string());

    // Identifier.
    let id_ok = match &sp.kind {
        SpKind::IamSingleAccount { partition } => app
            .identifiers
            .iter()
            .any(|i| iam_identifier_ok(&i.value, sp, partition)),
        _ => app.identifiers.iter().any(|i| i.value == sp.entity_id),
    };
    if !id_ok {
        let near = app.identifiers.iter().find(|i| {
            i.value.eq_ignore_ascii_case(&sp.entity_id)
                || i.value.trim_end_matches('/') == sp.entity_id.trim_end_matches('/')
        });
        let mut msg = format!(
            "AWS entity ID `{}` is not an Identifier of the Entra app ({f}: {ids_path}: {})",
            sp.entity_id,
            list(&app.identifiers)
        );
        if let Some(n) = near {
            msg.push_str(&format!(
                "; `{}` at {} is close but Entra compares exactly",
                n.value, n.path
            ));
        }
        let hint = match &sp.kind {
            SpKind::IamSingleAccount { partition } => format!(
                "Set the Entra app's Identifier to `{}` (add #1, #2 for several AWS accounts); otherwise Entra answers AADSTS700016 (application with identifier not found)",
                iam_identifiers(partition).get(1).cloned().unwrap_or_default()
            ),
            _ => format!(
                "Set the Entra app's Identifier (Entity ID) to `{}` exactly, e.g. by uploading the AWS metadata file in Basic SAML Configuration; otherwise Entra answers AADSTS700016 (application with identifier '{}' was not found in the directory)",
                sp.entity_id, sp.entity_id
            ),
        };
        out.push(
            ENTITY_ID_NOT_IDENTIFIER
                .at(ent, Some(at_json(f, &ids_path)), msg)
                .with_hint(hint),
        );
    }

    // Reply URLs.
    let reply_path = app
        .reply_urls
        .first()
        .map(|s| {
            s.path
                .rsplit_once('[')
                .map_or(s.path.clone(), |(p, _)| p.to_string())
        })
        .unwrap_or_else(|| "$.replyUrls".to_string());
    match &sp.kind {
        SpKind::IamSingleAccount { partition } => {
            let mut accepted: Vec<String> = sp.acs_urls.clone();
            if let Some(x) = iam_identifiers(partition).get(1) {
                accepted.push(x.clone());
            }
            let any = app.reply_urls.iter().any(|r| {
                accepted.contains(&r.value)
                    || url::Url::parse(&r.value)
                        .ok()
                        .filter(|u| u.scheme() == "https")
                        .and_then(|u| u.host_str().map(|h| h.ends_with("signin.aws.amazon.com")))
                        .unwrap_or(false)
                    // The GovCloud and China sign-in endpoints AWS documents, global and regional.
                    || (r.value.starts_with("https://")
                        && crate::flavor::iam_partition(&r.value).is_some())
            });
            if !any {
                out.push(
                    ACS_NOT_IN_REPLY_URLS
                        .at(
                            ent,
                            Some(at_json(f, &reply_path)),
                            format!(
                                "none of the Entra app's Reply URLs ({f}: {reply_path}: {}) is an AWS sign-in endpoint of the SP metadata",
                                list(&app.reply_urls)
                            ),
                        )
                        .with_hint(format!(
                            "Add `{}` (or the regional endpoint you use) to the Reply URLs; otherwise Entra answers AADSTS50011 (the reply URL does not match the reply URLs configured for the application)",
                            accepted.last().cloned().unwrap_or_default()
                        )),
                );
            }
        }
        _ => {
            // IAM Identity Center lists the primary Region's ACS URL in several host forms
            // (IPv4-only, dual-stack, legacy) and other Regions' next to them; AWS says the
            // unneeded ones may be left out of the IdP. Sign-in fails only when no ACS URL of
            // the primary Region is a Reply URL; a missing alternative breaks one path.
            let primary = match &sp.kind {
                SpKind::IdentityCenter { region } => region.as_deref(),
                _ => None,
            };
            let ic = matches!(sp.kind, SpKind::IdentityCenter { .. });
            let parsed: Vec<(&String, Option<crate::flavor::IcAcs>)> = sp
                .acs_urls
                .iter()
                .map(|a| (a, crate::flavor::ic_acs(a)))
                .collect();
            let in_primary = |p: &Option<crate::flavor::IcAcs>| {
                p.as_ref()
                    .is_some_and(|x| primary.is_some_and(|r| x.region.eq_ignore_ascii_case(r)))
            };
            let any_primary = parsed.iter().any(|(_, p)| in_primary(p));
            let listed = |acs: &str| app.reply_urls.iter().any(|r| r.value == acs);
            let primary_covered = ic
                && parsed
                    .iter()
                    .any(|(a, p)| (in_primary(p) || !any_primary) && listed(a));
            for (acs, parts) in &parsed {
                let acs = *acs;
                if listed(acs) {
                    continue;
                }
                let legacy = ic && is_legacy_ic_acs(acs) && in_primary(parts);
                let rule = if !primary_covered {
                    &ACS_NOT_IN_REPLY_URLS
                } else if legacy {
                    &ACS_LEGACY_MISSING
                } else {
                    &ACS_ALTERNATIVE_MISSING
                };
                let mut msg = format!(
                    "AWS ACS URL `{acs}` is not among the Entra app's Reply URLs ({f}: {reply_path}: {})",
                    list(&app.reply_urls)
                );
                let mut hint = format!(
                    "Add `{acs}` to the Entra app's Reply URLs exactly; otherwise Entra answers AADSTS50011 (the reply URL specified in the request does not match the reply URLs configured for the application)"
                );
                if primary_covered {
                    let path = match parts {
                        Some(p) if legacy => format!(
                            "SP-initiated sign-in that AWS sends through the legacy host form {} (the one instances enabled before February 2026 use for the primary Region {})",
                            p.form.label(),
                            p.region
                        ),
                        Some(p) if in_primary(parts) => format!(
                            "SP-initiated sign-in that AWS sends through the {} host form of the primary Region {}",
                            p.form.label(),
                            p.region
                        ),
                        Some(p) => format!(
                            "sign-in through the additional Region {} ({} host form)",
                            p.region,
                            p.form.label()
                        ),
                        None => "sign-in that AWS sends to this ACS URL".to_string(),
                    };
                    msg.push_str(&format!(
                        "; another ACS URL of the primary Region is a Reply URL, so sign-in works, but {path} gets AADSTS50011"
                    ));
                    hint = format!(
                        "Add `{acs}` to the Entra app's Reply URLs if users sign in that way (Entra answers AADSTS50011 otherwise); AWS says ACS URLs you do not need may be left out of the IdP"
                    );
                }
                let path = match near_miss(acs, &app.reply_urls) {
                    Some((r, why)) => {
                        msg.push_str(&format!("; `{}` at {} {why}", r.value, r.path));
                        hint = format!("Replace `{}` with `{acs}`: Entra compares Reply URLs exactly and answers AADSTS50011 otherwise", r.value);
                        r.path.clone()
                    }
                    None => reply_path.clone(),
                };
                out.push(rule.at(ent, Some(at_json(f, &path)), msg).with_hint(hint));
            }
        }
    }

    // Default Reply URL.
    if app.reply_urls.len() > 1 {
        if app.has_application {
            match &app.default_reply_url {
                None => out.push(ACS_NO_DEFAULT.at(
                    ent,
                    Some(at_json(f, &reply_path)),
                    format!(
                        "the Entra app has {} Reply URLs and none is the default ({f}: defaultRedirectUri is not set), so IdP-initiated sign-in from My Apps fails",
                        app.reply_urls.len()
                    ),
                )),
                Some(d) if !app.reply_urls.iter().any(|r| r.value == d.value) => out.push(
                    ACS_NO_DEFAULT.at(
                        ent,
                        Some(at_json(f, &d.path)),
                        format!(
                            "the default Reply URL `{}` ({f}: {}) is not one of the Reply URLs",
                            d.value, d.path
                        ),
                    ),
                ),
                Some(_) => {}
            }
        } else {
            not_checkable.push(format!(
                "Which of the {} Reply URLs is the Default (used for IdP-initiated sign-in): a service principal export does not show it; export the application object too (`az ad app show --id APPID`, field defaultRedirectUri).",
                app.reply_urls.len()
            ));
        }
    }

    for r in &app.reply_urls {
        let v = &r.value;
        let local = v.starts_with("http://localhost") || v.starts_with("http://127.0.0.1");
        let problem = if !v.starts_with("https://") && !local {
            Some("is not https")
        } else if v.chars().count() > 256 {
            Some("is longer than 256 characters")
        } else if v.contains('*') {
            Some("has a wildcard, which IdP-initiated sign-in cannot use")
        } else {
            None
        };
        if let Some(p) = problem {
            out.push(REPLY_URL_INVALID.at(
                ent,
                Some(at_json(f, &r.path)),
                format!("Reply URL `{v}` ({f}: {}) {p}", r.path),
            ));
        }
    }

    if matches!(sp.kind, SpKind::IdentityCenter { .. }) {
        for r in &app.reply_urls {
            let ic_acs = url::Url::parse(&r.value)
                .map(|u| u.path().starts_with("/platform/saml/acs/"))
                .unwrap_or(false);
            let known = sp.acs_urls.iter().any(|a| a == &r.value);
            let near = sp
                .acs_urls
                .iter()
                .any(|a| near_miss(a, std::slice::from_ref(r)).is_some());
            if ic_acs && !known && !near {
                out.push(REPLY_URL_STALE.at(
                    ent,
                    Some(at_json(f, &r.path)),
                    format!(
                        "Reply URL `{}` ({f}: {}) is an IAM Identity Center ACS URL that the SP metadata does not list",
                        r.value, r.path
                    ),
                ));
            }
        }
    }

    // Signing key.
    if app.has_service_principal {
        match &app.preferred_thumbprint {
            None => {
                let has_cert = app.keys.iter().any(|k| {
                    k.usage
                        .as_deref()
                        .is_some_and(|u| u.eq_ignore_ascii_case("sign"))
                });
                if has_cert || matches!(sp.kind, SpKind::IdentityCenter { .. }) {
                    out.push(SIGNING_KEY_NONE.at(
                        ent,
                        Some(at_json(f, "$.preferredTokenSigningKeyThumbprint")),
                        format!("{f}: preferredTokenSigningKeyThumbprint is not set: the app has no active SAML signing certificate"),
                    ));
                }
            }
            Some(p) if idp.signing_cert_sha1_thumbprints.is_empty() => {
                not_checkable.push(format!(
                    "Whether the active signing certificate (thumbprint {}) is in the IdP metadata: the metadata facts carry no signing certificate.",
                    norm_thumbprint(&p.value)
                ));
            }
            Some(p) => {
                let want = norm_thumbprint(&p.value);
                let known: Vec<String> = idp
                    .signing_cert_sha1_thumbprints
                    .iter()
                    .map(|t| norm_thumbprint(t))
                    .collect();
                if !known.contains(&want) {
                    out.push(SIGNING_KEY_UNKNOWN.at(
                        ent,
                        Some(at_json(f, &p.path)),
                        format!(
                            "Entra signs with the certificate of thumbprint {want} ({f}: {}), but the IdP metadata's signing certificates have thumbprints {}: AWS will reject the signature",
                            p.path,
                            known.join(", ")
                        ),
                    ));
                }
            }
        }
    }

    // Key credential end dates (one finding per certificate, not per Sign/Verify pair).
    let active = app
        .preferred_thumbprint
        .as_ref()
        .map(|p| norm_thumbprint(&p.value));
    let mut seen = std::collections::HashSet::new();
    for k in &app.keys {
        let Some(end) = k.end else { continue };
        let ident = k
            .thumbprint
            .clone()
            .or_else(|| k.key_id.clone())
            .unwrap_or_else(|| k.path.clone());
        if !seen.insert(ident.clone()) {
            continue;
        }
        let is_active = active.is_some() && k.thumbprint == active;
        let name = match (&k.thumbprint, &k.display_name) {
            (Some(t), _) => format!("certificate {t}"),
            (None, Some(d)) => format!("key `{d}`"),
            (None, None) => "key".to_string(),
        };
        let end_s = end.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        if end <= at {
            // Only the active key signs: an expired one beside it is its own, informational code.
            let rule = if is_active {
                &KEY_EXPIRED
            } else {
                &KEY_EXPIRED_INACTIVE
            };
            out.push(rule.at(
                ent,
                Some(at_json(f, &k.path)),
                format!(
                    "{name} ({f}: {}) expired at {end_s}{}",
                    k.path,
                    if is_active {
                        " and is the active signing key"
                    } else {
                        ""
                    }
                ),
            ));
        } else if is_active && end - at <= chrono::Duration::days(60) {
            out.push(KEY_EXPIRING.at(
                ent,
                Some(at_json(f, &k.path)),
                format!(
                    "the active signing {name} ({f}: {}) expires at {end_s}, in {} days",
                    k.path,
                    (end - at).num_days()
                ),
            ));
        }
    }

    token_settings(app, sp, out);

    if let Some(r) = &app.relay_state {
        if !https_aws(&r.value) {
            out.push(RELAY_STATE.at(
                ent,
                Some(at_json(f, &r.path)),
                format!(
                    "relay state `{}` ({f}: {}) is not an https URL on an AWS host",
                    r.value, r.path
                ),
            ));
        }
    }
    if let Some(l) = &app.login_url {
        if !https_aws(&l.value) {
            out.push(LOGIN_URL.at(
                ent,
                Some(at_json(f, &l.path)),
                format!(
                    "Sign-on URL `{}` ({f}: {}) is not an https URL on an AWS host",
                    l.value, l.path
                ),
            ));
        }
    }
}

/// Token encryption and the SAML signing option and algorithm, where the export shows them.
fn token_settings(app: &EntraApp, sp: &SpFacts, out: &mut Vec<Finding>) {
    let f = app.file.as_str();
    let ent = Some(sp.entity_id.as_str());
    if let Some(k) = &app.token_encryption_key_id {
        if matches!(sp.kind, SpKind::IdentityCenter { .. }) {
            out.push(TOKEN_ENCRYPTED_IC.at(
                ent,
                Some(at_json(f, &k.path)),
                format!(
                    "tokenEncryptionKeyId is set ({f}: {}: {}): Entra encrypts the assertion with that certificate, and IAM Identity Center publishes no encryption certificate, so it cannot decrypt it",
                    k.path, k.value
                ),
            ));
        }
    }
    let Some(t) = &app.token_issuance else { return };
    if let Some(p) = &t.signing_policy {
        if p.value.eq_ignore_ascii_case("ResponseOnly") && sp.want_assertions_signed == Some(true) {
            out.push(TOKEN_RESPONSE_ONLY.at(
                ent,
                Some(at_json(f, &p.path)),
                format!(
                    "TokenResponseSigningPolicy is ResponseOnly ({f}: {}): Entra signs the response but not the assertion, and the SP metadata says WantAssertionsSigned=\"true\"",
                    p.path
                ),
            ));
        }
    }
    if let Some(a) = &t.signing_algorithm {
        if a.value.trim().to_ascii_lowercase().ends_with("sha1") {
            out.push(TOKEN_SHA1.at(
                ent,
                Some(at_json(f, &a.path)),
                format!(
                    "SigningAlgorithm is {} ({f}: {}): Entra signs with RSA-SHA1",
                    a.value, a.path
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprints() {
        assert_eq!(
            thumbprint_of("qqqqqqqqqqqqqqqqqqqqqqqqqqo=").as_deref(),
            Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        );
        assert_eq!(norm_thumbprint("ab:cd ef"), "ABCDEF");
        assert!(thumbprint_of("not base64!").is_none());
    }

    #[test]
    fn aws_hosts() {
        assert!(is_aws_host("us-east-1.console.aws.amazon.com"));
        assert!(is_aws_host("d-1234567890.awsapps.com"));
        assert!(is_aws_host("ssoins-1.portal.us-east-1.app.aws"));
        assert!(!is_aws_host("evil-aws.amazon.com.example"));
        assert!(!is_aws_host("notaws"));
    }

    #[test]
    fn legacy_acs() {
        assert!(is_legacy_ic_acs(
            "https://eu-west-1.signin.aws.amazon.com/platform/saml/acs/abc"
        ));
        assert!(!is_legacy_ic_acs(
            "https://eu-west-1.signin.aws/platform/saml/acs/abc"
        ));
        assert!(!is_legacy_ic_acs("https://signin.aws.amazon.com/saml"));
    }
}
