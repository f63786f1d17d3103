//! The pair check's rules.

use crate::finding::{Rule, Severity};

pub(crate) static PROTOCOL: Rule = Rule {
    code: "pair.protocol.no_saml2",
    severity: Severity::Error,
    summary: "The SP or IdP role does not list SAML 2.0 in protocolSupportEnumeration",
    fix: "Use metadata for the SAML 2.0 role: protocolSupportEnumeration must include urn:oasis:names:tc:SAML:2.0:protocol",
    source: "SAML 2.0 Metadata (OASIS), section 2.4.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>",
};
pub(crate) static SSO_BINDING: Rule = Rule {
    code: "pair.sso.no_usable_binding",
    severity: Severity::Error,
    summary: "The IdP offers no SingleSignOnService with HTTP-Redirect or HTTP-POST",
    fix: "Publish a SingleSignOnService with the HTTP-Redirect (or HTTP-POST) binding; AWS IAM Identity Center requires a SingleSignOnService",
    source: "SAML 2.0 Profiles (OASIS), section 4.1.3.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf>; AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>",
};
pub(crate) static ACS_POST: Rule = Rule {
    code: "pair.acs.no_post",
    severity: Severity::Error,
    summary: "The SP has no AssertionConsumerService with the HTTP-POST binding",
    fix: "Entra and most IdPs return responses with HTTP-POST only: add an HTTP-POST AssertionConsumerService to the SP metadata",
    source: "Microsoft Entra: Single sign-on SAML protocol <https://learn.microsoft.com/en-us/entra/identity-platform/single-sign-on-saml-protocol>; SAML 2.0 Profiles (OASIS), section 4.1.3.5 <https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf>",
};
pub(crate) static REQUESTS_UNSIGNED: Rule = Rule {
    code: "pair.authn_requests.unsigned",
    severity: Severity::Error,
    summary: "The IdP wants signed AuthnRequests but the SP does not sign them",
    fix: "Turn off 'require signed requests' at the IdP (AWS IAM Identity Center does not sign AuthnRequests), or configure the SP to sign",
    source: "SAML 2.0 Metadata (OASIS), section 2.4.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; Microsoft Entra: Single sign-on SAML protocol <https://learn.microsoft.com/en-us/entra/identity-platform/single-sign-on-saml-protocol>",
};
pub(crate) static REQUESTS_UNSIGNED_KEYCLOAK: Rule = Rule {
    code: "pair.authn_requests.keycloak_client_setting",
    severity: Severity::Warning,
    summary: "A Keycloak realm descriptor says WantAuthnRequestsSigned=\"true\", but Keycloak decides per client (\"Client signature required\"); the SP does not sign AuthnRequests (the realm-wide value is unconfirmed to reflect the client's setting)",
    fix: "In Keycloak, turn off \"Client signature required\" (Keys tab) for the AWS client: AWS IAM Identity Center does not sign AuthnRequests",
    source: "Keycloak Server Administration Guide: Creating a SAML client <https://www.keycloak.org/docs/latest/server_admin/index.html#_client-saml-configuration>; SAML 2.0 Metadata (OASIS), section 2.4.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>",
};
pub(crate) static CERT_EXPIRED: Rule = Rule {
    code: "pair.idp_cert.expired",
    severity: Severity::Error,
    summary: "An IdP signing certificate has expired and no listed signing certificate is valid at the time of evaluation",
    fix: "Create a new signing certificate at the IdP, make it the one the IdP signs with, and import the new metadata at the SP",
    source: "AWS IAM Identity Center User Guide: Rotate the SAML 2.0 certificate <https://docs.aws.amazon.com/singlesignon/latest/userguide/rotatesamlcert.html>; Microsoft Entra: Manage certificates for federated single sign-on <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/tutorial-manage-certificates-for-federated-single-sign-on>",
};
pub(crate) static CERT_EXPIRED_ROLLOVER: Rule = Rule {
    code: "pair.idp_cert.expired_rollover",
    severity: Severity::Warning,
    summary: "An IdP signing certificate has expired while another listed signing certificate is valid (a rollover left behind)",
    fix: "Remove the expired certificate from the SP (IAM Identity Center: Manage authentication > IdP certificates; IAM: update the SAML provider with metadata without it) and make sure the IdP signs with the valid one",
    source: "AWS IAM Identity Center User Guide: Rotate the SAML 2.0 certificate <https://docs.aws.amazon.com/singlesignon/latest/userguide/rotatesamlcert.html>; Microsoft Entra: Manage certificates for federated single sign-on <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/tutorial-manage-certificates-for-federated-single-sign-on>; AWS IAM User Guide: Create a SAML identity provider in IAM <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml.html>",
};
pub(crate) static CERT_NOT_YET_VALID: Rule = Rule {
    code: "pair.idp_cert.not_yet_valid",
    severity: Severity::Warning,
    summary: "An IdP signing certificate is not yet valid at the time of evaluation",
    fix: "Check the IdP's clock and the certificate dates; SPs that check validity reject it until then",
    source: "RFC 5280: Internet X.509 Public Key Infrastructure Certificate and CRL Profile, section 4.1.2.5 <https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5>",
};
pub(crate) static CERT_EXPIRING: Rule = Rule {
    code: "pair.idp_cert.expiring",
    severity: Severity::Warning,
    summary: "An IdP signing certificate expires within --warn-days",
    fix: "Start the rollover now: create the new certificate at the IdP (not yet active), import it at the SP, then make the IdP sign with it",
    source: "Microsoft Entra: Manage certificates for federated single sign-on <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/tutorial-manage-certificates-for-federated-single-sign-on>; AWS IAM Identity Center User Guide: Certificate expiration status indicators <https://docs.aws.amazon.com/singlesignon/latest/userguide/samlcertexpirationindicators.html>",
};
pub(crate) static CERT_OK: Rule = Rule {
    code: "pair.idp_cert.valid",
    severity: Severity::Info,
    summary: "An IdP signing certificate is valid, with the days left",
    fix: "Nothing to do; plan the rollover before the end date",
    source: "Microsoft Entra: Manage certificates for federated single sign-on <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/tutorial-manage-certificates-for-federated-single-sign-on>",
};
pub(crate) static NO_SIGNING_CERT: Rule = Rule {
    code: "pair.idp_cert.missing",
    severity: Severity::Error,
    summary: "The IdP publishes no signing certificate",
    fix: "Use IdP metadata with a KeyDescriptor use=\"signing\" holding the X509Certificate the IdP signs with",
    source: "AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>",
};
pub(crate) static NO_VALID_CERT: Rule = Rule {
    code: "pair.idp_cert.none_valid",
    severity: Severity::Error,
    summary: "None of the IdP signing certificates is valid at the time of evaluation",
    fix: "Rotate the IdP signing certificate and import the new metadata at the SP",
    source: "AWS IAM Identity Center User Guide: Rotate a SAML 2.0 certificate <https://docs.aws.amazon.com/singlesignon/latest/userguide/rotatesamlcert.html>",
};
pub(crate) static NAMEID_EMAIL: Rule = Rule {
    code: "pair.nameid.not_email",
    severity: Severity::Warning,
    summary: "AWS IAM Identity Center needs NameID format emailAddress, which the IdP's metadata does not list (IdPs choose the format per application or relying party, so it may still be configurable: unconfirmed for this IdP)",
    fix: "Configure the IdP to send NameID in urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress for the AWS application, with the Identity Center username as value; if the IdP cannot, sign-in fails",
    source: "AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>; AWS IAM Identity Center User Guide: Troubleshooting <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>",
};
pub(crate) static NAMEID_EMAIL_UNLISTED: Rule = Rule {
    code: "pair.nameid.email_not_listed",
    severity: Severity::Warning,
    summary: "The IdP lists NameID format unspecified but not emailAddress, which AWS IAM Identity Center needs; the format is chosen per application at the IdP",
    fix: "Configure the NameID format emailAddress (urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress) for the AWS application at the IdP, with the Identity Center username as value",
    source: "AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>; SAML 2.0 Metadata (OASIS), section 2.4.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>",
};
pub(crate) static NAMEID_NOTE: Rule = Rule {
    code: "pair.nameid.must_equal_username",
    severity: Severity::Info,
    summary: "Identity Center matches the NameID to the username exactly; metadata cannot show the value",
    fix: "Configure the IdP to send as NameID (format emailAddress) the attribute that equals the Identity Center username",
    source: "AWS IAM Identity Center User Guide: Troubleshooting <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>; Microsoft Entra: Configure AWS IAM Identity Center for single sign-on <https://learn.microsoft.com/en-us/entra/identity/saas-apps/aws-single-sign-on-tutorial>",
};
pub(crate) static NAMEID_DISJOINT: Rule = Rule {
    code: "pair.nameid.no_common_format",
    severity: Severity::Warning,
    summary: "The SP and IdP list no NameID format in common",
    fix: "Configure the IdP to send a NameID format the SP lists (or unspecified)",
    source: "SAML 2.0 Metadata (OASIS), section 2.4.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>",
};
pub(crate) static ENTRA_COMMON: Rule = Rule {
    code: "pair.idp.tenant_independent",
    severity: Severity::Error,
    summary: "The IdP metadata is Entra's tenant-independent document ({tenantid} placeholder)",
    fix: "Download the app's federation metadata from the Entra app (SAML certificates > Federation Metadata XML), which names your tenant",
    source: "Microsoft Entra: Federation metadata <https://learn.microsoft.com/en-us/entra/identity-platform/federation-metadata>",
};
pub(crate) static ENTRA_TENANT_DOC: Rule = Rule {
    code: "pair.idp.entra_tenant_metadata",
    severity: Severity::Error,
    summary: "The IdP metadata is Entra's tenant-wide document (tenant token-signing keys), not the Enterprise application's: it lacks the app's SAML signing certificate",
    fix: "Download the application's Federation Metadata XML (Enterprise applications > the app > Single sign-on > SAML Certificates, or https://login.microsoftonline.com/<tenant>/federationmetadata/2007-06/federationmetadata.xml?appid=<app id>) and upload that to AWS",
    source: "Microsoft Entra: Federation metadata <https://learn.microsoft.com/en-us/entra/identity-platform/federation-metadata>; Microsoft Entra: Manage certificates for federated single sign-on <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/tutorial-manage-certificates-for-federated-single-sign-on>",
};
pub(crate) static IC_SIZE: Rule = Rule {
    code: "pair.idp.too_large_for_identity_center",
    severity: Severity::Error,
    summary: "IdP metadata over 75,000 characters, the IAM Identity Center limit",
    fix: "Upload the app-specific metadata, or strip what IAM Identity Center does not need (samlcheck rewrite --saml2-only)",
    source: "AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>",
};
pub(crate) static BOM: Rule = Rule {
    code: "pair.idp.bom",
    severity: Severity::Error,
    summary: "IdP metadata starts with a UTF-8 byte order mark, which AWS IAM refuses",
    fix: "Remove the BOM before uploading: samlcheck rewrite --strip-bom FILE -o OUT",
    source: "AWS IAM User Guide: Troubleshoot SAML federation with IAM <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_saml.html>; Microsoft Entra: Enable SAML single sign-on for an enterprise application <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/add-application-portal-setup-sso>",
};
pub(crate) static BOM_IC: Rule = Rule {
    code: "pair.idp.bom_identity_center",
    severity: Severity::Info,
    summary: "IdP metadata starts with a UTF-8 byte order mark; no IAM Identity Center page says it refuses one (only IAM's CreateSAMLProvider does)",
    fix: "Nothing needed for IAM Identity Center; if the upload is refused, remove the BOM: samlcheck rewrite --strip-bom FILE -o OUT",
    source: "AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>; Microsoft Entra: Configure AWS IAM Identity Center for single sign-on <https://learn.microsoft.com/en-us/entra/identity/saas-apps/aws-single-sign-on-tutorial>",
};
pub(crate) static ENCODING: Rule = Rule {
    code: "pair.idp.not_utf8",
    severity: Severity::Error,
    summary: "IdP metadata is not UTF-8, which AWS requires",
    fix: "Convert the file to UTF-8 (and fix its XML declaration) before uploading",
    source: "AWS IAM User Guide: Create a SAML identity provider in IAM <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml.html>",
};
pub(crate) static IC_ENCRYPTION: Rule = Rule {
    code: "pair.idp.encryption_key",
    severity: Severity::Warning,
    summary: "IdP metadata with an encryption KeyDescriptor: IAM Identity Center's metadata requirements say \"An encryption key is not supported\" (whether the upload is refused or the key ignored is unconfirmed)",
    fix: "Upload a copy without the use=\"encryption\" KeyDescriptor if IAM Identity Center refuses the file",
    source: "AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>",
};

pub(crate) static RULES: &[&Rule] = &[
    &PROTOCOL,
    &SSO_BINDING,
    &ACS_POST,
    &REQUESTS_UNSIGNED,
    &REQUESTS_UNSIGNED_KEYCLOAK,
    &CERT_EXPIRED,
    &CERT_EXPIRED_ROLLOVER,
    &CERT_NOT_YET_VALID,
    &CERT_EXPIRING,
    &CERT_OK,
    &NO_SIGNING_CERT,
    &NO_VALID_CERT,
    &NAMEID_EMAIL,
    &NAMEID_EMAIL_UNLISTED,
    &NAMEID_NOTE,
    &NAMEID_DISJOINT,
    &ENTRA_COMMON,
    &ENTRA_TENANT_DOC,
    &IC_SIZE,
    &BOM,
    &BOM_IC,
    &ENCODING,
    &IC_ENCRYPTION,
];
