//! The pair check's rules, each next to the check that reports it.
//!
//! A check is a small function over the chosen SP and IdP ([`Cx`]); [`CHECKS`] lists them
//! in the order they run, each with the rules it can report. Adding a rule means adding its
//! [`Rule`] static, its check function right below it, and one entry in [`CHECKS`] (and in
//! [`RULES`], which a test keeps equal to the rules of [`CHECKS`]).

use super::{
    bindings, entra_tenant_wide, expiring_hint, keycloak_realm, loc, nameid_hint, rollover_hint,
    short, PairOptions,
};
use crate::finding::{Finding, Rule, Severity};
use crate::flavor::{EntraTenant, Flavor, IdpVendor};
use crate::model::{Certificate, EndpointKind, EntityDescriptor, Metadata};
use crate::x509::CertFacts;

/// What every pair check reads: the two sides, their documents, the options, and facts
/// several checks share (computed once).
pub(crate) struct Cx<'a> {
    pub(crate) sp: &'a EntityDescriptor,
    pub(crate) idp: &'a EntityDescriptor,
    pub(crate) idp_md: &'a Metadata,
    pub(crate) opts: &'a PairOptions,
    pub(crate) sp_id: Option<&'a str>,
    pub(crate) idp_id: Option<&'a str>,
    /// The SP is AWS IAM Identity Center.
    pub(crate) is_ic: bool,
    /// The SP is AWS IAM (single-account SAML).
    pub(crate) is_iam: bool,
    /// The IdP is Microsoft Entra ID.
    pub(crate) is_entra: bool,
    /// The IdP is Entra's tenant-independent document (`{tenantid}` placeholder).
    pub(crate) entra_placeholder: bool,
    /// The IdP's vendor, for hints in its own terms.
    pub(crate) vendor: IdpVendor,
    /// The IdP's signing certificates that parse.
    pub(crate) certs: Vec<(&'a Certificate, &'a CertFacts)>,
    /// Those valid at `opts.at`.
    pub(crate) valid_now: Vec<&'a CertFacts>,
}

impl<'a> Cx<'a> {
    pub(crate) fn new(
        sp: &'a EntityDescriptor,
        idp_md: &'a Metadata,
        idp: &'a EntityDescriptor,
        opts: &'a PairOptions,
    ) -> Cx<'a> {
        let certs: Vec<(&Certificate, &CertFacts)> = idp
            .idp_roles()
            .flat_map(|r| r.signing_keys())
            .flat_map(|k| k.certificates.iter())
            .filter_map(|c| c.facts.as_ref().ok().map(|f| (c, f)))
            .collect();
        let valid_now = certs
            .iter()
            .map(|(_, f)| *f)
            .filter(|f| f.not_before <= opts.at && opts.at <= f.not_after)
            .collect();
        Cx {
            sp,
            idp,
            idp_md,
            opts,
            sp_id: Some(sp.entity_id()),
            idp_id: Some(idp.entity_id()),
            is_ic: matches!(sp.flavor, Flavor::AwsIdentityCenterSp { .. }),
            is_iam: matches!(sp.flavor, Flavor::AwsIamSp { .. }),
            is_entra: matches!(idp.flavor, Flavor::Entra { .. }),
            entra_placeholder: matches!(
                idp.flavor,
                Flavor::Entra {
                    tenant: EntraTenant::Placeholder,
                    ..
                }
            ),
            vendor: idp.flavor.idp_vendor(),
            certs,
            valid_now,
        }
    }
}

/// One pair check: a name, the rules it can report, and the function.
pub(crate) struct PairCheck {
    /// A short name (for tests and documentation).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) name: &'static str,
    /// Every rule the check can report.
    pub(crate) rules: &'static [&'static Rule],
    /// The check.
    pub(crate) run: fn(&Cx<'_>, &mut Vec<Finding>),
}

pub(crate) static PROTOCOL: Rule = Rule {
    code: "pair.protocol.no_saml2",
    severity: Severity::Error,
    summary: "The SP or IdP role does not list SAML 2.0 in protocolSupportEnumeration",
    fix: "Use metadata for the SAML 2.0 role: protocolSupportEnumeration must include urn:oasis:names:tc:SAML:2.0:protocol",
    source: "SAML 2.0 Metadata (OASIS), section 2.4.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>",
};

/// `pair.protocol.no_saml2`: SAML 2.0 on both sides.
fn protocol(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    for (e, want_sp, id) in [(cx.sp, true, cx.sp_id), (cx.idp, false, cx.idp_id)] {
        let roles: Vec<_> = if want_sp {
            e.sp_roles().collect()
        } else {
            e.idp_roles().collect()
        };
        if !roles.iter().any(|r| r.supports_saml2()) {
            let r = roles.first();
            out.push(PROTOCOL.at(
                id,
                r.and_then(|r| loc(r.place.pos, &r.place.path)),
                format!(
                    "the {} role of {} does not list {} in protocolSupportEnumeration",
                    if want_sp { "SP" } else { "IdP" },
                    e.entity_id(),
                    crate::xml::ns::SAMLP
                ),
            ));
        }
    }
}

pub(crate) static SSO_BINDING: Rule = Rule {
    code: "pair.sso.no_usable_binding",
    severity: Severity::Error,
    summary: "The IdP offers no SingleSignOnService with HTTP-Redirect or HTTP-POST",
    fix: "Publish a SingleSignOnService with the HTTP-Redirect (or HTTP-POST) binding; AWS IAM Identity Center requires a SingleSignOnService",
    source: "SAML 2.0 Profiles (OASIS), section 4.1.3.3 <https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf>; AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>",
};

/// `pair.sso.no_usable_binding`: the IdP's SSO bindings against what the SP can send.
fn sso_binding(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let idp = cx.idp;
    let sso: Vec<_> = idp
        .idp_roles()
        .flat_map(|r| r.endpoints_of(EndpointKind::SingleSignOnService))
        .collect();
    let usable = sso
        .iter()
        .any(|e| matches!(e.binding(), bindings::REDIRECT | bindings::POST));
    if !usable {
        let role = idp.idp_roles().next();
        let have: Vec<&str> = sso.iter().map(|e| e.binding()).collect();
        out.push(SSO_BINDING.at(
            cx.idp_id,
            role.and_then(|r| loc(r.place.pos, &r.place.path)),
            if have.is_empty() {
                format!("the IdP {} has no SingleSignOnService", idp.entity_id())
            } else {
                format!(
                    "the IdP {} offers SingleSignOnService only with {}; the SP sends requests with HTTP-Redirect or HTTP-POST",
                    idp.entity_id(),
                    have.join(", ")
                )
            },
        ));
    }
}

pub(crate) static ACS_POST: Rule = Rule {
    code: "pair.acs.no_post",
    severity: Severity::Error,
    summary: "The SP has no AssertionConsumerService with the HTTP-POST binding",
    fix: "Entra and most IdPs return responses with HTTP-POST only: add an HTTP-POST AssertionConsumerService to the SP metadata",
    source: "Microsoft Entra: Single sign-on SAML protocol <https://learn.microsoft.com/en-us/entra/identity-platform/single-sign-on-saml-protocol>; SAML 2.0 Profiles (OASIS), section 4.1.3.5 <https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf>",
};

/// `pair.acs.no_post`: the SP must receive the response by HTTP-POST.
fn acs_post(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let sp = cx.sp;
    let acs: Vec<_> = sp
        .sp_roles()
        .flat_map(|r| r.endpoints_of(EndpointKind::AssertionConsumerService))
        .collect();
    if !acs.iter().any(|e| e.binding() == bindings::POST) {
        let role = sp.sp_roles().next();
        out.push(ACS_POST.at(
            cx.sp_id,
            role.and_then(|r| loc(r.place.pos, &r.place.path)),
            format!(
                "the SP {} has no AssertionConsumerService with the HTTP-POST binding ({} ACS in all)",
                sp.entity_id(),
                acs.len()
            ),
        ));
    }
}

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

/// `pair.authn_requests.*`: signed AuthnRequests demanded but not sent.
fn authn_requests(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let (sp, idp) = (cx.sp, cx.idp);
    let idp_wants_signed = idp
        .idp_roles()
        .filter_map(|r| r.want_authn_requests_signed.as_ref())
        .find(|a| matches!(a.value.trim(), "true" | "1"));
    let Some(a) = idp_wants_signed else { return };
    let sp_signs = sp.sp_roles().any(|r| {
        r.authn_requests_signed
            .as_ref()
            .is_some_and(|a| matches!(a.value.trim(), "true" | "1"))
            && r.signing_keys().next().is_some()
    });
    if !sp_signs && keycloak_realm(idp) {
        // Keycloak's realm descriptor carries one value for every client; whether a
        // client's requests must be signed is that client's own setting.
        out.push(REQUESTS_UNSIGNED_KEYCLOAK.at(
            cx.idp_id,
            loc(a.pos, "WantAuthnRequestsSigned"),
            format!(
                "the Keycloak realm {} says WantAuthnRequestsSigned=\"true\" and the SP {} does not sign AuthnRequests; sign-in works only if the AWS client in Keycloak has \"Client signature required\" off",
                idp.entity_id(),
                sp.entity_id()
            ),
        ));
    } else if !sp_signs {
        out.push(REQUESTS_UNSIGNED.at(
            cx.idp_id,
            loc(a.pos, "WantAuthnRequestsSigned"),
            format!(
                "the IdP {} wants signed AuthnRequests, but the SP {} does not sign them (no AuthnRequestsSigned=\"true\" with a signing key)",
                idp.entity_id(),
                sp.entity_id()
            ),
        ));
    }
}

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

/// `pair.idp_cert.*` per certificate: each IdP signing certificate at `at`. An expired one
/// next to a valid one reads as a rollover left behind, not as a failed sign-in.
fn idp_certs(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let at = cx.opts.at;
    for (c, f) in &cx.certs {
        let days = f.days_left(at);
        let l = loc(c.text.pos, &c.text.path);
        let what = format!(
            "IdP signing certificate {} (SHA-1 {}, subject {})",
            short(&f.sha1_thumbprint),
            f.sha1_thumbprint,
            f.subject
        );
        if f.not_before > at {
            out.push(CERT_NOT_YET_VALID.at(
                cx.idp_id,
                l,
                format!(
                    "{what} is not valid before {}",
                    f.not_before.format("%Y-%m-%d %H:%M UTC")
                ),
            ));
        } else if f.not_after < at {
            let expired = format!(
                "{what} expired on {} ({} days ago)",
                f.not_after.format("%Y-%m-%d"),
                -days
            );
            match cx.valid_now.first() {
                Some(v) => out.push(
                    CERT_EXPIRED_ROLLOVER
                        .at(
                            cx.idp_id,
                            l,
                            format!(
                                "{expired}; the IdP metadata also lists {} (SHA-1 {}, subject {}), valid until {}: sign-in works while the IdP signs with that one",
                                short(&v.sha1_thumbprint),
                                v.sha1_thumbprint,
                                v.subject,
                                v.not_after.format("%Y-%m-%d")
                            ),
                        )
                        .with_hint(rollover_hint(cx.sp, cx.vendor, &f.sha1_thumbprint, &v.sha1_thumbprint)),
                ),
                None => out.push(CERT_EXPIRED.at(cx.idp_id, l, expired)),
            }
        } else if days <= cx.opts.warn_days {
            out.push(
                CERT_EXPIRING
                    .at(
                        cx.idp_id,
                        l,
                        format!(
                            "{what} expires on {} ({days} days left)",
                            f.not_after.format("%Y-%m-%d")
                        ),
                    )
                    .with_hint(expiring_hint(cx.vendor)),
            );
        } else {
            out.push(CERT_OK.at(
                cx.idp_id,
                l,
                format!(
                    "{what} is valid until {} ({days} days left)",
                    f.not_after.format("%Y-%m-%d")
                ),
            ));
        }
    }
}

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

/// `pair.idp_cert.missing` / `pair.idp_cert.none_valid`: a signing certificate to trust.
fn idp_cert_presence(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let signing = cx.certs.len();
    if signing == 0 {
        let role = cx.idp.idp_roles().next();
        out.push(NO_SIGNING_CERT.at(
            cx.idp_id,
            role.and_then(|r| loc(r.place.pos, &r.place.path)),
            format!(
                "the IdP {} has no usable signing certificate (KeyDescriptor use=\"signing\" or without use, with an X509Certificate)",
                cx.idp.entity_id()
            ),
        ));
    } else if cx.valid_now.is_empty() {
        out.push(NO_VALID_CERT.at(
            cx.idp_id,
            None,
            format!(
                "none of the IdP's {signing} signing certificate(s) is valid at {}",
                cx.opts.at.format("%Y-%m-%d %H:%M UTC")
            ),
        ));
    }
}

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

/// `pair.nameid.*`: the NameID formats of both sides (IAM Identity Center needs
/// emailAddress; other SPs need a format in common).
fn nameid_formats(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let (sp, idp) = (cx.sp, cx.idp);
    let sp_formats: Vec<&str> = sp
        .sp_roles()
        .flat_map(|r| r.nameid_formats.iter().map(|t| t.value.trim()))
        .filter(|s| !s.is_empty())
        .collect();
    let idp_formats: Vec<&str> = idp
        .idp_roles()
        .flat_map(|r| r.nameid_formats.iter().map(|t| t.value.trim()))
        .filter(|s| !s.is_empty())
        .collect();
    if cx.is_ic {
        let idp_has_email = idp_formats.contains(&super::nameid::EMAIL);
        let first_format = idp
            .idp_roles()
            .next()
            .and_then(|r| r.nameid_formats.first())
            .and_then(|t| loc(t.pos, &t.path));
        if !idp_formats.is_empty() && !idp_has_email {
            // `unspecified` leaves the format to the IdP's per-application setting: the
            // metadata does not rule emailAddress out.
            let f = if idp_formats.contains(&super::nameid::UNSPECIFIED) {
                NAMEID_EMAIL_UNLISTED.at(
                    cx.idp_id,
                    first_format,
                    format!(
                        "AWS IAM Identity Center needs NameID format emailAddress; the IdP lists {}, so the format depends on the application's setting at the IdP",
                        idp_formats.join(", ")
                    ),
                )
            } else {
                NAMEID_EMAIL.at(
                    cx.idp_id,
                    first_format,
                    format!(
                        "AWS IAM Identity Center needs NameID format emailAddress; the IdP's metadata lists only {}, so sign-in works only if the IdP sends emailAddress for the AWS application anyway",
                        idp_formats.join(", ")
                    ),
                )
            };
            out.push(f.with_hint(nameid_hint(cx.vendor)));
        } else {
            out.push(
                NAMEID_NOTE
                    .at(
                        cx.sp_id,
                        None,
                        if cx.is_entra {
                            "AWS IAM Identity Center matches the NameID (format emailAddress) to the Identity Center username exactly; Entra metadata does not state the NameID, it is set in the app's claims (default user.userprincipalname)".to_string()
                        } else {
                            "AWS IAM Identity Center matches the NameID (format emailAddress) to the Identity Center username exactly; IdP metadata does not state which attribute the IdP sends".to_string()
                        },
                    )
                    .with_hint(nameid_hint(cx.vendor)),
            );
        }
    } else if !sp_formats.is_empty() && !idp_formats.is_empty() {
        let common = sp_formats
            .iter()
            .any(|f| idp_formats.contains(f) || *f == super::nameid::UNSPECIFIED);
        if !common && !idp_formats.contains(&super::nameid::UNSPECIFIED) {
            out.push(
                NAMEID_DISJOINT.at(
                    cx.sp_id,
                    sp.sp_roles()
                        .next()
                        .and_then(|r| r.nameid_formats.first())
                        .and_then(|t| loc(t.pos, &t.path)),
                    format!(
                        "the SP accepts NameID formats {} but the IdP offers {}",
                        sp_formats.join(", "),
                        idp_formats.join(", ")
                    ),
                ),
            );
        }
    }
}

pub(crate) static ENTRA_COMMON: Rule = Rule {
    code: "pair.idp.tenant_independent",
    severity: Severity::Error,
    summary: "The IdP metadata is Entra's tenant-independent document ({tenantid} placeholder)",
    fix: "Download the app's federation metadata from the Entra app (SAML certificates > Federation Metadata XML), which names your tenant",
    source: "Microsoft Entra: Federation metadata <https://learn.microsoft.com/en-us/entra/identity-platform/federation-metadata>",
};

/// `pair.idp.tenant_independent`: the tenant-independent Entra document where a tenant's
/// is needed.
fn entra_common(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let idp = cx.idp;
    if cx.entra_placeholder {
        out.push(ENTRA_COMMON.at(
            cx.idp_id,
            idp.entity_id.as_ref().and_then(|a| loc(a.pos, &idp.place.path)),
            format!(
                "the IdP metadata is Entra's tenant-independent document (entityID {}); responses will carry your tenant's issuer, which will not match",
                idp.entity_id()
            ),
        ));
    }
}

pub(crate) static ENTRA_TENANT_DOC: Rule = Rule {
    code: "pair.idp.entra_tenant_metadata",
    severity: Severity::Error,
    summary: "The IdP metadata is Entra's tenant-wide document (tenant token-signing keys), not the Enterprise application's: it lacks the app's SAML signing certificate",
    fix: "Download the application's Federation Metadata XML (Enterprise applications > the app > Single sign-on > SAML Certificates, or https://login.microsoftonline.com/<tenant>/federationmetadata/2007-06/federationmetadata.xml?appid=<app id>) and upload that to AWS",
    source: "Microsoft Entra: Federation metadata <https://learn.microsoft.com/en-us/entra/identity-platform/federation-metadata>; Microsoft Entra: Manage certificates for federated single sign-on <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/tutorial-manage-certificates-for-federated-single-sign-on>",
};

/// `pair.idp.entra_tenant_metadata`: Entra's tenant-wide document where the Enterprise
/// application's is needed: its keys are the tenant's token-signing keys, while a SAML app
/// signs with its own certificate. (The tenant-independent document is the same kind of
/// file; `pair.idp.tenant_independent` says so.)
fn entra_tenant_doc(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let idp = cx.idp;
    if !((cx.is_ic || cx.is_iam) && !cx.entra_placeholder && entra_tenant_wide(idp)) {
        return;
    }
    let tenant = match &idp.flavor {
        Flavor::Entra {
            tenant: EntraTenant::Guid(g),
            ..
        } => g.clone(),
        _ => "<tenant>".to_string(),
    };
    out.push(
        ENTRA_TENANT_DOC
            .at(
                cx.idp_id,
                idp.entity_id.as_ref().and_then(|a| loc(a.pos, &idp.place.path)),
                format!(
                    "the IdP metadata is Entra's tenant-wide federation metadata (no application signing certificate; its {} signing certificate(s) are the tenant's token-signing keys, e.g. subject {}): AWS would reject the app's SAML responses, which Entra signs with the application's own certificate",
                    cx.certs.len(),
                    cx.certs.first().map_or("", |(_, f)| f.subject.as_str())
                ),
            )
            .with_hint(format!(
                "Download the application's Federation Metadata XML (Enterprise applications > the AWS app > Single sign-on > SAML Certificates), i.e. https://login.microsoftonline.com/{tenant}/federationmetadata/2007-06/federationmetadata.xml?appid=<application id>, and upload that to AWS"
            )),
    );
}

pub(crate) static IC_SIZE: Rule = Rule {
    code: "pair.idp.too_large_for_identity_center",
    severity: Severity::Error,
    summary: "IdP metadata over 75,000 characters, the IAM Identity Center limit",
    fix: "Upload the app-specific metadata, or strip what IAM Identity Center does not need (samlcheck rewrite --saml2-only)",
    source: "AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>",
};

/// `pair.idp.too_large_for_identity_center`: what IAM Identity Center accepts as a file.
fn ic_size(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let info = &cx.idp_md.source;
    if cx.is_ic && info.char_len > 75_000 {
        out.push(IC_SIZE.at(
            cx.idp_id,
            None,
            format!(
                "the IdP metadata has {} characters; IAM Identity Center accepts at most 75,000",
                info.char_len
            ),
        ));
    }
}

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

/// `pair.idp.bom` / `pair.idp.bom_identity_center`: a byte order mark in the IdP file.
fn bom(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let info = &cx.idp_md.source;
    if info.bom && cx.is_iam {
        out.push(BOM.at(
            cx.idp_id,
            loc(crate::Pos::new(1, 1, 0), ""),
            "the IdP metadata file starts with a UTF-8 byte order mark; AWS IAM (CreateSAMLProvider) answers \"Could not parse metadata\"",
        ));
    } else if info.bom && cx.is_ic {
        out.push(BOM_IC.at(
            cx.idp_id,
            loc(crate::Pos::new(1, 1, 0), ""),
            format!(
                "the IdP metadata file starts with a UTF-8 byte order mark{}; no IAM Identity Center page says such a file is refused",
                if cx.is_entra { " (Entra's download does)" } else { "" }
            ),
        ));
    }
}

pub(crate) static ENCODING: Rule = Rule {
    code: "pair.idp.not_utf8",
    severity: Severity::Error,
    summary: "IdP metadata is not UTF-8, which AWS requires",
    fix: "Convert the file to UTF-8 (and fix its XML declaration) before uploading",
    source: "AWS IAM User Guide: Create a SAML identity provider in IAM <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml.html>",
};

/// `pair.idp.not_utf8`: AWS expects the IdP file in UTF-8.
fn encoding(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let info = &cx.idp_md.source;
    if info.encoding != crate::xml::Encoding::Utf8 && (cx.is_iam || cx.is_ic) {
        out.push(ENCODING.at(
            cx.idp_id,
            None,
            format!(
                "the IdP metadata is encoded as {}; AWS expects UTF-8",
                info.encoding.name()
            ),
        ));
    }
}

pub(crate) static IC_ENCRYPTION: Rule = Rule {
    code: "pair.idp.encryption_key",
    severity: Severity::Warning,
    summary: "IdP metadata with an encryption KeyDescriptor: IAM Identity Center's metadata requirements say \"An encryption key is not supported\" (whether the upload is refused or the key ignored is unconfirmed)",
    fix: "Upload a copy without the use=\"encryption\" KeyDescriptor if IAM Identity Center refuses the file",
    source: "AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>",
};

/// `pair.idp.encryption_key`: IAM Identity Center does not support an IdP encryption key.
fn ic_encryption(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    if !cx.is_ic {
        return;
    }
    let Some(k) = cx
        .idp
        .idp_roles()
        .flat_map(|r| r.keys.iter())
        .find(|k| k.usage == crate::model::KeyUse::Encryption)
    else {
        return;
    };
    let f = IC_ENCRYPTION.at(
        cx.idp_id,
        loc(k.place.pos, &k.place.path),
        "the IdP metadata has a KeyDescriptor use=\"encryption\"; IAM Identity Center's metadata requirements say \"An encryption key is not supported\" (unconfirmed whether the upload is refused or the key ignored)",
    );
    let thumbs: Vec<&str> = k
        .certificates
        .iter()
        .filter_map(|c| c.facts.as_ref().ok())
        .map(|f| f.sha1_thumbprint.as_str())
        .collect();
    out.push(if thumbs.is_empty() {
        f
    } else {
        f.with_hint(format!(
            "If IAM Identity Center refuses the file, upload a copy without the encryption certificate: samlcheck rewrite{} FILE -o OUT",
            thumbs
                .iter()
                .map(|t| format!(" --remove-cert {t}"))
                .collect::<String>()
        ))
    });
}

/// The pair checks, in the order they run.
pub(crate) static CHECKS: &[PairCheck] = &[
    PairCheck {
        name: "protocol",
        rules: &[&PROTOCOL],
        run: protocol,
    },
    PairCheck {
        name: "sso_binding",
        rules: &[&SSO_BINDING],
        run: sso_binding,
    },
    PairCheck {
        name: "acs_post",
        rules: &[&ACS_POST],
        run: acs_post,
    },
    PairCheck {
        name: "authn_requests",
        rules: &[&REQUESTS_UNSIGNED, &REQUESTS_UNSIGNED_KEYCLOAK],
        run: authn_requests,
    },
    PairCheck {
        name: "idp_certs",
        rules: &[
            &CERT_EXPIRED,
            &CERT_EXPIRED_ROLLOVER,
            &CERT_NOT_YET_VALID,
            &CERT_EXPIRING,
            &CERT_OK,
        ],
        run: idp_certs,
    },
    PairCheck {
        name: "idp_cert_presence",
        rules: &[&NO_SIGNING_CERT, &NO_VALID_CERT],
        run: idp_cert_presence,
    },
    PairCheck {
        name: "nameid_formats",
        rules: &[
            &NAMEID_EMAIL,
            &NAMEID_EMAIL_UNLISTED,
            &NAMEID_NOTE,
            &NAMEID_DISJOINT,
        ],
        run: nameid_formats,
    },
    PairCheck {
        name: "entra_common",
        rules: &[&ENTRA_COMMON],
        run: entra_common,
    },
    PairCheck {
        name: "entra_tenant_doc",
        rules: &[&ENTRA_TENANT_DOC],
        run: entra_tenant_doc,
    },
    PairCheck {
        name: "ic_size",
        rules: &[&IC_SIZE],
        run: ic_size,
    },
    PairCheck {
        name: "bom",
        rules: &[&BOM, &BOM_IC],
        run: bom,
    },
    PairCheck {
        name: "encoding",
        rules: &[&ENCODING],
        run: encoding,
    },
    PairCheck {
        name: "ic_encryption",
        rules: &[&IC_ENCRYPTION],
        run: ic_encryption,
    },
];

/// Every rule of the pair check (the catalogue lists them in this order).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_belongs_to_exactly_one_check_in_catalogue_order() {
        let from_checks: Vec<&str> = CHECKS
            .iter()
            .flat_map(|c| c.rules.iter().map(|r| r.code))
            .collect();
        let listed: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        assert_eq!(from_checks, listed);
        let mut names: Vec<&str> = CHECKS.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CHECKS.len(), "check names are unique");
    }
}
