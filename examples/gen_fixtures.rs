//! Writes the test fixtures under `tests/fixtures/` (run from the crate root):
//!
//! ```text
//! cargo run --example gen_fixtures
//! ```
//!
//! Keys are test-only: RSA keys are made once with `openssl genpkey` (kept when present, so
//! the output is reproducible), certificates are made here with fixed dates and serials.
//! Nothing here is a real deployment's key, certificate or identifier.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::Path;
use std::process::Command;

const DIR: &str = "tests/fixtures";

struct Cert {
    /// Base64 DER, one line.
    b64: String,
}

fn key(name: &str) -> String {
    let path = format!("{DIR}/keys/{name}.key.pem");
    if !Path::new(&path).exists() {
        let ok = Command::new("openssl")
            .args([
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out",
                &path,
            ])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "openssl genpkey failed for {path}");
    }
    fs::read_to_string(&path).expect("read key")
}

fn cert(name: &str, cn: &str, from: (i32, u8, u8), to: (i32, u8, u8), serial: u64) -> Cert {
    use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, SerialNumber};
    let pem = key(name);
    let kp = KeyPair::from_pem_and_sign_algo(&pem, &rcgen::PKCS_RSA_SHA256).expect("key");
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    p.distinguished_name = dn;
    p.not_before = rcgen::date_time_ymd(from.0, from.1, from.2);
    p.not_after = rcgen::date_time_ymd(to.0, to.1, to.2);
    p.serial_number = Some(SerialNumber::from(serial.to_be_bytes().to_vec()));
    let c = p.self_signed(&kp).expect("certificate");
    fs::write(format!("{DIR}/keys/{name}.crt.pem"), c.pem()).expect("write cert");
    use base64::Engine;
    Cert {
        b64: base64::engine::general_purpose::STANDARD.encode(c.der()),
    }
}

fn write(name: &str, bytes: &[u8]) {
    let path = format!("{DIR}/{name}");
    if let Some(parent) = Path::new(&path).parent() {
        fs::create_dir_all(parent).expect("mkdir");
    }
    fs::write(&path, bytes).expect("write fixture");
    println!("wrote {path} ({} bytes)", bytes.len());
}

const TENANT: &str = "0b7f3c2e-5d1a-4c8e-9f60-1a2b3c4d5e6f";
const IC_ACS_TENANT: &str = "5f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f";

fn aws_ic_sp() -> String {
    // The shape of the file IAM Identity Center lets you download (one line, md: prefix,
    // no signature, no key), for an instance in eu-west-1 with two ACS host forms.
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://eu-west-1.signin.aws.amazon.com/platform/saml/d-93670a1b2c">"#,
            r#"<md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">"#,
            r#"<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>"#,
            r#"<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://eu-west-1.signin.aws.amazon.com/platform/saml/acs/{t}" index="0" isDefault="true"/>"#,
            r#"<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://eu-west-1.signin.aws/platform/saml/acs/{t}" index="1"/>"#,
            r#"</md:SPSSODescriptor></md:EntityDescriptor>"#,
        ),
        t = IC_ACS_TENANT
    )
}

fn aws_iam_sp(sp: &Cert) -> String {
    format!(
        r#"<?xml version="1.0"?>
<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="urn:amazon:webservices">
  <SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAssertionsSigned="true">
    <KeyDescriptor use="signing">
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>{c}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </KeyDescriptor>
    <NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</NameIDFormat>
    <NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</NameIDFormat>
    <NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</NameIDFormat>
    <AssertionConsumerService index="1" isDefault="true" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://signin.aws.amazon.com/saml"/>
    <AssertionConsumerService index="2" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://eu-west-1.signin.aws.amazon.com/saml"/>
    <AttributeConsumingService index="1">
      <ServiceName xml:lang="en">AWS Management Console Single Sign-On</ServiceName>
      <RequestedAttribute isRequired="true" Name="https://aws.amazon.com/SAML/Attributes/Role" FriendlyName="RoleEntitlement"/>
      <RequestedAttribute isRequired="true" Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName" FriendlyName="RoleSessionName"/>
    </AttributeConsumingService>
  </SPSSODescriptor>
  <Organization>
    <OrganizationName xml:lang="en">Example test SP</OrganizationName>
    <OrganizationDisplayName xml:lang="en">Example</OrganizationDisplayName>
    <OrganizationURL xml:lang="en">https://example.org</OrganizationURL>
  </Organization>
</EntityDescriptor>
"#,
        c = sp.b64
    )
}

fn key_descriptor(c: &Cert) -> String {
    format!(
        r#"<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>{}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>"#,
        c.b64
    )
}

/// An Entra-like app federation metadata document: default namespaces, one line, WS-Fed
/// role descriptors, two signing certificates (a rollover in progress).
fn entra_idp(certs: &[&Cert]) -> String {
    let keys: String = certs.iter().map(|c| key_descriptor(c)).collect();
    let claims: String = [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "http://schemas.microsoft.com/identity/claims/tenantid",
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
    ]
    .iter()
    .map(|u| format!(r#"<auth:ClaimType Uri="{u}" xmlns:auth="http://docs.oasis-open.org/wsfed/authorization/200706"><auth:DisplayName>c</auth:DisplayName></auth:ClaimType>"#))
    .collect();
    let t = TENANT;
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID="_6c2b9a7e-1f0d-4e3c-8b5a-2d4f6e8a0c1b" entityID="https://sts.windows.net/{t}/" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">"#,
            r#"<RoleDescriptor xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706">{keys}<fed:ClaimTypesOffered>{claims}</fed:ClaimTypesOffered>"#,
            r#"<fed:SecurityTokenServiceEndpoint><wsa:EndpointReference xmlns:wsa="http://www.w3.org/2005/08/addressing"><wsa:Address>https://login.microsoftonline.com/{t}/wsfed</wsa:Address></wsa:EndpointReference></fed:SecurityTokenServiceEndpoint>"#,
            r#"<fed:PassiveRequestorEndpoint><wsa:EndpointReference xmlns:wsa="http://www.w3.org/2005/08/addressing"><wsa:Address>https://login.microsoftonline.com/{t}/wsfed</wsa:Address></wsa:EndpointReference></fed:PassiveRequestorEndpoint></RoleDescriptor>"#,
            r#"<RoleDescriptor xsi:type="fed:ApplicationServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706">{keys}"#,
            r#"<fed:TargetScopes><wsa:EndpointReference xmlns:wsa="http://www.w3.org/2005/08/addressing"><wsa:Address>https://sts.windows.net/{t}/</wsa:Address></wsa:EndpointReference></fed:TargetScopes>"#,
            r#"<fed:ApplicationServiceEndpoint><wsa:EndpointReference xmlns:wsa="http://www.w3.org/2005/08/addressing"><wsa:Address>https://login.microsoftonline.com/{t}/wsfed</wsa:Address></wsa:EndpointReference></fed:ApplicationServiceEndpoint>"#,
            r#"<fed:PassiveRequestorEndpoint><wsa:EndpointReference xmlns:wsa="http://www.w3.org/2005/08/addressing"><wsa:Address>https://login.microsoftonline.com/{t}/wsfed</wsa:Address></wsa:EndpointReference></fed:PassiveRequestorEndpoint></RoleDescriptor>"#,
            r#"<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{keys}"#,
            r#"<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/{t}/saml2"/>"#,
            r#"<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/{t}/saml2"/>"#,
            r#"<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://login.microsoftonline.com/{t}/saml2"/>"#,
            r#"</IDPSSODescriptor></EntityDescriptor>"#,
        ),
        t = t,
        keys = keys,
        claims = claims
    )
}

fn generic_entity(i: usize, sp: bool, c: &Cert) -> String {
    if sp {
        format!(
            r#"  <md:EntityDescriptor entityID="https://sp{i}.example.org/shibboleth">
    <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
      <md:KeyDescriptor><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{c}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
      <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp{i}.example.org/Shibboleth.sso/SAML2/POST" index="1"/>
    </md:SPSSODescriptor>
  </md:EntityDescriptor>
"#,
            c = c.b64
        )
    } else {
        format!(
            r#"  <md:EntityDescriptor entityID="https://idp{i}.example.org/idp/shibboleth">
    <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
      <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{c}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
      <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>
      <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp{i}.example.org/idp/profile/SAML2/Redirect/SSO"/>
    </md:IDPSSODescriptor>
  </md:EntityDescriptor>
"#,
            c = c.b64
        )
    }
}

fn main() {
    fs::create_dir_all(format!("{DIR}/keys")).expect("mkdir");
    let old = cert(
        "idp-old",
        "Test Federated SSO Certificate (old)",
        (2024, 1, 1),
        (2027, 1, 15),
        1,
    );
    let new = cert(
        "idp-new",
        "Test Federated SSO Certificate (new)",
        (2026, 6, 1),
        (2029, 6, 1),
        2,
    );
    let sp = cert(
        "sp",
        "urn:amazon:webservices (test copy)",
        (2025, 1, 1),
        (2035, 1, 1),
        3,
    );
    let fed = cert(
        "federation",
        "Test Federation Signer",
        (2025, 1, 1),
        (2035, 1, 1),
        4,
    );

    write("aws-ic-sp.xml", aws_ic_sp().as_bytes());
    write("aws-iam-sp.xml", aws_iam_sp(&sp).as_bytes());
    // Entra serves its app metadata with a UTF-8 BOM.
    let mut entra = b"\xEF\xBB\xBF".to_vec();
    entra.extend_from_slice(entra_idp(&[&old, &new]).as_bytes());
    write("entra-idp.xml", &entra);
    write("entra-idp-one-cert.xml", entra_idp(&[&new]).as_bytes());
    let common = entra_idp(&[&new]).replace(TENANT, "{tenantid}");
    write("entra-idp-common.xml", common.as_bytes());

    let mut agg = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Name="urn:example:test-federation" validUntil="2035-01-01T00:00:00Z" cacheDuration="PT6H">
"#,
    );
    for i in 1..=3 {
        agg.push_str(&generic_entity(i, true, &fed));
        agg.push_str(&generic_entity(i, false, &fed));
    }
    agg.push_str("  <md:EntitiesDescriptor Name=\"urn:example:nested\">\n");
    agg.push_str(&generic_entity(9, true, &fed));
    agg.push_str("  </md:EntitiesDescriptor>\n</md:EntitiesDescriptor>\n");
    write("aggregate.xml", agg.as_bytes());

    // Other encodings, valid.
    let mut utf16 = vec![0xFF, 0xFE];
    for u in aws_ic_sp()
        .replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"")
        .encode_utf16()
    {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    write("encodings/aws-ic-sp-utf16le.xml", &utf16);
    let latin1 = aws_ic_sp()
        .replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"")
        .replace("</md:SPSSODescriptor>", "</md:SPSSODescriptor><md:Organization><md:OrganizationName xml:lang=\"fr\">Soci\u{e9}t\u{e9}</md:OrganizationName><md:OrganizationDisplayName xml:lang=\"fr\">S</md:OrganizationDisplayName><md:OrganizationURL xml:lang=\"fr\">https://example.org</md:OrganizationURL></md:Organization>");
    let latin1: Vec<u8> = latin1
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    write("encodings/aws-ic-sp-latin1.xml", &latin1);
    write(
        "encodings/aws-ic-sp-crlf.xml",
        aws_ic_sp().replace("><md:", ">\r\n<md:").as_bytes(),
    );

    // Broken inputs: each must be refused with exit 2 and a positioned message.
    let b = "broken";
    write(&format!("{b}/empty.xml"), b"");
    write(&format!("{b}/not-xml.txt"), b"this is not XML at all\n");
    write(
        &format!("{b}/binary.bin"),
        &(0u8..=255).cycle().take(4096).collect::<Vec<u8>>(),
    );
    let ic = aws_ic_sp();
    write(
        &format!("{b}/truncated.xml"),
        ic.get(..ic.len() / 2).unwrap_or("").as_bytes(),
    );
    write(
        &format!("{b}/dtd.xml"),
        b"<?xml version=\"1.0\"?>\n<!DOCTYPE md:EntityDescriptor>\n<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"https://x\"/>\n",
    );
    write(
        &format!("{b}/billion-laughs.xml"),
        b"<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n]>\n<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"&lol2;\"/>\n",
    );
    write(
        &format!("{b}/external-entity.xml"),
        b"<?xml version=\"1.0\"?>\n<!DOCTYPE x [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"&xxe;\"/>\n",
    );
    write(
        &format!("{b}/wrong-root.xml"),
        b"<?xml version=\"1.0\"?>\n<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_1\" Version=\"2.0\"/>\n",
    );
    write(
        &format!("{b}/wrong-namespace.xml"),
        b"<EntityDescriptor xmlns=\"urn:oasis:names:tc:SAML:1.0:metadata\" entityID=\"https://x\"/>\n",
    );
    write(
        &format!("{b}/unsupported-encoding.xml"),
        b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"https://x\"/>\n",
    );
    write(
        &format!("{b}/invalid-utf8.xml"),
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\"\n  entityID=\"https://caf\xE9.example/\"/>\n",
    );
    write(
        &format!("{b}/unclosed-tag.xml"),
        b"<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"https://x\">\n  <md:SPSSODescriptor>\n</md:EntityDescriptor>\n",
    );
}
