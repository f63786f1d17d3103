//! The optional Entra and AWS JSON exports of the pair check (Entra app, claims
//! configuration, Entra users, IAM Identity Center users and permission sets, IAM roles),
//! and the rules that check them against the two metadata files.
//!
//! The metadata files alone cannot show the most common reasons an Entra → AWS sign-in
//! fails: the Entra app's Identifier and Reply URLs (AADSTS700016, AADSTS50011), and the
//! NameID Entra sends not equalling the IAM Identity Center username. This module reads
//! exports users can already produce and checks them against plain facts from the two
//! metadata files:
//!
//! - the Entra app: `az ad sp show --id APPID` / Graph `servicePrincipal`, or the
//!   application object (`az ad app show`), see [`EntraApp`];
//! - the claims configuration: Graph `customClaimsPolicy` or a legacy
//!   `claimsMappingPolicy`, see [`ClaimsConfig`]; without it the gallery default is
//!   assumed and the report says so;
//! - user lists: `az ad user list` / `az ad group member list` / Graph pages
//!   ([`EntraUsers`]) and `aws identitystore list-users` ([`AwsUsers`]);
//! - an IAM Identity Center permission set: `aws sso-admin describe-permission-set`, see
//!   [`PermissionSet`] (session duration, relay state);
//! - an AWS IAM role: `aws iam get-role`, see [`IamRole`] (trust policy, maximum session
//!   duration).
//!
//! ```
//! use samlcheck::exports::{self, IdpFacts, PairInputs, SpFacts};
//! let sp = SpFacts::new(
//!     "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-9067c7b2f3",
//!     vec!["https://eu-west-1.signin.aws/platform/saml/acs/0b1c2d3e-aaaa-bbbb-cccc-111122223333".into()],
//! );
//! let idp = IdpFacts::default();
//! let mut inputs = PairInputs::default();
//! inputs.app = Some(exports::EntraApp::from_json(r#"{
//!     "servicePrincipalNames": ["https://eu-west-1.signin.aws.amazon.com/platform/saml/d-9067c7b2f3"],
//!     "replyUrls": []
//! }"#, "app.json")?);
//! let at = chrono::DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z").unwrap().to_utc();
//! let report = exports::check(&sp, &idp, &inputs, at);
//! assert!(report.findings.iter().any(|f| f.code == "pair.acs.not_in_reply_urls"));
//! # Ok::<(), samlcheck::Error>(())
//! ```

mod abac;
mod app;
mod claim_checks;
mod claim_lint;
mod claims;
mod engine;
mod iam;
mod json;
mod permission_set;
mod role;
mod rules;
mod user_checks;
mod users;

pub use app::{AppRole, EntraApp, KeyCredential, TokenIssuance};
pub use claims::{
    Attr, Claim, ClaimConfiguration, ClaimsConfig, ClaimsOrigin, NameIdFormat, Source, Step,
    Transformation, UserTypeCondition,
};
pub use engine::{claim_value, ClaimValue};
pub use permission_set::PermissionSet;
pub use role::{IamRole, TrustStatement};
pub use users::{AwsUser, AwsUsers, EntraUser, EntraUsers};
// For the response check (src/response).
pub(crate) use claims::NAMEID_CLAIM;
pub(crate) use users::{fold, is_addr_spec};

pub(crate) use rules::{INPUT_RULES, RULES};

use crate::error::{Error, Pos};
use crate::finding::{Finding, Location};
pub use crate::flavor::IdpVendor;
use chrono::{DateTime, Utc};
use engine::{Engine, Eval, RegexProblem};
use std::path::Path;

/// A value read from a JSON export, with its JSON path (`$.replyUrls[2]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Sourced {
    /// The value.
    pub value: String,
    /// Where it is in the file.
    pub path: String,
}

/// Which kind of AWS service provider the SP metadata describes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SpKind {
    /// IAM Identity Center (`https://<region>.signin.aws.amazon.com/platform/saml/<id>`).
    IdentityCenter {
        /// The Region, from the entity ID.
        region: Option<String>,
    },
    /// AWS IAM single-account SAML (`urn:amazon:webservices`, `https://signin.aws.amazon.com/saml`).
    IamSingleAccount {
        /// The ARN partition: `aws`, `aws-us-gov` or `aws-cn`.
        partition: String,
    },
    /// Any other SP: only the exact Identifier and Reply URL checks apply.
    Other,
}

impl SpKind {
    /// The kind an entity ID implies.
    pub fn from_entity_id(entity_id: &str) -> SpKind {
        let e = entity_id.trim();
        let base = e.split('#').next().unwrap_or(e);
        if base == "urn:amazon:webservices" || base == "https://signin.aws.amazon.com/saml" {
            return SpKind::IamSingleAccount {
                partition: "aws".into(),
            };
        }
        if base == "urn:amazon:webservices:govcloud"
            || base == "https://signin.amazonaws-us-gov.com/saml"
        {
            return SpKind::IamSingleAccount {
                partition: "aws-us-gov".into(),
            };
        }
        if base.starts_with("urn:amazon:webservices:cn-")
            || base == "https://signin.amazonaws.cn/saml"
        {
            return SpKind::IamSingleAccount {
                partition: "aws-cn".into(),
            };
        }
        if let Ok(u) = url::Url::parse(e) {
            let host = u.host_str().unwrap_or_default().to_ascii_lowercase();
            if u.path().starts_with("/platform/saml/") && host.contains(".signin.") {
                return SpKind::IdentityCenter {
                    region: host.split('.').next().map(str::to_string),
                };
            }
            if u.path() == "/saml" && host.ends_with(".signin.aws.amazon.com") {
                return SpKind::IamSingleAccount {
                    partition: "aws".into(),
                };
            }
            if u.path() == "/saml" && host.ends_with(".signin.amazonaws-us-gov.com") {
                return SpKind::IamSingleAccount {
                    partition: "aws-us-gov".into(),
                };
            }
            if u.path() == "/saml" && host.ends_with(".signin.amazonaws.cn") {
                return SpKind::IamSingleAccount {
                    partition: "aws-cn".into(),
                };
            }
        }
        SpKind::Other
    }
}

/// Facts from the SP (AWS) metadata that the checks need.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SpFacts {
    /// The entityID.
    pub entity_id: String,
    /// Every AssertionConsumerService Location.
    pub acs_urls: Vec<String>,
    /// Which AWS SP it is.
    pub kind: SpKind,
    /// `WantAssertionsSigned` of the SP's SPSSODescriptor (`None` when absent).
    pub want_assertions_signed: Option<bool>,
}

impl SpFacts {
    /// Facts with the kind detected from the entity ID.
    pub fn new(entity_id: impl Into<String>, acs_urls: Vec<String>) -> SpFacts {
        let entity_id = entity_id.into();
        SpFacts {
            kind: SpKind::from_entity_id(&entity_id),
            entity_id,
            acs_urls,
            want_assertions_signed: None,
        }
    }
}

/// Facts from the IdP (Entra) metadata that the checks need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdpFacts {
    /// The entityID, if known.
    pub entity_id: Option<String>,
    /// SHA-1 thumbprints (hex, any case, colons allowed) of the signing certificates.
    pub signing_cert_sha1_thumbprints: Vec<String>,
}

/// The optional JSON inputs, each already parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PairInputs {
    /// `--entra-app`.
    pub app: Option<EntraApp>,
    /// `--claims`; `None` means the gallery default is assumed.
    pub claims: Option<ClaimsConfig>,
    /// `--entra-users`.
    pub entra_users: Option<EntraUsers>,
    /// `--aws-users`.
    pub aws_users: Option<AwsUsers>,
    /// `--permission-set`.
    pub permission_set: Option<PermissionSet>,
    /// `--aws-role`.
    pub aws_role: Option<IamRole>,
}

/// Paths of the optional JSON inputs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InputPaths<'a> {
    /// `--entra-app FILE`.
    pub entra_app: Option<&'a Path>,
    /// `--claims FILE`.
    pub claims: Option<&'a Path>,
    /// `--entra-users FILE`.
    pub entra_users: Option<&'a Path>,
    /// `--aws-users FILE`.
    pub aws_users: Option<&'a Path>,
    /// `--permission-set FILE`.
    pub permission_set: Option<&'a Path>,
    /// `--aws-role FILE`.
    pub aws_role: Option<&'a Path>,
}

impl PairInputs {
    /// Reads and parses every given file. Errors name the file and the JSON path.
    pub fn load(paths: &InputPaths<'_>) -> Result<PairInputs, Error> {
        let mut p = PairInputs::default();
        if let Some(f) = paths.entra_app {
            let (name, v) = json::load(f)?;
            p.app = Some(EntraApp::from_value(&v, &name)?);
        }
        if let Some(f) = paths.claims {
            let (name, v) = json::load(f)?;
            p.claims = Some(ClaimsConfig::from_value(&v, &name)?);
        }
        if let Some(f) = paths.entra_users {
            let (name, v) = json::load(f)?;
            p.entra_users = Some(EntraUsers::from_value(&v, &name)?);
        }
        if let Some(f) = paths.aws_users {
            let (name, v) = json::load(f)?;
            p.aws_users = Some(AwsUsers::from_value(&v, &name)?);
        }
        if let Some(f) = paths.permission_set {
            let (name, v) = json::load(f)?;
            p.permission_set = Some(PermissionSet::from_value(&v, &name)?);
        }
        if let Some(f) = paths.aws_role {
            let (name, v) = json::load(f)?;
            p.aws_role = Some(IamRole::from_value(&v, &name)?);
        }
        Ok(p)
    }

    /// Parses one export from bytes (UTF-8 with or without BOM, or UTF-16) into its slot;
    /// errors name `file` and the JSON path of a bad field. Used by [`crate::run::check_pair`].
    pub(crate) fn set_from_bytes(
        &mut self,
        kind: ExportKind,
        bytes: &[u8],
        file: &str,
    ) -> Result<(), Error> {
        if bytes.len() as u64 > json::MAX_JSON_BYTES {
            return Err(Error::input(format!(
                "{file}: file is {} bytes, more than the limit of {} bytes for a JSON export",
                bytes.len(),
                json::MAX_JSON_BYTES
            )));
        }
        let v = json::parse(bytes, file)?;
        match kind {
            ExportKind::EntraApp => self.app = Some(EntraApp::from_value(&v, file)?),
            ExportKind::Claims => self.claims = Some(ClaimsConfig::from_value(&v, file)?),
            ExportKind::EntraUsers => self.entra_users = Some(EntraUsers::from_value(&v, file)?),
            ExportKind::AwsUsers => self.aws_users = Some(AwsUsers::from_value(&v, file)?),
            ExportKind::PermissionSet => {
                self.permission_set = Some(PermissionSet::from_value(&v, file)?)
            }
            ExportKind::AwsRole => self.aws_role = Some(IamRole::from_value(&v, file)?),
        }
        Ok(())
    }

    /// Whether no input was given.
    pub fn is_empty(&self) -> bool {
        self.app.is_none()
            && self.claims.is_none()
            && self.entra_users.is_none()
            && self.aws_users.is_none()
            && self.permission_set.is_none()
            && self.aws_role.is_none()
    }
}

/// Which export a JSON input is (for [`PairInputs::set_from_bytes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExportKind {
    EntraApp,
    Claims,
    EntraUsers,
    AwsUsers,
    PermissionSet,
    AwsRole,
}

/// How one Entra user's NameID compares with the IAM Identity Center users.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome", content = "reason")]
#[non_exhaustive]
pub enum UserOutcome {
    /// The NameID equals a UserName exactly.
    Match,
    /// Equal only when case is ignored.
    CaseOnly,
    /// No UserName equals the NameID, but one equals the user's mail.
    MatchesMail,
    /// No UserName equals it.
    NoMatch,
    /// The NameID would be empty.
    Empty,
    /// The NameID cannot be computed here (the reason).
    Unknown(String),
    /// The NameID was computed; no IAM Identity Center user list was given.
    NotCompared,
}

/// The result for one Entra user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct UserResult {
    /// The user's label (UPN, else display name, else object id).
    pub user: String,
    /// The object id, when exported.
    pub object_id: Option<String>,
    /// The NameID Entra would send, when it can be computed.
    pub name_id: Option<String>,
    /// How it was computed (`user.userprincipalname → ToLowercase()`).
    pub name_id_source: String,
    /// The IAM Identity Center UserName it was matched with.
    pub aws_user_name: Option<String>,
    /// The outcome (`"outcome": "case_only"`, with `"reason"` for `unknown`).
    #[serde(flatten)]
    pub outcome: UserOutcome,
}

/// What the checks found (serializes to JSON for reports).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct EntraReport {
    /// The findings.
    pub findings: Vec<Finding>,
    /// What was assumed for lack of an input (say so in the report).
    pub assumptions: Vec<String>,
    /// What depends on state outside the files (the report's closing section).
    pub not_checkable: Vec<String>,
    /// One result per Entra user given.
    pub users: Vec<UserResult>,
}

/// What no file shows and the report should name in its closing section, in the terms of
/// the IdP (`vendor`): Entra's PIM for Groups, assignment and AADSTS codes only for Entra.
pub fn not_checkable_notes(vendor: IdpVendor) -> Vec<String> {
    let common_tail =
        ["Group-conditioned claims and permission set assignments in IAM Identity Center."];
    let notes: Vec<&str> = match vendor {
        IdpVendor::Entra => vec![
            "PIM for Groups: whether an eligible membership is activated at sign-in time (activation adds the user within seconds; SCIM pushes it to AWS in 2 to 10 minutes).",
            "App assignment: with Assignment required = Yes a user who is not assigned (directly or through a non-nested group) gets AADSTS50105; nested groups do not count.",
            "SCIM provisioning state: whether the provisioning job runs, its errors, and the AWS SCIM token's expiry (one year); users must exist in IAM Identity Center before they sign in.",
            common_tail[0],
            "Whether a Join suffix used on NameID is a verified domain of the tenant.",
            "The AuthnRequest itself: a NameIDPolicy format overrides the configured NameID format, and a RequestedAuthnContext can cause AADSTS75011.",
        ],
        IdpVendor::Adfs => vec![
            "The relying party trust's claim issuance rules: which attribute the rule with outgoing claim type Name ID (format Email) sends, and whether it equals the IAM Identity Center username.",
            "The relying party trust's access control policy (issuance authorization rules): whether it permits the user.",
            "Users must exist in IAM Identity Center before they sign in (AD FS does not provision them; SCIM or manual creation).",
            common_tail[0],
            "The AuthnRequest itself: a NameIDPolicy format in it can change the NameID format the IdP sends.",
        ],
        IdpVendor::AwsIdentityCenter | IdpVendor::Other => vec![
            "Which attribute the IdP sends as NameID for the AWS application, and whether it equals the IAM Identity Center username.",
            "Whether the user is assigned to the AWS application at the IdP (assignments, groups, access policies).",
            "Users must exist in IAM Identity Center before they sign in (SCIM provisioning state or manual creation).",
            common_tail[0],
            "The AuthnRequest itself: a NameIDPolicy format in it can change the NameID format the IdP sends.",
        ],
    };
    notes.into_iter().map(str::to_string).collect()
}

pub(crate) fn at_json(file: &str, path: &str) -> Location {
    Location {
        file: file.to_string(),
        pos: Pos::default(),
        path: path.to_string(),
    }
}

/// Runs every check the given inputs allow, for an Entra IdP. The library never reads the
/// clock: `at` is the time key end dates are judged at.
pub fn check(sp: &SpFacts, idp: &IdpFacts, inputs: &PairInputs, at: DateTime<Utc>) -> EntraReport {
    check_for(sp, idp, inputs, at, IdpVendor::Entra)
}

/// [`check`] for an IdP of any vendor: the notes name what is not checkable in the IdP's own
/// terms, and without any export given nothing Entra-specific is assumed for another IdP.
pub fn check_for(
    sp: &SpFacts,
    idp: &IdpFacts,
    inputs: &PairInputs,
    at: DateTime<Utc>,
    vendor: IdpVendor,
) -> EntraReport {
    let mut r = EntraReport::default();
    if vendor != IdpVendor::Entra && inputs.is_empty() {
        r.not_checkable.extend(not_checkable_notes(vendor));
        return r;
    }
    let mut engine = Engine::default();
    if let Some(app) = &inputs.app {
        app::check(app, sp, idp, at, &mut r.findings, &mut r.not_checkable);
    }
    let iam = matches!(sp.kind, SpKind::IamSingleAccount { .. });
    let default_claims;
    let claims = match &inputs.claims {
        Some(c) => c,
        None => {
            default_claims = if iam {
                ClaimsConfig::assumed_iam_default()
            } else {
                ClaimsConfig::assumed_default()
            };
            if inputs.entra_users.is_some() || iam {
                r.assumptions.push(if iam {
                    "No claims configuration given (--claims): assumed the AWS Single-Account Access gallery default (NameID = user.userprincipalname; Role = user.assignedroles; RoleSessionName = user.userprincipalname; SessionDuration = user.sessionduration).".to_string()
                } else {
                    "No claims configuration given (--claims): assumed the AWS IAM Identity Center gallery default, NameID = user.userprincipalname in emailAddress format.".to_string()
                });
            }
            &default_claims
        }
    };
    engine.legacy = claims.origin == ClaimsOrigin::ClaimsMappingPolicy;
    claim_lint::lint_claims(sp, claims, iam, &mut engine, &mut r);
    claim_checks::token_settings(sp, idp, inputs.app.as_ref(), claims, &mut r.findings);
    claim_checks::aws_attribute_names(sp, claims, &mut r.findings);
    if let SpKind::IamSingleAccount { partition } = &sp.kind {
        let cx = iam::IamCtx {
            sp,
            partition,
            claims,
            app: inputs.app.as_ref(),
            users: inputs.entra_users.as_ref(),
        };
        iam::check(&cx, &mut engine, &mut r.findings, &mut r.not_checkable);
    }
    user_checks::check_users(sp, claims, inputs, &mut engine, &mut r);
    check_inputs(sp, claims, inputs, &mut r);
    r.not_checkable.extend(not_checkable_notes(vendor));
    crate::finding::sort_findings(&mut r.findings);
    r
}

/// The permission set, IAM role and ABAC checks (issue 14, section 4).
fn check_inputs(sp: &SpFacts, claims: &ClaimsConfig, inputs: &PairInputs, r: &mut EntraReport) {
    match &sp.kind {
        SpKind::IdentityCenter { .. } => {
            permission_set::check(sp, claims, inputs.permission_set.as_ref(), &mut r.findings);
            abac::check(sp, claims, &mut r.findings);
            if let Some(role) = &inputs.aws_role {
                r.assumptions.push(format!("{}: the IAM role is not used: the SP is IAM Identity Center, which manages its roles (AWSReservedSSO_*) from permission sets.", role.file));
            }
        }
        SpKind::IamSingleAccount { .. } => {
            if let Some(role) = &inputs.aws_role {
                let cx = role::RoleCtx {
                    sp,
                    claims,
                    app: inputs.app.as_ref(),
                    role,
                };
                role::check(&cx, &mut r.findings, &mut r.not_checkable);
            }
            if let Some(p) = &inputs.permission_set {
                r.assumptions.push(format!("{}: the permission set is not used: the SP is AWS IAM single-account SAML, not IAM Identity Center.", p.file));
            }
        }
        _ => {
            for (file, what) in [
                (
                    inputs.aws_role.as_ref().map(|x| x.file.as_str()),
                    "IAM role",
                ),
                (
                    inputs.permission_set.as_ref().map(|x| x.file.as_str()),
                    "permission set",
                ),
            ] {
                if let Some(file) = file {
                    r.assumptions.push(format!(
                        "{file}: the {what} is not used: the SP is not an AWS SP."
                    ));
                }
            }
        }
    }
}
