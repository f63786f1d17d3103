//! The `response.*` rules: what a captured SAML Response is checked for.
//!
//! Codes and meaning (stable; tests and other tools match on them):
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `response.signature.missing` | error | no signature trusted by the IdP metadata covers the assertion that is read (unsigned, or signature stripped) |
//! | `response.signature.invalid` | error | a signature on the Response or the Assertion does not verify (digest or signature value; comment truncation that changes the digest) |
//! | `response.signature.untrusted_key` | error | a signature verifies, but with a key that is not a signing key of the IdP metadata |
//! | `response.signature.algorithm` | error | a digest or signature algorithm outside the allow-list (MD5, HMAC, unknown URIs) |
//! | `response.signature.sha1` | warning | the signature uses SHA-1 (digest or RSA-SHA1) |
//! | `response.signature.profile` | error | a signature outside the enveloped profile (transforms, canonicalization, reference count, KeyInfo layout) |
//! | `response.signer` | info | which IdP metadata certificate signed (position, rollover, days left) |
//! | `response.signature.assertion_unsigned` | warning | only the Response is signed while the SP metadata asks for signed assertions |
//! | `response.structure.wrapping` | error | signature wrapping: a second assertion, an assertion outside its place (Extensions, Object, Advice, Status), a signature whose reference names another element than its parent |
//! | `response.structure.duplicate_id` | error | two elements carry the same ID value |
//! | `response.text.comment_split` | warning | a comment or processing instruction splits the text of NameID, an attribute value, Issuer or Audience (read in full) |
//! | `response.assertion.missing` | error | a success status without any assertion |
//! | `response.assertion.encrypted` | error | an EncryptedAssertion sent to IAM Identity Center (not supported) |
//! | `response.assertion.encrypted_unread` | info | an EncryptedAssertion for another SP: its content is not checked |
//! | `response.status.failure` | error | the status is not Success (AADSTS codes explained) |
//! | `response.issuer.mismatch` | error | the Issuer of the Response or Assertion is not the IdP entityID (or the Assertion has none) |
//! | `response.destination.mismatch` | error | Destination is none of the SP's ACS URLs |
//! | `response.recipient.mismatch` | error | SubjectConfirmationData Recipient is none of the SP's ACS URLs |
//! | `response.recipient.missing` | error | the bearer SubjectConfirmationData has no Recipient or no NotOnOrAfter |
//! | `response.acs.matched` | info | which ACS URL (and Region) the response was sent to |
//! | `response.audience.mismatch` | error | no Audience equals the SP entityID |
//! | `response.subject.no_bearer` | error | no bearer SubjectConfirmation |
//! | `response.time.not_yet_valid` | error | NotBefore is after the evaluation instant |
//! | `response.time.expired` | error | NotOnOrAfter (Conditions or SubjectConfirmationData) is at or before the evaluation instant |
//! | `response.flow` | info | IdP- or SP-initiated (InResponseTo) and what the SP accepts |
//! | `response.nameid.missing` | error | the Assertion has no Subject/NameID |
//! | `response.nameid.format` | error | IAM Identity Center: the NameID format is not emailAddress |
//! | `response.nameid.not_email` | error | IAM Identity Center: the NameID value is not an email address |
//! | `response.nameid.no_user` | error | IAM Identity Center: no UserName in `--aws-users` equals the NameID |
//! | `response.nameid.case_only` | warning | the NameID equals a UserName only when case is ignored |
//! | `response.nameid.matches_mail` | error | the NameID is no UserName, but a UserName equals the user's mail |
//! | `response.nameid.guest` | warning | the NameID is a guest's #EXT# UPN |
//! | `response.nameid.user_match` | info | the NameID equals an IAM Identity Center UserName |
//! | `response.nameid.prediction_differs` | warning | the NameID the claims configuration predicts for the user differs from the one sent |
//! | `response.iam.role.missing` | error | IAM single-account: no Role attribute |
//! | `response.iam.role.value` | error | IAM single-account: a Role value is not a role ARN and a SAML provider ARN of one account |
//! | `response.iam.role.not_trusted` | error | IAM single-account: the `--aws-role` role's trust policy does not trust the provider the response names |
//! | `response.iam.session_name` | error | IAM single-account: RoleSessionName missing, not single-valued, or not `[A-Za-z0-9_+=,.@-]{2,64}` |
//! | `response.iam.session_duration` | error | IAM single-account: SessionDuration not an integer from 900 to 43200 |
//! | `response.abac.limits` | error | IAM Identity Center: AccessControl attributes past the documented limits |

use crate::finding::{Rule, Severity};

macro_rules! saml_core {
    () => {
        "Assertions and Protocols for the OASIS SAML V2.0 (OASIS), sections 2 and 3 <https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf>"
    };
}
macro_rules! saml_core_sig {
    () => {
        "Assertions and Protocols for the OASIS SAML V2.0 (OASIS), section 5.4 <https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf>"
    };
}
macro_rules! saml_profiles {
    () => {
        "Profiles for the OASIS SAML V2.0 (OASIS), section 4.1.4 <https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf>"
    };
}
macro_rules! saml_bindings {
    () => {
        "Bindings for the OASIS SAML V2.0 (OASIS), section 3.5.5.2 <https://docs.oasis-open.org/security/saml/v2.0/saml-bindings-2.0-os.pdf>"
    };
}
macro_rules! dsig {
    () => {
        "XML Signature Syntax and Processing Version 1.1 (W3C), Core Validation <https://www.w3.org/TR/xmldsig-core1/>"
    };
}
macro_rules! xsw {
    () => {
        "On Breaking SAML: Be Whoever You Want to Be (USENIX Security 2012) <https://www.usenix.org/conference/usenixsecurity12/technical-sessions/presentation/somorovsky>"
    };
}
macro_rules! cve_comment {
    () => {
        "CVE-2017-11427 (comment truncation in SAML libraries) <https://nvd.nist.gov/vuln/detail/CVE-2017-11427>"
    };
}
macro_rules! rfc9231 {
    () => {
        "RFC 9231: Additional XML Security Uniform Resource Identifiers (URIs) <https://www.rfc-editor.org/rfc/rfc9231>"
    };
}
macro_rules! a_ic_idp {
    () => {
        "AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>"
    };
}
macro_rules! a_ic_ts {
    () => {
        "AWS IAM Identity Center User Guide: Troubleshooting IAM Identity Center issues <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>"
    };
}
macro_rules! a_ic_mr {
    () => {
        "AWS IAM Identity Center User Guide: Workforce access through an additional Region <https://docs.aws.amazon.com/singlesignon/latest/userguide/multi-region-workforce-access.html>"
    };
}
macro_rules! a_ic_certs {
    () => {
        "AWS IAM Identity Center User Guide: Rotate the SAML certificate <https://docs.aws.amazon.com/singlesignon/latest/userguide/rotatesamlcert.html>"
    };
}
macro_rules! a_iam_assert {
    () => {
        "AWS IAM User Guide: Configure SAML assertions for the authentication response <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html>"
    };
}
macro_rules! a_iam_ts {
    () => {
        "AWS IAM User Guide: Troubleshoot SAML 2.0 federation with AWS <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_saml.html>"
    };
}
macro_rules! a_iam_role {
    () => {
        "AWS IAM User Guide: Create a role for a third-party identity provider (SAML 2.0 federation) <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html>"
    };
}
macro_rules! a_ic_abac {
    () => {
        "AWS IAM Identity Center User Guide: Attributes for access control <https://docs.aws.amazon.com/singlesignon/latest/userguide/attributesforaccesscontrol.html>"
    };
}
macro_rules! e_err {
    () => {
        "Microsoft Entra: Authentication and authorization error codes <https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes>"
    };
}
macro_rules! e_prot {
    () => {
        "Microsoft Entra: Single sign-on SAML protocol <https://learn.microsoft.com/en-us/entra/identity-platform/single-sign-on-saml-protocol>"
    };
}
macro_rules! e_sign {
    () => {
        "Microsoft Entra: Advanced SAML token certificate signing options <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/certificate-signing-options>"
    };
}
macro_rules! e_clm {
    () => {
        "Microsoft Entra: Customize SAML token claims <https://learn.microsoft.com/en-us/entra/identity-platform/saml-claims-customization>"
    };
}

macro_rules! rule {
    ($name:ident, $code:literal, $sev:ident, $summary:expr, $fix:expr, $source:expr) => {
        pub(crate) static $name: Rule = Rule {
            code: $code,
            severity: Severity::$sev,
            summary: $summary,
            fix: $fix,
            source: $source,
        };
    };
}

rule!(SIG_MISSING, "response.signature.missing", Error,
    "No signature by a signing key of the IdP metadata covers the assertion (unsigned or stripped)",
    "Have the IdP sign the assertion, the response, or both (Entra: SAML signing certificate, Signing option); AWS rejects an unsigned assertion",
    concat!(saml_profiles!(), "; ", saml_core_sig!(), "; ", a_ic_idp!()));
rule!(SIG_INVALID, "response.signature.invalid", Error,
    "A signature of the Response or the Assertion does not verify (content changed after signing, or a wrong signature value)",
    "Capture the response again unchanged (no re-formatting); if it still fails, the IdP signed it with another key than the metadata lists",
    concat!(dsig!(), "; ", a_iam_ts!()));
rule!(SIG_UNTRUSTED, "response.signature.untrusted_key", Error,
    "A signature verifies, but with a key that is not a signing certificate of the IdP metadata",
    "Load the IdP's current metadata into AWS (Identity Center: import the new certificate; IAM: update-saml-provider), or make the IdP sign with the certificate AWS holds",
    concat!(dsig!(), "; ", a_iam_ts!(), "; ", a_ic_certs!()));
rule!(SIG_ALGORITHM, "response.signature.algorithm", Error,
    "A signature uses a digest or signature algorithm outside the allow-list (MD5, HMAC or an unknown URI)",
    "Sign with RSA-SHA256 and a SHA-256 digest",
    concat!(rfc9231!(), "; ", dsig!()));
rule!(SIG_SHA1, "response.signature.sha1", Warning,
    "A signature uses SHA-1 (RSA-SHA1 or a SHA-1 digest); AWS's acceptance of SHA-1 is unconfirmed",
    "Set the signing algorithm to SHA-256 (Entra: SAML Signing Certificate, Signing Algorithm SHA-256)",
    concat!(rfc9231!(), "; ", e_sign!()));
rule!(SIG_PROFILE, "response.signature.profile", Error,
    "A signature is outside the enveloped profile (one Reference to its parent's ID, enveloped-signature and exclusive c14n transforms, no Object)",
    "Sign with an enveloped signature as a child of the Response or Assertion, one Reference to its ID, exclusive c14n",
    concat!(saml_core_sig!(), "; ", dsig!()));
rule!(SIG_SIGNER, "response.signer", Info,
    "Which signing certificate of the IdP metadata verified the signature (rollover state)",
    "Nothing to do; during a certificate rollover make sure AWS holds the certificate that signs now",
    concat!(a_ic_certs!(), "; ", e_sign!()));
rule!(SIG_ASSERTION_UNSIGNED, "response.signature.assertion_unsigned", Warning,
    "Only the Response is signed, while the SP metadata says WantAssertionsSigned; whether AWS accepts this is unconfirmed",
    "Sign the assertion (Entra: Signing option 'Sign SAML assertion' or 'Sign SAML response and assertion')",
    concat!(e_sign!(), "; ", "SAML 2.0 Metadata (OASIS), section 2.4.4 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"));
rule!(WRAPPING, "response.structure.wrapping", Error,
    "Signature wrapping: a second assertion, an assertion outside its place, or a signature that names another element than the one it is in",
    "Reject the response: a genuine IdP sends one Assertion as a child of the Response, signed in place",
    concat!(xsw!(), "; ", saml_core_sig!()));
rule!(DUPLICATE_ID, "response.structure.duplicate_id", Error,
    "Two elements carry the same ID value",
    "Reject the response: IDs must be unique, and duplicates are how signature wrapping hides a copy",
    concat!(saml_core_sig!(), "; ", xsw!()));
rule!(COMMENT_SPLIT, "response.text.comment_split", Warning,
    "A comment splits the text of NameID, an attribute value, Issuer or Audience (read here in full)",
    "Find out who inserted the comment: comments are not signed, and consumers that read only the text before it can be fooled",
    concat!(cve_comment!(), "; ", dsig!()));
rule!(
    ASSERTION_MISSING,
    "response.assertion.missing",
    Error,
    "The status is Success but the response carries no assertion",
    "Capture the whole response; an IdP answering Success must send an assertion",
    concat!(saml_profiles!(), "; ", saml_core!())
);
rule!(ENCRYPTED_IC, "response.assertion.encrypted", Error,
    "An EncryptedAssertion is sent to IAM Identity Center, which does not support encrypted assertions",
    "Turn token encryption off for the AWS IAM Identity Center app (Entra: Token encryption; other IdPs: assertion encryption)",
    concat!(a_ic_idp!(), "; ", a_ic_ts!()));
rule!(ENCRYPTED_UNREAD, "response.assertion.encrypted_unread", Info,
    "The assertion is encrypted: its content (subject, conditions, attributes) is not checked here",
    "Capture the response with encryption off to check its content, or check with the SP's decryption key elsewhere",
    concat!(saml_core!()));
rule!(
    STATUS_FAILURE,
    "response.status.failure",
    Error,
    "The response's status is not Success: the IdP refused the sign-in",
    "Read the status message (an AADSTS code for Entra) and fix its cause at the IdP",
    concat!(saml_core!(), "; ", e_err!())
);
rule!(ISSUER_MISMATCH, "response.issuer.mismatch", Error,
    "The Issuer of the Response or Assertion is not the IdP's entityID (or the Assertion has no Issuer)",
    "Use the metadata of the IdP that sent this response, or make the IdP's issuer equal its metadata entityID",
    concat!(saml_profiles!(), "; ", a_iam_ts!()));
rule!(DESTINATION_MISMATCH, "response.destination.mismatch", Error,
    "The Response's Destination is none of the SP's ACS URLs",
    "Set the IdP's Reply URL (ACS URL) to one of the SP metadata's AssertionConsumerService URLs exactly",
    concat!(saml_bindings!(), "; ", a_ic_ts!()));
rule!(RECIPIENT_MISMATCH, "response.recipient.mismatch", Error,
    "SubjectConfirmationData Recipient is none of the SP's ACS URLs",
    "Set the IdP's Reply URL (ACS URL) to one of the SP metadata's AssertionConsumerService URLs exactly",
    concat!(saml_profiles!(), "; ", a_iam_assert!(), "; ", a_ic_ts!()));
rule!(RECIPIENT_MISSING, "response.recipient.missing", Error,
    "The bearer SubjectConfirmationData lacks Recipient or NotOnOrAfter",
    "Configure the IdP to send the Web Browser SSO profile's bearer confirmation (Recipient = ACS URL, NotOnOrAfter)",
    concat!(saml_profiles!(), "; ", a_iam_assert!()));
rule!(
    ACS_MATCHED,
    "response.acs.matched",
    Info,
    "Which ACS URL of the SP (and which Region for IAM Identity Center) the response was sent to",
    "Nothing to do; with several Regions, each Region's ACS URL must be a Reply URL at the IdP",
    concat!(a_ic_mr!(), "; ", a_iam_assert!())
);
rule!(
    AUDIENCE_MISMATCH,
    "response.audience.mismatch",
    Error,
    "No Audience of the assertion equals the SP's entityID",
    "Set the IdP's Identifier (Entity ID) of the app to the SP metadata's entityID exactly",
    concat!(saml_profiles!(), "; ", a_iam_ts!(), "; ", a_ic_ts!())
);
rule!(
    NO_BEARER,
    "response.subject.no_bearer",
    Error,
    "The Subject has no bearer SubjectConfirmation",
    "Send a SubjectConfirmation with Method urn:oasis:names:tc:SAML:2.0:cm:bearer",
    concat!(saml_profiles!(), "; ", a_iam_assert!())
);
rule!(NOT_YET_VALID, "response.time.not_yet_valid", Error,
    "A NotBefore lies after the instant of evaluation (clock skew between IdP and SP, or a wrong --at)",
    "Check the IdP's clock; evaluate with --at at the moment the response was posted",
    concat!(saml_core!(), "; ", e_prot!()));
rule!(EXPIRED, "response.time.expired", Error,
    "A NotOnOrAfter (Conditions or SubjectConfirmationData) is at or before the instant of evaluation",
    "Post the response promptly (Entra's assertions are valid about 70 minutes); evaluate with --at at the moment it was posted",
    concat!(saml_core!(), "; ", saml_profiles!(), "; ", e_prot!()));
rule!(FLOW, "response.flow", Info,
    "Whether the sign-in was IdP-initiated (no InResponseTo) or SP-initiated, and what the SP accepts",
    "Nothing to do",
    concat!(saml_profiles!(), "; ", a_ic_idp!(), "; ", a_iam_assert!()));
rule!(
    NAMEID_MISSING,
    "response.nameid.missing",
    Error,
    "The assertion has no Subject/NameID",
    "Configure the IdP to send a NameID (Entra: Unique User Identifier)",
    concat!(a_iam_ts!(), "; ", a_ic_ts!())
);
rule!(NAMEID_FORMAT, "response.nameid.format", Error,
    "IAM Identity Center: the NameID format is not urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    "Set the NameID format to Email address",
    concat!(a_ic_idp!(), "; ", a_ic_ts!()));
rule!(
    NAMEID_NOT_EMAIL,
    "response.nameid.not_email",
    Error,
    "IAM Identity Center: the NameID value is not an email address (addr-spec)",
    "Choose a NameID source that yields name@domain, equal to the IAM Identity Center username",
    concat!(a_ic_idp!(), "; ", a_ic_ts!())
);
rule!(NAMEID_NO_USER, "response.nameid.no_user", Error,
    "IAM Identity Center: no UserName in the given user list equals the NameID",
    "Make the IAM Identity Center UserName equal the NameID exactly (SCIM userName mapping or the NameID source); otherwise AWS shows 'An unexpected error has occurred'",
    concat!(a_ic_ts!()));
rule!(
    NAMEID_CASE_ONLY,
    "response.nameid.case_only",
    Warning,
    "The NameID equals an IAM Identity Center UserName only when case is ignored",
    "Make the case equal: AWS documents an exact match",
    concat!(a_ic_ts!())
);
rule!(
    NAMEID_MATCHES_MAIL,
    "response.nameid.matches_mail",
    Error,
    "The NameID is no IAM Identity Center UserName, but a UserName equals the user's mail",
    "Send the user's mail as NameID, or provision the NameID's value as the UserName",
    concat!(a_ic_ts!())
);
rule!(
    NAMEID_GUEST,
    "response.nameid.guest",
    Warning,
    "The NameID is a guest's #EXT# UPN",
    "For guests, send the mail as NameID and provision that as the IAM Identity Center UserName",
    concat!(e_clm!(), "; ", a_ic_ts!())
);
rule!(
    NAMEID_USER_MATCH,
    "response.nameid.user_match",
    Info,
    "The NameID equals an IAM Identity Center UserName exactly",
    "Nothing to do",
    concat!(a_ic_ts!())
);
rule!(NAMEID_PREDICTION, "response.nameid.prediction_differs", Warning,
    "The NameID the claims configuration predicts for this user differs from the NameID sent (the exports are stale, or another rule applied)",
    "Export the claims configuration and users again; compare the claim conditions and transformations with the app in the IdP",
    concat!(e_clm!()));
rule!(ROLE_MISSING, "response.iam.role.missing", Error,
    "IAM single-account SAML: no https://aws.amazon.com/SAML/Attributes/Role attribute (AWS: 'Your request included an invalid SAML response')",
    "Send the Role attribute with values 'role ARN,provider ARN' (Entra: Role = user.assignedroles)",
    concat!(a_iam_assert!(), "; ", a_iam_ts!()));
rule!(ROLE_VALUE, "response.iam.role.value", Error,
    "IAM single-account SAML: a Role value is not a role ARN and a SAML provider ARN of one account and partition",
    "Each Role value must be 'arn:aws:iam::ACCOUNT:role/NAME,arn:aws:iam::ACCOUNT:saml-provider/NAME'",
    concat!(a_iam_assert!(), "; ", a_iam_ts!()));
rule!(ROLE_NOT_TRUSTED, "response.iam.role.not_trusted", Error,
    "IAM single-account SAML: the role's trust policy does not allow sts:AssumeRoleWithSAML for the SAML provider the response names",
    "Add the provider ARN as Federated principal with action sts:AssumeRoleWithSAML to the role's trust policy",
    concat!(a_iam_role!(), "; ", a_iam_ts!()));
rule!(SESSION_NAME, "response.iam.session_name", Error,
    "IAM single-account SAML: RoleSessionName is missing, has several values, or does not match [a-zA-Z_0-9+=,.@-]{2,64}",
    "Send one RoleSessionName value of 2 to 64 characters from [a-zA-Z_0-9+=,.@-] (Entra: user.userprincipalname)",
    concat!(a_iam_assert!(), "; ", a_iam_ts!()));
rule!(
    SESSION_DURATION,
    "response.iam.session_duration",
    Error,
    "IAM single-account SAML: SessionDuration is not an integer from 900 to 43200",
    "Send a number of seconds from 900 to 43200, or no SessionDuration",
    concat!(a_iam_assert!())
);
rule!(ABAC_LIMITS, "response.abac.limits", Error,
    "IAM Identity Center: AccessControl attributes past the limits (at most 50, single-valued, unique names, keys up to 128 and values up to 256 characters)",
    "Reduce the AccessControl attributes to at most 50 single-valued, uniquely named ones",
    concat!(a_ic_abac!(), "; ", a_ic_ts!()));

/// Every `response.*` rule.
pub(crate) static RULES: &[&Rule] = &[
    &SIG_MISSING,
    &SIG_INVALID,
    &SIG_UNTRUSTED,
    &SIG_ALGORITHM,
    &SIG_SHA1,
    &SIG_PROFILE,
    &SIG_SIGNER,
    &SIG_ASSERTION_UNSIGNED,
    &WRAPPING,
    &DUPLICATE_ID,
    &COMMENT_SPLIT,
    &ASSERTION_MISSING,
    &ENCRYPTED_IC,
    &ENCRYPTED_UNREAD,
    &STATUS_FAILURE,
    &ISSUER_MISMATCH,
    &DESTINATION_MISMATCH,
    &RECIPIENT_MISMATCH,
    &RECIPIENT_MISSING,
    &ACS_MATCHED,
    &AUDIENCE_MISMATCH,
    &NO_BEARER,
    &NOT_YET_VALID,
    &EXPIRED,
    &FLOW,
    &NAMEID_MISSING,
    &NAMEID_FORMAT,
    &NAMEID_NOT_EMAIL,
    &NAMEID_NO_USER,
    &NAMEID_CASE_ONLY,
    &NAMEID_MATCHES_MAIL,
    &NAMEID_GUEST,
    &NAMEID_USER_MATCH,
    &NAMEID_PREDICTION,
    &ROLE_MISSING,
    &ROLE_VALUE,
    &ROLE_NOT_TRUSTED,
    &SESSION_NAME,
    &SESSION_DURATION,
    &ABAC_LIMITS,
];
