//! The rules this module reports, each with its stable code.

use crate::finding::{Rule, Severity};

const E_DIAG: &str =
    "Microsoft Entra: Authentication and authorization error codes <https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes>; Microsoft Entra: Single sign-on SAML protocol <https://learn.microsoft.com/en-us/entra/identity-platform/single-sign-on-saml-protocol>";
const E_RURL: &str =
    "Microsoft Entra: Redirect URI (reply URL) outline and restrictions <https://learn.microsoft.com/en-us/entra/identity-platform/reply-url>; Microsoft Graph: application resource type <https://learn.microsoft.com/en-us/graph/api/resources/application>";
const E_CLM: &str = "Microsoft Entra: Customize SAML token claims <https://learn.microsoft.com/en-us/entra/identity-platform/saml-claims-customization>";
const E_CMP: &str = "Microsoft Entra: Claims mapping policy type <https://learn.microsoft.com/en-us/entra/identity-platform/reference-claims-mapping-policy-type>";
const A_IC: &str = "AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>; AWS IAM Identity Center User Guide: Troubleshooting IAM Identity Center issues <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>";
const A_API: &str =
    "AWS Identity Store API Reference: User <https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_User.html>; Microsoft Entra: Configure AWS IAM Identity Center for automatic user provisioning <https://learn.microsoft.com/en-us/entra/identity/saas-apps/aws-single-sign-on-provisioning-tutorial>";
const A_IAM: &str =
    "AWS IAM User Guide: Configure SAML assertions for the authentication response <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html>";

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

pub(crate) static NAMEID_FORMAT: Rule = Rule {
    code: "claims.nameid.format",
    severity: Severity::Error,
    summary: "The NameID format is not emailAddress, which IAM Identity Center requires",
    fix: "Set the Name identifier format to Email address (urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress)",
    source: A_IC,
};

pub(crate) static NAMEID_SOURCE: Rule = Rule {
    code: "claims.nameid.source_not_allowed",
    severity: Severity::Error,
    summary: "The NameID source is not one Entra allows for NameID",
    fix: "Source NameID from user.userprincipalname, user.mail, user.onpremisessamaccountname, user.employeeid, user.telephonenumber or an extension attribute",
    source: E_CMP,
};

pub(crate) static NAMEID_TRANSFORMATION: Rule = Rule {
    code: "claims.nameid.transformation_not_allowed",
    severity: Severity::Error,
    summary: "A claims mapping policy applies a transformation other than ExtractMailPrefix or Join to NameID",
    fix: "Use only ExtractMailPrefix or Join (with a verified domain) on NameID in a claims mapping policy",
    source: E_CMP,
};

pub(crate) static TOO_MANY_TRANSFORMATIONS: Rule = Rule {
    code: "claims.transformations.too_many",
    severity: Severity::Error,
    summary: "A claim has more than two transformations",
    fix: "Entra applies at most two transformations to a claim; reduce the chain to two",
    source: E_CLM,
};

pub(crate) static TRANSFORMATION_UNKNOWN: Rule = Rule {
    code: "claims.transformation.unknown",
    severity: Severity::Warning,
    summary: "A transformation this checker cannot evaluate, so the NameID cannot be computed",
    fix: "Check the values this transformation produces in the Entra portal's Test transformation",
    source: E_CLM,
};

pub(crate) static REGEX_UNSUPPORTED: Rule = Rule {
    code: "claims.regex.unsupported",
    severity: Severity::Warning,
    summary: "A RegexReplace pattern uses .NET constructs that cannot be evaluated here (lookaround, backreferences, or anything Rust's regex does not compile)",
    fix: "Check the result with the Entra portal's Test transformation, or rewrite the pattern without lookaround and backreferences",
    source: E_CLM,
};

pub(crate) static REGEX_INVALID: Rule = Rule {
    code: "claims.regex.invalid",
    severity: Severity::Error,
    summary: "A RegexReplace replacement names a group that is neither in the pattern nor an additional input",
    fix: "Every {name} in the replacement must be a named group of the pattern or an additional input attribute",
    source: E_CLM,
};

pub(crate) static CONDITION_UNEVALUATED: Rule = Rule {
    code: "claims.condition.group",
    severity: Severity::Info,
    summary: "A claim condition depends on group membership, which the exports do not show",
    fix: "Check group-conditioned claims with a real sign-in; the exported user lists carry no memberships",
    source: E_CLM,
};

// ---- Claims rules of issue 14, section 3: the claims policy as Entra documents it ----

const CL_A_IAM: &str = "AWS IAM User Guide: Configure SAML assertions for the authentication response <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html>";

pub(crate) static NAMEID_FORMAT_DEFAULT: Rule = Rule {
    code: "claims.nameid.format_default",
    severity: Severity::Warning,
    summary: "The NameID format is Default: Entra sends the source's default format, which Microsoft does not document to be emailAddress, the format IAM Identity Center requires (unconfirmed)",
    fix: "Set the Name identifier format to Email address explicitly (Graph: samlNameIdClaim.nameIdFormat = emailAddress)",
    source: "Microsoft Entra: Customize SAML token claims (NameID format) <https://learn.microsoft.com/en-us/entra/identity-platform/saml-claims-customization>; AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>",
};

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

pub(crate) static IAM_ROLE_MISSING: Rule = Rule {
    code: "iam.role.missing",
    severity: Severity::Error,
    summary: "No Role attribute is configured for AWS IAM SAML",
    fix: "Emit https://aws.amazon.com/SAML/Attributes/Role (user.assignedroles in the AWS Single-Account Access app); without it AWS says 'Your request included an invalid SAML response'",
    source: A_IAM,
};

pub(crate) static IAM_ROLE_MALFORMED: Rule = Rule {
    code: "iam.role.malformed",
    severity: Severity::Error,
    summary: "A Role value is not a role ARN and a saml-provider ARN separated by a comma",
    fix: "Write each Role value as arn:aws:iam::ACCOUNT:role/NAME,arn:aws:iam::ACCOUNT:saml-provider/NAME",
    source: A_IAM,
};

pub(crate) static IAM_ROLE_MISMATCH: Rule = Rule {
    code: "iam.role.account_mismatch",
    severity: Severity::Error,
    summary:
        "The role ARN and the saml-provider ARN of a Role value differ in account or partition",
    fix: "The SAML provider must be in the same account (and partition) as the role",
    source: A_IAM,
};

pub(crate) static IAM_ROLE_WHITESPACE: Rule = Rule {
    code: "iam.role.whitespace",
    severity: Severity::Warning,
    summary: "A Role value has spaces around its ARNs",
    fix: "Remove the spaces: the console accepts them but several CLI tools fail",
    source: "saml2aws issue 287 (community report) <https://github.com/Versent/saml2aws/issues/287>; aws-azure-login issue 4 (community report) <https://github.com/aws-azure-login/aws-azure-login/issues/4>",
};

pub(crate) static IAM_ROLE_TOO_LONG: Rule = Rule {
    code: "iam.role.too_long",
    severity: Severity::Warning,
    summary: "A Role value is 240 characters or longer, too long for Entra's role import",
    fix: "Shorten the role or provider name: Entra imports roles only when len(role ARN)+len(provider ARN) < 240",
    source: "Microsoft Entra: Configure AWS Single-Account Access for single sign-on <https://learn.microsoft.com/en-us/entra/identity/saas-apps/amazon-web-service-tutorial>",
};

pub(crate) static IAM_RSN_MISSING: Rule = Rule {
    code: "iam.rsn.missing",
    severity: Severity::Error,
    summary: "No RoleSessionName attribute is configured for AWS IAM SAML",
    fix: "Emit https://aws.amazon.com/SAML/Attributes/RoleSessionName (user.userprincipalname in the gallery app)",
    source: A_IAM,
};

pub(crate) static IAM_RSN_INVALID: Rule = Rule {
    code: "iam.rsn.invalid",
    severity: Severity::Error,
    summary: "A user's RoleSessionName value does not match [A-Za-z0-9_+=,.@-]{2,64}",
    fix: "Source RoleSessionName from an attribute that is 2 to 64 characters of letters, digits and _+=,.@- (the UPN usually is)",
    source: A_IAM,
};

pub(crate) static IAM_SESSION_DURATION: Rule = Rule {
    code: "iam.session_duration.range",
    severity: Severity::Error,
    summary: "SessionDuration is not an integer from 900 to 43200",
    fix: "Set SessionDuration to a number of seconds from 900 (15 minutes) to 43200 (12 hours)",
    source: A_IAM,
};

pub(crate) static USER_NO_MATCH: Rule = Rule {
    code: "users.nameid.no_match",
    severity: Severity::Error,
    summary: "The NameID Entra sends for a user is no IAM Identity Center UserName",
    fix: "Make the IAM Identity Center UserName equal the NameID exactly (fix the SCIM userName mapping or the NameID source); otherwise AWS shows 'An unexpected error has occurred'",
    source: A_IC,
};

pub(crate) static USER_NO_MATCH_PARTIAL: Rule = Rule {
    code: "users.nameid.no_match_partial_list",
    severity: Severity::Warning,
    summary: "The NameID Entra sends for a user is no UserName in the given page of IAM Identity Center users (the list has a NextToken, so the user may be on another page)",
    fix: "Export every page of IAM Identity Center users (follow NextToken) and check again; if no page holds the NameID as UserName, AWS shows 'An unexpected error has occurred'",
    source: "AWS IAM Identity Center User Guide: Troubleshooting <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>; AWS CLI User Guide: Using AWS CLI pagination options <https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-pagination.html>",
};

pub(crate) static USER_CASE_ONLY: Rule = Rule {
    code: "users.nameid.case_only",
    severity: Severity::Warning,
    summary: "The NameID equals an IAM Identity Center UserName only when case is ignored",
    fix: "Make the case equal: AWS documents an exact match; a ToLowercase transformation or a corrected UPN/userName removes the doubt",
    source: A_IC,
};

pub(crate) static USER_MAIL_MATCH: Rule = Rule {
    code: "users.nameid.matches_mail",
    severity: Severity::Error,
    summary: "The NameID is no IAM Identity Center UserName, but the user's mail is",
    fix: "Source NameID from user.mail, or provision the value the NameID carries as the IAM Identity Center UserName",
    source: "AWS IAM Identity Center User Guide: Troubleshooting <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>",
};

pub(crate) static USER_EMPTY: Rule = Rule {
    code: "users.nameid.empty",
    severity: Severity::Error,
    summary: "The NameID source is empty for a user",
    fix: "Fill the attribute or choose another NameID source: Entra answers AADSTS501241 for a missing mandatory input, or falls back to a pairwise persistent ID that IAM Identity Center rejects",
    source: "Microsoft Entra: Customize SAML token claims <https://learn.microsoft.com/en-us/entra/identity-platform/saml-claims-customization>; Microsoft Entra: Authentication and authorization error codes <https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes>",
};

pub(crate) static USER_NOT_EMAIL: Rule = Rule {
    code: "users.nameid.not_email",
    severity: Severity::Error,
    summary: "The NameID value for a user is not an email address (addr-spec)",
    fix: "IAM Identity Center needs a NameID of the form name@domain; choose a source or transformation that yields one",
    source: A_IC,
};

pub(crate) static USER_GUEST: Rule = Rule {
    code: "users.guest_upn",
    severity: Severity::Warning,
    summary: "A guest user's UPN (#EXT#) becomes the NameID",
    fix: "For guests, source NameID from user.mail (claim condition on user type) and provision that as the IAM Identity Center UserName",
    source: E_CLM,
};

pub(crate) static USER_NAME_INVALID: Rule = Rule {
    code: "users.username.invalid",
    severity: Severity::Error,
    summary: "The NameID breaks IAM Identity Center UserName rules (at most 128 characters, no < > ; : % tab or line breaks, not a reserved name)",
    fix: "Choose a NameID source that IAM Identity Center accepts as a UserName",
    source: A_API,
};

pub(crate) static AWS_UNMAPPED: Rule = Rule {
    code: "users.aws.unmapped",
    severity: Severity::Info,
    summary: "An IAM Identity Center user whom no given Entra user signs in as",
    fix: "Nothing to do if the Entra list is a subset (one group); otherwise the user cannot sign in through Entra",
    source: A_IC,
};

pub(crate) static LIST_PARTIAL: Rule = Rule {
    code: "users.list.partial",
    severity: Severity::Info,
    summary: "A user list is one page of several (@odata.nextLink or NextToken present)",
    fix: "Export every page (az ad user list pages itself; aws identitystore list-users without --max-results, or follow NextToken)",
    source: "Microsoft Graph: Paging Microsoft Graph data in your app <https://learn.microsoft.com/en-us/graph/paging>; AWS CLI User Guide: Using the AWS CLI pagination options <https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-pagination.html>",
};

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

const S_IC_SESSION: &str = "AWS IAM Identity Center User Guide: Set session duration <https://docs.aws.amazon.com/singlesignon/latest/userguide/howtosessionduration.html>";
const S_IC_RELAY: &str = "AWS IAM Identity Center User Guide: Set relay state <https://docs.aws.amazon.com/singlesignon/latest/userguide/howtopermrelaystate.html>";
const S_IC_TROUBLE: &str = "AWS IAM Identity Center User Guide: Troubleshooting IAM Identity Center issues <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>";
const S_IAM_ROLE_SAML: &str = "AWS IAM User Guide: Creating a role for SAML 2.0 federation <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html>";
const S_IAM_ASSERTIONS: &str = "AWS IAM User Guide: Configure SAML assertions for the authentication response <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html>";

pub(crate) static IC_SESSION_DURATION_CLAIM: Rule = Rule {
    code: "ic.session_duration.claim_ignored",
    severity: Severity::Info,
    summary: "The claims send SessionDuration to IAM Identity Center, where the permission set's session duration applies instead",
    fix: "Set the session length on the permission set (1 to 12 hours); the SessionDuration claim can be removed",
    source: S_IC_SESSION,
};

pub(crate) static IC_PS_SESSION: Rule = Rule {
    code: "ic.permission_set.session_duration",
    severity: Severity::Info,
    summary: "The permission set's session duration: how long an AWS account session lasts",
    fix: "Nothing to do; change it on the permission set (1 to 12 hours) and reprovision",
    source: S_IC_SESSION,
};

pub(crate) static IC_PS_SESSION_RANGE: Rule = Rule {
    code: "ic.permission_set.session_duration_range",
    severity: Severity::Error,
    summary: "The permission set's session duration is outside 1 to 12 hours, which IAM Identity Center does not accept",
    fix: "Set a session duration from PT1H to PT12H",
    source: S_IC_SESSION,
};

pub(crate) static IC_PS_RELAY_STATE: Rule = Rule {
    code: "ic.permission_set.relay_state",
    severity: Severity::Warning,
    summary: "The permission set's relay state is not an https URL of an AWS service console (unconfirmed: AWS documents only AWS service console URLs)",
    fix: "Set the relay state to an https AWS console URL such as https://console.aws.amazon.com/ec2/, or clear it",
    source: S_IC_RELAY,
};

pub(crate) static IC_ABAC_TOO_MANY: Rule = Rule {
    code: "ic.abac.too_many",
    severity: Severity::Error,
    summary: "More than 50 AccessControl attributes: IAM Identity Center with attributes for access control and STS allow at most 50",
    fix: "Send at most 50 https://aws.amazon.com/SAML/Attributes/AccessControl:{key} claims",
    source: "AWS IAM Identity Center User Guide: Troubleshooting IAM Identity Center issues <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>; AWS IAM User Guide: Passing session tags in AWS STS <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>",
};

pub(crate) static IC_ABAC_MULTI: Rule = Rule {
    code: "ic.abac.multi_valued",
    severity: Severity::Error,
    summary: "An AccessControl attribute comes from a multi-valued source, which attributes for access control do not accept",
    fix: "Source each AccessControl claim from a single-valued attribute (not user.assignedroles, groups, or an input treated as multi-valued)",
    source: "AWS IAM Identity Center User Guide: Troubleshooting IAM Identity Center issues <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>; AWS IAM User Guide: Passing session tags in AWS STS <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>",
};

pub(crate) static IC_ABAC_DUPLICATE: Rule = Rule {
    code: "ic.abac.duplicate",
    severity: Severity::Error,
    summary: "Two AccessControl attributes have the same name, which attributes for access control do not accept",
    fix: "Keep one claim per AccessControl key",
    source: S_IC_TROUBLE,
};

pub(crate) static IC_ABAC_KEY: Rule = Rule {
    code: "ic.abac.key_invalid",
    severity: Severity::Error,
    summary: "An AccessControl key breaks the session tag rules (1 to 128 characters; letters, digits, spaces and _ . : / = + - @; no aws: prefix)",
    fix: "Rename the key so that it is a valid session tag key",
    source: "AWS IAM User Guide: Passing session tags in AWS STS <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>; AWS IAM User Guide: Tags for AWS Identity and Access Management resources, rules for naming tags <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html>",
};

pub(crate) static IC_ABAC_VALUE: Rule = Rule {
    code: "ic.abac.value_invalid",
    severity: Severity::Error,
    summary: "A constant AccessControl value breaks the session tag rules (at most 256 characters; letters, digits, spaces and _ . : / = + - @)",
    fix: "Shorten the value or remove the characters session tags do not allow",
    source: "AWS IAM User Guide: Passing session tags in AWS STS <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>; AWS IAM User Guide: Tags for AWS Identity and Access Management resources, rules for naming tags <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html>",
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

pub(crate) static IAM_TRUST_NO_SAML: Rule = Rule {
    code: "iam.trust.no_saml_federation",
    severity: Severity::Error,
    summary: "The role's trust policy lets no SAML provider (Federated principal) perform sts:AssumeRoleWithSAML",
    fix: "Add a statement: Effect Allow, Principal {\"Federated\": \"arn:aws:iam::ACCOUNT:saml-provider/NAME\"}, Action sts:AssumeRoleWithSAML",
    source: "AWS IAM User Guide: Creating a role for SAML 2.0 federation <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html>; AWS IAM User Guide: Troubleshooting SAML 2.0 federation with AWS <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_saml.html>",
};

pub(crate) static IAM_TRUST_PROVIDER: Rule = Rule {
    code: "iam.trust.provider_mismatch",
    severity: Severity::Error,
    summary: "The Role claim pairs this role with a SAML provider that the role's trust policy does not trust",
    fix: "Make the Role value's saml-provider ARN and the trust policy's Federated principal the same provider",
    source: "AWS IAM User Guide: Creating a role for SAML 2.0 federation <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html>; AWS IAM User Guide: Troubleshooting SAML 2.0 federation with AWS <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_saml.html>",
};

pub(crate) static IAM_TRUST_ROLE_NOT_SENT: Rule = Rule {
    code: "iam.trust.role_not_sent",
    severity: Severity::Info,
    summary: "No Role value the claims send names this role",
    fix: "Nothing to do if this role is meant for another IdP; otherwise add roleARN,providerARN to the Role attribute the IdP sends",
    source: S_IAM_ASSERTIONS,
};

pub(crate) static IAM_TRUST_AUD: Rule = Rule {
    code: "iam.trust.saml_aud",
    severity: Severity::Error,
    summary: "The trust policy's SAML:aud condition does not allow the ACS URL the IdP posts to",
    fix: "Make SAML:aud list the AWS sign-in endpoint the IdP posts to (https://signin.aws.amazon.com/saml or https://REGION.signin.aws.amazon.com/saml), or change the ACS (Reply) URL at the IdP",
    source: "AWS IAM User Guide: Creating a role for SAML 2.0 federation <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html>; AWS IAM User Guide: Configure SAML assertions for the authentication response <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html>",
};

pub(crate) static IAM_TRUST_AUD_PARTIAL: Rule = Rule {
    code: "iam.trust.saml_aud_partial",
    severity: Severity::Warning,
    summary: "The trust policy's SAML:aud condition allows some of the AWS Reply URLs of the Entra app but not all",
    fix: "List in SAML:aud every AWS sign-in endpoint the IdP may post to, or remove the Reply URLs the role does not accept",
    source: S_IAM_ROLE_SAML,
};

pub(crate) static IAM_TRUST_TAG_SESSION: Rule = Rule {
    code: "iam.trust.tag_session",
    severity: Severity::Error,
    summary: "The claims send session tags (PrincipalTag) but the role's trust policy does not allow sts:TagSession",
    fix: "Add sts:TagSession to the Action of the trust policy statement for the SAML provider",
    source: "AWS IAM User Guide: Passing session tags in AWS STS <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>; AWS IAM User Guide: Troubleshooting SAML 2.0 federation with AWS <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_saml.html>",
};

pub(crate) static IAM_SESSION_OVER_MAX: Rule = Rule {
    code: "iam.role.session_duration_over_max",
    severity: Severity::Warning,
    summary: "The SessionDuration claim is longer than the role's MaxSessionDuration (unconfirmed what the console does; API requests longer than it fail)",
    fix: "Raise the role's maximum session duration or lower the SessionDuration claim",
    source: "AWS IAM User Guide: Update the maximum session duration for a role <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html>; AWS IAM User Guide: Configure SAML assertions for the authentication response <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html>",
};

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
