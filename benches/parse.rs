//! Parse + model benchmarks: decode, hardened tree, owned model (`samlcheck::parse_metadata`),
//! the rule catalogue on the model (`lint`), and the pair check's library path on two
//! real-size files.
//!
//! Every input is generated here (certificates by rcgen over the project's test-only RSA keys
//! in `tests/fixtures/keys`); nothing is read from the network or from third parties.
//!
//! ```text
//! cargo bench --bench parse
//! cargo bench --bench parse -- aggregate_10000    # one input
//! ```
//!
//! Signature verification has its own bench (`benches/dsig.rs`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use base64::Engine;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::fmt::Write;

/// One benchmark input: a name, how to make it, and how many samples criterion takes.
struct Input {
    name: &'static str,
    make: fn(&Certs) -> String,
    samples: usize,
}

/// The inputs, smallest first.
const INPUTS: &[Input] = &[
    // AWS IAM Identity Center SP metadata as downloaded from the console: one line, `md:`
    // prefix, two ACS URLs, no key (under 1 KB). The common "SP side" of a pair check.
    Input {
        name: "aws_ic_sp",
        make: aws_ic_sp,
        samples: 100,
    },
    // Entra ID app federation metadata: UTF-8 BOM, one line, ds:Signature, two WS-Federation
    // RoleDescriptors and the IDPSSODescriptor, each with both signing certificates (rollover),
    // the full ClaimTypesOffered list (about 20 KB, like the real download).
    Input {
        name: "entra_idp",
        make: entra_idp,
        samples: 100,
    },
    // A federation aggregate of 1,000 entities (half SPs with ACS/mdui/contacts, half IdPs),
    // each with its own certificate text and registration info: about 4 MB.
    Input {
        name: "aggregate_1000",
        make: aggregate_1000,
        samples: 20,
    },
    // The same with 10,000 entities: about 40 MB, the size of the larger national
    // federations' aggregates (the largest, eduGAIN, is a few times bigger).
    Input {
        name: "aggregate_10000",
        make: aggregate_10000,
        samples: 10,
    },
];

/// Two real RSA-2048 certificates (old and new signing certificate), base64 DER.
struct Certs {
    old: String,
    new: String,
}

fn cert(key_pem: &str, cn: &str, from: i32, to: i32, serial: u64) -> String {
    let kp = rcgen::KeyPair::from_pem_and_sign_algo(key_pem, &rcgen::PKCS_RSA_SHA256).unwrap();
    let mut p = rcgen::CertificateParams::default();
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(rcgen::DnType::CommonName, cn);
    p.distinguished_name = dn;
    p.not_before = rcgen::date_time_ymd(from, 1, 1);
    p.not_after = rcgen::date_time_ymd(to, 1, 1);
    p.serial_number = Some(rcgen::SerialNumber::from(serial.to_be_bytes().to_vec()));
    let c = p.self_signed(&kp).unwrap();
    base64::engine::general_purpose::STANDARD.encode(c.der())
}

fn certs() -> Certs {
    Certs {
        old: cert(
            include_str!("../tests/fixtures/keys/idp-old.key.pem"),
            "Microsoft Azure Federated SSO Certificate",
            2024,
            2027,
            1,
        ),
        new: cert(
            include_str!("../tests/fixtures/keys/idp-new.key.pem"),
            "Microsoft Azure Federated SSO Certificate",
            2026,
            2029,
            2,
        ),
    }
}

const TENANT: &str = "0b7f3c2e-5d1a-4c8e-9f60-1a2b3c4d5e6f";

fn aws_ic_sp(_: &Certs) -> String {
    concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://eu-west-1.signin.aws.amazon.com/platform/saml/d-93670a1b2c">"#,
        r#"<md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">"#,
        r#"<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>"#,
        r#"<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://eu-west-1.signin.aws.amazon.com/platform/saml/acs/5f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f" index="0" isDefault="true"/>"#,
        r#"<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://eu-west-1.signin.aws/platform/saml/acs/5f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f" index="1"/>"#,
        r#"</md:SPSSODescriptor></md:EntityDescriptor>"#,
    )
    .to_string()
}

/// The claim types Entra's federation metadata offers.
const CLAIMS: &[(&str, &str)] = &[
    (
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
        "Name",
    ),
    ("http://schemas.xmlsoap.org/claims/CommonName", "Subject"),
    (
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "Email",
    ),
    (
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
        "Groups",
    ),
    (
        "http://schemas.microsoft.com/identity/claims/identityprovider",
        "Identity Provider",
    ),
    (
        "http://schemas.microsoft.com/identity/claims/objectidentifier",
        "Object Identifier",
    ),
    (
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
        "Role",
    ),
    (
        "http://schemas.microsoft.com/identity/claims/scope",
        "Scope",
    ),
    (
        "http://schemas.microsoft.com/identity/claims/tenantid",
        "Tenant Id",
    ),
    (
        "http://schemas.microsoft.com/identity/claims/displayname",
        "Display Name",
    ),
    (
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "Given Name",
    ),
    (
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "Surname",
    ),
    (
        "http://schemas.microsoft.com/claims/authnmethodsreferences",
        "Authentication Methods References",
    ),
    (
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/wids",
        "Global Administrator Role",
    ),
];

fn keys(out: &mut String, c: &Certs) {
    for b64 in [&c.old, &c.new] {
        let _ = write!(
            out,
            r#"<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>{b64}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>"#
        );
    }
}

fn wsa(out: &mut String, el: &str, addr: &str) {
    let _ = write!(
        out,
        r#"<fed:{el}><wsa:EndpointReference xmlns:wsa="http://www.w3.org/2005/08/addressing"><wsa:Address>{addr}</wsa:Address></wsa:EndpointReference></fed:{el}>"#
    );
}

fn entra_idp(c: &Certs) -> String {
    let login = format!("https://login.microsoftonline.com/{TENANT}");
    let mut s = String::from("\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    let _ = write!(
        s,
        r#"<EntityDescriptor ID="_6c2b9a7e-1f0d-4e3c-8b5a-2d4f6e8a0c1b" entityID="https://sts.windows.net/{TENANT}/" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">"#
    );
    // An enveloped signature (shape only; the parse bench does not verify it).
    let _ = write!(
        s,
        concat!(
            r##"<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"##,
            r##"<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><Reference URI="#_6c2b9a7e-1f0d-4e3c-8b5a-2d4f6e8a0c1b">"##,
            r##"<Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></Transforms>"##,
            r##"<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue>q1Xl5Vd2mVh0cGwBZ3o6F1dYtmUuM0S6Wq9eY2tY0dE=</DigestValue></Reference></SignedInfo>"##,
            r##"<SignatureValue>{sig}</SignatureValue><KeyInfo><X509Data><X509Certificate>{cert}</X509Certificate></X509Data></KeyInfo></Signature>"##
        ),
        sig = base64::engine::general_purpose::STANDARD.encode([7u8; 256]),
        cert = c.new
    );
    let ns = r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706""#;
    let proto =
        r#"protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706""#;
    let _ = write!(
        s,
        r#"<RoleDescriptor xsi:type="fed:SecurityTokenServiceType" {proto} {ns}>"#
    );
    keys(&mut s, c);
    s.push_str("<fed:ClaimTypesOffered>");
    for (uri, name) in CLAIMS {
        let _ = write!(
            s,
            r#"<auth:ClaimType Uri="{uri}" xmlns:auth="http://docs.oasis-open.org/wsfed/authorization/200706"><auth:DisplayName>{name}</auth:DisplayName><auth:Description>The {name} claim of the user.</auth:Description></auth:ClaimType>"#
        );
    }
    s.push_str("</fed:ClaimTypesOffered>");
    wsa(
        &mut s,
        "SecurityTokenServiceEndpoint",
        &format!("{login}/wsfed"),
    );
    wsa(
        &mut s,
        "PassiveRequestorEndpoint",
        &format!("{login}/wsfed"),
    );
    s.push_str("</RoleDescriptor>");
    let _ = write!(
        s,
        r#"<RoleDescriptor xsi:type="fed:ApplicationServiceType" {proto} {ns}>"#
    );
    keys(&mut s, c);
    wsa(
        &mut s,
        "TargetScopes",
        &format!("https://sts.windows.net/{TENANT}/"),
    );
    wsa(
        &mut s,
        "ApplicationServiceEndpoint",
        &format!("{login}/wsfed"),
    );
    wsa(
        &mut s,
        "PassiveRequestorEndpoint",
        &format!("{login}/wsfed"),
    );
    s.push_str("</RoleDescriptor>");
    s.push_str(
        r#"<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">"#,
    );
    keys(&mut s, c);
    for binding in ["HTTP-Redirect", "HTTP-POST"] {
        let _ = write!(
            s,
            r#"<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:{binding}" Location="{login}/saml2"/>"#
        );
    }
    for binding in ["HTTP-Redirect", "HTTP-POST"] {
        let _ = write!(
            s,
            r#"<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:{binding}" Location="{login}/saml2"/>"#
        );
    }
    s.push_str("</IDPSSODescriptor></EntityDescriptor>");
    s
}

fn aggregate(n: usize, c: &Certs) -> String {
    let mut s = String::with_capacity(n * 4200);
    s.push_str(concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        "\n",
        r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:mdrpi="urn:oasis:names:tc:SAML:metadata:rpi" xmlns:mdui="urn:oasis:names:tc:SAML:metadata:ui" xmlns:shibmd="urn:mace:shibboleth:metadata:1.0" Name="urn:example:federation" validUntil="2030-01-01T00:00:00Z" ID="_agg">"#,
        "\n"
    ));
    for i in 0..n {
        let host = format!("e{i}.example{}.org", i % 97);
        // Vary the certificate text per entity so no two are byte-identical.
        let b64 = if i % 2 == 0 { &c.old } else { &c.new };
        let _ = write!(
            s,
            r#"  <md:EntityDescriptor entityID="https://{host}/saml" ID="_e{i}">
    <md:Extensions><mdrpi:RegistrationInfo registrationAuthority="https://federation.example.org/" registrationInstant="2020-01-{d:02}T00:00:00Z"/></md:Extensions>
"#,
            d = i % 28 + 1
        );
        if i % 2 == 0 {
            let _ = write!(
                s,
                r#"    <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
      <md:Extensions><mdui:UIInfo><mdui:DisplayName xml:lang="en">Service {i}</mdui:DisplayName><mdui:Description xml:lang="en">A test service number {i} of the generated aggregate.</mdui:Description><mdui:InformationURL xml:lang="en">https://{host}/about</mdui:InformationURL><mdui:PrivacyStatementURL xml:lang="en">https://{host}/privacy</mdui:PrivacyStatementURL></mdui:UIInfo></md:Extensions>
      <md:KeyDescriptor><ds:KeyInfo><ds:X509Data><ds:X509Certificate>
{b64}
      </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
      <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
      <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://{host}/Shibboleth.sso/SAML2/POST" index="1"/>
      <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" Location="https://{host}/Shibboleth.sso/SAML2/Artifact" index="2"/>
      <md:AttributeConsumingService index="1"><md:ServiceName xml:lang="en">Service {i}</md:ServiceName><md:RequestedAttribute FriendlyName="mail" Name="urn:oid:0.9.2342.19200300.100.1.3" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri" isRequired="true"/></md:AttributeConsumingService>
    </md:SPSSODescriptor>
"#
            );
        } else {
            let _ = write!(
                s,
                r#"    <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
      <md:Extensions><shibmd:Scope regexp="false">example{i}.org</shibmd:Scope><mdui:UIInfo><mdui:DisplayName xml:lang="en">University {i}</mdui:DisplayName></mdui:UIInfo></md:Extensions>
      <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>
{b64}
      </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
      <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>
      <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://{host}/idp/profile/SAML2/Redirect/SSO"/>
      <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://{host}/idp/profile/SAML2/POST/SSO"/>
    </md:IDPSSODescriptor>
"#
            );
        }
        let _ = write!(
            s,
            r#"    <md:Organization><md:OrganizationName xml:lang="en">Org {i}</md:OrganizationName><md:OrganizationDisplayName xml:lang="en">Organisation {i}</md:OrganizationDisplayName><md:OrganizationURL xml:lang="en">https://{host}/</md:OrganizationURL></md:Organization>
    <md:ContactPerson contactType="technical"><md:GivenName>Admin</md:GivenName><md:EmailAddress>mailto:admin@{host}</md:EmailAddress></md:ContactPerson>
  </md:EntityDescriptor>
"#
        );
    }
    s.push_str("</md:EntitiesDescriptor>\n");
    s
}

fn aggregate_1000(c: &Certs) -> String {
    aggregate(1_000, c)
}

fn aggregate_10000(c: &Certs) -> String {
    aggregate(10_000, c)
}

fn parse(c: &mut Criterion) {
    let certs = certs();
    let limits = samlcheck::Limits::default();
    let mut group = c.benchmark_group("parse_model");
    for input in INPUTS {
        let xml = (input.make)(&certs);
        // Each input must be valid metadata; a bench of an error path measures nothing useful.
        let md = samlcheck::parse_metadata(xml.as_bytes().to_vec(), &limits)
            .unwrap_or_else(|e| panic!("{}: {e}", input.name));
        assert!(!md.entities.is_empty());
        group.sample_size(input.samples);
        group.throughput(Throughput::Bytes(xml.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(input.name), &xml, |b, xml| {
            b.iter(|| {
                let md =
                    samlcheck::parse_metadata(black_box(xml.as_bytes().to_vec()), &limits).unwrap();
                black_box(md.entities.len())
            })
        });
    }
    group.finish();
    // The hardened reader alone (decode, pre-scan, roxmltree tree), to show how the time
    // splits between the tree and the model (certificate facts dominate the model).
    let mut group = c.benchmark_group("tree_only");
    for input in INPUTS {
        let xml = (input.make)(&certs);
        group.sample_size(input.samples);
        group.throughput(Throughput::Bytes(xml.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(input.name), &xml, |b, xml| {
            b.iter(|| {
                let d = samlcheck::xml::decode_checked(black_box(xml.as_bytes().to_vec()), &limits)
                    .unwrap();
                let doc = samlcheck::xml::XmlDoc::parse(d.text(), &limits).unwrap();
                black_box(doc.tree().descendants().count())
            })
        });
    }
    group.finish();
}

/// The rule catalogue (`lint::lint`) over an already parsed model: the rules' own cost,
/// without the parse measured above.
fn lint(c: &mut Criterion) {
    let certs = certs();
    let limits = samlcheck::Limits::default();
    let at = chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap();
    let opts = samlcheck::lint::LintOptions::at(at);
    let mut group = c.benchmark_group("lint");
    for input in INPUTS {
        let xml = (input.make)(&certs);
        let md = samlcheck::parse_metadata(xml.into_bytes(), &limits).unwrap();
        group.sample_size(input.samples);
        group.throughput(Throughput::Elements(md.entities.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(input.name), &md, |b, md| {
            b.iter(|| black_box(samlcheck::lint::lint(black_box(md), &opts).len()))
        });
    }
    group.finish();
}

/// The pair check's library path on the two real-size files: parse both, pick the sides,
/// cross-check (the binary adds process start and reading the files).
fn pair_check(c: &mut Criterion) {
    let certs = certs();
    let limits = samlcheck::Limits::default();
    let sp = aws_ic_sp(&certs).into_bytes();
    let idp = entra_idp(&certs).into_bytes();
    let at = chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap();
    let opts = samlcheck::pair::PairOptions::at(at);
    c.bench_function("pair_check/aws_ic_sp+entra_idp", |b| {
        b.iter(|| {
            let a = samlcheck::parse_metadata(black_box(sp.clone()), &limits).unwrap();
            let b2 = samlcheck::parse_metadata(black_box(idp.clone()), &limits).unwrap();
            let sel = samlcheck::pair::select(&a, "aws.xml", &b2, "azure.xml", &opts).unwrap();
            let f = samlcheck::pair::check(&a, sel.sp, &b2, sel.idp, &opts);
            black_box(f.len())
        })
    });
}

criterion_group!(benches, parse, lint, pair_check);
criterion_main!(benches);
