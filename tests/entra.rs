//! The pair check's JSON inputs: parsers, every finding firing and quiet, and the
//! "done when" scenario of issue 5.

// Test helpers outside #[test] functions: clippy.toml's test exemptions do not reach them.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

#[path = "../examples/gen_entra_fixtures.rs"]
#[allow(dead_code)]
mod gen;

use chrono::{DateTime, Utc};
use samlcheck::entra::{
    self, AwsUsers, ClaimsConfig, EntraApp, EntraReport, EntraUsers, IdpFacts, InputPaths,
    PairInputs, SpFacts, SpKind, UserOutcome,
};
use samlcheck::Severity;
use serde_json::{json, Value};
use std::path::PathBuf;

fn at() -> DateTime<Utc> {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/entra")
        .join(name)
}

fn ic_sp() -> SpFacts {
    SpFacts::new(
        gen::IC_ENTITY,
        vec![gen::IC_ACS.into(), gen::IC_ACS_LEGACY.into()],
    )
}

fn iam_sp() -> SpFacts {
    SpFacts::new(
        "urn:amazon:webservices",
        vec![
            "https://signin.aws.amazon.com/saml".into(),
            "https://eu-west-1.signin.aws.amazon.com/saml".into(),
        ],
    )
}

fn idp() -> IdpFacts {
    IdpFacts {
        entity_id: Some("https://sts.windows.net/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee/".into()),
        signing_cert_sha1_thumbprints: vec![
            "ce:fc:1a:2c:9a:9d:78:40:e1:30:80:f2:aa:70:06:25:b9:51:06:c1".into(),
        ],
    }
}

fn load(app: Option<&str>, claims: Option<&str>, eu: Option<&str>, au: Option<&str>) -> PairInputs {
    let (a, c, e, u) = (
        app.map(fixture),
        claims.map(fixture),
        eu.map(fixture),
        au.map(fixture),
    );
    PairInputs::load(&InputPaths {
        entra_app: a.as_deref(),
        claims: c.as_deref(),
        entra_users: e.as_deref(),
        aws_users: u.as_deref(),
        ..InputPaths::default()
    })
    .unwrap()
}

fn codes(r: &EntraReport) -> Vec<&'static str> {
    let mut c: Vec<&str> = r.findings.iter().map(|f| f.code).collect();
    c.sort();
    c
}

fn has(r: &EntraReport, code: &str) -> bool {
    r.findings.iter().any(|f| f.code == code)
}

fn find<'a>(r: &'a EntraReport, code: &str) -> &'a samlcheck::Finding {
    r.findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:#?}", r.findings))
}

/// The good service principal as JSON, for tests that change one field.
fn good_sp() -> Value {
    let text = std::fs::read_to_string(fixture("app-ic-good.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v[0].clone()
}

fn app_from(v: &Value) -> EntraApp {
    EntraApp::from_json(&v.to_string(), "app.json").unwrap()
}

fn with_app(v: &Value) -> PairInputs {
    let mut p = PairInputs::default();
    p.app = Some(app_from(v));
    p
}

fn claims_from(claims: Value) -> ClaimsConfig {
    let v = json!({ "includeBasicClaimSet": true, "claims": claims });
    ClaimsConfig::from_json(&v.to_string(), "claims.json").unwrap()
}

fn nameid_claim(format: &str, attribute: Value, transformations: Value) -> Value {
    json!([{
        "@odata.type": "#microsoft.graph.samlNameIdClaim",
        "nameIdFormat": format,
        "configurations": [{ "attribute": attribute, "transformations": transformations }]
    }])
}

fn attr(id: &str) -> Value {
    json!({ "@odata.type": "#microsoft.graph.sourcedAttribute", "id": id, "source": "user" })
}

fn users(list: Value) -> EntraUsers {
    EntraUsers::from_json(&list.to_string(), "users.json").unwrap()
}

fn aws(names: &[&str]) -> AwsUsers {
    let us: Vec<Value> = names
        .iter()
        .map(|n| json!({ "UserName": n, "UserId": "x" }))
        .collect();
    AwsUsers::from_json(&json!({ "Users": us }).to_string(), "aws.json").unwrap()
}

// ---- fixtures ----

#[test]
fn fixtures_are_what_the_generator_writes() {
    for (name, text) in gen::fixtures() {
        let on_disk = std::fs::read_to_string(fixture(name)).unwrap_or_else(|_| {
            panic!("{name} missing: run cargo run --example gen_entra_fixtures")
        });
        assert_eq!(
            on_disk, text,
            "{name} is stale: run cargo run --example gen_entra_fixtures"
        );
    }
}

// ---- the "done when" scenario ----

#[test]
fn done_when_scenario_yields_exactly_those_findings() {
    let inputs = load(
        Some("app-ic-bad.json"),
        None,
        Some("entra-users.json"),
        Some("aws-users-bad.json"),
    );
    let r = entra::check(&ic_sp(), &idp(), &inputs, at());
    assert_eq!(
        codes(&r),
        vec![
            "pair.acs.alternative_missing",
            "pair.entity_id.not_identifier",
            "users.nameid.case_only",
            "users.nameid.matches_mail",
        ],
        "{:#?}",
        r.findings
    );
    let id = find(&r, "pair.entity_id.not_identifier");
    assert!(id.hint.contains("AADSTS700016"), "{}", id.hint);
    assert!(id.message.contains(gen::IC_ENTITY) && id.message.contains("$.servicePrincipalNames"));
    // The legacy form of the primary Region is a Reply URL: the missing IPv4 form breaks
    // only the sign-in path through it (a warning).
    let acs = find(&r, "pair.acs.alternative_missing");
    assert_eq!(acs.severity, Severity::Warning);
    assert!(acs.hint.contains("AADSTS50011"), "{}", acs.hint);
    assert!(acs.message.contains(gen::IC_ACS) && acs.message.contains("app-ic-bad.json"));
    let case = find(&r, "users.nameid.case_only");
    assert!(
        case.message.contains("Bob.Jones@contoso.com")
            && case.message.contains("bob.jones@contoso.com")
    );
    let mail = find(&r, "users.nameid.matches_mail");
    assert!(
        mail.message.contains("carol.w@contoso.com")
            && mail.message.contains("carol.white@contoso.com")
    );
    assert!(r
        .assumptions
        .iter()
        .any(|a| a.contains("user.userprincipalname")));
    assert!(r.not_checkable.iter().any(|n| n.contains("PIM")));
    assert_eq!(r.users.len(), 4);
    assert_eq!(r.users[0].outcome, UserOutcome::Match);
    assert_eq!(r.users[1].outcome, UserOutcome::CaseOnly);
    assert_eq!(r.users[2].outcome, UserOutcome::MatchesMail);
}

#[test]
fn done_when_scenario_with_correct_exports_is_clean() {
    let inputs = load(
        Some("app-ic-good.json"),
        None,
        Some("entra-users.json"),
        Some("aws-users-good.json"),
    );
    let r = entra::check(&ic_sp(), &idp(), &inputs, at());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert!(r.users.iter().all(|u| u.outcome == UserOutcome::Match));
}

// ---- parsers ----

#[test]
fn parses_service_principal_and_application() {
    let a = load(Some("app-ic-good.json"), None, None, None)
        .app
        .unwrap();
    assert!(a.has_service_principal && a.has_application);
    assert_eq!(a.default_reply_url.as_ref().unwrap().value, gen::IC_ACS);
    assert_eq!(a.reply_urls.len(), 2);
    assert_eq!(a.keys.len(), 2);
    assert_eq!(a.keys[0].thumbprint.as_deref(), Some(gen::THUMBPRINT));
    assert_eq!(a.reply_urls[0].path, "$[0].replyUrls[0]");
}

#[test]
fn parses_old_aad_graph_service_principal() {
    let a = load(Some("app-aadgraph.json"), None, None, None)
        .app
        .unwrap();
    assert!(a.has_service_principal);
    assert_eq!(a.keys[0].thumbprint.as_deref(), Some(gen::THUMBPRINT));
    assert!(a.keys[0].end.is_some());
}

#[test]
fn parses_user_pages_and_member_lists() {
    let p = load(
        None,
        None,
        Some("entra-users-page.json"),
        Some("aws-users-page.json"),
    );
    let eu = p.entra_users.unwrap();
    assert!(eu.next_link.is_some());
    assert_eq!(eu.users.len(), 3);
    assert_eq!(
        eu.users[0].attr("extensionattribute1"),
        Some("erin.e@contoso.com")
    );
    assert_eq!(eu.users[0].attr("employeeid"), Some("E-1000"));
    assert_eq!(eu.users[0].mail, None);
    assert!(eu.users[1].is_guest());
    assert_eq!(
        eu.users[1].attr("extension_2c4e6a8011114222833344445555666_costcenter"),
        Some("CC-7")
    );
    assert!(p.aws_users.unwrap().next_token.is_some());
    let g = load(None, None, Some("entra-group-members.json"), None)
        .entra_users
        .unwrap();
    assert_eq!((g.users.len(), g.skipped), (1, 1));
}

#[test]
fn parse_errors_name_file_and_json_path() {
    let e = EntraUsers::from_json(r#"{"value": {"a": 1}}"#, "u.json")
        .unwrap_err()
        .to_string();
    assert_eq!(e, "u.json: $.value: expected an array");
    let e = AwsUsers::from_json(r#"{"Users": [{"UserId": "1"}]}"#, "a.json")
        .unwrap_err()
        .to_string();
    assert_eq!(e, "a.json: $.Users[0]: missing UserName");
    let e = AwsUsers::from_json(r#"{"Users": [{"UserName": 7}]}"#, "a.json")
        .unwrap_err()
        .to_string();
    assert_eq!(e, "a.json: $.Users[0].UserName: expected a string");
    let e = ClaimsConfig::from_json(r#"{"definition": ["{not json"]}"#, "c.json")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("c.json: $.definition[0]: the definition is not valid JSON"),
        "{e}"
    );
    let e = ClaimsConfig::from_json(r#"{"definition": [42]}"#, "c.json")
        .unwrap_err()
        .to_string();
    assert_eq!(e, "c.json: $.definition[0]: expected a string");
    let e = EntraApp::from_json(r#"{"displayName": "x"}"#, "app.json")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("app.json: $: neither a service principal"),
        "{e}"
    );
    let e = EntraApp::from_json(
        r#"{"servicePrincipalNames": [], "keyCredentials": [{"endDateTime": "soon"}]}"#,
        "app.json",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("app.json: $.keyCredentials[0].endDateTime: expected an RFC 3339"),
        "{e}"
    );
    let e = EntraApp::from_json("[1,", "app.json")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("app.json: not valid JSON"), "{e}");
    let e = PairInputs::load(&InputPaths {
        claims: Some(std::path::Path::new("/nonexistent/claims.json")),
        ..InputPaths::default()
    })
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("claims.json") && e.contains("no such file"),
        "{e}"
    );
}

#[test]
fn reads_utf16_as_powershell_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("users.json");
    let text = r#"[{"userPrincipalName": "alice@contoso.com"}]"#;
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(&p, bytes).unwrap();
    let i = PairInputs::load(&InputPaths {
        entra_users: Some(&p),
        ..InputPaths::default()
    })
    .unwrap();
    assert_eq!(
        i.entra_users.unwrap().users[0].upn.as_deref(),
        Some("alice@contoso.com")
    );
}

#[test]
fn sp_kinds() {
    assert!(
        matches!(SpKind::from_entity_id(gen::IC_ENTITY), SpKind::IdentityCenter { region: Some(r) } if r == "eu-west-1")
    );
    assert!(
        matches!(SpKind::from_entity_id("urn:amazon:webservices"), SpKind::IamSingleAccount { partition } if partition == "aws")
    );
    assert!(
        matches!(SpKind::from_entity_id("urn:amazon:webservices:govcloud"), SpKind::IamSingleAccount { partition } if partition == "aws-us-gov")
    );
    assert!(
        matches!(SpKind::from_entity_id("urn:amazon:webservices:cn-north-1"), SpKind::IamSingleAccount { partition } if partition == "aws-cn")
    );
    assert!(matches!(
        SpKind::from_entity_id("https://signin.aws.amazon.com/saml#2"),
        SpKind::IamSingleAccount { .. }
    ));
    assert_eq!(
        SpKind::from_entity_id("https://sp.example.org/"),
        SpKind::Other
    );
}

#[test]
fn every_entra_rule_is_in_the_catalogue() {
    let all: Vec<&str> = samlcheck::catalog::rules().iter().map(|r| r.code).collect();
    for c in [
        "pair.entity_id.not_identifier",
        "pair.acs.not_in_reply_urls",
        "pair.acs.no_default",
        "pair.signing_key.thumbprint_unknown",
        "users.nameid.no_match",
        "iam.role.malformed",
        "claims.regex.unsupported",
    ] {
        assert!(all.contains(&c), "{c}");
    }
}

// ---- pair.* ----

#[test]
fn entity_id_near_miss_is_named() {
    let mut v = good_sp();
    v["servicePrincipalNames"] = json!([format!("{}/", gen::IC_ENTITY)]);
    let r = entra::check(&ic_sp(), &idp(), &with_app(&v), at());
    let f = find(&r, "pair.entity_id.not_identifier");
    assert!(
        f.message.contains("is close but Entra compares exactly"),
        "{}",
        f.message
    );
    assert_eq!(f.severity, Severity::Error);
}

#[test]
fn iam_identifier_accepts_the_gallery_forms() {
    let mut v = good_sp();
    v["replyUrls"] = json!(["https://signin.aws.amazon.com/saml"]);
    for id in [
        "https://signin.aws.amazon.com/saml#1",
        "urn:amazon:webservices",
        "https://signin.aws.amazon.com/saml",
    ] {
        v["servicePrincipalNames"] = json!([id]);
        let r = entra::check(&iam_sp(), &idp(), &with_app(&v), at());
        assert!(!has(&r, "pair.entity_id.not_identifier"), "{id}");
        assert!(!has(&r, "pair.acs.not_in_reply_urls"), "{id}");
    }
    v["servicePrincipalNames"] = json!(["https://example.com/saml"]);
    v["replyUrls"] = json!(["https://example.com/acs"]);
    let r = entra::check(&iam_sp(), &idp(), &with_app(&v), at());
    assert!(find(&r, "pair.entity_id.not_identifier")
        .hint
        .contains("AADSTS700016"));
    assert!(find(&r, "pair.acs.not_in_reply_urls")
        .hint
        .contains("AADSTS50011"));
}

#[test]
fn acs_near_miss_by_case() {
    let mut v = good_sp();
    v["replyUrls"] = json!([
        gen::IC_ACS.replace("platform", "Platform"),
        gen::IC_ACS_LEGACY
    ]);
    let r = entra::check(&ic_sp(), &idp(), &with_app(&v), at());
    let f = find(&r, "pair.acs.alternative_missing");
    assert!(
        f.message.contains("differs only in letter case"),
        "{}",
        f.message
    );
    assert_eq!(f.location.as_ref().unwrap().path, "$.replyUrls[0]");
}

#[test]
fn acs_near_miss_by_trailing_slash() {
    let mut v = good_sp();
    v["replyUrls"] = json!([format!("{}/", gen::IC_ACS), gen::IC_ACS_LEGACY]);
    let r = entra::check(&ic_sp(), &idp(), &with_app(&v), at());
    assert!(find(&r, "pair.acs.alternative_missing")
        .message
        .contains("trailing slash"));
}

#[test]
fn legacy_acs_missing() {
    let mut v = good_sp();
    v["replyUrls"] = json!([gen::IC_ACS]);
    let r = entra::check(&ic_sp(), &idp(), &with_app(&v), at());
    assert_eq!(codes(&r), vec!["pair.acs.legacy_missing"]);
    assert!(find(&r, "pair.acs.legacy_missing")
        .hint
        .contains("AADSTS50011"));
}

#[test]
fn no_default_reply_url() {
    let text = std::fs::read_to_string(fixture("app-ic-good.json")).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v[1]["defaultRedirectUri"] = Value::Null;
    let r = entra::check(&ic_sp(), &idp(), &with_app(&v), at());
    assert_eq!(codes(&r), vec!["pair.acs.no_default"]);
    v[1]["defaultRedirectUri"] = json!("https://elsewhere.example/acs");
    let r = entra::check(&ic_sp(), &idp(), &with_app(&v), at());
    assert!(find(&r, "pair.acs.no_default")
        .message
        .contains("is not one of the Reply URLs"));
    // A service principal alone cannot show the default: a note, not a finding.
    let r = entra::check(&ic_sp(), &idp(), &with_app(&good_sp()), at());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert!(r
        .not_checkable
        .iter()
        .any(|n| n.contains("defaultRedirectUri")));
}

#[test]
fn reply_url_rules() {
    let mut v = good_sp();
    v["replyUrls"] = json!([
        gen::IC_ACS,
        gen::IC_ACS_LEGACY,
        "http://aws.example/acs",
        "https://x.example/*"
    ]);
    let r = entra::check(&ic_sp(), &idp(), &with_app(&v), at());
    assert_eq!(
        r.findings
            .iter()
            .filter(|f| f.code == "pair.reply_url.invalid")
            .count(),
        2
    );
}

#[test]
fn signing_key_thumbprint_unknown() {
    let other = IdpFacts {
        entity_id: None,
        signing_cert_sha1_thumbprints: vec!["00".repeat(20)],
    };
    let r = entra::check(&ic_sp(), &other, &with_app(&good_sp()), at());
    assert_eq!(codes(&r), vec!["pair.signing_key.thumbprint_unknown"]);
    assert!(find(&r, "pair.signing_key.thumbprint_unknown")
        .message
        .contains(gen::THUMBPRINT));
    // Without certificate facts it is a note.
    let r = entra::check(&ic_sp(), &IdpFacts::default(), &with_app(&good_sp()), at());
    assert!(r.findings.is_empty());
    assert!(r.not_checkable.iter().any(|n| n.contains(gen::THUMBPRINT)));
}

#[test]
fn signing_key_none_active() {
    let mut v = good_sp();
    v["preferredTokenSigningKeyThumbprint"] = Value::Null;
    let r = entra::check(&ic_sp(), &idp(), &with_app(&v), at());
    assert!(find(&r, "pair.signing_key.none_active")
        .hint
        .contains("AADSTS50003"));
}

#[test]
fn key_expired_and_expiring() {
    let late: DateTime<Utc> = "2029-02-01T00:00:00Z".parse().unwrap();
    let r = entra::check(&ic_sp(), &idp(), &with_app(&good_sp()), late);
    assert_eq!(codes(&r), vec!["pair.key.expired"]);
    assert_eq!(find(&r, "pair.key.expired").severity, Severity::Error);
    let soon: DateTime<Utc> = "2028-12-20T00:00:00Z".parse().unwrap();
    let r = entra::check(&ic_sp(), &idp(), &with_app(&good_sp()), soon);
    assert_eq!(codes(&r), vec!["pair.key.expiring"]);
    // An expired key that is not the active one is only worth knowing.
    let mut v = good_sp();
    v["preferredTokenSigningKeyThumbprint"] = json!("AB".repeat(20));
    let r = entra::check(
        &ic_sp(),
        &IdpFacts {
            entity_id: None,
            signing_cert_sha1_thumbprints: vec!["AB".repeat(20)],
        },
        &with_app(&v),
        late,
    );
    assert_eq!(
        find(&r, "pair.key.expired_inactive").severity,
        Severity::Info
    );
    assert!(!codes(&r).contains(&"pair.key.expired"));
    // The old az (AAD Graph) export: one key ending 2026-07-01.
    let i = load(Some("app-aadgraph.json"), None, None, None);
    let r = entra::check(&ic_sp(), &idp(), &i, at());
    assert_eq!(codes(&r), vec!["pair.key.expiring"]);
}

#[test]
fn relay_state_and_login_url() {
    let mut v = good_sp();
    v["samlSingleSignOnSettings"] = json!({ "relayState": "http://intranet.example/start" });
    v["loginUrl"] = json!("https://myapps.microsoft.com");
    let r = entra::check(&ic_sp(), &idp(), &with_app(&v), at());
    assert_eq!(
        codes(&r),
        vec![
            "pair.login_url.not_aws_https",
            "pair.relay_state.not_aws_https"
        ]
    );
    v["samlSingleSignOnSettings"] =
        json!({ "relayState": "https://eu-west-1.console.aws.amazon.com/console/home" });
    v["loginUrl"] = json!("https://ssoins-1234567890abcdef.portal.eu-west-1.app.aws");
    let r = entra::check(&ic_sp(), &idp(), &with_app(&v), at());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

// ---- claims.* ----

fn with_claims(c: ClaimsConfig, eu: Option<EntraUsers>, au: Option<AwsUsers>) -> PairInputs {
    let mut p = PairInputs::default();
    p.claims = Some(c);
    p.entra_users = eu;
    p.aws_users = au;
    p
}

#[test]
fn nameid_format() {
    let c = claims_from(nameid_claim(
        "persistent",
        attr("userprincipalname"),
        json!([]),
    ));
    let r = entra::check(&ic_sp(), &idp(), &with_claims(c, None, None), at());
    let f = find(&r, "claims.nameid.format");
    assert_eq!(f.severity, Severity::Error);
    assert!(f.message.contains("persistent"));
    let c = claims_from(nameid_claim(
        "default",
        attr("userprincipalname"),
        json!([]),
    ));
    let r = entra::check(&ic_sp(), &idp(), &with_claims(c, None, None), at());
    // Default has its own code (one code, one severity).
    assert_eq!(
        find(&r, "claims.nameid.format_default").severity,
        Severity::Warning
    );
    assert!(!has(&r, "claims.nameid.format"));
    let c = claims_from(nameid_claim(
        "emailAddress",
        attr("userprincipalname"),
        json!([]),
    ));
    let r = entra::check(&ic_sp(), &idp(), &with_claims(c, None, None), at());
    assert!(r.findings.is_empty());
}

#[test]
fn custom_policy_fixture_lowercases_mail() {
    let i = load(
        None,
        Some("claims-custom.json"),
        Some("entra-users.json"),
        None,
    );
    let r = entra::check(&ic_sp(), &idp(), &i, at());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_eq!(r.users[1].name_id.as_deref(), Some("bob.jones@contoso.com"));
    assert!(r.users[1].name_id_source.contains("ToLowercase"));
    assert!(r.assumptions.is_empty());
}

#[test]
fn legacy_policy_fixture_joins_on_nameid() {
    let i = load(None, Some("claims-mapping.json"), None, None);
    let mut i2 = i.clone();
    i2.entra_users = Some(users(
        json!([{ "userPrincipalName": "alice@contoso.onmicrosoft.com" }]),
    ));
    i2.aws_users = Some(aws(&["alice@contoso.com"]));
    let r = entra::check(&ic_sp(), &idp(), &i2, at());
    // Microsoft documents that the portal's Join drops the input's domain part on NameID,
    // not that a claims mapping policy's Join does: the value is not guessed.
    assert_eq!(codes(&r), vec!["users.aws.unmapped"], "{:#?}", r.findings);
    assert_eq!(r.users[0].name_id, None);
    match &r.users[0].outcome {
        UserOutcome::Unknown(why) => assert!(why.contains("claims mapping policy"), "{why}"),
        o => panic!("{o:?}"),
    }
}

#[test]
fn legacy_nameid_source_and_transformation_limits() {
    let def = json!({"ClaimsMappingPolicy": {"Version": 1, "ClaimsSchema": [
        {"Source": "user", "ID": "objectid", "SamlClaimType": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier"}
    ]}});
    let c = ClaimsConfig::from_json(
        &json!({ "definition": [def.to_string()] }).to_string(),
        "cmp.json",
    )
    .unwrap();
    let r = entra::check(&ic_sp(), &idp(), &with_claims(c, None, None), at());
    assert!(has(&r, "claims.nameid.source_not_allowed"));
    assert!(find(&r, "claims.nameid.source_not_allowed")
        .message
        .contains("$.definition[0]→$.ClaimsMappingPolicy.ClaimsSchema[0]"));

    let def = json!({"ClaimsMappingPolicy": {"Version": 1, "ClaimsSchema": [
        {"Source": "user", "ID": "mail"},
        {"Source": "transformation", "ID": "lower", "TransformationId": "t1",
         "SamlClaimType": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier",
         "SamlNameIdFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"}
    ], "ClaimsTransformations": [
        {"ID": "t1", "TransformationMethod": "ToLowercase", "InputClaims": [{"ClaimTypeReferenceId": "mail", "TransformationClaimType": "string"}]}
    ]}});
    let c = ClaimsConfig::from_json(
        &json!({ "definition": [def.to_string()] }).to_string(),
        "cmp.json",
    )
    .unwrap();
    let r = entra::check(&ic_sp(), &idp(), &with_claims(c, None, None), at());
    assert_eq!(codes(&r), vec!["claims.nameid.transformation_not_allowed"]);
    // The fixture uses Join, which is allowed.
    let i = load(None, Some("claims-mapping.json"), None, None);
    assert!(entra::check(&ic_sp(), &idp(), &i, at()).findings.is_empty());
}

#[test]
fn too_many_transformations() {
    let lower = json!({ "@odata.type": "#microsoft.graph.toLowercaseTransformation" });
    let c = claims_from(nameid_claim(
        "emailAddress",
        attr("mail"),
        json!([lower, lower, lower]),
    ));
    let r = entra::check(&ic_sp(), &idp(), &with_claims(c, None, None), at());
    assert_eq!(codes(&r), vec!["claims.transformations.too_many"]);
    let c = claims_from(nameid_claim(
        "emailAddress",
        attr("mail"),
        json!([lower, lower]),
    ));
    assert!(
        entra::check(&ic_sp(), &idp(), &with_claims(c, None, None), at())
            .findings
            .is_empty()
    );
}

#[test]
fn unknown_transformation() {
    let t = json!({ "@odata.type": "#microsoft.graph.someFutureTransformation" });
    let c = claims_from(nameid_claim("emailAddress", attr("mail"), json!([t])));
    let eu = users(json!([{ "userPrincipalName": "a@contoso.com", "mail": "a@contoso.com" }]));
    let r = entra::check(
        &ic_sp(),
        &idp(),
        &with_claims(c, Some(eu), Some(aws(&["a@contoso.com"]))),
        at(),
    );
    assert_eq!(
        codes(&r),
        vec!["claims.transformation.unknown", "users.aws.unmapped"]
    );
    assert!(matches!(r.users[0].outcome, UserOutcome::Unknown(_)));
}

#[test]
fn regex_fixture_is_evaluated() {
    let i = load(None, Some("claims-regex.json"), None, None);
    let mut i = i.clone();
    i.entra_users = Some(users(
        json!([{ "userPrincipalName": "s@contoso.com", "mail": "swmal@Fabrikam.com" }]),
    ));
    i.aws_users = Some(aws(&["swmal@contoso.com"]));
    let r = entra::check(&ic_sp(), &idp(), &i, at());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_eq!(r.users[0].name_id.as_deref(), Some("swmal@contoso.com"));
}

fn regex_claims(pattern: &str, replacement: &str) -> ClaimsConfig {
    let t = json!({
        "@odata.type": "#microsoft.graph.regexReplaceTransformation",
        "regex": pattern, "replacement": replacement, "additionalAttributes": []
    });
    claims_from(nameid_claim("emailAddress", attr("mail"), json!([t])))
}

#[test]
fn regex_unsupported_and_invalid() {
    let r = entra::check(
        &ic_sp(),
        &idp(),
        &with_claims(regex_claims("(?<=@)contoso", "x"), None, None),
        at(),
    );
    assert_eq!(codes(&r), vec!["claims.regex.unsupported"]);
    assert!(find(&r, "claims.regex.unsupported")
        .message
        .contains("lookbehind"));
    let r = entra::check(
        &ic_sp(),
        &idp(),
        &with_claims(regex_claims("(?'d'.*)", "{nope}"), None, None),
        at(),
    );
    assert_eq!(codes(&r), vec!["claims.regex.invalid"]);
    let r = entra::check(
        &ic_sp(),
        &idp(),
        &with_claims(regex_claims("(?'d'.*)@x", "{d}@y"), None, None),
        at(),
    );
    assert!(r.findings.is_empty());
}

#[test]
fn group_conditions_are_flagged() {
    let v = json!([{
        "@odata.type": "#microsoft.graph.samlNameIdClaim",
        "nameIdFormat": "emailAddress",
        "configurations": [
            { "attribute": attr("userprincipalname") },
            { "condition": { "memberOf": ["33333333-0000-4000-8000-000000000001"] }, "attribute": attr("mail") }
        ]
    }]);
    let r = entra::check(
        &ic_sp(),
        &idp(),
        &with_claims(claims_from(v), None, None),
        at(),
    );
    assert_eq!(codes(&r), vec!["claims.condition.group"]);
}

#[test]
fn guest_condition_uses_mail() {
    let v = json!([{
        "@odata.type": "#microsoft.graph.samlNameIdClaim",
        "nameIdFormat": "emailAddress",
        "configurations": [
            { "attribute": attr("userprincipalname") },
            { "condition": { "userType": "allGuests" }, "attribute": attr("mail") }
        ]
    }]);
    let i = load(None, None, Some("entra-users-page.json"), None);
    let r = entra::check(
        &ic_sp(),
        &idp(),
        &with_claims(claims_from(v), i.entra_users, None),
        at(),
    );
    assert_eq!(r.users[1].name_id.as_deref(), Some("frank@fabrikam.com"));
    assert!(!has(&r, "users.guest_upn"));
    assert!(r.assumptions.iter().any(|a| a.contains("guests")));
}

// ---- users.* ----

#[test]
fn users_no_match_empty_not_email_invalid_guest_unmapped() {
    let eu = users(json!([
        { "userPrincipalName": "zed@contoso.com" },
        { "userPrincipalName": "frank_fabrikam.com#EXT#@contoso.onmicrosoft.com", "userType": "Guest" },
        { "userPrincipalName": "no-mail-here@contoso.com", "mail": null }
    ]));
    let r = entra::check(
        &ic_sp(),
        &idp(),
        &with_claims(
            ClaimsConfig::assumed_default(),
            Some(eu),
            Some(aws(&["other@contoso.com"])),
        ),
        at(),
    );
    assert_eq!(
        codes(&r),
        vec![
            "users.aws.unmapped",
            "users.guest_upn",
            "users.nameid.no_match",
            "users.nameid.no_match",
            "users.nameid.no_match"
        ]
    );
    assert!(find(&r, "users.nameid.no_match")
        .hint
        .contains("An unexpected error has occurred"));

    // NameID from mail: empty for a user without mail.
    let c = claims_from(nameid_claim("emailAddress", attr("mail"), json!([])));
    let eu = users(json!([{ "userPrincipalName": "a@contoso.com", "mail": null }]));
    let r = entra::check(&ic_sp(), &idp(), &with_claims(c, Some(eu), None), at());
    assert_eq!(codes(&r), vec!["users.nameid.empty"]);
    assert!(find(&r, "users.nameid.empty").hint.contains("AADSTS501241"));

    // NameID from the SAM account name: not an email, and ':' is no UserName character.
    let c = claims_from(nameid_claim(
        "emailAddress",
        attr("onpremisessamaccountname"),
        json!([]),
    ));
    let eu = users(
        json!([{ "userPrincipalName": "a@contoso.com", "onPremisesSamAccountName": "CONTOSO:alice" }]),
    );
    let r = entra::check(&ic_sp(), &idp(), &with_claims(c, Some(eu), None), at());
    assert_eq!(
        codes(&r),
        vec!["users.nameid.not_email", "users.username.invalid"]
    );
}

#[test]
fn users_quiet_when_all_match() {
    let eu = users(json!([{ "userPrincipalName": "a@contoso.com" }]));
    let r = entra::check(
        &ic_sp(),
        &idp(),
        &with_claims(
            ClaimsConfig::assumed_default(),
            Some(eu),
            Some(aws(&["a@contoso.com"])),
        ),
        at(),
    );
    assert!(r.findings.is_empty());
}

#[test]
fn partial_lists() {
    let i = load(
        None,
        None,
        Some("entra-users-page.json"),
        Some("aws-users-page.json"),
    );
    let r = entra::check(&ic_sp(), &idp(), &i, at());
    assert_eq!(
        r.findings
            .iter()
            .filter(|f| f.code == "users.list.partial")
            .count(),
        2
    );
    assert!(!has(&r, "users.aws.unmapped"));
    // With NextToken, "no match" may be wrong: a warning, not an error.
    assert!(r
        .findings
        .iter()
        .filter(|f| f.code == "users.nameid.no_match")
        .all(|f| f.severity == Severity::Warning));
}

// ---- iam.* ----

#[test]
fn iam_fixture_is_clean() {
    let i = load(
        Some("app-iam.json"),
        Some("claims-iam.json"),
        Some("entra-users.json"),
        None,
    );
    let r = entra::check(&iam_sp(), &idp(), &i, at());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

#[test]
fn iam_default_claims_are_assumed() {
    let i = load(Some("app-iam.json"), None, Some("entra-users.json"), None);
    let r = entra::check(&iam_sp(), &idp(), &i, at());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert!(r.assumptions.iter().any(|a| a.contains("Single-Account")));
    assert!(r
        .not_checkable
        .iter()
        .any(|n| n.contains("SessionDuration")));
}

fn iam_app_with_roles(values: &[&str]) -> PairInputs {
    let text = std::fs::read_to_string(fixture("app-iam.json")).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    let roles: Vec<Value> = values
        .iter()
        .map(|x| json!({ "displayName": "r", "isEnabled": true, "value": x }))
        .collect();
    v["appRoles"] = json!(roles);
    let mut p = with_app(&v);
    p.claims = Some(
        load(None, Some("claims-iam.json"), None, None)
            .claims
            .unwrap(),
    );
    p
}

#[test]
fn iam_role_values() {
    let acct = "arn:aws:iam::123456789012";
    let long = "x".repeat(200);
    let i = iam_app_with_roles(&[
        "arn:aws:iam::123456789012:role/Admin",
        &format!("{acct}:role/Admin,arn:aws:iam::210987654321:saml-provider/Entra"),
        &format!("{acct}:saml-provider/Entra, {acct}:role/Admin"),
        &format!("{acct}:role/{long},{acct}:saml-provider/Entra"),
        &format!("{acct}:saml-provider/Entra,{acct}:role/ReadOnly"),
    ]);
    let r = entra::check(&iam_sp(), &idp(), &i, at());
    assert_eq!(
        codes(&r),
        vec![
            "iam.role.account_mismatch",
            "iam.role.malformed",
            "iam.role.too_long",
            "iam.role.whitespace"
        ]
    );
    let gov = SpFacts::new(
        "urn:amazon:webservices:govcloud",
        vec!["https://signin.amazonaws-us-gov.com/saml".into()],
    );
    let i = iam_app_with_roles(&[&format!("{acct}:role/Admin,{acct}:saml-provider/Entra")]);
    let r = entra::check(&gov, &idp(), &i, at());
    assert!(find(&r, "iam.role.account_mismatch")
        .message
        .contains("partition aws"));
}

#[test]
fn iam_missing_claims_rsn_and_duration() {
    let c = claims_from(json!([
        { "@odata.type": "#microsoft.graph.customClaim", "name": "SessionDuration", "namespace": "https://aws.amazon.com/SAML/Attributes",
          "configurations": [{ "attribute": { "@odata.type": "#microsoft.graph.valueBasedAttribute", "value": "60" } }] }
    ]));
    let r = entra::check(&iam_sp(), &idp(), &with_claims(c, None, None), at());
    assert_eq!(
        codes(&r),
        vec![
            "iam.role.missing",
            "iam.rsn.missing",
            "iam.session_duration.range"
        ]
    );

    let c = claims_from(json!([
        { "@odata.type": "#microsoft.graph.customClaim", "name": "Role", "namespace": "https://aws.amazon.com/SAML/Attributes",
          "configurations": [{ "attribute": { "@odata.type": "#microsoft.graph.valueBasedAttribute",
            "value": "arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:saml-provider/E" } }] },
        { "@odata.type": "#microsoft.graph.customClaim", "name": "RoleSessionName", "namespace": "https://aws.amazon.com/SAML/Attributes",
          "configurations": [{ "attribute": attr("displayname") }] }
    ]));
    let eu = users(json!([
        { "userPrincipalName": "a@contoso.com", "displayName": "Alice Adams" },
        { "userPrincipalName": "b@contoso.com", "displayName": "bob.b" }
    ]));
    let r = entra::check(&iam_sp(), &idp(), &with_claims(c, Some(eu), None), at());
    assert_eq!(codes(&r), vec!["iam.rsn.invalid"]);
    assert!(find(&r, "iam.rsn.invalid").message.contains("Alice Adams"));
}

#[test]
fn graph_substring_and_extract_number() {
    let t1 = json!({ "@odata.type": "#microsoft.graph.substringTransformation", "index": 0, "length": 5 });
    let c = claims_from(nameid_claim("emailAddress", attr("mail"), json!([t1])));
    let eu = users(json!([{ "userPrincipalName": "u@contoso.com", "mail": "alice@contoso.com" }]));
    let r = entra::check(&ic_sp(), &idp(), &with_claims(c, Some(eu), None), at());
    assert_eq!(r.users[0].name_id.as_deref(), Some("alice"));
    assert!(has(&r, "users.nameid.not_email"));
    let t2 =
        json!({ "@odata.type": "#microsoft.graph.extractNumberTransformation", "type": "suffix" });
    let c = claims_from(nameid_claim(
        "emailAddress",
        attr("employeeid"),
        json!([t2]),
    ));
    let eu = users(json!([{ "userPrincipalName": "u@contoso.com", "employeeId": "BSimon_123" }]));
    let r = entra::check(&ic_sp(), &idp(), &with_claims(c, Some(eu), None), at());
    assert_eq!(r.users[0].name_id.as_deref(), Some("123"));
}

#[test]
fn iam_ignores_identity_center_users() {
    let i = load(
        Some("app-iam.json"),
        Some("claims-iam.json"),
        Some("entra-users.json"),
        Some("aws-users-bad.json"),
    );
    let r = entra::check(&iam_sp(), &idp(), &i, at());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert!(r.assumptions.iter().any(|a| a.contains("not used")));
}

#[test]
fn entra_codes_are_unique_and_dotted() {
    let all: Vec<&str> = samlcheck::catalog::rules().iter().map(|r| r.code).collect();
    let mut seen = std::collections::HashSet::new();
    for c in &all {
        assert!(seen.insert(*c), "duplicate {c}");
        assert!(
            c.split('.').count() >= 2
                && c.chars()
                    .all(|x| x.is_ascii_lowercase() || x.is_ascii_digit() || x == '.' || x == '_'),
            "{c}"
        );
    }
    for r in samlcheck::catalog::rules() {
        assert!(
            !r.summary.is_empty() && !r.fix.is_empty() && !r.source.is_empty(),
            "{}",
            r.code
        );
    }
}

#[test]
fn iam_legacy_policy_session_duration() {
    let def = json!({"ClaimsMappingPolicy": {"Version": 1, "IncludeBasicClaimSet": "true", "ClaimsSchema": [
        {"Source": "user", "ID": "assignedroles", "SamlClaimType": "https://aws.amazon.com/SAML/Attributes/Role"},
        {"Source": "user", "ID": "userprincipalname", "SamlClaimType": "https://aws.amazon.com/SAML/Attributes/RoleSessionName"},
        {"Value": "50000", "SamlClaimType": "https://aws.amazon.com/SAML/Attributes/SessionDuration"}
    ]}});
    let c = ClaimsConfig::from_json(
        &json!({ "value": [{ "definition": [def.to_string()] }] }).to_string(),
        "cmp.json",
    )
    .unwrap();
    let mut i = load(Some("app-iam.json"), None, None, None);
    i.claims = Some(c);
    let r = entra::check(&iam_sp(), &idp(), &i, at());
    assert_eq!(codes(&r), vec!["iam.session_duration.range"]);
    assert!(find(&r, "iam.session_duration.range")
        .message
        .contains("50000"));
}

// ---- wiring with the metadata model ----

/// Builds the plain facts from parsed metadata, as the pair command does.
fn facts_from_metadata(sp_xml: &str, idp_xml: &str) -> (SpFacts, IdpFacts, samlcheck::Flavor) {
    use samlcheck::model::EndpointKind;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let limits = samlcheck::Limits::default();
    let sp_md =
        samlcheck::parse_metadata(std::fs::read(dir.join(sp_xml)).unwrap(), &limits).unwrap();
    let idp_md =
        samlcheck::parse_metadata(std::fs::read(dir.join(idp_xml)).unwrap(), &limits).unwrap();
    let sp_e = sp_md.entities.iter().find(|e| e.is_sp()).unwrap();
    let idp_e = idp_md.entities.iter().find(|e| e.is_idp()).unwrap();
    let acs: Vec<String> = sp_e
        .sp_roles()
        .flat_map(|r| r.endpoints_of(EndpointKind::AssertionConsumerService))
        .map(|e| e.location().to_string())
        .collect();
    let thumbprints: Vec<String> = idp_e
        .idp_roles()
        .flat_map(|r| r.signing_keys())
        .flat_map(|k| k.certificates.iter())
        .filter_map(|c| c.facts.as_ref().ok().map(|f| f.sha1_thumbprint.clone()))
        .collect();
    (
        SpFacts::new(sp_e.entity_id(), acs),
        IdpFacts {
            entity_id: Some(idp_e.entity_id().to_string()),
            signing_cert_sha1_thumbprints: thumbprints,
        },
        sp_e.flavor.clone(),
    )
}

#[test]
fn facts_from_the_metadata_model_agree_with_its_flavour() {
    let (sp, idp, flavor) = facts_from_metadata("aws-ic-sp.xml", "entra-idp.xml");
    assert!(matches!(
        flavor,
        samlcheck::Flavor::AwsIdentityCenterSp { .. }
    ));
    assert!(matches!(sp.kind, SpKind::IdentityCenter { .. }));
    assert_eq!(sp.acs_urls.len(), 2);
    assert!(!idp.signing_cert_sha1_thumbprints.is_empty());
    // The scenario's bad app export against the metadata fixtures: wrong Identifier and a
    // missing Reply URL; its signing thumbprint is the fixture's active certificate.
    let i = load(Some("app-ic-bad.json"), None, None, None);
    let r = entra::check(&sp, &idp, &i, at());
    assert!(has(&r, "pair.entity_id.not_identifier"));
    assert!(has(&r, "pair.acs.alternative_missing"));
    assert!(!has(&r, "pair.signing_key.thumbprint_unknown"));

    let (sp, _, flavor) = facts_from_metadata("aws-iam-sp.xml", "entra-idp.xml");
    assert!(matches!(flavor, samlcheck::Flavor::AwsIamSp { .. }));
    assert!(matches!(sp.kind, SpKind::IamSingleAccount { .. }));
}

#[test]
fn swapped_user_lists_are_named() {
    let e = EntraUsers::from_json(r#"{"Users": []}"#, "u.json")
        .unwrap_err()
        .to_string();
    assert!(e.contains("--aws-users"), "{e}");
    let e = AwsUsers::from_json(r#"[{"userPrincipalName": "a@b.c"}]"#, "a.json")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("a.json: $[0]: missing UserName") && e.contains("--entra-users"),
        "{e}"
    );
}

#[test]
fn stale_reply_url() {
    let mut v = good_sp();
    let old = "https://us-east-1.signin.aws/platform/saml/acs/00000000-1111-4222-8333-444444444444";
    v["replyUrls"] = json!([gen::IC_ACS, gen::IC_ACS_LEGACY, old]);
    let r = entra::check(&ic_sp(), &idp(), &with_app(&v), at());
    assert_eq!(codes(&r), vec!["pair.reply_url.stale"]);
    assert_eq!(find(&r, "pair.reply_url.stale").severity, Severity::Info);
    // A near miss is reported once, as the missing ACS URL.
    v["replyUrls"] = json!([format!("{}/", gen::IC_ACS), gen::IC_ACS_LEGACY]);
    let r = entra::check(&ic_sp(), &idp(), &with_app(&v), at());
    assert_eq!(codes(&r), vec!["pair.acs.alternative_missing"]);
}

/// Mutated exports never panic a parser or the checks (a cheap stand-in for a fuzz target).
#[test]
fn mutated_exports_never_panic() {
    let sp = ic_sp();
    let idp = idp();
    for (name, text) in gen::fixtures() {
        let bytes = text.as_bytes();
        let step = (bytes.len() / 60).max(1);
        for pos in (0..bytes.len()).step_by(step) {
            for repl in [b'"', b'{', b']', b'0', b'x'] {
                let mut m = bytes.to_vec();
                m[pos] = repl;
                let Ok(t) = String::from_utf8(m) else {
                    continue;
                };
                let mut p = PairInputs::default();
                p.app = EntraApp::from_json(&t, name).ok();
                p.claims = ClaimsConfig::from_json(&t, name).ok();
                p.entra_users = EntraUsers::from_json(&t, name).ok();
                p.aws_users = AwsUsers::from_json(&t, name).ok();
                let _ = entra::check(&sp, &idp, &p, at());
                let _ = entra::check(&iam_sp(), &idp, &p, at());
            }
        }
    }
}

#[test]
fn report_serializes_to_json() {
    let inputs = load(
        Some("app-ic-bad.json"),
        None,
        Some("entra-users.json"),
        Some("aws-users-bad.json"),
    );
    let r = entra::check(&ic_sp(), &idp(), &inputs, at());
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["users"][1]["outcome"], "case_only");
    assert_eq!(v["users"][1]["aws_user_name"], "bob.jones@contoso.com");
    assert_eq!(v["findings"].as_array().unwrap().len(), 4);
    assert!(v["assumptions"][0].as_str().unwrap().contains("assumed"));
}
