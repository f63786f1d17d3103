//! The semantic diff: every kind of change, rollover states, re-signing, aggregates, live
//! fetch from a loopback server, and the CLI.

// Test helpers outside #[test] functions are not covered by clippy.toml's test exemption.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine;
use chrono::{DateTime, TimeZone, Utc};
use samlcheck::diff::{self, Class, Diff, DiffOptions, EntityStatus, FetchOptions, RolloverState};
use samlcheck::{Limits, Metadata};
use std::io::{Read, Write};
use std::sync::OnceLock;

// ---------------------------------------------------------------- helpers

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap()
}

struct TestCert {
    b64: String,
    sha256: String,
    sha1: String,
}

fn make_cert(cn: &str, from: (i32, u8, u8), to: (i32, u8, u8)) -> TestCert {
    let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(rcgen::DnType::CommonName, cn);
    p.not_before = rcgen::date_time_ymd(from.0, from.1, from.2);
    p.not_after = rcgen::date_time_ymd(to.0, to.1, to.2);
    let key = rcgen::KeyPair::generate().unwrap();
    let c = p.self_signed(&key).unwrap();
    let der = c.der().to_vec();
    let facts = samlcheck::x509::facts_from_der(&der).unwrap();
    TestCert {
        b64: base64::engine::general_purpose::STANDARD.encode(&der),
        sha256: facts.sha256_fingerprint,
        sha1: facts.sha1_thumbprint,
    }
}

/// A: the old key; B: the new key; C: a third; X: expired at `at()`.
fn certs() -> &'static [TestCert; 4] {
    static C: OnceLock<[TestCert; 4]> = OnceLock::new();
    C.get_or_init(|| {
        [
            make_cert(
                "Microsoft Azure Federated SSO Certificate A",
                (2024, 1, 1),
                (2027, 1, 1),
            ),
            make_cert(
                "Microsoft Azure Federated SSO Certificate B",
                (2026, 1, 1),
                (2029, 1, 1),
            ),
            make_cert(
                "Microsoft Azure Federated SSO Certificate C",
                (2026, 1, 1),
                (2029, 1, 1),
            ),
            make_cert("Expired", (2020, 1, 1), (2023, 1, 1)),
        ]
    })
}
fn a() -> &'static TestCert {
    &certs()[0]
}
fn b() -> &'static TestCert {
    &certs()[1]
}
fn x() -> &'static TestCert {
    &certs()[3]
}

const TENANT: &str = "ce4dd77a-0000-4000-8000-000000000001";
const POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
const REDIRECT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

/// An Entra-like IdP (WS-Fed roles plus IDPSSODescriptor), single line like Entra's.
#[derive(Clone)]
struct Idp {
    entity_id: String,
    id: String,
    signature: Option<String>,
    certs: Vec<&'static TestCert>,
    sso: Vec<(&'static str, String)>,
    claims: Vec<String>,
    nameids: Vec<String>,
    valid_until: Option<String>,
    extra_idp: String,
    org: String,
}

impl Idp {
    fn entra(certs: &[&'static TestCert]) -> Idp {
        Idp {
            entity_id: format!("https://sts.windows.net/{TENANT}/"),
            id: "_11111111-1111-1111-1111-111111111111".into(),
            signature: None,
            certs: certs.to_vec(),
            sso: vec![
                (
                    REDIRECT,
                    format!("https://login.microsoftonline.com/{TENANT}/saml2"),
                ),
                (
                    POST,
                    format!("https://login.microsoftonline.com/{TENANT}/saml2"),
                ),
            ],
            claims: vec![
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name".into(),
                "http://schemas.microsoft.com/identity/claims/tenantid".into(),
            ],
            nameids: vec![],
            valid_until: None,
            extra_idp: String::new(),
            org: String::new(),
        }
    }

    fn keys(&self) -> String {
        self.certs
            .iter()
            .map(|c| {
                format!(
                    r#"<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>{}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>"#,
                    c.b64
                )
            })
            .collect()
    }

    fn xml(&self) -> String {
        let sig = self.signature.as_ref().map_or(String::new(), |s| {
            format!(
                r##"<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><Reference URI="#{id}"><DigestValue>{s}</DigestValue></Reference></SignedInfo><SignatureValue>{s}{s}</SignatureValue></Signature>"##,
                id = self.id
            )
        });
        let vu = self
            .valid_until
            .as_ref()
            .map_or(String::new(), |v| format!(r#" validUntil="{v}""#));
        let claims: String = self
            .claims
            .iter()
            .map(|c| format!(r#"<auth:ClaimType Uri="{c}" Optional="true"/>"#))
            .collect();
        let sso: String = self
            .sso
            .iter()
            .map(|(b, l)| format!(r#"<SingleSignOnService Binding="{b}" Location="{l}"/>"#))
            .collect();
        let nameids: String = self
            .nameids
            .iter()
            .map(|n| format!("<NameIDFormat>{n}</NameIDFormat>"))
            .collect();
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID="{id}" entityID="{eid}"{vu} xmlns="urn:oasis:names:tc:SAML:2.0:metadata">{sig}<RoleDescriptor xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706">{keys}<fed:ClaimTypesOffered xmlns:auth="http://docs.oasis-open.org/wsfed/authorization/200706">{claims}</fed:ClaimTypesOffered><fed:PassiveRequestorEndpoint><EndpointReference xmlns="http://www.w3.org/2005/08/addressing"><Address>https://login.microsoftonline.com/{TENANT}/wsfed</Address></EndpointReference></fed:PassiveRequestorEndpoint></RoleDescriptor><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{keys}<SingleLogoutService Binding="{REDIRECT}" Location="https://login.microsoftonline.com/{TENANT}/saml2"/>{nameids}{sso}{extra}</IDPSSODescriptor>{org}</EntityDescriptor>"#,
            id = self.id,
            eid = self.entity_id,
            keys = self.keys(),
            extra = self.extra_idp,
            org = self.org,
        )
    }
}

/// An AWS IAM Identity Center SP.
#[derive(Clone)]
struct Sp {
    entity_id: String,
    acs: Vec<(String, u32, bool)>,
    nameids: Vec<String>,
    want_assertions_signed: &'static str,
    requested: String,
}

impl Sp {
    fn ic() -> Sp {
        Sp {
            entity_id: "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-9367000001".into(),
            acs: vec![(
                "https://eu-west-1.signin.aws.amazon.com/platform/saml/acs/95dd9da3-94ec-448b-9449-6564c5630e9b".into(),
                0,
                true,
            )],
            nameids: vec!["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress".into()],
            want_assertions_signed: "true",
            requested: String::new(),
        }
    }

    fn xml(&self) -> String {
        let acs: String = self
            .acs
            .iter()
            .map(|(l, i, d)| {
                format!(
                    "\n    <md:AssertionConsumerService Binding=\"{POST}\" Location=\"{l}\" index=\"{i}\"{}/>",
                    if *d { " isDefault=\"true\"" } else { "" }
                )
            })
            .collect();
        let nameids: String = self
            .nameids
            .iter()
            .map(|n| format!("\n    <md:NameIDFormat>{n}</md:NameIDFormat>"))
            .collect();
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"{}\">\n  <md:SPSSODescriptor AuthnRequestsSigned=\"false\" WantAssertionsSigned=\"{}\" protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">{nameids}{acs}{}\n  </md:SPSSODescriptor>\n</md:EntityDescriptor>",
            self.entity_id, self.want_assertions_signed, self.requested
        )
    }
}

fn parse(xml: &str) -> Metadata {
    samlcheck::parse_metadata(xml.as_bytes().to_vec(), &Limits::default()).unwrap()
}

fn run(old: &str, new: &str) -> Diff {
    diff::diff(&parse(old), &parse(new), &DiffOptions::new(at()))
}

/// The kind of a change: its code without the class suffix that a change outside its kind's
/// usual class carries (`diff.endpoint.removed.breaking` → `diff.endpoint.removed`).
fn kind(code: &'static str) -> &'static str {
    [".breaking", ".action", ".harmless"]
        .iter()
        .find_map(|s| code.strip_suffix(s))
        .unwrap_or(code)
}

fn codes(d: &Diff) -> Vec<&'static str> {
    d.changes().map(|c| kind(c.code)).collect()
}

fn only<'a>(d: &'a Diff, code: &str) -> &'a diff::Change {
    let v: Vec<_> = d.changes().filter(|c| kind(c.code) == code).collect();
    assert_eq!(v.len(), 1, "expected one {code} in {:#?}", d);
    v[0]
}

fn state(d: &Diff) -> Option<RolloverState> {
    d.entities
        .first()
        .and_then(|e| e.rollover.as_ref())
        .map(|r| r.state)
}

// ---------------------------------------------------------------- identical, re-signed

#[test]
fn identical_documents_have_no_change() {
    let x = Idp::entra(&[a()]).xml();
    let d = run(&x, &x);
    assert!(!d.content_changed);
    assert!(!d.resigned);
    assert_eq!(d.summary(), "no change in content");
    assert!(d.findings("o", "n").is_empty());
    assert_eq!(d.counts.unchanged, 1);
    let s = Sp::ic().xml();
    assert!(!run(&s, &s).content_changed);
}

#[test]
fn resigned_entra_metadata_is_no_change_in_content() {
    let mut one = Idp::entra(&[a()]);
    one.signature = Some("AAAA".into());
    let mut two = one.clone();
    two.id = "_22222222-2222-2222-2222-222222222222".into();
    two.signature = Some("BBBB".into());
    let d = run(&one.xml(), &two.xml());
    assert!(!d.content_changed, "{:#?}", d);
    assert!(d.resigned);
    assert!(d.summary().starts_with("no change in content"));
    let f = d.findings("old.xml", "new.xml");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].code, "diff.resigned");
    assert_eq!(f[0].severity, samlcheck::Severity::Info);
}

#[test]
fn formatting_is_ignored() {
    let one = Idp::entra(&[a()]).xml();
    // Pretty-print: newlines and indentation between elements, base64 wrapped at 64.
    let mut pretty = one.replace("><", ">\n  <");
    let wrapped: String = a()
        .b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    pretty = pretty.replace(&a().b64, &wrapped);
    let d = run(&one, &pretty);
    assert!(!d.content_changed, "{:#?}", d);
    // Another prefix for the SAML namespace is the same document too.
    let sp = Sp::ic().xml();
    let other = sp.replace("md:", "m:").replace("xmlns:md=", "xmlns:m=");
    assert!(!run(&sp, &other).content_changed);
}

// ---------------------------------------------------------------- certificate rollover

#[test]
fn rollover_sequence_reports_the_three_states() {
    let s1 = Idp::entra(&[a()]).xml(); // one cert
    let s2 = Idp::entra(&[a(), b()]).xml(); // new cert published, old one first
    let s3 = Idp::entra(&[b(), a()]).xml(); // new cert first: in use, old still there
    let s4 = Idp::entra(&[b()]).xml(); // new cert only

    let d12 = run(&s1, &s2);
    assert_eq!(state(&d12), Some(RolloverState::AddedNotYetUsed));
    let add = only(&d12, "diff.cert.added");
    assert_eq!(add.class, Class::Action);
    assert!(add
        .action
        .contains("import the new certificate in AWS before Entra activates it"));
    assert_eq!(add.new.as_deref(), Some(b().sha256.as_str()));
    assert!(add.message.contains("Certificate B"), "{}", add.message);
    assert_eq!(d12.worst(), Some(Class::Action));

    let d23 = run(&s2, &s3);
    assert_eq!(state(&d23), Some(RolloverState::Overlap));
    let act = only(&d23, "diff.cert.active_changed");
    assert_eq!(act.class, Class::Action);
    assert!(act.message.contains("overlap"));
    assert!(act.action.contains("import"));

    let d34 = run(&s3, &s4);
    assert_eq!(state(&d34), Some(RolloverState::OldRemoved));
    let rem = only(&d34, "diff.cert.removed");
    // The SP holds both keys of s3 (it followed the earlier actions): clean-up only.
    assert_eq!(rem.class, Class::Action);
    assert!(rem.action.contains("delete it in AWS"));
    assert_eq!(rem.old.as_deref(), Some(a().sha256.as_str()));

    // The SP was only ever given A: the step that drops A is breaking.
    let mut opts = DiffOptions::new(at());
    opts.known_certs = Some(vec![a().sha256.to_lowercase()]);
    let d = diff::diff(&parse(&s3), &parse(&s4), &opts);
    let rem = only(&d, "diff.cert.removed");
    assert_eq!(rem.class, Class::Breaking);
    assert!(
        rem.message
            .contains("the only certificate the SP was given"),
        "{}",
        rem.message
    );
    assert_eq!(only(&d, "diff.cert.no_shared_key").class, Class::Breaking);
    // The SHA-1 thumbprint Entra shows works as well, colons and all.
    let colons: Vec<String> = a()
        .sha1
        .as_bytes()
        .chunks(2)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    opts.known_certs = Some(vec![colons.join(":")]);
    let d = diff::diff(&parse(&s3), &parse(&s4), &opts);
    assert_eq!(only(&d, "diff.cert.removed").class, Class::Breaking);
    opts.known_certs = Some(vec![b().sha1.clone()]);
    let d = diff::diff(&parse(&s3), &parse(&s4), &opts);
    assert_eq!(only(&d, "diff.cert.removed").class, Class::Action);
    opts.known_certs = Some(vec![a().sha256.clone()]);
    // ... and the overlap step warns (which key signs is an inference from the order, so
    // it is an action, not breaking: docs/severity.md).
    let d = diff::diff(&parse(&s2), &parse(&s3), &opts);
    assert_eq!(only(&d, "diff.cert.active_changed").class, Class::Action);

    // Skipping the overlap entirely (one cert replaced by another) is breaking.
    let d14 = run(&s1, &s4);
    assert_eq!(state(&d14), Some(RolloverState::Replaced));
    assert_eq!(only(&d14, "diff.cert.no_shared_key").class, Class::Breaking);
    assert_eq!(only(&d14, "diff.cert.removed").class, Class::Breaking);
    assert_eq!(d14.worst(), Some(Class::Breaking));
    let f = d14.findings("old.xml", "new.xml");
    assert!(f.iter().any(|f| f.code == "diff.cert.no_shared_key"
        && f.severity == samlcheck::Severity::Error
        && f.location.as_ref().is_some_and(|l| l.file == "new.xml")));
}

#[test]
fn a_shared_key_that_has_expired_does_not_count() {
    let old = Idp::entra(&[x(), a()]).xml();
    let new = Idp::entra(&[x(), b()]).xml();
    let d = run(&old, &new);
    assert_eq!(state(&d), Some(RolloverState::OldRemoved));
    assert_eq!(only(&d, "diff.cert.no_shared_key").class, Class::Breaking);
    // Removing an expired certificate while a live one stays is harmless.
    let d = run(&Idp::entra(&[a(), x()]).xml(), &Idp::entra(&[a()]).xml());
    assert_eq!(only(&d, "diff.cert.removed").class, Class::Harmless);
    assert!(!codes(&d).contains(&"diff.cert.no_shared_key"));
    // An added certificate that has already expired needs no import.
    let d = run(&Idp::entra(&[a()]).xml(), &Idp::entra(&[a(), x()]).xml());
    let c = only(&d, "diff.cert.added");
    assert_eq!(c.class, Class::Harmless);
    assert!(c.message.contains("already expired"));
}

#[test]
fn document_shape_and_aggregate_name() {
    let one = Sp::ic().xml();
    let body = one.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let wrap = |name: &str| {
        format!(
            r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" Name="{name}">{body}</md:EntitiesDescriptor>"#
        )
    };
    let d = run(&one, &wrap("urn:a"));
    assert_eq!(only(&d, "diff.document.shape").class, Class::Harmless);
    assert_eq!(d.counts.unchanged, 1);
    assert_eq!(d.changes().count(), 1);
    let d = run(&wrap("urn:a"), &wrap("urn:b"));
    let c = only(&d, "diff.role.changed");
    assert!(c.message.contains("Name"));
    assert_eq!(c.entity, "");
    // A removal is located in OLD.
    let d = run(
        &wrap("urn:a"),
        r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" Name="urn:a"/>"#,
    );
    let f = d.findings("old.xml", "new.xml");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].code, "diff.entity.removed");
    assert_eq!(f[0].severity, samlcheck::Severity::Error);
    assert_eq!(f[0].location.as_ref().unwrap().file, "old.xml");
}

#[test]
fn certificate_use_change_and_first_keys() {
    let old = Idp::entra(&[a()]).xml();
    let new = old.replacen(r#"<KeyDescriptor use="signing">"#, "<KeyDescriptor>", 1);
    let d = run(&old, &new);
    let c = only(&d, "diff.cert.changed");
    assert!(
        c.message.contains("signing → signing+encryption"),
        "{}",
        c.message
    );
    // An IdP that had no key gets one.
    let mut none = Idp::entra(&[]);
    none.certs.clear();
    let d = run(&none.xml(), &old);
    assert_eq!(state(&d), Some(RolloverState::Introduced));
    assert_eq!(only(&d, "diff.cert.added").class, Class::Action);
    let d = run(&old, &none.xml());
    assert_eq!(state(&d), Some(RolloverState::AllRemoved));
    assert_eq!(only(&d, "diff.cert.removed").class, Class::Breaking);
}

// ---------------------------------------------------------------- endpoints, entityID

#[test]
fn acs_added_needs_a_reply_url() {
    let old = Sp::ic();
    let mut new = old.clone();
    new.acs.push((
        "https://eu-central-1.signin.aws/platform/saml/acs/95dd9da3-94ec-448b-9449-6564c5630e9b"
            .into(),
        1,
        false,
    ));
    let d = run(&old.xml(), &new.xml());
    let c = only(&d, "diff.endpoint.added");
    assert_eq!(c.class, Class::Action);
    assert!(c.action.contains("as a Reply URL"), "{}", c.action);
    assert!(c.action.contains("Region eu-central-1"), "{}", c.action);
    assert_eq!(c.new_location.as_ref().map(|l| l.pos.line), Some(5));
    // And removed again.
    let d = run(&new.xml(), &old.xml());
    let c = only(&d, "diff.endpoint.removed");
    assert_eq!(c.class, Class::Action);
    assert!(c.action.contains("remove it from the Reply URLs"));
}

#[test]
fn acs_location_change_is_breaking_and_default_change_is_action() {
    let old = Sp::ic();
    let mut new = old.clone();
    new.acs[0].0 =
        "https://eu-west-1.signin.aws/platform/saml/acs/95dd9da3-94ec-448b-9449-6564c5630e9b"
            .into();
    let d = run(&old.xml(), &new.xml());
    let c = only(&d, "diff.endpoint.changed");
    assert_eq!(c.class, Class::Breaking);
    assert!(c.action.contains("replace the Reply URL"));
    assert_eq!(d.changes().count(), 1);

    let mut two = old.clone();
    two.acs.push(("https://x.example/acs".into(), 1, false));
    let mut swapped = two.clone();
    swapped.acs[0].2 = false;
    swapped.acs[1].2 = true;
    let d = run(&two.xml(), &swapped.xml());
    let v: Vec<_> = d
        .changes()
        .filter(|c| kind(c.code) == "diff.endpoint.changed")
        .collect();
    assert_eq!(v.len(), 2);
    assert!(v
        .iter()
        .any(|c| c.class == Class::Action && c.action.contains("Default Reply URL")));
    // Removing the only ACS is breaking.
    let mut none = old.clone();
    none.acs.clear();
    assert_eq!(
        only(&run(&old.xml(), &none.xml()), "diff.endpoint.removed").class,
        Class::Breaking
    );
}

/// One code, one severity (#14): a change outside its kind's usual class gets the
/// `<kind>.<class>` code, and every finding is at its code's catalogue severity.
#[test]
fn each_class_of_a_change_kind_has_its_own_code_and_severity() {
    let old = Sp::ic();
    let mut two = old.clone();
    two.acs.push(("https://x.example/acs".into(), 1, false));
    let mut swapped = two.clone();
    swapped.acs[0].2 = false;
    swapped.acs[1].2 = true;
    let mut none = old.clone();
    none.acs.clear();
    let diffs = [
        run(&two.xml(), &swapped.xml()),
        run(&old.xml(), &none.xml()),
        run(&old.xml(), &two.xml()),
    ];
    let mut seen = Vec::new();
    for d in &diffs {
        for c in d.changes() {
            let rule = samlcheck::catalog::rule(c.code).expect("code in the catalogue");
            assert_eq!(rule.severity, c.class.severity(), "{}", c.code);
            seen.push(c.code);
        }
        for f in d.findings("old.xml", "new.xml") {
            let rule = samlcheck::catalog::rule(f.code).expect("code in the catalogue");
            assert_eq!(f.severity, rule.severity, "{}", f.code);
        }
    }
    // Default moved to the added ACS: an action on a kind that is usually breaking.
    assert!(seen.contains(&"diff.endpoint.changed.action"), "{seen:?}");
    // The last ACS removed: breaking on a kind that is usually an action.
    assert!(seen.contains(&"diff.endpoint.removed.breaking"), "{seen:?}");
    // An ACS added: the kind's usual class keeps the plain code.
    assert!(seen.contains(&"diff.endpoint.added"), "{seen:?}");
}

#[test]
fn many_moved_endpoints_pair_by_index() {
    let many = |host: &str| {
        let mut sp = Sp::ic();
        sp.acs = (0..5_000)
            .map(|i| (format!("https://{host}/acs/{i}"), i, i == 0))
            .collect();
        sp.xml()
    };
    let d = run(&many("a.example"), &many("b.example"));
    assert_eq!(d.changes().count(), 5_000);
    assert!(d
        .changes()
        .all(|c| kind(c.code) == "diff.endpoint.changed" && c.class == Class::Breaking));
    let c = d.changes().nth(42).unwrap();
    assert_eq!(c.old.as_deref(), Some("https://a.example/acs/42"));
    assert_eq!(c.new.as_deref(), Some("https://b.example/acs/42"));
}

#[test]
fn sso_url_and_binding_changes_are_breaking() {
    let old = Idp::entra(&[a()]);
    let mut new = old.clone();
    new.sso[1].1 = "https://login.microsoftonline.com/other/saml2".into();
    let d = run(&old.xml(), &new.xml());
    let c = only(&d, "diff.endpoint.changed");
    assert_eq!(c.class, Class::Breaking);
    assert!(c.action.contains("re-upload the new Entra metadata in AWS"));

    let mut one = old.clone();
    one.sso.truncate(1);
    let mut rebound = one.clone();
    rebound.sso[0].0 = POST;
    let d = run(&one.xml(), &rebound.xml());
    let c = only(&d, "diff.endpoint.changed");
    assert_eq!(c.class, Class::Breaking);
    assert!(c.message.contains("binding"), "{}", c.message);

    // Removing one of two SSO endpoints needs action; adding one is harmless.
    let d = run(&old.xml(), &one.xml());
    assert_eq!(only(&d, "diff.endpoint.removed").class, Class::Action);
    let d = run(&one.xml(), &old.xml());
    assert_eq!(only(&d, "diff.endpoint.added").class, Class::Harmless);
}

#[test]
fn entity_id_change_names_the_setting_to_update() {
    let old = Sp::ic();
    let mut new = old.clone();
    new.entity_id = "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-9367000002".into();
    let d = run(&old.xml(), &new.xml());
    let c = only(&d, "diff.entity.id_changed");
    assert_eq!(c.class, Class::Breaking);
    assert!(c.action.contains("Identifier (Entity ID)"), "{}", c.action);
    assert_eq!(
        d.entities[0].old_entity_id.as_deref(),
        Some(old.entity_id.as_str())
    );

    let old = Idp::entra(&[a()]);
    let mut new = old.clone();
    new.entity_id = "https://sts.windows.net/ce4dd77a-0000-4000-8000-000000000002/".into();
    let c = run(&old.xml(), &new.xml());
    let c = only(&c, "diff.entity.id_changed");
    assert!(c.action.contains("update the IdP"), "{}", c.action);
}

// ---------------------------------------------------------------- other parts of an entity

#[test]
fn nameid_formats() {
    let old = Sp::ic();
    let mut new = old.clone();
    new.nameids = vec!["urn:oasis:names:tc:SAML:2.0:nameid-format:persistent".into()];
    let d = run(&old.xml(), &new.xml());
    assert_eq!(only(&d, "diff.nameid.added").class, Class::Action);
    assert_eq!(only(&d, "diff.nameid.removed").class, Class::Action);
    let mut idp = Idp::entra(&[a()]);
    let plain = idp.xml();
    idp.nameids = vec!["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress".into()];
    let d = run(&plain, &idp.xml());
    assert_eq!(only(&d, "diff.nameid.added").class, Class::Harmless);
}

#[test]
fn claims_offered() {
    let old = Idp::entra(&[a()]);
    let mut new = old.clone();
    new.claims.pop();
    new.claims
        .push("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups".into());
    let d = run(&old.xml(), &new.xml());
    assert_eq!(only(&d, "diff.claims.added").class, Class::Harmless);
    let r = only(&d, "diff.claims.removed");
    assert_eq!(r.class, Class::Action);
    assert!(r.message.contains("tenantid"));
}

#[test]
fn attributes_offered_and_requested() {
    let old = Idp::entra(&[a()]);
    let mut new = old.clone();
    new.extra_idp = r#"<Attribute xmlns="urn:oasis:names:tc:SAML:2.0:assertion" Name="mail" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"/>"#.into();
    let d = run(&old.xml(), &new.xml());
    assert_eq!(only(&d, "diff.attribute.added").class, Class::Harmless);
    let d = run(&new.xml(), &old.xml());
    assert_eq!(only(&d, "diff.attribute.removed").class, Class::Action);
    let mut changed = new.clone();
    changed.extra_idp = changed.extra_idp.replace("basic", "uri");
    assert_eq!(
        only(&run(&new.xml(), &changed.xml()), "diff.attribute.changed").class,
        Class::Action
    );

    let sp = Sp::ic();
    let mut req = sp.clone();
    req.requested = r#"<md:AttributeConsumingService index="0"><md:ServiceName xml:lang="en">x</md:ServiceName><md:RequestedAttribute Name="https://aws.amazon.com/SAML/Attributes/AccessControl:Dept" isRequired="true"/></md:AttributeConsumingService>"#.into();
    let d = run(&sp.xml(), &req.xml());
    let c = only(&d, "diff.attribute.added");
    assert_eq!(c.class, Class::Action);
    assert!(c.action.contains("add a claim named"));
}

#[test]
fn valid_until_and_role_flags() {
    let old = Idp::entra(&[a()]);
    let mut later = old.clone();
    later.valid_until = Some("2027-01-01T00:00:00Z".into());
    let d = run(&old.xml(), &later.xml());
    assert_eq!(only(&d, "diff.validity.changed").class, Class::Harmless);
    let mut past = old.clone();
    past.valid_until = Some("2026-01-01T00:00:00Z".into());
    let d = run(&old.xml(), &past.xml());
    let c = only(&d, "diff.validity.changed");
    assert_eq!(c.class, Class::Breaking);
    assert!(c.action.contains("expired"));
    // The same instant written differently is no change.
    let mut same = later.clone();
    same.valid_until = Some("2027-01-01T00:00:00.000Z".into());
    assert!(!run(&later.xml(), &same.xml()).content_changed);

    let sp = Sp::ic();
    let mut relaxed = sp.clone();
    relaxed.want_assertions_signed = "false";
    let d = run(&sp.xml(), &relaxed.xml());
    assert_eq!(only(&d, "diff.role.changed").class, Class::Harmless);
    let d = run(&relaxed.xml(), &sp.xml());
    let c = only(&d, "diff.role.changed");
    assert_eq!(c.class, Class::Action);
    assert!(c.action.contains("Sign SAML assertion"));
}

#[test]
fn roles_extensions_organization_contacts() {
    let old = Idp::entra(&[a()]);
    let no_idp = old
        .xml()
        .split("<IDPSSODescriptor")
        .next()
        .unwrap()
        .to_string()
        + "</EntityDescriptor>";
    let d = run(&old.xml(), &no_idp);
    assert_eq!(only(&d, "diff.role.removed").class, Class::Breaking);
    assert_eq!(
        only(&run(&no_idp, &old.xml()), "diff.role.added").class,
        Class::Harmless
    );

    let mut org = old.clone();
    org.org = r#"<Organization><OrganizationName xml:lang="en">Contoso</OrganizationName><OrganizationDisplayName xml:lang="en">Contoso</OrganizationDisplayName><OrganizationURL xml:lang="en">https://contoso.example</OrganizationURL></Organization><ContactPerson contactType="technical"><EmailAddress>mailto:it@contoso.example</EmailAddress></ContactPerson>"#.into();
    let d = run(&old.xml(), &org.xml());
    assert_eq!(only(&d, "diff.organization.changed").class, Class::Harmless);
    assert_eq!(only(&d, "diff.contact.changed").class, Class::Harmless);

    let ext = |cat: &str| {
        let mut i = old.clone();
        i.entity_id = "https://idp.example.org/".into();
        i.xml().replace(
            "<RoleDescriptor",
            &format!(r#"<Extensions><mdattr:EntityAttributes xmlns:mdattr="urn:oasis:names:tc:SAML:metadata:attribute"><saml:Attribute xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" Name="http://macedir.org/entity-category"><saml:AttributeValue>{cat}</saml:AttributeValue></saml:Attribute></mdattr:EntityAttributes></Extensions><RoleDescriptor"#),
        )
    };
    let d = run(
        &ext("http://refeds.org/category/research-and-scholarship"),
        &ext("http://refeds.org/category/personalized"),
    );
    let c = only(&d, "diff.extensions.changed");
    assert_eq!(c.class, Class::Action);
    assert!(c.message.contains("entity attributes"));
}

// ---------------------------------------------------------------- aggregates

fn aggregate(n: usize, tweak: impl Fn(usize) -> Option<String>) -> String {
    let mut s = String::with_capacity(n * 700);
    s.push_str(r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" Name="urn:test:fed">"#);
    for i in 0..n {
        if let Some(e) = tweak(i) {
            s.push_str(&e);
            continue;
        }
        s.push_str(&entity(i, &format!("https://sp{i}.example.org/acs")));
    }
    s.push_str("</md:EntitiesDescriptor>");
    s
}

fn entity(i: usize, acs: &str) -> String {
    // One line per element, as real aggregates are (the reader's column count is per line).
    format!(
        r#"
<md:EntityDescriptor entityID="https://sp{i}.example.org/">
 <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
  <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
  <md:AssertionConsumerService Binding="{POST}" Location="{acs}" index="0"/>
 </md:SPSSODescriptor>
 <md:Organization>
  <md:OrganizationName xml:lang="en">Org {i}</md:OrganizationName>
  <md:OrganizationDisplayName xml:lang="en">Org {i}</md:OrganizationDisplayName>
  <md:OrganizationURL xml:lang="en">https://org{i}.example.org/</md:OrganizationURL>
 </md:Organization>
</md:EntityDescriptor>"#
    )
}

#[test]
fn ten_thousand_entities_with_three_changes_report_exactly_those() {
    let n = 10_000;
    let old = aggregate(n, |i| {
        (i == 9_999).then(|| entity(1_000_000, "https://gone.example.org/acs"))
    });
    let new = aggregate(n, |i| match i {
        17 => Some(entity(17, "https://sp17.example.org/new-acs")),
        5_000 => Some(entity(2_000_000, "https://added.example.org/acs")),
        9_999 => Some(entity(9_999, "https://sp9999.example.org/acs")),
        _ => None,
    });
    let (old, new) = (parse(&old), parse(&new));
    assert_eq!(old.entities.len(), n);
    let d = diff::diff(&old, &new, &DiffOptions::new(at()));
    assert_eq!(d.counts.changed, 1);
    // sp5000 and the "gone" entity are removed; sp2000000 and sp9999 are added.
    assert_eq!(d.counts.added, 2);
    assert_eq!(d.counts.removed, 2);
    assert_eq!(d.counts.unchanged, n - 3);
    let mut ids: Vec<(&str, EntityStatus)> = d
        .entities
        .iter()
        .map(|e| (e.entity_id.as_str(), e.status))
        .collect();
    ids.sort_by_key(|x| x.0);
    assert_eq!(
        ids,
        vec![
            ("https://sp1000000.example.org/", EntityStatus::Removed),
            ("https://sp17.example.org/", EntityStatus::Changed),
            ("https://sp2000000.example.org/", EntityStatus::Added),
            ("https://sp5000.example.org/", EntityStatus::Removed),
            ("https://sp9999.example.org/", EntityStatus::Added),
        ]
    );
}

#[test]
fn aggregate_with_three_changed_entities() {
    let n = 10_000;
    let old = parse(&aggregate(n, |_| None));
    let new = parse(&aggregate(n, |i| {
        [3, 4_321, 9_876]
            .contains(&i)
            .then(|| entity(i, &format!("https://sp{i}.example.org/acs2")))
    }));
    let d = diff::diff(&old, &new, &DiffOptions::new(at()));
    let ids: Vec<&str> = d.entities.iter().map(|e| e.entity_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "https://sp3.example.org/",
            "https://sp4321.example.org/",
            "https://sp9876.example.org/"
        ]
    );
    assert_eq!(
        (d.counts.added, d.counts.removed, d.counts.changed),
        (0, 0, 3)
    );
    assert!(d
        .entities
        .iter()
        .all(|e| e.changes.len() == 1 && e.changes[0].class == Class::Breaking));
}

// ---------------------------------------------------------------- real Entra files

#[test]
fn real_entra_files_two_days_apart() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/3-entra");
    let o = dir.join("entra_common__ErikGrootoonk__2026-02-17.xml");
    let n = dir.join("entra_common__ErikGrootoonk__2026-02-19.xml");
    if !o.exists() || !n.exists() {
        eprintln!("skipped: {} not present", dir.display());
        return;
    }
    let fo = FetchOptions::default();
    let old = diff::load(o.to_str().unwrap(), &Limits::default(), &fo).unwrap();
    let new = diff::load(n.to_str().unwrap(), &Limits::default(), &fo).unwrap();
    let d = diff::diff(&old, &new, &DiffOptions::new(at()));
    assert!(d.resigned, "the ID differs between the two fetches");
    assert_eq!(d.entities.len(), 1);
    let e = &d.entities[0];
    let r = e.rollover.as_ref().unwrap();
    assert_eq!(r.state, RolloverState::OldRemoved);
    assert_eq!((r.old.len(), r.new.len()), (6, 4));
    let removed: Vec<_> = e
        .changes
        .iter()
        .filter(|c| kind(c.code) == "diff.cert.removed")
        .collect();
    assert_eq!(removed.len(), 2, "{:#?}", e.changes);
    // Keys the SP holds remain: no breaking change.
    assert!(removed.iter().all(|c| c.class != Class::Breaking));
    assert_eq!(d.worst(), Some(Class::Action));
    // Each file against itself: no change.
    assert!(!diff::diff(&new, &new, &DiffOptions::new(at())).content_changed);
}

// ---------------------------------------------------------------- fetch from loopback

/// Serves `responses` (one per connection, in order) on 127.0.0.1, then stops.
fn serve(responses: Vec<Vec<u8>>) -> (String, std::thread::JoinHandle<Vec<String>>) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    let h = std::thread::spawn(move || {
        let mut paths = Vec::new();
        for resp in responses {
            let Ok((mut s, _)) = l.accept() else { break };
            s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
                .unwrap();
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            let line = String::from_utf8_lossy(&req)
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
            paths.push(line.split(' ').nth(1).unwrap_or("").to_string());
            let _ = s.write_all(&resp);
        }
        paths
    });
    (base, h)
}

fn ok(body: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).into_bytes()
}

fn redirect(to: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .into_bytes()
}

fn loopback() -> FetchOptions {
    let mut o = FetchOptions::default();
    o.insecure_allow_http_loopback = true;
    o.allow_private_network = true;
    o.timeout = std::time::Duration::from_secs(20);
    o
}

#[cfg(feature = "fetch")]
#[test]
fn fetch_follows_a_redirect_and_reads_like_a_file() {
    let xml = format!("\u{feff}{}", Idp::entra(&[a()]).xml());
    let (base, h) = serve(vec![
        redirect("/federationmetadata/2007-06/federationmetadata.xml?appid=1"),
        ok(&xml),
    ]);
    let url = format!("{base}/start");
    let md = diff::load(&url, &Limits::default(), &loopback()).unwrap();
    assert!(md.source.bom);
    assert_eq!(
        md.entities[0].entity_id(),
        format!("https://sts.windows.net/{TENANT}/")
    );
    let paths = h.join().unwrap();
    assert_eq!(
        paths,
        [
            "/start",
            "/federationmetadata/2007-06/federationmetadata.xml?appid=1"
        ]
    );
    let d = diff::diff(
        &parse(&Idp::entra(&[a()]).xml()),
        &md,
        &DiffOptions::new(at()),
    );
    assert!(!d.content_changed);
}

#[cfg(feature = "fetch")]
#[test]
fn fetch_errors_are_clear() {
    // HTTP status.
    let (base, h) = serve(vec![
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
    ]);
    let e = diff::fetch(&format!("{base}/x"), &loopback(), &Limits::default()).unwrap_err();
    assert!(e.to_string().contains("HTTP 404"), "{e}");
    h.join().unwrap();
    // Too many redirects.
    let mut o = loopback();
    o.max_redirects = 2;
    let (base, h) = serve(vec![redirect("/a"), redirect("/b"), redirect("/c")]);
    let e = diff::fetch(&format!("{base}/x"), &o, &Limits::default()).unwrap_err();
    assert!(e.to_string().contains("more than 2 redirects"), "{e}");
    h.join().unwrap();
    // A redirect away from loopback http is refused.
    let (base, h) = serve(vec![redirect("http://example.org/metadata.xml")]);
    let e = diff::fetch(&format!("{base}/x"), &loopback(), &Limits::default()).unwrap_err();
    assert!(e.to_string().contains("redirect refused"), "{e}");
    h.join().unwrap();
    // Size limit.
    let mut limits = Limits::default();
    limits.max_bytes = 100;
    let big = "x".repeat(1000);
    let (base, h) = serve(vec![ok(&big)]);
    let e = diff::fetch(&format!("{base}/x"), &loopback(), &limits).unwrap_err();
    assert!(matches!(e, samlcheck::Error::LimitExceeded { .. }), "{e}");
    h.join().unwrap();
    // ... also when no Content-Length announces it.
    let unannounced = format!("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{big}").into_bytes();
    let (base, h) = serve(vec![unannounced]);
    let e = diff::fetch(&format!("{base}/x"), &loopback(), &limits).unwrap_err();
    assert!(matches!(e, samlcheck::Error::LimitExceeded { .. }), "{e}");
    h.join().unwrap();
    // Nothing listening.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let e = diff::fetch(
        &format!("http://127.0.0.1:{port}/x"),
        &loopback(),
        &Limits::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string().starts_with("cannot fetch http://127.0.0.1"),
        "{e}"
    );
    // Plain http without the test switch, and other schemes.
    let e = diff::fetch(
        "http://127.0.0.1:1/x",
        &FetchOptions::default(),
        &Limits::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("plain http is refused"), "{e}");
    assert!(diff::fetch(
        "file:///etc/passwd",
        &FetchOptions::default(),
        &Limits::default()
    )
    .is_err());
}

#[cfg(feature = "fetch")]
#[test]
fn fetched_bytes_go_through_the_hardened_reader() {
    let evil = r#"<!DOCTYPE x [<!ENTITY a "b">]><EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>"#;
    let (base, h) = serve(vec![ok(evil)]);
    let e = diff::load(&format!("{base}/x"), &Limits::default(), &loopback()).unwrap_err();
    assert!(matches!(e, samlcheck::Error::Dtd { .. }), "{e}");
    h.join().unwrap();
}

// ---------------------------------------------------------------- catalogue and CLI

#[test]
fn every_diff_code_is_in_the_catalogue() {
    let all: Vec<&str> = samlcheck::catalog::rules().iter().map(|r| r.code).collect();
    for code in [
        "diff.resigned",
        "diff.entity.added",
        "diff.entity.removed",
        "diff.entity.id_changed",
        "diff.endpoint.added",
        "diff.endpoint.removed",
        "diff.endpoint.changed",
        "diff.cert.added",
        "diff.cert.removed",
        "diff.cert.changed",
        "diff.cert.active_changed",
        "diff.cert.no_shared_key",
        "diff.nameid.added",
        "diff.nameid.removed",
        "diff.claims.added",
        "diff.claims.removed",
        "diff.attribute.added",
        "diff.attribute.removed",
        "diff.attribute.changed",
        "diff.validity.changed",
        "diff.extensions.changed",
        "diff.organization.changed",
        "diff.contact.changed",
        "diff.role.added",
        "diff.role.removed",
        "diff.role.changed",
        "diff.document.shape",
    ] {
        assert!(all.contains(&code), "{code} missing from the catalogue");
    }
}

#[cfg(feature = "cli")]
mod cli {
    use super::*;
    use assert_cmd::Command;
    use predicates::str::contains;

    fn files(old: &str, new: &str) -> (tempfile::TempDir, String, String) {
        let dir = tempfile::tempdir().unwrap();
        let o = dir.path().join("old.xml");
        let n = dir.path().join("new.xml");
        std::fs::write(&o, old).unwrap();
        std::fs::write(&n, new).unwrap();
        (dir, o.display().to_string(), n.display().to_string())
    }

    fn cmd() -> Command {
        let mut c = Command::cargo_bin("samlcheck").unwrap();
        // Global options after the subcommand: `samlcheck --at X diff` is taken as `check`.
        c.args(["diff", "--at", "2026-03-01T00:00:00Z"]);
        c
    }

    #[test]
    fn no_change_exits_0() {
        let x = Idp::entra(&[a()]).xml();
        let (_d, o, n) = files(&x, &x.replace("_1111", "_3333"));
        cmd()
            .args([&o, &n])
            .assert()
            .code(0)
            .stdout(contains("no change in content (re-signed"));
    }

    #[test]
    fn breaking_exits_1_and_fail_on_controls_it() {
        let (_d, o, n) = files(&Idp::entra(&[a()]).xml(), &Idp::entra(&[b()]).xml());
        cmd()
            .args([&o, &n])
            .assert()
            .code(1)
            .stdout(contains("[breaking]"))
            .stdout(contains("signing-key rollover: replaced"));
        cmd().args([&o, &n, "--fail-on", "never"]).assert().code(0);

        let (_d, o, n) = files(&Idp::entra(&[a()]).xml(), &Idp::entra(&[a(), b()]).xml());
        cmd()
            .args([&o, &n])
            .assert()
            .code(0)
            .stdout(contains("added-not-yet-used"));
        cmd().args([&o, &n, "--fail-on", "action"]).assert().code(1);
        cmd().args([&o, &n, "--fail-on", "any"]).assert().code(1);
        cmd()
            .args([&o, &n, "--fail-on", "breaking", "--known-cert", "00"])
            .assert()
            .code(1);
        cmd().args([&o, &n, "--quiet"]).assert().code(0).stdout("");
    }

    #[test]
    fn json_shape() {
        let (_d, o, n) = files(&Idp::entra(&[a()]).xml(), &Idp::entra(&[a(), b()]).xml());
        let out = cmd()
            .args([&o, &n, "--format", "json"])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["worst"], "action");
        assert_eq!(v["content_changed"], true);
        assert_eq!(v["counts"]["changed"], 1);
        let e = &v["entities"][0];
        assert_eq!(e["status"], "changed");
        assert_eq!(e["rollover"]["state"], "added-not-yet-used");
        assert_eq!(e["rollover"]["new"][1]["sha256"], b().sha256.as_str());
        assert_eq!(e["changes"][0]["code"], "diff.cert.added");
        assert_eq!(e["changes"][0]["class"], "action");
        assert_eq!(v["findings"][0]["severity"], "warning");
        assert_eq!(v["findings"][0]["location"]["file"], n.as_str());
    }

    #[test]
    fn unreadable_inputs_exit_2() {
        let x = Idp::entra(&[a()]).xml();
        let (_d, o, _n) = files(&x, "not xml");
        cmd()
            .args([&o, "/nonexistent/new.xml"])
            .assert()
            .code(2)
            .stderr(contains("no such file"));
        let (_d, o, n) = files(&x, "not xml");
        cmd()
            .args([&o, &n])
            .assert()
            .code(2)
            .stderr(contains("new.xml"));
        cmd()
            .args([&o, "http://127.0.0.1:1/x"])
            .assert()
            .code(2)
            .stderr(contains("plain http is refused"));
        cmd()
            .args([&o, &o, "--format", "markdown"])
            .assert()
            .code(2);
    }

    #[test]
    fn live_url_against_a_committed_copy() {
        let committed = Idp::entra(&[a()]).xml();
        let live = Idp::entra(&[a(), b()]).xml();
        let (base, h) = serve(vec![ok(&live)]);
        let (_d, o, _n) = files(&committed, "");
        cmd()
            .args([
                &o,
                &format!("{base}/federationmetadata.xml"),
                "--insecure-allow-http-loopback",
                "--allow-private-network",
                "--fail-on",
                "action",
            ])
            .assert()
            .code(1)
            .stdout(contains(
                "import the new certificate in AWS before Entra activates it",
            ));
        h.join().unwrap();
    }
}
