//! Every lint rule on generated fixtures: one input where it fires, one where it stays quiet.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod lintgen;

use lintgen::*;
use samlcheck::lint::{lint, LintOptions};
use samlcheck::{Finding, Limits};

const AT: &str = "2026-06-01T00:00:00Z";

fn at() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(AT).unwrap().to_utc()
}

fn run_bytes(bytes: Vec<u8>) -> Vec<Finding> {
    let md = samlcheck::parse_metadata(bytes, &Limits::default())
        .unwrap_or_else(|e| panic!("fixture does not parse: {e}"));
    lint(&md, &LintOptions::at(at()))
}

fn run(xml: &str) -> Vec<Finding> {
    run_bytes(xml.as_bytes().to_vec())
}

fn codes(f: &[Finding]) -> Vec<&'static str> {
    f.iter().map(|f| f.code).collect()
}

/// (code, input where it fires, input where it stays quiet)
fn cases() -> Vec<(&'static str, Vec<u8>, Vec<u8>)> {
    let idp = |id: &str| good_idp(id);
    let good = idp("https://idp.example.org/");
    let g1 = "8b966979-910b-487c-a604-69229b1ac75c";
    let g2 = "81c1df79-0000-4000-8000-000000000000";
    let idp_with = |inner: &str| {
        entity(
            "https://idp.example.org/",
            &format!("{}{}", idp_role("", inner), organization()),
        )
    };
    let idp_key = |k: &str| idp_with(&format!("{k}{}", sso("https://idp.example.org/sso")));
    let idp_cert = |s: Spec| idp_key(&key("signing", &cert(&s)));
    let sp_with =
        |attrs: &str, inner: &str| entity("https://sp.example.org/", &sp_role(attrs, inner));
    let acs_ep = |extra: &str| {
        endpoint(
            "AssertionConsumerService",
            POST,
            "https://sp.example.org/acs",
            extra,
        )
    };
    let ic_id = "https://us-east-1.signin.aws.amazon.com/platform/saml/d-9567b34c60";
    let ic_acs_url = |region: &str| {
        format!("https://{region}.signin.aws.amazon.com/platform/saml/acs/4e52542d-0bbb-4d87-a526-9cd6da8148bd")
    };
    let ic_sp = |id: &str, inner: &str| {
        entity(
            id,
            &sp_role(
                r#" AuthnRequestsSigned="false" WantAssertionsSigned="true""#,
                inner,
            ),
        )
    };
    let entra = |entity_id: &str, sso_url: &str, extra: &str, signed: bool| {
        let sig = if signed { signature() } else { String::new() };
        entity(
            entity_id,
            &format!(
                "{sig}{extra}{}",
                idp_role(
                    "",
                    &format!(
                        "{}{}",
                        key(
                            "signing",
                            &cert_cn("Microsoft Azure Federated SSO Certificate", 1)
                        ),
                        endpoint("SingleSignOnService", REDIRECT, sso_url, "")
                    )
                )
            ),
        )
    };
    let sts = |g: &str| format!("https://sts.windows.net/{g}/");
    let login = |g: &str| format!("https://login.microsoftonline.com/{g}/saml2");
    let role_desc = |cert_b64: &str| {
        format!(
            r#"<md:RoleDescriptor xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706" xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706">{}</md:RoleDescriptor>"#,
            key("signing", cert_b64)
        )
    };
    let b = |s: String| s.into_bytes();
    let long_id = format!("https://idp.example.org/{}", "a".repeat(1100));
    let nid = |v: &str| format!("<md:NameIDFormat>{v}</md:NameIDFormat>");
    let keyname = r#"<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:KeyName>k1</ds:KeyName></ds:KeyInfo></md:KeyDescriptor>"#;
    let c = cert(&Spec::default());
    let contact = |g: &str, m: &str| {
        format!(
            r#"<md:ContactPerson contactType="technical"><md:GivenName>{g}</md:GivenName><md:EmailAddress>{m}</md:EmailAddress></md:ContactPerson>"#
        )
    };

    vec![
        // ---- md
        (
            "md.entity_id.missing",
            b(entity_attrs("", &good_idp_inner())),
            b(good.clone()),
        ),
        (
            "md.entity_id.not_absolute",
            b(idp("idp.example.org")),
            b(good.clone()),
        ),
        ("md.entity_id.too_long", b(idp(&long_id)), b(good.clone())),
        (
            "md.entity_id.duplicate",
            b(aggregate(
                "",
                &format!(
                    "{}{}{}",
                    signature(),
                    idp("https://a.example.org/"),
                    idp("https://a.example.org/")
                ),
            )),
            b(aggregate(
                "",
                &format!(
                    "{}{}{}",
                    signature(),
                    idp("https://a.example.org/"),
                    idp("https://b.example.org/")
                ),
            )),
        ),
        (
            "md.ids.duplicate",
            b(aggregate(
                r#"ID="_x""#,
                &format!(
                    "{}{}",
                    signature(),
                    entity_attrs(
                        r#"entityID="https://a.example.org/" ID="_x""#,
                        &good_idp_inner()
                    )
                ),
            )),
            b(aggregate(
                r#"ID="_x""#,
                &format!(
                    "{}{}",
                    signature(),
                    entity_attrs(
                        r#"entityID="https://a.example.org/" ID="_y""#,
                        &good_idp_inner()
                    )
                ),
            )),
        ),
        (
            "md.protocols.missing",
            b(entity(
                "https://idp.example.org/",
                &format!(
                    "<md:IDPSSODescriptor>{}{}</md:IDPSSODescriptor>",
                    good_key(),
                    sso("https://idp.example.org/sso")
                ),
            )),
            b(good.clone()),
        ),
        (
            "md.protocols.no_saml2",
            b(entity(
                "https://idp.example.org/",
                &format!(
                    r#"<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:1.1:protocol">{}{}</md:IDPSSODescriptor>"#,
                    good_key(),
                    sso("https://idp.example.org/sso")
                ),
            )),
            b(good.clone()),
        ),
        (
            "md.endpoint.binding.missing",
            b(idp_with(&format!(
                r#"{}<md:SingleSignOnService Location="https://idp.example.org/sso"/>"#,
                good_key()
            ))),
            b(good.clone()),
        ),
        (
            "md.endpoint.binding.unknown",
            b(idp_with(&format!(
                "{}{}",
                good_key(),
                endpoint(
                    "SingleSignOnService",
                    "urn:example:binding:HTTP-POST",
                    "https://idp.example.org/sso",
                    ""
                )
            ))),
            b(idp_with(&format!(
                "{}{}",
                good_key(),
                endpoint(
                    "SingleSignOnService",
                    "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST-SimpleSign",
                    "https://idp.example.org/sso",
                    ""
                )
            ))),
        ),
        (
            "md.endpoint.location.missing",
            b(idp_with(&format!(
                r#"{}<md:SingleSignOnService Binding="{REDIRECT}"/>"#,
                good_key()
            ))),
            b(good.clone()),
        ),
        (
            "md.endpoint.location.not_absolute",
            b(idp_key(&format!("{}{}", good_key(), sso("/sso")))),
            b(good.clone()),
        ),
        (
            // A relative SingleLogoutService: logout is broken, sign-in is not (warning);
            // the SSO case above stays the error `md.endpoint.location.not_absolute`.
            "md.endpoint.location.not_absolute.other",
            b(idp_key(&format!(
                "{}{}",
                good_key(),
                endpoint("SingleLogoutService", REDIRECT, "/slo", "")
            ))),
            b(idp_key(&format!("{}{}", good_key(), sso("/sso")))),
        ),
        (
            "md.endpoint.location.http",
            b(idp_with(&format!(
                "{}{}",
                good_key(),
                sso("http://idp.example.org/sso")
            ))),
            b(idp_with(&format!(
                "{}{}",
                good_key(),
                sso("http://localhost:8080/sso")
            ))),
        ),
        (
            "md.text.control_chars",
            b(idp_with(&format!(
                "{}{}",
                good_key(),
                sso("https://idp.example.org/s\u{202e}so")
            ))),
            b(good.clone()),
        ),
        (
            "md.endpoint.location.whitespace",
            b(idp_with(&format!(
                "{}{}",
                good_key(),
                sso("https://idp.example.org/sso&#x9;")
            ))),
            b(good.clone()),
        ),
        (
            "md.endpoint.index.missing",
            b(sp_with("", &acs_ep(""))),
            b(sp_with("", &acs_ep(r#" index="0""#))),
        ),
        (
            "md.endpoint.index.invalid",
            b(sp_with("", &acs_ep(r#" index="first""#))),
            b(sp_with("", &acs_ep(r#" index="65535""#))),
        ),
        (
            "md.endpoint.index.duplicate",
            b(sp_with(
                "",
                &format!("{}{}", acs_ep(r#" index="1""#), acs_ep(r#" index="1""#)),
            )),
            b(sp_with(
                "",
                &format!("{}{}", acs_ep(r#" index="1""#), acs_ep(r#" index="2""#)),
            )),
        ),
        (
            "md.endpoint.default.multiple",
            b(sp_with(
                "",
                &format!(
                    "{}{}",
                    acs_ep(r#" index="0" isDefault="true""#),
                    acs_ep(r#" index="1" isDefault="1""#)
                ),
            )),
            b(sp_with(
                "",
                &format!(
                    "{}{}",
                    acs_ep(r#" index="0" isDefault="true""#),
                    acs_ep(r#" index="1" isDefault="false""#)
                ),
            )),
        ),
        (
            "md.idp.sso.missing",
            b(idp_with(&good_key())),
            b(good.clone()),
        ),
        (
            "md.entity.no_role",
            b(entity("https://idp.example.org/", &organization())),
            b(good.clone()),
        ),
        (
            "md.sp.acs.missing",
            b(sp_with("", "")),
            b(good_sp("https://sp.example.org/")),
        ),
        (
            "md.valid_until.expired",
            b(entity_attrs(
                r#"entityID="https://idp.example.org/" validUntil="2020-01-01T00:00:00Z""#,
                &good_idp_inner(),
            )),
            b(entity_attrs(
                r#"entityID="https://idp.example.org/" validUntil="2026-07-01T00:00:00Z""#,
                &good_idp_inner(),
            )),
        ),
        (
            "md.valid_until.far_future",
            b(entity_attrs(
                r#"entityID="https://idp.example.org/" validUntil="2030-01-01T00:00:00Z""#,
                &good_idp_inner(),
            )),
            b(entity_attrs(
                r#"entityID="https://idp.example.org/" validUntil="2026-07-01T00:00:00Z""#,
                &good_idp_inner(),
            )),
        ),
        (
            "md.valid_until.invalid",
            b(entity_attrs(
                r#"entityID="https://idp.example.org/" validUntil="next year""#,
                &good_idp_inner(),
            )),
            b(good.clone()),
        ),
        (
            "md.cache_duration.invalid",
            b(entity_attrs(
                r#"entityID="https://idp.example.org/" cacheDuration="6 hours""#,
                &good_idp_inner(),
            )),
            b(entity_attrs(
                r#"entityID="https://idp.example.org/" cacheDuration="PT6H""#,
                &good_idp_inner(),
            )),
        ),
        (
            "md.nameid_format.empty",
            b(idp_key(&format!("{}<md:NameIDFormat/>", good_key()))),
            b(idp_key(&format!(
                "{}{}",
                good_key(),
                nid("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress")
            ))),
        ),
        (
            "md.role.no_signing_key",
            b(sp_with(
                r#" AuthnRequestsSigned="true""#,
                &acs("https://sp.example.org/acs", 0),
            )),
            b(sp_with(
                r#" AuthnRequestsSigned="false""#,
                &acs("https://sp.example.org/acs", 0),
            )),
        ),
        (
            "md.split_value",
            b(idp_key(&format!(
                "{}{}",
                good_key(),
                nid("urn:oasis:names:tc:SAML:1.1:<!-- x -->nameid-format:emailAddress")
            ))),
            b(idp_key(&format!(
                "{}{}",
                good_key(),
                nid("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress")
            ))),
        ),
        (
            "md.aggregate.unsigned",
            b(aggregate(
                r#"Name="urn:example:fed""#,
                &idp("https://a.example.org/"),
            )),
            b(aggregate(
                r#"Name="urn:example:fed""#,
                &format!("{}{}", signature(), idp("https://a.example.org/")),
            )),
        ),
        // ---- x509
        (
            "x509.expired",
            b(idp_cert(Spec {
                not_after: "260101000000Z".into(),
                ..Spec::default()
            })),
            b(good.clone()),
        ),
        (
            // An expired signing certificate next to a valid one: a rollover left behind.
            // Alone (no valid signing certificate) it is x509.expired instead.
            "x509.expired_rollover",
            b(idp_key(&format!(
                "{}{}",
                key(
                    "signing",
                    &cert(&Spec {
                        not_after: "260101000000Z".into(),
                        ..Spec::default()
                    })
                ),
                key("signing", &cert_cn("new", 7))
            ))),
            b(idp_cert(Spec {
                not_after: "260101000000Z".into(),
                ..Spec::default()
            })),
        ),
        (
            // The IdP's encryption certificate expired, its signing one valid: a warning.
            "x509.expired_idp_encryption",
            b(idp_key(&format!(
                "{}{}",
                good_key(),
                key(
                    "encryption",
                    &cert(&Spec {
                        cn: "enc".into(),
                        not_after: "260101000000Z".into(),
                        modulus: modulus(2048, 11),
                        ..Spec::default()
                    })
                )
            ))),
            b(idp_key(&format!(
                "{}{}",
                good_key(),
                key("encryption", &cert_cn("enc", 11))
            ))),
        ),
        (
            // An SP's expired signing certificate: web sign-in does not verify it (a warning),
            // whereas the same certificate as the IdP's only signing key is x509.expired.
            "x509.expired_other",
            b(entity(
                "https://sp.example.org/",
                &sp_role(
                    "",
                    &format!(
                        "{}{}",
                        key(
                            "signing",
                            &cert(&Spec {
                                not_after: "260101000000Z".into(),
                                ..Spec::default()
                            })
                        ),
                        acs("https://sp.example.org/acs", 0)
                    ),
                ),
            )),
            b(idp_cert(Spec {
                not_after: "260101000000Z".into(),
                ..Spec::default()
            })),
        ),
        (
            "x509.not_yet_valid",
            b(idp_cert(Spec {
                not_before: "270101000000Z".into(),
                ..Spec::default()
            })),
            b(good.clone()),
        ),
        (
            "x509.expiring",
            b(idp_cert(Spec {
                not_after: "260615000000Z".into(),
                ..Spec::default()
            })),
            b(good.clone()),
        ),
        (
            "x509.rsa.weak",
            b(idp_cert(Spec {
                modulus: modulus(1536, 2),
                ..Spec::default()
            })),
            b(good.clone()),
        ),
        (
            "x509.rsa.too_small",
            b(idp_cert(Spec {
                modulus: modulus(512, 2),
                ..Spec::default()
            })),
            b(idp_cert(Spec {
                modulus: modulus(1024, 2),
                ..Spec::default()
            })),
        ),
        (
            "x509.rsa.exponent",
            b(idp_cert(Spec {
                exponent: 3,
                ..Spec::default()
            })),
            b(good.clone()),
        ),
        (
            "x509.rsa.exponent_invalid",
            b(idp_cert(Spec {
                exponent: 65536,
                ..Spec::default()
            })),
            b(idp_cert(Spec {
                exponent: 3,
                ..Spec::default()
            })),
        ),
        (
            "x509.weak_signature",
            b(idp_cert(Spec {
                sig: SHA1_RSA,
                ..Spec::default()
            })),
            b(good.clone()),
        ),
        (
            "x509.extensions.duplicate",
            b(idp_cert(Spec {
                dup_ext: true,
                ..Spec::default()
            })),
            b(good.clone()),
        ),
        (
            "x509.roca",
            b(idp_cert(Spec {
                modulus: roca_modulus(),
                ..Spec::default()
            })),
            b(good.clone()),
        ),
        (
            "x509.public_key_only",
            b(idp_key(&key("signing", &spki_only()))),
            b(good.clone()),
        ),
        (
            "x509.unparseable",
            b(idp_key(&key("signing", &b64(b"not a certificate at all")))),
            b(good.clone()),
        ),
        (
            "x509.base64",
            b(idp_key(&key("signing", "MIIC!!!notbase64"))),
            b(good.clone()),
        ),
        (
            "x509.key.reused",
            b(idp_key(&format!(
                "{}{}",
                key("signing", &c),
                key("encryption", &c)
            ))),
            b(idp_key(&format!(
                "{}{}",
                key("signing", &c),
                key("encryption", &cert_cn("enc", 9))
            ))),
        ),
        (
            "x509.use.invalid",
            b(idp_key(&key("sign", &c))),
            b(idp_key(&key("", &c))),
        ),
        ("x509.no_certificate", b(idp_key(keyname)), b(good.clone())),
        // ---- aws
        (
            "aws.ic.sp.entity_id",
            b(ic_sp(
                "https://us-east-1.signin.aws.amazon.com/platform/saml/d-12345",
                &acs(&ic_acs_url("us-east-1"), 0),
            )),
            b(ic_sp(ic_id, &acs(&ic_acs_url("us-east-1"), 0))),
        ),
        (
            "aws.ic.sp.acs.shape",
            b(ic_sp(
                ic_id,
                &acs("https://us-east-1.signin.aws.amazon.com/saml/acs/x", 0),
            )),
            b(ic_sp(ic_id, &acs(&ic_acs_url("us-east-1"), 0))),
        ),
        (
            "aws.ic.sp.acs.binding",
            b(ic_sp(
                ic_id,
                &endpoint(
                    "AssertionConsumerService",
                    REDIRECT,
                    &ic_acs_url("us-east-1"),
                    r#" index="0""#,
                ),
            )),
            b(ic_sp(ic_id, &acs(&ic_acs_url("us-east-1"), 0))),
        ),
        (
            "aws.ic.sp.region",
            b(ic_sp(ic_id, &acs(&ic_acs_url("eu-west-1"), 0))),
            b(ic_sp(ic_id, &acs(&ic_acs_url("us-east-1"), 0))),
        ),
        (
            "aws.ic.sp.acs.regions",
            b(ic_sp(
                ic_id,
                &format!(
                    "{}{}",
                    acs(&ic_acs_url("us-east-1"), 0),
                    acs(&ic_acs_url("eu-west-1"), 1)
                ),
            )),
            b(ic_sp(ic_id, &acs(&ic_acs_url("us-east-1"), 0))),
        ),
        (
            "aws.ic.sp.acs.host_form",
            b(ic_sp(ic_id, &acs(&ic_acs_url("us-east-1"), 0))),
            b(good_sp("https://sp.example.org/")),
        ),
        (
            "aws.iam.sp.acs",
            b(entity(
                "urn:amazon:webservices",
                &sp_role("", &acs("https://sp.example.org/saml", 1)),
            )),
            b(entity(
                "urn:amazon:webservices",
                &sp_role("", &acs("https://signin.aws.amazon.com/saml", 1)),
            )),
        ),
        (
            "aws.iam.sp.partition",
            b(entity(
                "urn:amazon:webservices:govcloud",
                &sp_role("", &acs("https://signin.aws.amazon.com/saml", 1)),
            )),
            b(entity(
                "urn:amazon:webservices:govcloud",
                &sp_role("", &acs("https://signin.amazonaws-us-gov.com/saml", 1)),
            )),
        ),
        (
            "aws.ic.idp.sso_binding",
            b(idp_with(&format!(
                "{}{}",
                good_key(),
                endpoint(
                    "SingleSignOnService",
                    "urn:oasis:names:tc:SAML:2.0:bindings:SOAP",
                    "https://idp.example.org/soap",
                    ""
                )
            ))),
            b(good.clone()),
        ),
        (
            "aws.ic.idp.no_certificate",
            b(idp_key(keyname)),
            b(good.clone()),
        ),
        (
            "aws.ic.idp.encryption_key",
            b(idp_key(&format!(
                "{}{}",
                good_key(),
                key("encryption", &cert_cn("enc", 9))
            ))),
            b(good.clone()),
        ),
        (
            "aws.ic.idp.too_large",
            b(format!("<!--{}-->{good}", "x".repeat(80_000))),
            b(good.clone()),
        ),
        (
            "aws.ic.idp.cert_yellow",
            b(idp_cert(Spec {
                not_after: "260815000000Z".into(),
                ..Spec::default()
            })),
            b(good.clone()),
        ),
        (
            "aws.iam.idp.bom",
            [b"\xEF\xBB\xBF".to_vec(), good.clone().into_bytes()].concat(),
            b(good.clone()),
        ),
        (
            "aws.iam.idp.encoding",
            b(format!(
                r#"<?xml version="1.0" encoding="ISO-8859-1"?>{good}"#
            )),
            b(format!(r#"<?xml version="1.0" encoding="UTF-8"?>{good}"#)),
        ),
        (
            "aws.iam.idp.size",
            b(entity(
                "https://i.example.org/",
                &idp_role("", &sso("https://i.example.org/sso")),
            )),
            b(good.clone()),
        ),
        (
            "aws.iam.idp.too_many_keys",
            b(idp_key(
                &(0..11u8)
                    .map(|i| key("signing", &cert_cn("k", i)))
                    .collect::<String>(),
            )),
            b(idp_key(
                &(0..10u8)
                    .map(|i| key("signing", &cert_cn("k", i)))
                    .collect::<String>(),
            )),
        ),
        // ---- entra
        (
            "entra.tenant.mismatch",
            b(entra(&sts(g1), &login(g2), "", true)),
            b(entra(&sts(g1), &login(g1), "", true)),
        ),
        (
            "entra.cloud.mismatch",
            b(entra(
                &sts(g1),
                &format!("https://login.chinacloudapi.cn/{g1}/saml2"),
                "",
                true,
            )),
            b(entra(
                &sts(g1),
                &format!("https://login.microsoftonline.us/{g1}/saml2"),
                "",
                true,
            )),
        ),
        (
            // A US Government tenant's endpoints with the sts.windows.net issuer: possibly
            // genuine, a warning; endpoints of the entityID's own cloud stay quiet.
            "entra.cloud.usgov_endpoints_global_issuer",
            b(entra(
                &sts(g1),
                &format!("https://login.microsoftonline.us/{g1}/saml2"),
                "",
                true,
            )),
            b(entra(&sts(g1), &login(g1), "", true)),
        ),
        (
            "entra.tenant.placeholder",
            b(entra(
                "https://sts.windows.net/{tenantid}/",
                "https://login.microsoftonline.com/common/saml2",
                "",
                true,
            )),
            b(entra(&sts(g1), &login(g1), "", true)),
        ),
        (
            "entra.signing.rollover",
            b(entity(
                &sts(g1),
                &format!(
                    "{}{}",
                    signature(),
                    idp_role(
                        "",
                        &format!(
                            "{}{}{}",
                            key("signing", &cert_cn("a", 1)),
                            key("signing", &cert_cn("b", 2)),
                            sso(&login(g1))
                        )
                    )
                ),
            )),
            b(entra(&sts(g1), &login(g1), "", true)),
        ),
        (
            "entra.unsigned",
            b(entra(&sts(g1), &login(g1), "", false)),
            b(entra(&sts(g1), &login(g1), "", true)),
        ),
        (
            "entra.certs.differ",
            b(entra(
                &sts(g1),
                &login(g1),
                &role_desc(&cert_cn("other", 7)),
                true,
            )),
            b(entra(
                &sts(g1),
                &login(g1),
                &role_desc(&cert_cn("Microsoft Azure Federated SSO Certificate", 1)),
                true,
            )),
        ),
        // ---- adfs
        (
            "adfs.roles.mixed",
            b(entity(
                "https://adfs.example.org/adfs/services/trust",
                &format!(
                    "{}{}",
                    sp_role("", &acs("https://adfs.example.org/adfs/ls/", 0)),
                    idp_role(
                        "",
                        &format!("{}{}", good_key(), sso("https://adfs.example.org/adfs/ls/"))
                    )
                ),
            )),
            b(good.clone()),
        ),
        (
            "adfs.contact.empty",
            b(idp_key(&good_key()).replace(
                "</md:EntityDescriptor>",
                &format!("{}</md:EntityDescriptor>", contact("", "")),
            )),
            b(idp_key(&good_key()).replace(
                "</md:EntityDescriptor>",
                &format!(
                    "{}</md:EntityDescriptor>",
                    contact("Ann", "mailto:ann@example.org")
                ),
            )),
        ),
    ]
}

#[test]
fn every_rule_fires_on_its_fixture_and_stays_quiet_on_the_other() {
    let mut failures = Vec::new();
    for (code, fire, quiet) in cases() {
        let f = run_bytes(fire.clone());
        if !codes(&f).contains(&code) {
            failures.push(format!(
                "{code} did not fire; got {:?}\n  input: {}",
                codes(&f),
                String::from_utf8_lossy(&fire)
                    .chars()
                    .take(400)
                    .collect::<String>()
            ));
        }
        let q = run_bytes(quiet.clone());
        if codes(&q).contains(&code) {
            failures.push(format!(
                "{code} fired on the quiet input: {:?}",
                q.iter()
                    .filter(|f| f.code == code)
                    .map(|f| &f.message)
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_lint_rule_has_a_case() {
    let covered: Vec<&str> = cases().iter().map(|c| c.0).collect();
    let missing: Vec<&str> = samlcheck::catalog::rules()
        .iter()
        .map(|r| r.code)
        .filter(|c| {
            ["md.", "x509.", "aws.", "entra.", "adfs."]
                .iter()
                .any(|p| c.starts_with(p))
        })
        .filter(|c| !covered.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a fire/quiet case: {missing:?}"
    );
}

#[test]
fn the_clean_fixtures_are_clean() {
    let f = run(&good_idp("https://idp.example.org/"));
    assert!(f.is_empty(), "{f:#?}");
    let f = run(&good_sp("https://sp.example.org/"));
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn findings_name_the_entity_the_value_and_the_place() {
    let xml = entity(
        "https://idp.example.org/",
        &idp_role(
            "",
            &format!("{}{}", good_key(), sso("http://idp.example.org/sso")),
        ),
    );
    let f = run(&xml);
    let http = f
        .iter()
        .find(|f| f.code == "md.endpoint.location.http")
        .unwrap();
    assert_eq!(http.entity.as_deref(), Some("https://idp.example.org/"));
    assert!(
        http.message.contains("\"http://idp.example.org/sso\""),
        "{}",
        http.message
    );
    let loc = http.location.as_ref().unwrap();
    assert_eq!(
        loc.path,
        "/EntityDescriptor/IDPSSODescriptor/SingleSignOnService"
    );
    assert_eq!(loc.pos.line, 1);
    assert!(!http.hint.is_empty());
}

#[test]
fn expiry_messages_carry_dates_and_the_identity_center_note() {
    let s = Spec {
        not_after: "260615000000Z".into(),
        ..Spec::default()
    };
    let xml = entity(
        "https://idp.example.org/",
        &idp_role(
            "",
            &format!(
                "{}{}",
                key("signing", &cert(&s)),
                sso("https://idp.example.org/sso")
            ),
        ),
    );
    let f = run(&xml);
    let e = f.iter().find(|f| f.code == "x509.expiring").unwrap();
    assert!(e.message.contains("2026-06-15"), "{}", e.message);
    assert!(e.message.contains("in 14 days"), "{}", e.message);
    assert!(e.message.contains("IAM Identity Center"), "{}", e.message);
    // warn_days moves the threshold.
    let md = samlcheck::parse_metadata(xml.into_bytes(), &Limits::default()).unwrap();
    let mut o = LintOptions::at(at());
    o.warn_days = 7;
    assert!(!codes(&lint(&md, &o)).contains(&"x509.expiring"));
    assert!(codes(&lint(&md, &o)).contains(&"aws.ic.idp.cert_yellow"));
}

#[test]
fn a_certificate_listed_three_times_is_reported_once() {
    let s = Spec {
        not_after: "260101000000Z".into(),
        ..Spec::default()
    };
    let k = key("signing", &cert(&s));
    let xml = entity(
        "https://idp.example.org/",
        &idp_role(
            "",
            &format!("{k}{k}{k}{}", sso("https://idp.example.org/sso")),
        ),
    );
    let f = run(&xml);
    let expired: Vec<_> = f.iter().filter(|f| f.code == "x509.expired").collect();
    assert_eq!(expired.len(), 1);
    assert!(
        expired[0].message.contains("listed 3 times"),
        "{}",
        expired[0].message
    );
}

#[test]
fn only_and_disabled_filter_codes() {
    let xml = entity(
        "https://idp.example.org/",
        &idp_role(
            "",
            &format!("<md:NameIDFormat/>{}", sso("http://idp.example.org/sso")),
        ),
    );
    let md = samlcheck::parse_metadata(xml.into_bytes(), &Limits::default()).unwrap();
    let all = codes(&lint(&md, &LintOptions::at(at())));
    assert!(all.contains(&"md.nameid_format.empty") && all.contains(&"md.endpoint.location.http"));
    let mut o = LintOptions::at(at());
    o.only = vec!["md.nameid_format.empty".into()];
    assert_eq!(codes(&lint(&md, &o)), vec!["md.nameid_format.empty"]);
    let mut o = LintOptions::at(at());
    o.disabled = vec!["md.nameid_format.empty".into()];
    let c = codes(&lint(&md, &o));
    assert!(!c.contains(&"md.nameid_format.empty") && c.contains(&"md.endpoint.location.http"));
}

#[test]
fn findings_are_sorted_by_position() {
    let xml = entity(
        "https://idp.example.org/",
        &idp_role(
            "",
            &format!("<md:NameIDFormat/>{}", sso("http://idp.example.org/sso")),
        ),
    );
    let f = run(&xml);
    let offs: Vec<u64> = f
        .iter()
        .map(|f| f.location.as_ref().unwrap().pos.offset)
        .collect();
    let mut sorted = offs.clone();
    sorted.sort();
    assert_eq!(offs, sorted);
}

#[test]
fn a_large_aggregate_lints_every_entity() {
    // 2,000 entities, two of them sharing an entityID: linear data structures, one finding.
    let mut inner = signature();
    for i in 0..2000 {
        inner.push_str(&good_sp(&format!("https://sp{i}.example.org/")));
    }
    inner.push_str(&good_sp("https://sp7.example.org/"));
    let f = run(&aggregate("", &inner));
    assert_eq!(codes(&f), vec!["md.entity_id.duplicate"]);
    assert_eq!(f[0].entity.as_deref(), Some("https://sp7.example.org/"));
}

#[test]
fn a_split_value_is_reported_once_even_below_a_child_element() {
    // Direct split: found by the document scan and not again from the model's text.
    let xml = entity(
        "https://idp.example.org/",
        &idp_role(
            "",
            &format!(
                "{}{}<md:NameIDFormat>urn:a<!-- x -->:b</md:NameIDFormat>",
                good_key(),
                sso("https://idp.example.org/sso")
            ),
        ),
    );
    let f = run(&xml);
    assert_eq!(
        codes(&f).iter().filter(|c| **c == "md.split_value").count(),
        1,
        "{f:#?}"
    );
    // A comment after a child element: only the model's text sees the split.
    let org = r#"<md:Organization><md:OrganizationName xml:lang="en">Exa<x:b xmlns:x="urn:x"/><!-- c -->mple</md:OrganizationName><md:OrganizationDisplayName xml:lang="en">E</md:OrganizationDisplayName><md:OrganizationURL xml:lang="en">https://example.org/</md:OrganizationURL></md:Organization>"#;
    let xml = entity(
        "https://idp.example.org/",
        &format!(
            "{}{org}",
            idp_role(
                "",
                &format!("{}{}", good_key(), sso("https://idp.example.org/sso"))
            )
        ),
    );
    let f = run(&xml);
    let s: Vec<&Finding> = f.iter().filter(|f| f.code == "md.split_value").collect();
    assert_eq!(s.len(), 1, "{f:#?}");
    assert!(
        s[0].message.contains("OrganizationName"),
        "{}",
        s[0].message
    );
}

#[test]
fn identity_center_entity_id_shape_names_what_is_wrong() {
    let acs = acs(
        "https://us-east-1.signin.aws.amazon.com/platform/saml/acs/4e52542d-0bbb-4d87-a526-9cd6da8148bd",
        0,
    );
    let f = run(&entity(
        "https://us-east-1.signin.aws.amazon.com/platform/saml/d-9567b34c60/",
        &sp_role("", &acs),
    ));
    let e = f.iter().find(|f| f.code == "aws.ic.sp.entity_id").unwrap();
    assert!(e.message.contains("ends with a slash"), "{}", e.message);
    let f = run(&entity(
        "https://us-east-1.signin.aws.amazon.com/platform/saml/d-XYZ",
        &sp_role("", &acs),
    ));
    let e = f.iter().find(|f| f.code == "aws.ic.sp.entity_id").unwrap();
    assert!(e.message.contains("\"d-XYZ\""), "{}", e.message);
    assert!(!codes(&f).contains(&"aws.ic.sp.region"));
}

/// A whole PEM file base64-encoded once more (seen in ruby-saml's test metadata) is named as
/// such, with a hint that says what to paste; other undecodable certificates keep the parser's
/// reason.
#[test]
fn a_base64_encoded_pem_file_in_x509certificate_is_named() {
    let idp_key = |k: &str| {
        entity(
            "https://idp.example.org/",
            &format!(
                "{}{}",
                idp_role("", &format!("{k}{}", sso("https://idp.example.org/sso"))),
                organization()
            ),
        )
    };
    let pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        b64(&cert_der(&Spec::default()))
    );
    let f = run_bytes(idp_key(&key("signing", &b64(pem.as_bytes()))).into_bytes());
    let u: Vec<&Finding> = f.iter().filter(|f| f.code == "x509.unparseable").collect();
    assert_eq!(u.len(), 1, "{f:#?}");
    assert!(
        u[0].message.contains("base64-encoded PEM"),
        "{}",
        u[0].message
    );
    assert!(
        u[0].hint.contains("-----BEGIN CERTIFICATE-----"),
        "{}",
        u[0].hint
    );

    let f = run_bytes(idp_key(&key("signing", &b64(b"not a certificate at all"))).into_bytes());
    let u: Vec<&Finding> = f.iter().filter(|f| f.code == "x509.unparseable").collect();
    assert_eq!(u.len(), 1, "{f:#?}");
    assert!(!u[0].message.contains("PEM"), "{}", u[0].message);
    assert!(u[0].message.contains("does not parse"), "{}", u[0].message);
}
