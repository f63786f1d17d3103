//! Generator of Entra-like SAML Responses for the fixtures' pair (issue #18), and of every
//! attack case the response checker must reject. Test-only: keys are the fixtures' test keys
//! (`tests/fixtures/keys`, see its README); nothing here is a real deployment's identifier.
//!
//! Used from test files with `mod respgen;`. The pair is `tests/fixtures/aws-ic-sp.xml`
//! (IAM Identity Center, eu-west-1) with `tests/fixtures/entra-idp.xml` (Entra, signing
//! certificates `idp-old` then `idp-new`, both listed), and `tests/fixtures/aws-iam-sp.xml`
//! for IAM single-account SAML.
//!
//! Valid responses are signed with the crate's own signer ([`samlcheck::dsig::sign`]):
//! the assertion is signed as a document of its own (exclusive c14n does not depend on the
//! context, and the assertion declares its namespace itself) and spliced into the response;
//! the response is signed as the root. Methods the crate does not sign with (RSA-SHA1,
//! HMAC) are made here by hand: digest with [`samlcheck::dsig::digest`], canonical
//! `SignedInfo` with [`samlcheck::dsig::c14n`], RSA-SHA1 with `openssl dgst`, HMAC with ring.
//!
//! Attack shapes follow Somorovsky et al., "On Breaking SAML: Be Whoever You Want to Be"
//! (USENIX Security 2012), XSW1..XSW8 as SAML Raider names them; the evil assertion always
//! names `admin@contoso.com` where the signed one names `alice@contoso.com`.

#![allow(dead_code)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine;
use samlcheck::dsig::{self, c14n, DigestAlg, SignOptions, SigningKey};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Entra tenant of `entra-idp.xml`.
pub const TENANT: &str = "0b7f3c2e-5d1a-4c8e-9f60-1a2b3c4d5e6f";
/// The IdP entityID (and the Issuer Entra writes).
pub const IDP_ENTITY: &str = "https://sts.windows.net/0b7f3c2e-5d1a-4c8e-9f60-1a2b3c4d5e6f/";
/// Identity Center SP entityID (`aws-ic-sp.xml`).
pub const IC_ENTITY: &str = "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-93670a1b2c";
/// Identity Center ACS (the default, legacy host form).
pub const IC_ACS: &str =
    "https://eu-west-1.signin.aws.amazon.com/platform/saml/acs/5f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f";
/// IAM single-account SP entityID (`aws-iam-sp.xml`).
pub const IAM_ENTITY: &str = "urn:amazon:webservices";
/// IAM ACS (the global endpoint).
pub const IAM_ACS: &str = "https://signin.aws.amazon.com/saml";
/// Role attribute value for IAM: role ARN, provider ARN.
pub const IAM_ROLE: &str =
    "arn:aws:iam::123456789012:role/EntraAdmins,arn:aws:iam::123456789012:saml-provider/EntraID";
/// The user every valid response names (a user of `entra/aws-users-good.json`).
pub const USER: &str = "alice@contoso.com";
/// The user every evil assertion names.
pub const EVIL_USER: &str = "admin@contoso.com";
/// IssueInstant of every generated response.
pub const ISSUE_INSTANT: &str = "2026-09-15T10:00:00.000Z";
/// A `--at` inside every validity window of the generated responses.
pub const AT: &str = "2026-09-15T10:00:30Z";
/// Response ID.
pub const RESPONSE_ID: &str = "_9a0f3b2c-6d1e-4f5a-8b7c-0d1e2f3a4b5c";
/// Assertion ID.
pub const ASSERTION_ID: &str = "_4c3b2a19-0f8e-4d7c-9b6a-5f4e3d2c1b0a";
/// ID of every evil (attacker-made) element.
pub const EVIL_ID: &str = "_e71e71e7-0000-4000-8000-000000000bad";
/// InResponseTo of SP-initiated responses (an AuthnRequest ID as AWS writes them).
pub const REQUEST_ID: &str = "id7b5c1e0a2f3d4e5f6a7b8c9d0e1f2a3b";

const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const DS: &str = "http://www.w3.org/2000/09/xmldsig#";

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture path.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// PEM text of a test key or certificate (`idp-old`, `idp-new`, `attacker-rsa2048`, ...).
pub fn pem(name: &str, ext: &str) -> String {
    std::fs::read_to_string(fixture(&format!("keys/{name}.{ext}"))).expect("test key")
}

/// Path of a test key file.
pub fn key_path(name: &str, ext: &str) -> PathBuf {
    fixture(&format!("keys/{name}.{ext}"))
}

/// The signing key `name` of `tests/fixtures/keys`.
pub fn signing_key(name: &str) -> SigningKey {
    SigningKey::from_pem(&pem(name, "key.pem"), &pem(name, "crt.pem")).expect("signing key")
}

/// Base64 DER of a test certificate.
pub fn cert_b64(name: &str) -> String {
    let p = pem(name, "crt.pem");
    p.lines().filter(|l| !l.starts_with("-----")).collect()
}

/// Which service provider the response is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// IAM Identity Center (`aws-ic-sp.xml`): NameID emailAddress.
    IdentityCenter,
    /// IAM single-account SAML (`aws-iam-sp.xml`): Role and RoleSessionName attributes.
    Iam,
}

/// What carries the signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signed {
    /// Nothing.
    None,
    /// The Assertion (Entra's default, "Sign SAML assertion").
    Assertion,
    /// The Response ("Sign SAML response").
    Response,
    /// Both ("Sign SAML response and assertion"): assertion first, then response.
    Both,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The service provider.
    pub target: Target,
    /// What is signed.
    pub signed: Signed,
    /// `Some(request ID)` for SP-initiated sign-in, `None` for IdP-initiated.
    pub in_response_to: Option<String>,
    /// NameID text (written as is: may hold markup such as a comment).
    pub name_id: String,
    /// The `emailaddress` attribute value (written as is).
    pub email_attr: String,
    /// The `name` claim (Entra: the UPN).
    pub upn: String,
    /// Test key that signs (`idp-old` is the active certificate of `entra-idp.xml`).
    pub key: &'static str,
    /// Response ID.
    pub response_id: String,
    /// Assertion ID.
    pub assertion_id: String,
}

impl Spec {
    /// An SP-initiated, assertion-signed response to Identity Center for `USER`.
    pub fn ic() -> Spec {
        Spec {
            target: Target::IdentityCenter,
            signed: Signed::Assertion,
            in_response_to: Some(REQUEST_ID.to_string()),
            name_id: USER.to_string(),
            email_attr: USER.to_string(),
            upn: USER.to_string(),
            key: "idp-old",
            response_id: RESPONSE_ID.to_string(),
            assertion_id: ASSERTION_ID.to_string(),
        }
    }

    /// An IdP-initiated, assertion-signed response to IAM single-account SAML.
    pub fn iam() -> Spec {
        Spec {
            target: Target::Iam,
            in_response_to: None,
            ..Spec::ic()
        }
    }

    /// This spec, signed as `s`.
    pub fn signed(mut self, s: Signed) -> Spec {
        self.signed = s;
        self
    }

    /// This spec, IdP-initiated (no InResponseTo).
    pub fn idp_initiated(mut self) -> Spec {
        self.in_response_to = None;
        self
    }

    fn acs(&self) -> &'static str {
        match self.target {
            Target::IdentityCenter => IC_ACS,
            Target::Iam => IAM_ACS,
        }
    }

    fn audience(&self) -> &'static str {
        match self.target {
            Target::IdentityCenter => IC_ENTITY,
            Target::Iam => IAM_ENTITY,
        }
    }
}

/// A generated response and its parts, for building attacks.
#[derive(Debug, Clone)]
pub struct Built {
    /// The whole response (no XML declaration, one line, as Entra posts it).
    pub xml: String,
    /// The assertion without any signature (declares its own namespace).
    pub assertion_unsigned: String,
    /// The assertion as it appears in `xml` (signed when the spec signs it).
    pub assertion: String,
    /// The start tag of the response.
    pub response_open: String,
    /// The response's `Issuer` element.
    pub issuer: String,
    /// The response's `Status` element.
    pub status: String,
    /// The spec.
    pub spec: Spec,
}

fn attr(name: &str, value: &str) -> String {
    format!(r#"<Attribute Name="{name}"><AttributeValue>{value}</AttributeValue></Attribute>"#)
}

/// The assertion, unsigned, Entra's layout (default namespace, Issuer first).
pub fn assertion_xml(spec: &Spec) -> String {
    let irt = spec
        .in_response_to
        .as_deref()
        .map(|r| format!(r#" InResponseTo="{r}""#))
        .unwrap_or_default();
    let mut attrs = String::new();
    attrs.push_str(&attr(
        "http://schemas.microsoft.com/identity/claims/tenantid",
        TENANT,
    ));
    attrs.push_str(&attr(
        "http://schemas.microsoft.com/identity/claims/objectidentifier",
        "3f2e1d0c-9b8a-4765-8432-10fedcba9876",
    ));
    attrs.push_str(&attr(
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        &spec.email_attr,
    ));
    attrs.push_str(&attr(
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
        &spec.upn,
    ));
    if spec.target == Target::Iam {
        attrs.push_str(&attr(
            "https://aws.amazon.com/SAML/Attributes/Role",
            IAM_ROLE,
        ));
        attrs.push_str(&attr(
            "https://aws.amazon.com/SAML/Attributes/RoleSessionName",
            USER,
        ));
        attrs.push_str(&attr(
            "https://aws.amazon.com/SAML/Attributes/SessionDuration",
            "3600",
        ));
    }
    let name_id_format = match spec.target {
        Target::IdentityCenter => "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
        Target::Iam => "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    };
    format!(
        concat!(
            r#"<Assertion ID="{id}" IssueInstant="{ii}" Version="2.0" xmlns="{saml}">"#,
            r#"<Issuer>{idp}</Issuer>"#,
            r#"<Subject><NameID Format="{nf}">{nameid}</NameID>"#,
            r#"<SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">"#,
            r#"<SubjectConfirmationData{irt} NotOnOrAfter="2026-09-15T10:05:00.000Z" Recipient="{acs}"/>"#,
            r#"</SubjectConfirmation></Subject>"#,
            r#"<Conditions NotBefore="2026-09-15T09:55:00.000Z" NotOnOrAfter="2026-09-15T11:00:00.000Z">"#,
            r#"<AudienceRestriction><Audience>{aud}</Audience></AudienceRestriction></Conditions>"#,
            r#"<AttributeStatement>{attrs}</AttributeStatement>"#,
            r#"<AuthnStatement AuthnInstant="2026-09-15T09:59:58.000Z" SessionIndex="{id}">"#,
            r#"<AuthnContext><AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</AuthnContextClassRef></AuthnContext>"#,
            r#"</AuthnStatement></Assertion>"#
        ),
        id = spec.assertion_id,
        ii = ISSUE_INSTANT,
        saml = SAML,
        idp = IDP_ENTITY,
        nf = name_id_format,
        nameid = spec.name_id,
        irt = irt,
        acs = spec.acs(),
        aud = spec.audience(),
        attrs = attrs,
    )
}

fn response_open(spec: &Spec, id: &str) -> String {
    let irt = spec
        .in_response_to
        .as_deref()
        .map(|r| format!(r#" InResponseTo="{r}""#))
        .unwrap_or_default();
    format!(
        r#"<samlp:Response ID="{id}" Version="2.0" IssueInstant="{ISSUE_INSTANT}" Destination="{}"{irt} xmlns:samlp="{SAMLP}">"#,
        spec.acs()
    )
}

fn issuer() -> String {
    format!(r#"<Issuer xmlns="{SAML}">{IDP_ENTITY}</Issuer>"#)
}

fn status() -> String {
    r#"<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>"#.to_string()
}

/// Signs the root element of `text` with the crate's signer and the test key `key`.
pub fn sign_root(text: &str, key: &str) -> String {
    dsig::sign(text, &signing_key(key), &SignOptions::default()).expect("crate signer")
}

/// Builds the response `spec` describes.
pub fn build(spec: &Spec) -> Built {
    let unsigned = assertion_xml(spec);
    let assertion = match spec.signed {
        Signed::Assertion | Signed::Both => sign_root(&unsigned, spec.key),
        _ => unsigned.clone(),
    };
    let open = response_open(spec, &spec.response_id);
    let body = format!("{open}{}{}{assertion}</samlp:Response>", issuer(), status());
    let xml = match spec.signed {
        Signed::Response | Signed::Both => sign_root(&body, spec.key),
        _ => body,
    };
    Built {
        xml,
        assertion_unsigned: unsigned,
        assertion,
        response_open: open,
        issuer: issuer(),
        status: status(),
        spec: spec.clone(),
    }
}

/// The valid response `spec` describes, as text.
pub fn response(spec: &Spec) -> String {
    build(spec).xml
}

// ---------------------------------------------------------------------------------------
// Input forms.

/// The `SAMLResponse` form value: base64 of the XML.
pub fn to_base64(xml: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(xml.as_bytes())
}

/// Base64 wrapped at 76 columns with CRLF (as some tracers copy it).
pub fn to_base64_wrapped(xml: &str) -> String {
    let b = to_base64(xml);
    b.as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// Percent-encoding of a form value (`application/x-www-form-urlencoded`).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The form value as captured from a request body: URL-encoded base64.
pub fn to_urlencoded(xml: &str) -> String {
    url_encode(&to_base64(xml))
}

/// A HAR file (as Chrome exports it) with a GET of the sign-in page and one POST of
/// `SAMLResponse` to the ACS per response, in order.
pub fn to_har(responses: &[(&str, &str)]) -> String {
    let mut entries = vec![serde_json::json!({
        "startedDateTime": "2026-09-15T09:59:50.000Z",
        "time": 120.0,
        "request": {
            "method": "GET",
            "url": format!("https://login.microsoftonline.com/{TENANT}/saml2?SAMLRequest=fZJBT8MwDIX%2FSuV7m7TdxBatk8Y0xKQhpm1w4IJC6jFLbVLiFLF%2Fj9cyabDAt%2FjZfp%2FjmkWxdP2l8z4Lwk4Plfc1%2B4hWz0kYy7X"),
            "httpVersion": "http/2.0",
            "headers": [],
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": 0
        },
        "response": {"status": 200, "statusText": "", "httpVersion": "http/2.0", "headers": [], "cookies": [],
            "content": {"size": 0, "mimeType": "text/html"}, "redirectURL": "", "headersSize": -1, "bodySize": -1},
        "cache": {},
        "timings": {"send": 0, "wait": 100, "receive": 20}
    })];
    for (i, (xml, acs)) in responses.iter().enumerate() {
        let value = to_urlencoded(xml);
        let text = format!("SAMLResponse={value}&RelayState=");
        entries.push(serde_json::json!({
            "startedDateTime": format!("2026-09-15T10:00:0{}.000Z", i.min(9)),
            "time": 80.0,
            "request": {
                "method": "POST",
                "url": acs,
                "httpVersion": "http/2.0",
                "headers": [
                    {"name": "content-type", "value": "application/x-www-form-urlencoded"},
                    {"name": "origin", "value": "https://login.microsoftonline.com"}
                ],
                "queryString": [],
                "cookies": [],
                "headersSize": -1,
                "bodySize": text.len(),
                "postData": {
                    "mimeType": "application/x-www-form-urlencoded",
                    "text": text,
                    "params": [
                        {"name": "SAMLResponse", "value": value},
                        {"name": "RelayState", "value": ""}
                    ]
                }
            },
            "response": {"status": 302, "statusText": "", "httpVersion": "http/2.0", "headers": [], "cookies": [],
                "content": {"size": 0, "mimeType": "text/html"}, "redirectURL": "https://eu-west-1.console.aws.amazon.com/", "headersSize": -1, "bodySize": -1},
            "cache": {},
            "timings": {"send": 0, "wait": 70, "receive": 10}
        }));
    }
    let har = serde_json::json!({
        "log": {
            "version": "1.2",
            "creator": {"name": "WebInspector", "version": "537.36"},
            "pages": [],
            "entries": entries
        }
    });
    serde_json::to_string_pretty(&har).unwrap()
}

// ---------------------------------------------------------------------------------------
// Text surgery helpers (on generated text only: the shapes are known).

/// The first `<Signature ...>...</Signature>` element (the crate writes `ds:` prefixes).
pub fn signature_of(xml: &str) -> &str {
    let s = xml.find("<ds:Signature").expect("a signature");
    let e = xml[s..].find("</ds:Signature>").expect("signature end") + s + "</ds:Signature>".len();
    &xml[s..e]
}

/// `xml` with its first `ds:Signature` element removed.
pub fn strip_signature(xml: &str) -> String {
    xml.replacen(signature_of(xml), "", 1)
}

/// `xml` with every `ds:Signature` element removed.
pub fn strip_all_signatures(xml: &str) -> String {
    let mut x = xml.to_string();
    while x.contains("<ds:Signature") {
        x = strip_signature(&x);
    }
    x
}

/// `element` (text of one element) with `inner` inserted right after its first `<Issuer>..`
/// child (where a signature goes), or after the start tag when there is none.
fn insert_after_issuer(element: &str, inner: &str) -> String {
    if let Some(i) = element.find("</Issuer>") {
        let at = i + "</Issuer>".len();
        format!("{}{inner}{}", &element[..at], &element[at..])
    } else {
        let at = element.find('>').unwrap() + 1;
        format!("{}{inner}{}", &element[..at], &element[at..])
    }
}

/// `element` with `inner` inserted before its end tag `</name>` (the last one).
fn insert_before_end(element: &str, inner: &str) -> String {
    let at = element.rfind("</").unwrap();
    format!("{}{inner}{}", &element[..at], &element[at..])
}

/// The evil assertion: the unsigned assertion, naming `EVIL_USER`, with ID `id`.
pub fn evil_assertion(b: &Built, id: &str) -> String {
    b.assertion_unsigned
        .replace(
            &format!(">{}</NameID>", b.spec.name_id),
            &format!(">{EVIL_USER}</NameID>"),
        )
        .replace(&b.spec.assertion_id, id)
}

fn response_with(b: &Built, id: &str, inner: &str) -> String {
    let open = b.response_open.replace(&b.spec.response_id, id);
    format!("{open}{}{inner}</samlp:Response>", b.issuer)
}

// ---------------------------------------------------------------------------------------
// The attack family.

/// One attack case: a name, the input, what the checker must say.
#[derive(Debug, Clone)]
pub struct Attack {
    /// Short name (used for file names).
    pub name: &'static str,
    /// What it is, one line.
    pub what: &'static str,
    /// The response text.
    pub xml: String,
    /// The expected error code; `alternatives` lists codes that name the same reason
    /// equally well (any one of `code` or an alternative must be an error finding).
    pub code: &'static str,
    /// Other acceptable codes.
    pub alternatives: &'static [&'static str],
}

fn attack(
    name: &'static str,
    what: &'static str,
    xml: String,
    code: &'static str,
    alternatives: &'static [&'static str],
) -> Attack {
    Attack {
        name,
        what,
        xml,
        code,
        alternatives,
    }
}

/// XSW1: a cloned, unsigned Response (new ID, evil assertion) wraps the original signature,
/// and the original signed Response (its signature stripped) sits inside that Signature.
pub fn xsw1(signed_response: &Built) -> String {
    let b = signed_response;
    let sig = signature_of(&b.xml).to_string();
    let original = strip_signature(&b.xml);
    let sig_holding = insert_before_end(&sig, &original);
    response_with(
        b,
        EVIL_ID,
        &format!("{sig_holding}{}{}", b.status, evil_assertion(b, EVIL_ID)),
    )
}

/// XSW2: like XSW1, but the original Response sits beside the signature (detached).
pub fn xsw2(signed_response: &Built) -> String {
    let b = signed_response;
    let sig = signature_of(&b.xml).to_string();
    let original = strip_signature(&b.xml);
    response_with(
        b,
        EVIL_ID,
        &format!("{original}{sig}{}{}", b.status, evil_assertion(b, EVIL_ID)),
    )
}

/// XSW3: an evil assertion (new ID, unsigned) before the signed one.
pub fn xsw3(signed_assertion: &Built) -> String {
    let b = signed_assertion;
    response_with(
        b,
        &b.spec.response_id,
        &format!("{}{}{}", b.status, evil_assertion(b, EVIL_ID), b.assertion),
    )
}

/// XSW4: the evil assertion wraps the signed one (as its last child).
pub fn xsw4(signed_assertion: &Built) -> String {
    let b = signed_assertion;
    let evil = insert_before_end(&evil_assertion(b, EVIL_ID), &b.assertion);
    response_with(b, &b.spec.response_id, &format!("{}{evil}", b.status))
}

/// XSW5: the signature moves into the evil assertion; an unsigned copy of the original
/// assertion (what the digest covers) is appended to the Response.
pub fn xsw5(signed_assertion: &Built) -> String {
    let b = signed_assertion;
    let sig = signature_of(&b.assertion).to_string();
    let evil = insert_after_issuer(&evil_assertion(b, EVIL_ID), &sig);
    response_with(
        b,
        &b.spec.response_id,
        &format!("{}{evil}{}", b.status, b.assertion_unsigned),
    )
}

/// XSW6: the signature moves into the evil assertion and holds the unsigned original.
pub fn xsw6(signed_assertion: &Built) -> String {
    let b = signed_assertion;
    let sig = insert_before_end(signature_of(&b.assertion), &b.assertion_unsigned);
    let evil = insert_after_issuer(&evil_assertion(b, EVIL_ID), &sig);
    response_with(b, &b.spec.response_id, &format!("{}{evil}", b.status))
}

/// XSW7: the signed assertion is hidden in the Response's Extensions; the evil assertion
/// takes its place.
pub fn xsw7(signed_assertion: &Built) -> String {
    let b = signed_assertion;
    response_with(
        b,
        &b.spec.response_id,
        &format!(
            "<samlp:Extensions>{}</samlp:Extensions>{}{}",
            b.assertion,
            b.status,
            evil_assertion(b, EVIL_ID)
        ),
    )
}

/// XSW8: the signature moves into the evil assertion and holds, in a `ds:Object`, the
/// unsigned original.
pub fn xsw8(signed_assertion: &Built) -> String {
    let b = signed_assertion;
    let sig = insert_before_end(
        signature_of(&b.assertion),
        &format!("<ds:Object>{}</ds:Object>", b.assertion_unsigned),
    );
    let evil = insert_after_issuer(&evil_assertion(b, EVIL_ID), &sig);
    response_with(b, &b.spec.response_id, &format!("{}{evil}", b.status))
}

/// An evil assertion inside `samlp:Extensions`, the signed one in place.
pub fn evil_in_extensions(signed_assertion: &Built) -> String {
    let b = signed_assertion;
    response_with(
        b,
        &b.spec.response_id,
        &format!(
            "<samlp:Extensions>{}</samlp:Extensions>{}{}",
            evil_assertion(b, EVIL_ID),
            b.status,
            b.assertion
        ),
    )
}

/// A signing key's HMAC-SHA1 "signature": the key is the IdP certificate's DER (public),
/// the classic algorithm-confusion forgery.
fn hmac_sha1(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, key);
    ring::hmac::sign(&k, msg).as_ref().to_vec()
}

/// RSA PKCS#1 v1.5 with SHA-1 over `msg`, by `openssl dgst` (ring does not sign SHA-1).
pub fn openssl_rsa_sha1(key: &str, msg: &[u8]) -> Option<Vec<u8>> {
    let dir = tempfile::tempdir().ok()?;
    let m = dir.path().join("msg");
    std::fs::write(&m, msg).ok()?;
    let o = std::process::Command::new("openssl")
        .args(["dgst", "-sha1", "-sign"])
        .arg(key_path(key, "key.pem"))
        .arg(&m)
        .output()
        .ok()?;
    o.status.success().then_some(o.stdout)
}

/// Whether `openssl` runs; `None` (with a message) when absent outside CI, panics in CI.
pub fn have_openssl() -> bool {
    let ok = std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("openssl is required in CI");
        }
        eprintln!("SKIPPED: openssl not found (needed to sign RSA-SHA1 test responses)");
    }
    ok
}

/// Signature method of a hand-made signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// RSA-SHA1 (by openssl), SHA-1 digest.
    RsaSha1,
    /// HMAC-SHA1 keyed with the certificate's DER, SHA-1 digest.
    HmacSha1,
}

/// Signs the root element of `element` (standalone text that has an `ID` and an `Issuer`)
/// with a method the crate's signer does not offer. `None` when openssl is needed and absent.
pub fn sign_root_with(element: &str, key: &str, method: Method) -> Option<String> {
    let id = {
        let doc = roxmltree::Document::parse(element).expect("generated XML");
        doc.root_element().attribute("ID").unwrap().to_string()
    };
    let digest = {
        let doc = roxmltree::Document::parse(element).expect("generated XML");
        dsig::digest(
            c14n::Subset::Element(doc.root_element()),
            None,
            &c14n::C14n::exclusive(),
            DigestAlg::Sha1,
        )
    };
    let b64 = base64::engine::general_purpose::STANDARD;
    let method_uri = match method {
        Method::RsaSha1 => "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        Method::HmacSha1 => "http://www.w3.org/2000/09/xmldsig#hmac-sha1",
    };
    let signed_info = format!(
        concat!(
            "<ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"{c}\"/>",
            "<ds:SignatureMethod Algorithm=\"{m}\"/><ds:Reference URI=\"#{id}\"><ds:Transforms>",
            "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>",
            "<ds:Transform Algorithm=\"{c}\"/></ds:Transforms>",
            "<ds:DigestMethod Algorithm=\"http://www.w3.org/2000/09/xmldsig#sha1\"/>",
            "<ds:DigestValue>{d}</ds:DigestValue></ds:Reference></ds:SignedInfo>"
        ),
        c = c14n::uri::EXCLUSIVE,
        m = method_uri,
        id = id,
        d = b64.encode(&digest),
    );
    let standalone = format!("<ds:Signature xmlns:ds=\"{DS}\">{signed_info}</ds:Signature>");
    let si_bytes = {
        let doc = roxmltree::Document::parse(&standalone).unwrap();
        let si = doc.root_element().first_element_child().unwrap();
        c14n::to_vec(c14n::Subset::Element(si), None, &c14n::C14n::exclusive())
    };
    let value = match method {
        Method::RsaSha1 => openssl_rsa_sha1(key, &si_bytes)?,
        Method::HmacSha1 => {
            let der = b64.decode(cert_b64(key)).unwrap();
            hmac_sha1(&der, &si_bytes)
        }
    };
    let sig = format!(
        "<ds:Signature xmlns:ds=\"{DS}\">{signed_info}<ds:SignatureValue>{}</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>",
        b64.encode(value),
        cert_b64(key)
    );
    Some(insert_after_issuer(element, &sig))
}

/// A response whose assertion is signed with `method` (SHA-1 digest).
pub fn response_signed_with(spec: &Spec, method: Method) -> Option<String> {
    let b = build(&spec.clone().signed(Signed::None));
    let assertion = sign_root_with(&b.assertion_unsigned, spec.key, method)?;
    Some(format!(
        "{}{}{}{assertion}</samlp:Response>",
        b.response_open, b.issuer, b.status
    ))
}

/// An EncryptedAssertion in place of the assertion (response signed, as Entra does when
/// token encryption is on).
pub fn encrypted_assertion(spec: &Spec) -> String {
    let open = response_open(spec, &spec.response_id);
    let enc = concat!(
        r#"<EncryptedAssertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion">"#,
        r#"<xenc:EncryptedData Type="http://www.w3.org/2001/04/xmlenc#Element" xmlns:xenc="http://www.w3.org/2001/04/xmlenc#">"#,
        r#"<xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc"/>"#,
        r#"<KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey>"#,
        r#"<xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/>"#,
        r#"<xenc:CipherData><xenc:CipherValue>bm90IGEgcmVhbCBrZXksIGEgdGVzdCBwbGFjZWhvbGRlcg==</xenc:CipherValue></xenc:CipherData>"#,
        r#"</xenc:EncryptedKey></KeyInfo>"#,
        r#"<xenc:CipherData><xenc:CipherValue>dGVzdCBjaXBoZXJ0ZXh0OyBub3QgZGVjcnlwdGFibGU=</xenc:CipherValue></xenc:CipherData>"#,
        r#"</xenc:EncryptedData></EncryptedAssertion>"#
    );
    sign_root(
        &format!("{open}{}{}{enc}</samlp:Response>", issuer(), status()),
        spec.key,
    )
}

/// Every attack case, generated fresh. Cases that need openssl are left out (with a
/// message) when it is absent.
pub fn attacks() -> Vec<Attack> {
    const WRAP: &str = "response.structure.wrapping";
    const DUP: &str = "response.structure.duplicate_id";
    const MISSING: &str = "response.signature.missing";
    const INVALID: &str = "response.signature.invalid";
    const UNTRUSTED: &str = "response.signature.untrusted_key";
    const ALG: &str = "response.signature.algorithm";

    let a = build(&Spec::ic());
    let r = build(&Spec::ic().signed(Signed::Response));
    let both = build(&Spec::ic().signed(Signed::Both));
    let mut out = vec![
        attack(
            "xsw1",
            "XSW1: cloned unsigned Response wraps the signature, signed Response inside Signature",
            xsw1(&r),
            WRAP,
            &[],
        ),
        attack(
            "xsw2",
            "XSW2: cloned unsigned Response, signed Response beside a detached signature",
            xsw2(&r),
            WRAP,
            &[],
        ),
        attack(
            "xsw3",
            "XSW3: unsigned evil Assertion before the signed one",
            xsw3(&a),
            WRAP,
            &[],
        ),
        attack(
            "xsw4",
            "XSW4: evil Assertion wraps the signed one",
            xsw4(&a),
            WRAP,
            &[],
        ),
        attack(
            "xsw5",
            "XSW5: signature moved into the evil Assertion, unsigned original appended",
            xsw5(&a),
            WRAP,
            &[],
        ),
        attack(
            "xsw6",
            "XSW6: signature moved into the evil Assertion, original inside the Signature",
            xsw6(&a),
            WRAP,
            &[],
        ),
        attack(
            "xsw7",
            "XSW7: signed Assertion hidden in Extensions, evil Assertion in its place",
            xsw7(&a),
            WRAP,
            &[],
        ),
        attack(
            "xsw8",
            "XSW8: signature moved into the evil Assertion, original inside ds:Object",
            xsw8(&a),
            WRAP,
            &[],
        ),
        attack(
            "evil-in-extensions",
            "unsigned evil Assertion inside Extensions, signed Assertion in place",
            evil_in_extensions(&a),
            WRAP,
            &[],
        ),
        attack(
            "second-assertion",
            "a second, unsigned Assertion after the signed one",
            response_with(
                &a,
                &a.spec.response_id,
                &format!("{}{}{}", a.status, a.assertion, evil_assertion(&a, EVIL_ID)),
            ),
            WRAP,
            &[],
        ),
        // Combinations.
        attack(
            "xsw1-on-both",
            "XSW1 on a response and assertion both signed: evil Response wraps the original",
            xsw1(&both),
            WRAP,
            &[],
        ),
        attack(
            "xsw3-on-both",
            "XSW3 on a doubly signed response: evil Assertion inserted, response digest broken",
            both.xml.replacen(
                "<Assertion ",
                &format!("{}<Assertion ", evil_assertion(&both, EVIL_ID)),
                1,
            ),
            WRAP,
            &[INVALID],
        ),
        attack(
            "xsw2-on-both",
            "XSW2 on a response and assertion both signed: original beside a detached signature",
            xsw2(&both),
            WRAP,
            &[],
        ),
        attack(
            "xsw3-same-id",
            "XSW3 with the evil Assertion reusing the signed Assertion's ID",
            response_with(
                &a,
                &a.spec.response_id,
                &format!(
                    "{}{}{}",
                    a.status,
                    evil_assertion(&a, ASSERTION_ID),
                    a.assertion
                ),
            ),
            DUP,
            &[WRAP],
        ),
        attack(
            "xsw7-same-id",
            "XSW7 with the evil Assertion reusing the signed Assertion's ID",
            response_with(
                &a,
                &a.spec.response_id,
                &format!(
                    "<samlp:Extensions>{}</samlp:Extensions>{}{}",
                    a.assertion,
                    a.status,
                    evil_assertion(&a, ASSERTION_ID)
                ),
            ),
            DUP,
            &[WRAP],
        ),
        attack(
            "xsw8-xsw4",
            "XSW8 inside XSW4: evil wrapper holding the Object-wrapped original",
            {
                let inner = xsw8(&a);
                let start = inner.find("<Assertion ").unwrap();
                let end = inner.rfind("</samlp:Response>").unwrap();
                let evil8 = &inner[start..end];
                let outer = insert_before_end(
                    &evil_assertion(&a, "_e71e71e7-0000-4000-8000-000000000bae"),
                    evil8,
                );
                response_with(&a, &a.spec.response_id, &format!("{}{outer}", a.status))
            },
            WRAP,
            &[],
        ),
        // Duplicate IDs.
        attack(
            "duplicate-id-response-assertion",
            "the Response and the signed Assertion share one ID",
            {
                let mut s = Spec::ic();
                s.response_id = ASSERTION_ID.to_string();
                build(&s).xml
            },
            DUP,
            &[],
        ),
        attack(
            "duplicate-id-extensions",
            "an element in Extensions carries the signed Assertion's ID",
            response_with(
                &a,
                &a.spec.response_id,
                &format!(
                    r#"<samlp:Extensions><x:Note xmlns:x="urn:example:x" ID="{ASSERTION_ID}">{EVIL_USER}</x:Note></samlp:Extensions>{}{}"#,
                    a.status, a.assertion
                ),
            ),
            DUP,
            &[],
        ),
        attack(
            "duplicate-id-evil-after",
            "an unsigned evil Assertion after the signed one, with the same ID",
            response_with(
                &a,
                &a.spec.response_id,
                &format!(
                    "{}{}{}",
                    a.status,
                    a.assertion,
                    evil_assertion(&a, ASSERTION_ID)
                ),
            ),
            DUP,
            &[WRAP],
        ),
        // Keys.
        attack(
            "untrusted-key",
            "a valid signature by a key not in the IdP metadata (attacker's own certificate)",
            {
                let mut s = Spec::ic();
                s.key = "attacker-rsa2048";
                build(&s).xml
            },
            UNTRUSTED,
            &[],
        ),
        attack(
            "untrusted-key-idp-cert-in-keyinfo",
            "signed by the attacker's key, KeyInfo swapped to the IdP's certificate",
            {
                let mut s = Spec::ic();
                s.key = "attacker-rsa2048";
                build(&s)
                    .xml
                    .replace(&cert_b64("attacker-rsa2048"), &cert_b64("idp-old"))
            },
            INVALID,
            &[UNTRUSTED],
        ),
        // Stripped signatures.
        attack(
            "stripped-assertion-signature",
            "the Assertion's Signature element removed",
            strip_signature(&a.xml),
            MISSING,
            &[],
        ),
        attack(
            "stripped-response-signature",
            "the Response's Signature element removed (response-signed mode)",
            strip_signature(&r.xml),
            MISSING,
            &[],
        ),
        attack(
            "stripped-both-signatures",
            "both Signature elements removed, NameID changed",
            strip_all_signatures(&both.xml).replace(USER_NAMEID, EVIL_NAMEID),
            MISSING,
            &[],
        ),
        attack(
            "empty-signature-value",
            "SignatureValue emptied",
            {
                let s = a.xml.find("<ds:SignatureValue>").unwrap() + "<ds:SignatureValue>".len();
                let e = a.xml.find("</ds:SignatureValue>").unwrap();
                format!("{}{}", &a.xml[..s], &a.xml[e..])
            },
            INVALID,
            &[MISSING],
        ),
        attack(
            "nameid-changed",
            "NameID changed after signing (digest fails)",
            a.xml.replacen(USER_NAMEID, EVIL_NAMEID, 1),
            INVALID,
            &[],
        ),
        attack(
            "comment-changes-digest",
            "comment truncation that changes the signed text: NameID rewritten around a comment",
            a.xml.replacen(
                USER_NAMEID,
                &format!(">{EVIL_USER}<!---->.{USER}</NameID>"),
                1,
            ),
            INVALID,
            &[],
        ),
        // Algorithms.
        attack(
            "hmac-method-not-resigned",
            "SignatureMethod changed to hmac-sha1 without re-signing",
            a.xml.replace(
                "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                "http://www.w3.org/2000/09/xmldsig#hmac-sha1",
            ),
            ALG,
            &[],
        ),
        attack(
            "hmac-signed-with-certificate",
            "HMAC-SHA1 signature keyed with the IdP certificate (public) bytes",
            response_signed_with(&Spec::ic(), Method::HmacSha1).unwrap(),
            ALG,
            &[],
        ),
        attack(
            "md5-digest-method",
            "DigestMethod changed to MD5 without recomputing",
            a.xml.replace(
                "http://www.w3.org/2001/04/xmlenc#sha256",
                "http://www.w3.org/2001/04/xmldsig-more#md5",
            ),
            ALG,
            &[],
        ),
        attack(
            "rsa-sha1-method-not-resigned",
            "SignatureMethod changed to rsa-sha1 without re-signing (value no longer verifies)",
            a.xml.replace(
                "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
            ),
            INVALID,
            &[],
        ),
    ];
    out.sort_by_key(|a| a.name);
    out
}

/// NameID element text of the valid responses (as a unique match).
pub const USER_NAMEID: &str = ">alice@contoso.com</NameID>";
/// The same with the evil user.
pub const EVIL_NAMEID: &str = ">admin@contoso.com</NameID>";

/// The comment-truncation case (CVE-2017-11427 class): the IdP signed
/// `alice@contoso.com.evil.example` (a user the attacker registered), the attacker inserted
/// `<!---->` after `alice@contoso.com`: the signature still verifies (comments are not
/// signed), a reader taking the first text node sees `alice@contoso.com`.
pub fn comment_in_nameid() -> String {
    let mut s = Spec::ic();
    s.name_id = format!("{USER}.evil.example");
    build(&s).xml.replacen(
        &format!(">{USER}.evil.example</NameID>"),
        &format!(">{USER}<!---->.evil.example</NameID>"),
        1,
    )
}

/// The same trick in the emailaddress attribute value.
pub fn comment_in_attribute() -> String {
    let mut s = Spec::ic();
    s.email_attr = format!("{USER}.evil.example");
    build(&s).xml.replacen(
        &format!(">{USER}.evil.example</AttributeValue>"),
        &format!(">{USER}<!---->.evil.example</AttributeValue>"),
        1,
    )
}

/// Writes minimal IdP metadata for `entity_id` trusting the certificates (base64 DER).
pub fn idp_metadata(entity_id: &str, certs_b64: &[String]) -> String {
    let keys: String = certs_b64
        .iter()
        .map(|c| format!(r#"<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{c}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"#))
        .collect();
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="{ds}" entityID="{e}">"#,
            r#"<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{k}"#,
            r#"<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.org/sso"/>"#,
            r#"</md:IDPSSODescriptor></md:EntityDescriptor>"#
        ),
        ds = DS,
        e = entity_id.replace('&', "&amp;").replace('"', "&quot;"),
        k = keys
    )
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Two assertions, each properly signed by the IdP (different IDs and users): "exactly one
/// Assertion" must still hold.
pub fn two_signed_assertions() -> String {
    let a = build(&Spec::ic());
    let mut s2 = Spec::ic();
    s2.assertion_id = EVIL_ID.to_string();
    s2.name_id = EVIL_USER.to_string();
    let second = build(&s2).assertion;
    format!(
        "{}{}{}{}{second}</samlp:Response>",
        a.response_open, a.issuer, a.status, a.assertion
    )
}

// ---------------------------------------------------------------------------------------
// Driving the CLI (`samlcheck response` and `samlcheck check --response`).

/// One finding as the JSON output gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Rule code.
    pub code: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
}

/// What one run said.
#[derive(Debug)]
pub struct Run {
    /// Exit code.
    pub status: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Every finding in the JSON output: any object with string `code` and `severity`,
    /// wherever the output nests it (the shape of the pair check's JSON, `files[].findings[]`
    /// or a top-level `findings`, both work).
    pub fn findings(&self) -> Vec<Found> {
        let v: serde_json::Value = serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        });
        let mut out = Vec::new();
        collect(&v, &mut out);
        out
    }

    /// Codes of error findings.
    pub fn errors(&self) -> Vec<String> {
        self.findings()
            .into_iter()
            .filter(|f| f.severity == "error")
            .map(|f| f.code)
            .collect()
    }

    /// Whether `code` is a finding at `severity`.
    pub fn has(&self, code: &str, severity: &str) -> bool {
        self.findings()
            .iter()
            .any(|f| f.code == code && f.severity == severity)
    }
}

fn collect(v: &serde_json::Value, out: &mut Vec<Found>) {
    match v {
        serde_json::Value::Object(m) => {
            if let (Some(serde_json::Value::String(c)), Some(serde_json::Value::String(s))) =
                (m.get("code"), m.get("severity"))
            {
                out.push(Found {
                    code: c.clone(),
                    severity: s.clone(),
                });
            }
            for x in m.values() {
                collect(x, out);
            }
        }
        serde_json::Value::Array(a) => {
            for x in a {
                collect(x, out);
            }
        }
        _ => {}
    }
}

/// Runs the binary with `args` (and `stdin` when given).
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut c = assert_cmd::Command::cargo_bin("samlcheck").unwrap();
    c.current_dir(root()).args(args);
    if let Some(i) = stdin {
        c.write_stdin(i.to_vec());
    }
    let o = c.output().unwrap();
    Run {
        status: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// SP fixture path for a target.
pub fn sp_fixture(t: Target) -> &'static str {
    match t {
        Target::IdentityCenter => "tests/fixtures/aws-ic-sp.xml",
        Target::Iam => "tests/fixtures/aws-iam-sp.xml",
    }
}

/// The IdP fixture.
pub const IDP_FIXTURE: &str = "tests/fixtures/entra-idp.xml";

/// `samlcheck response FILE --idp entra-idp.xml [--sp SP] --at AT --format F [extra...]`.
pub fn response_cmd(file: &Path, sp: Option<Target>, format: &str, extra: &[&str]) -> Run {
    let f = file.to_str().unwrap();
    let mut args = vec!["response", f, "--idp", IDP_FIXTURE];
    if let Some(t) = sp {
        args.extend(["--sp", sp_fixture(t)]);
    }
    args.extend(["--at", AT, "--format", format]);
    args.extend(extra);
    run(&args, None)
}

// ---------------------------------------------------------------------------------------
// xmlsec1.

/// Whether xmlsec1 runs: skips with a message when absent, panics when `CI=true`.
pub fn xmlsec1() -> bool {
    let ok = Command::new("xmlsec1")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("xmlsec1 is required in CI (apt-get install xmlsec1)");
        }
        eprintln!("SKIPPED: xmlsec1 not found; install it (apt-get install xmlsec1) to run the response interop tests");
    }
    ok
}

/// `--id-attr` for SAML Assertion and Response IDs.
pub const ID_ATTRS: [&str; 4] = [
    "--id-attr:ID",
    "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
    "--id-attr:ID",
    "urn:oasis:names:tc:SAML:2.0:protocol:Response",
];

/// A signature template for xmlsec1: enveloped, exclusive c14n, RSA-SHA256, SHA-256.
pub fn template(id: &str) -> String {
    format!(
        concat!(
            r#"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>"#,
            r#"<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
            r#"<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>"#,
            r##"<ds:Reference URI="#{id}"><ds:Transforms>"##,
            r#"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>"#,
            r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>"#,
            r#"<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/>"#,
            r#"</ds:Reference></ds:SignedInfo><ds:SignatureValue/>"#,
            r#"<ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"#
        ),
        id = id
    )
}

/// xmlsec1 signs a response (`Signed::Assertion` or `Signed::Response`) with `key`.
pub fn xmlsec_signed(dir: &Path, spec: &Spec) -> String {
    let b = build(&spec.clone().signed(Signed::None));
    let (assertion, head) = match spec.signed {
        Signed::Assertion => (
            b.assertion_unsigned.replacen(
                "</Issuer>",
                &format!("</Issuer>{}", template(&spec.assertion_id)),
                1,
            ),
            b.issuer.clone(),
        ),
        Signed::Response => (
            b.assertion_unsigned.clone(),
            format!("{}{}", b.issuer, template(&spec.response_id)),
        ),
        _ => panic!("one signature at a time"),
    };
    let tmpl = format!(
        "{}{head}{}{assertion}</samlp:Response>",
        b.response_open, b.status
    );
    let t = write(dir, "tmpl.xml", &tmpl);
    let out = dir.join("signed.xml");
    let k = format!(
        "{},{}",
        key_path(spec.key, "key.pem").display(),
        key_path(spec.key, "crt.pem").display()
    );
    let o = Command::new("xmlsec1")
        .args(["--sign", "--privkey-pem", &k])
        .args(ID_ATTRS)
        .arg("--output")
        .arg(&out)
        .arg(&t)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "xmlsec1 --sign: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::read_to_string(&out).unwrap()
}

// ---------------------------------------------------------------------------------------
// Committed fixtures (`cargo run --example gen_responses` writes them; a test checks drift).

/// Folder of the committed response fixtures, relative to the crate root.
pub const FIXTURE_DIR: &str = "tests/fixtures/responses";

/// The valid responses: file stem and spec.
pub fn valid_specs() -> Vec<(&'static str, Spec)> {
    let mut new_key = Spec::ic();
    new_key.key = "idp-new";
    vec![
        ("ic-assertion-sp", Spec::ic()),
        ("ic-assertion-idp", Spec::ic().idp_initiated()),
        ("ic-response-sp", Spec::ic().signed(Signed::Response)),
        (
            "ic-response-idp",
            Spec::ic().signed(Signed::Response).idp_initiated(),
        ),
        ("ic-both-sp", Spec::ic().signed(Signed::Both)),
        (
            "ic-both-idp",
            Spec::ic().signed(Signed::Both).idp_initiated(),
        ),
        ("ic-assertion-new-key", new_key),
        ("iam-assertion", Spec::iam()),
        ("iam-both", Spec::iam().signed(Signed::Both)),
    ]
}

/// Every committed fixture: path under [`FIXTURE_DIR`], content. The RSA-SHA1 file is left
/// out when openssl is absent.
pub fn fixture_set() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut readme = String::from(concat!(
        "# Generated SAML responses (test-only keys; do not edit)\n\n",
        "Written by `cargo run --example gen_responses` from `tests/respgen/mod.rs`; ",
        "`tests/response_gen.rs` fails when they drift. The pair is `../aws-ic-sp.xml` ",
        "(or `../aws-iam-sp.xml` for `iam-*`) with `../entra-idp.xml`; check them at ",
        "`--at 2026-09-15T10:00:30Z`.\n\n",
        "## valid/ (exit 0, no error finding)\n\n",
        "| file | what |\n|---|---|\n"
    ));
    for (stem, spec) in valid_specs() {
        let xml = response(&spec);
        readme.push_str(&format!(
            "| valid/{stem}.xml | {:?}, {:?}-signed, {}, key {} |\n",
            spec.target,
            spec.signed,
            if spec.in_response_to.is_some() {
                "SP-initiated"
            } else {
                "IdP-initiated"
            },
            spec.key
        ));
        out.push((format!("valid/{stem}.xml"), xml));
    }
    let xml = response(&Spec::ic());
    let other = response(&Spec::ic().signed(Signed::Both).idp_initiated());
    for (name, text, what) in [
        (
            "ic-assertion-sp.b64",
            to_base64(&xml),
            "base64 SAMLResponse value",
        ),
        (
            "ic-assertion-sp.urlencoded.txt",
            to_urlencoded(&xml),
            "URL-encoded base64, as in a request body",
        ),
        (
            "capture-one.har",
            to_har(&[(xml.as_str(), IC_ACS)]),
            "HAR with one SAMLResponse POST",
        ),
        (
            "capture-two.har",
            to_har(&[(xml.as_str(), IC_ACS), (other.as_str(), IC_ACS)]),
            "HAR with two SAMLResponse POSTs",
        ),
    ] {
        readme.push_str(&format!("| valid/{name} | {what} |\n"));
        out.push((format!("valid/{name}"), text));
    }
    readme.push_str(concat!(
        "\n## attacks/ (exit 1; the code is an error finding unless marked warning)\n\n",
        "| file | expected code | also accepted | what |\n|---|---|---|---|\n"
    ));
    for a in attacks() {
        readme.push_str(&format!(
            "| attacks/{}.xml | `{}` | {} | {} |\n",
            a.name,
            a.code,
            a.alternatives
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", "),
            a.what
        ));
        out.push((format!("attacks/{}.xml", a.name), a.xml));
    }
    let mut extra = vec![
        (
            "comment-in-nameid",
            comment_in_nameid(),
            "`response.text.comment_split` (warning)",
            "CVE-2017-11427 class: `alice@contoso.com<!---->.evil.example`, signature intact; read in full",
        ),
        (
            "comment-in-attribute",
            comment_in_attribute(),
            "`response.text.comment_split` (warning)",
            "the same inside the emailaddress AttributeValue",
        ),
        (
            "two-signed-assertions",
            two_signed_assertions(),
            "a `response.structure.*` error",
            "two assertions, each validly signed by the IdP",
        ),
        (
            "encrypted-assertion",
            encrypted_assertion(&Spec::ic()),
            "an error naming the encryption",
            "EncryptedAssertion sent to IAM Identity Center (not supported there)",
        ),
    ];
    if let Some(x) = response_signed_with(&Spec::ic(), Method::RsaSha1) {
        extra.push((
            "sha1-signed",
            x,
            "`response.signature.sha1` (warning), exit 0",
            "assertion properly signed with RSA-SHA1 and a SHA-1 digest",
        ));
    }
    for (name, xml, code, what) in extra {
        readme.push_str(&format!("| attacks/{name}.xml | {code} | | {what} |\n"));
        out.push((format!("attacks/{name}.xml"), xml));
    }
    readme.push_str(concat!(
        "\n## scenario/ (the README's worked example)\n\n",
        "| file | what |\n|---|---|\n",
        "| scenario/carol-upn.xml | a valid, assertion-signed response for Carol to IAM Identity Center whose NameID is her UPN `carol.w@contoso.com`; with `../entra/aws-users-bad.json` her UserName is her mail (`response.nameid.matches_mail`, exit 1), with `aws-users-good.json` it passes |\n"
    ));
    out.push((
        "scenario/carol-upn.xml".to_string(),
        response(&Spec {
            name_id: "carol.w@contoso.com".into(),
            email_attr: "carol.white@contoso.com".into(),
            upn: "carol.w@contoso.com".into(),
            ..Spec::ic()
        }),
    ));
    out.push(("README.md".to_string(), readme));
    out
}
