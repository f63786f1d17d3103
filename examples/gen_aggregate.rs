//! Generates a signed metadata aggregate for benchmarks (test-only key).
//!
//! `cargo run --release --example gen_aggregate -- N OUT.xml [KEY.pem CERT.pem]`
//!
//! N entities of about 4 KB each (entity, mdui extensions, an IdP role with a certificate,
//! endpoints, organization, contacts), wrapped in an `md:EntitiesDescriptor` and signed with
//! samlcheck's own signer (enveloped, exclusive c14n, RSA-SHA256). Default key:
//! tests/fixtures/keys/rsa2048 (test-only).

use samlcheck::dsig::{sign, SignOptions, SigningKey};

/// One entity of about 4 KB; `i` makes entityIDs and hosts unique.
pub fn entity(i: usize, cert_b64: &str) -> String {
    format!(
        r#"  <md:EntityDescriptor entityID="https://idp{i}.example.org/idp/shibboleth">
    <md:Extensions>
      <mdrpi:RegistrationInfo registrationAuthority="https://federation.example.org" registrationInstant="2024-01-01T00:00:00Z"/>
      <mdattr:EntityAttributes>
        <saml:Attribute Name="http://macedir.org/entity-category-support" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">
          <saml:AttributeValue>http://refeds.org/category/research-and-scholarship</saml:AttributeValue>
        </saml:Attribute>
      </mdattr:EntityAttributes>
    </md:Extensions>
    <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
      <md:Extensions>
        <shibmd:Scope regexp="false">idp{i}.example.org</shibmd:Scope>
        <mdui:UIInfo>
          <mdui:DisplayName xml:lang="en">Example University {i} &amp; Partners</mdui:DisplayName>
          <mdui:Description xml:lang="en">Identity provider number {i} of the benchmark federation, with a description long enough to look real.</mdui:Description>
          <mdui:InformationURL xml:lang="en">https://www.idp{i}.example.org/about</mdui:InformationURL>
          <mdui:Logo height="16" width="16">https://www.idp{i}.example.org/favicon.ico</mdui:Logo>
        </mdui:UIInfo>
      </md:Extensions>
      <md:KeyDescriptor use="signing">
        <ds:KeyInfo>
          <ds:X509Data>
            <ds:X509Certificate>
{cert_b64}
            </ds:X509Certificate>
          </ds:X509Data>
        </ds:KeyInfo>
      </md:KeyDescriptor>
      <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp{i}.example.org/idp/profile/SAML2/Redirect/SLO"/>
      <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>
      <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp{i}.example.org/idp/profile/SAML2/POST/SSO"/>
      <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp{i}.example.org/idp/profile/SAML2/Redirect/SSO"/>
    </md:IDPSSODescriptor>
    <md:Organization>
      <md:OrganizationName xml:lang="en">Example University {i}</md:OrganizationName>
      <md:OrganizationDisplayName xml:lang="en">Example University {i}</md:OrganizationDisplayName>
      <md:OrganizationURL xml:lang="en">https://www.idp{i}.example.org/</md:OrganizationURL>
    </md:Organization>
    <md:ContactPerson contactType="technical">
      <md:GivenName>Ops</md:GivenName>
      <md:EmailAddress>mailto:ops@idp{i}.example.org</md:EmailAddress>
    </md:ContactPerson>
  </md:EntityDescriptor>
"#
    )
}

/// The unsigned aggregate text.
pub fn aggregate(n: usize, cert_b64: &str) -> String {
    let mut s = String::with_capacity(n * 4200 + 1000);
    s.push_str(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" ",
        "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" xmlns:mdui=\"urn:oasis:names:tc:SAML:metadata:ui\" ",
        "xmlns:mdrpi=\"urn:oasis:names:tc:SAML:metadata:rpi\" xmlns:mdattr=\"urn:oasis:names:tc:SAML:metadata:attribute\" ",
        "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" xmlns:shibmd=\"urn:mace:shibboleth:metadata:1.0\" ",
        "Name=\"urn:example:benchmark-federation\" validUntil=\"2034-01-01T00:00:00Z\">\n"
    ));
    for i in 0..n {
        s.push_str(&entity(i, cert_b64));
    }
    s.push_str("</md:EntitiesDescriptor>\n");
    s
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(n), Some(out)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: gen_aggregate N OUT.xml [KEY.pem CERT.pem]");
        std::process::exit(2);
    };
    let n: usize = n.parse()?;
    let root = env!("CARGO_MANIFEST_DIR");
    let key_path = args
        .get(3)
        .cloned()
        .unwrap_or_else(|| format!("{root}/tests/fixtures/keys/rsa2048.key.pem"));
    let cert_path = args
        .get(4)
        .cloned()
        .unwrap_or_else(|| format!("{root}/tests/fixtures/keys/rsa2048.crt.pem"));
    let key_pem = std::fs::read_to_string(key_path)?;
    let cert_pem = std::fs::read_to_string(cert_path)?;
    let key = SigningKey::from_pem(&key_pem, &cert_pem)?;
    // The certificate body, as 64-column lines, as it appears in real metadata.
    let body: String = cert_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(|l| format!("              {l}\n"))
        .collect();
    let text = aggregate(n, body.trim_end());
    let mut opts = SignOptions::default();
    opts.verify_after = false;
    let signed = sign(&text, &key, &opts)?;
    std::fs::write(out, signed)?;
    Ok(())
}
