//! The catalogue of this module's rules: every rule is defined next to the check that
//! reports it (`app.rs`, `claim_lint.rs`, `claim_checks.rs`, `iam.rs`, `user_checks.rs`,
//! `permission_set.rs`, `abac.rs`, `role.rs`); [`RULES`] and [`INPUT_RULES`] list them in
//! catalogue order, with the public sources several rules cite.

pub(crate) use super::abac::{
    IC_ABAC_DUPLICATE, IC_ABAC_KEY, IC_ABAC_MULTI, IC_ABAC_TOO_MANY, IC_ABAC_VALUE,
};
pub(crate) use super::app::{
    ACS_ALTERNATIVE_MISSING, ACS_LEGACY_MISSING, ACS_NOT_IN_REPLY_URLS, ACS_NO_DEFAULT,
    ENTITY_ID_NOT_IDENTIFIER, KEY_EXPIRED, KEY_EXPIRED_INACTIVE, KEY_EXPIRING, LOGIN_URL,
    RELAY_STATE, REPLY_URL_INVALID, REPLY_URL_STALE, SIGNING_KEY_NONE, SIGNING_KEY_UNKNOWN,
    TOKEN_ENCRYPTED_IC, TOKEN_RESPONSE_ONLY, TOKEN_SHA1,
};
pub(crate) use super::claim_checks::{
    AUDIENCE_OVERRIDE, AWS_ATTRIBUTE_CASE, AWS_ATTRIBUTE_CASE_UNCONFIRMED, ISSUER_APPLICATION_ID,
};
pub(crate) use super::claim_lint::{
    CONDITION_UNEVALUATED, NAMEID_FORMAT, NAMEID_FORMAT_DEFAULT, NAMEID_SOURCE,
    NAMEID_TRANSFORMATION, REGEX_INVALID, REGEX_UNSUPPORTED, TOO_MANY_TRANSFORMATIONS,
    TRANSFORMATION_UNKNOWN,
};
pub(crate) use super::iam::{
    IAM_ROLE_MALFORMED, IAM_ROLE_MISMATCH, IAM_ROLE_MISSING, IAM_ROLE_TOO_LONG,
    IAM_ROLE_WHITESPACE, IAM_RSN_INVALID, IAM_RSN_MISSING, IAM_SESSION_DURATION,
};
pub(crate) use super::permission_set::{
    IC_PS_RELAY_STATE, IC_PS_SESSION, IC_PS_SESSION_RANGE, IC_SESSION_DURATION_CLAIM,
};
pub(crate) use super::role::{
    IAM_SESSION_OVER_MAX, IAM_TRUST_AUD, IAM_TRUST_AUD_PARTIAL, IAM_TRUST_NO_SAML,
    IAM_TRUST_PROVIDER, IAM_TRUST_ROLE_NOT_SENT, IAM_TRUST_TAG_SESSION,
};
pub(crate) use super::user_checks::{
    AWS_UNMAPPED, LIST_PARTIAL, USER_CASE_ONLY, USER_EMPTY, USER_GUEST, USER_MAIL_MATCH,
    USER_NAME_INVALID, USER_NOT_EMAIL, USER_NO_MATCH, USER_NO_MATCH_PARTIAL,
};
use crate::finding::Rule;

pub(crate) const E_DIAG: &str =
    "Microsoft Entra: Authentication and authorization error codes <https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes>; Microsoft Entra: Single sign-on SAML protocol <https://learn.microsoft.com/en-us/entra/identity-platform/single-sign-on-saml-protocol>";
pub(crate) const E_RURL: &str =
    "Microsoft Entra: Redirect URI (reply URL) outline and restrictions <https://learn.microsoft.com/en-us/entra/identity-platform/reply-url>; Microsoft Graph: application resource type <https://learn.microsoft.com/en-us/graph/api/resources/application>";
pub(crate) const E_CLM: &str = "Microsoft Entra: Customize SAML token claims <https://learn.microsoft.com/en-us/entra/identity-platform/saml-claims-customization>";
pub(crate) const E_CMP: &str = "Microsoft Entra: Claims mapping policy type <https://learn.microsoft.com/en-us/entra/identity-platform/reference-claims-mapping-policy-type>";
pub(crate) const A_IC: &str = "AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>; AWS IAM Identity Center User Guide: Troubleshooting IAM Identity Center issues <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>";
pub(crate) const A_API: &str =
    "AWS Identity Store API Reference: User <https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_User.html>; Microsoft Entra: Configure AWS IAM Identity Center for automatic user provisioning <https://learn.microsoft.com/en-us/entra/identity/saas-apps/aws-single-sign-on-provisioning-tutorial>";
pub(crate) const A_IAM: &str =
    "AWS IAM User Guide: Configure SAML assertions for the authentication response <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html>";

// ---- Claims rules of issue 14, section 3: the claims policy as Entra documents it ----

pub(crate) const CL_A_IAM: &str = "AWS IAM User Guide: Configure SAML assertions for the authentication response <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html>";

/// Every rule of this module.
pub(crate) static RULES: &[&Rule] = &[
    &ENTITY_ID_NOT_IDENTIFIER,
    &ACS_NOT_IN_REPLY_URLS,
    &ACS_LEGACY_MISSING,
    &ACS_ALTERNATIVE_MISSING,
    &ACS_NO_DEFAULT,
    &REPLY_URL_INVALID,
    &REPLY_URL_STALE,
    &SIGNING_KEY_UNKNOWN,
    &SIGNING_KEY_NONE,
    &KEY_EXPIRED,
    &KEY_EXPIRED_INACTIVE,
    &KEY_EXPIRING,
    &RELAY_STATE,
    &LOGIN_URL,
    &NAMEID_FORMAT,
    &NAMEID_FORMAT_DEFAULT,
    &NAMEID_SOURCE,
    &NAMEID_TRANSFORMATION,
    &TOO_MANY_TRANSFORMATIONS,
    &TRANSFORMATION_UNKNOWN,
    &REGEX_UNSUPPORTED,
    &REGEX_INVALID,
    &CONDITION_UNEVALUATED,
    &AUDIENCE_OVERRIDE,
    &ISSUER_APPLICATION_ID,
    &AWS_ATTRIBUTE_CASE,
    &AWS_ATTRIBUTE_CASE_UNCONFIRMED,
    &IAM_ROLE_MISSING,
    &IAM_ROLE_MALFORMED,
    &IAM_ROLE_MISMATCH,
    &IAM_ROLE_WHITESPACE,
    &IAM_ROLE_TOO_LONG,
    &IAM_RSN_MISSING,
    &IAM_RSN_INVALID,
    &IAM_SESSION_DURATION,
    &USER_NO_MATCH,
    &USER_NO_MATCH_PARTIAL,
    &USER_CASE_ONLY,
    &USER_MAIL_MATCH,
    &USER_EMPTY,
    &USER_NOT_EMAIL,
    &USER_GUEST,
    &USER_NAME_INVALID,
    &AWS_UNMAPPED,
    &LIST_PARTIAL,
];

// ---- Inputs beyond the metadata: permission set, IAM role, ABAC, token settings (issue 14, section 4) ----

pub(crate) const S_IC_SESSION: &str = "AWS IAM Identity Center User Guide: Set session duration <https://docs.aws.amazon.com/singlesignon/latest/userguide/howtosessionduration.html>";
pub(crate) const S_IC_RELAY: &str = "AWS IAM Identity Center User Guide: Set relay state <https://docs.aws.amazon.com/singlesignon/latest/userguide/howtopermrelaystate.html>";
pub(crate) const S_IC_TROUBLE: &str = "AWS IAM Identity Center User Guide: Troubleshooting IAM Identity Center issues <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>";
pub(crate) const S_IAM_ROLE_SAML: &str = "AWS IAM User Guide: Creating a role for SAML 2.0 federation <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html>";
pub(crate) const S_IAM_ASSERTIONS: &str = "AWS IAM User Guide: Configure SAML assertions for the authentication response <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html>";

/// The rules of the block above (gathered into the catalogue next to [`RULES`]).
pub(crate) static INPUT_RULES: &[&Rule] = &[
    &IC_SESSION_DURATION_CLAIM,
    &IC_PS_SESSION,
    &IC_PS_SESSION_RANGE,
    &IC_PS_RELAY_STATE,
    &IC_ABAC_TOO_MANY,
    &IC_ABAC_MULTI,
    &IC_ABAC_DUPLICATE,
    &IC_ABAC_KEY,
    &IC_ABAC_VALUE,
    &TOKEN_ENCRYPTED_IC,
    &TOKEN_RESPONSE_ONLY,
    &TOKEN_SHA1,
    &IAM_TRUST_NO_SAML,
    &IAM_TRUST_PROVIDER,
    &IAM_TRUST_ROLE_NOT_SENT,
    &IAM_TRUST_AUD,
    &IAM_TRUST_AUD_PARTIAL,
    &IAM_TRUST_TAG_SESSION,
    &IAM_SESSION_OVER_MAX,
];
