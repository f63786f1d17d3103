//! The pair check's inputs beyond the metadata (issue 14, section 4): the IAM Identity
//! Center permission set (`--permission-set`), the AWS IAM role (`--aws-role`), ABAC
//! AccessControl claims, and the Entra app's token settings. Each rule fires and stays
//! quiet, each parser names the JSON path of a bad field, and each flag is run through the CLI.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use assert_cmd::Command;
use chrono::{DateTime, Utc};
use samlcheck::exports::{
    self, ClaimsConfig, EntraApp, EntraReport, IamRole, IdpFacts, InputPaths, PairInputs,
    PermissionSet, SpFacts,
};
use samlcheck::Severity;
use serde_json::{json, Value};
use std::path::PathBuf;

const IC_ENTITY: &str = "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-93670a1b2c";
const IC_ACS: &str =
    "https://eu-west-1.signin.aws/platform/saml/acs/5f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f";
const ROLE_VALUE: &str =
    "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/Entra";
const AT: &str = "2026-06-01T00:00:00Z";

fn at() -> DateTime<Utc> {
    AT.parse().unwrap()
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn ic_sp() -> SpFacts {
    let mut s = SpFacts::new(IC_ENTITY, vec![IC_ACS.into()]);
    s.want_assertions_signed = Some(true);
    s
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
        entity_id: None,
        signing_cert_sha1_thumbprints: vec!["CEFC1A2C9A9D7840E13080F2AA700625B95106C1".into()],
    }
}

fn load(paths: &[(&str, &str)]) -> PairInputs {
    let p: Vec<(&str, PathBuf)> = paths
        .iter()
        .map(|(k, f)| (*k, fixture(&format!("entra/{f}"))))
        .collect();
    let get = |k: &str| p.iter().find(|(x, _)| *x == k).map(|(_, f)| f.as_path());
    PairInputs::load(&InputPaths {
        entra_app: get("app"),
        claims: get("claims"),
        permission_set: get("ps"),
        aws_role: get("role"),
        ..InputPaths::default()
    })
    .unwrap()
}

fn codes(r: &EntraReport) -> Vec<&'static str> {
    let mut c: Vec<&str> = r.findings.iter().map(|f| f.code).collect();
    c.sort();
    c
}

fn mine(r: &EntraReport) -> Vec<&'static str> {
    codes(r)
        .into_iter()
        .filter(|c| {
            c.starts_with("ic.")
                || c.starts_with("iam.trust.")
                || c.starts_with("pair.token.")
                || *c == "iam.role.session_duration_over_max"
                || c.starts_with("pair.key.")
        })
        .collect()
}

fn claims(v: Value) -> ClaimsConfig {
    ClaimsConfig::from_json(&v.to_string(), "claims.json").unwrap()
}

fn claim(name: &str, attr: Value) -> Value {
    json!({"@odata.type": "#microsoft.graph.customClaim", "name": name,
        "namespace": "https://aws.amazon.com/SAML/Attributes",
        "configurations": [{"attribute": attr, "transformations": []}]})
}

fn user(id: &str) -> Value {
    json!({"@odata.type": "#microsoft.graph.sourcedAttribute", "id": id, "source": "user"})
}

fn constant(v: &str) -> Value {
    json!({"@odata.type": "#microsoft.graph.valueBasedAttribute", "value": v})
}

fn policy(claims_: Vec<Value>) -> ClaimsConfig {
    claims(json!({ "claims": claims_ }))
}

fn run(sp: &SpFacts, inputs: PairInputs) -> EntraReport {
    exports::check(sp, &idp(), &inputs, at())
}

fn with(f: impl FnOnce(&mut PairInputs)) -> PairInputs {
    let mut p = PairInputs::default();
    f(&mut p);
    p
}

// ---- permission set and SessionDuration ----

#[test]
fn permission_set_parses_and_reports_session_length() {
    let ps = PermissionSet::from_json(
        &std::fs::read_to_string(fixture("entra/permission-set.json")).unwrap(),
        "ps.json",
    )
    .unwrap();
    assert_eq!(ps.name.as_deref(), Some("AdministratorAccess"));
    assert_eq!(ps.session_seconds, Some(8 * 3600));
    let r = run(&ic_sp(), with(|p| p.permission_set = Some(ps)));
    assert_eq!(mine(&r), vec!["ic.permission_set.session_duration"]);
    let f = &r.findings[0];
    assert_eq!(f.severity, Severity::Info);
    assert!(f.message.contains("8 hours"), "{}", f.message);
    // The inner object alone, and no SessionDuration: the 1 hour default.
    let ps = PermissionSet::from_json(
        r#"{"PermissionSetArn": "arn:aws:sso:::permissionSet/x/ps-1"}"#,
        "ps.json",
    )
    .unwrap();
    let r = run(&ic_sp(), with(|p| p.permission_set = Some(ps)));
    assert!(
        r.findings[0].message.contains("1 hour"),
        "{}",
        r.findings[0].message
    );
}

#[test]
fn permission_set_session_out_of_range() {
    for (d, fires) in [
        ("PT30M", true),
        ("PT13H", true),
        ("PT1H", false),
        ("PT12H", false),
    ] {
        let ps = PermissionSet::from_json(
            &json!({"PermissionSet": {"Name": "X", "SessionDuration": d}}).to_string(),
            "ps.json",
        )
        .unwrap();
        let r = run(&ic_sp(), with(|p| p.permission_set = Some(ps)));
        assert_eq!(
            codes(&r).contains(&"ic.permission_set.session_duration_range"),
            fires,
            "{d}"
        );
        assert_eq!(
            codes(&r).contains(&"ic.permission_set.session_duration"),
            !fires,
            "{d}"
        );
    }
}

#[test]
fn permission_set_relay_state() {
    let r = run(&ic_sp(), load(&[("ps", "permission-set-bad.json")]));
    assert_eq!(
        mine(&r),
        vec![
            "ic.permission_set.relay_state",
            "ic.permission_set.session_duration"
        ]
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "ic.permission_set.relay_state")
        .unwrap();
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("http://intranet.contoso.com/aws"));
    assert_eq!(
        f.location.as_ref().unwrap().path,
        "$.PermissionSet.RelayState"
    );
    assert!(r
        .findings
        .iter()
        .any(|f| f.message.contains("1 hour 30 minutes")));
    // The good file's console URL is quiet.
    let r = run(&ic_sp(), load(&[("ps", "permission-set.json")]));
    assert!(!codes(&r).contains(&"ic.permission_set.relay_state"));
}

#[test]
fn permission_set_errors_name_the_path() {
    let e = PermissionSet::from_json(
        r#"{"PermissionSet": {"SessionDuration": "8 hours"}}"#,
        "ps.json",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "ps.json: $.PermissionSet.SessionDuration: expected an ISO 8601 duration such as PT8H, found \"8 hours\""
    );
    let e = PermissionSet::from_json(r#"{"PermissionSet": {"RelayState": 5}}"#, "ps.json")
        .unwrap_err()
        .to_string();
    assert_eq!(e, "ps.json: $.PermissionSet.RelayState: expected a string");
    let e = PermissionSet::from_json(r#"{"Users": []}"#, "ps.json")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("ps.json: $: no PermissionSet member"), "{e}");
}

#[test]
fn session_duration_claim_is_ignored_by_identity_center() {
    let c = policy(vec![claim("SessionDuration", constant("28800"))]);
    let r = run(&ic_sp(), with(|p| p.claims = Some(c.clone())));
    assert_eq!(mine(&r), vec!["ic.session_duration.claim_ignored"]);
    assert!(r
        .findings
        .iter()
        .any(|f| f.message.contains("give --permission-set")));
    // With the permission set, the message names its duration.
    let ps = PermissionSet::from_json(
        r#"{"PermissionSet": {"Name": "X", "SessionDuration": "PT4H"}}"#,
        "ps.json",
    )
    .unwrap();
    let r = run(
        &ic_sp(),
        with(|p| {
            p.claims = Some(c.clone());
            p.permission_set = Some(ps);
        }),
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "ic.session_duration.claim_ignored")
        .unwrap();
    assert!(f.message.contains("4 hours"), "{}", f.message);
    // Quiet: no SessionDuration claim; an IAM SP (where it applies); the assumed default.
    let r = run(
        &ic_sp(),
        with(|p| {
            p.claims = Some(policy(vec![claim(
                "AccessControl:Dept",
                user("department"),
            )]))
        }),
    );
    assert!(mine(&r).is_empty(), "{:?}", mine(&r));
    let r = run(&iam_sp(), with(|p| p.claims = Some(c)));
    assert!(!codes(&r).contains(&"ic.session_duration.claim_ignored"));
    let r = run(&ic_sp(), PairInputs::default());
    assert!(codes(&r).is_empty());
}

// ---- ABAC ----

#[test]
fn abac_fixture_fires_each_rule_once() {
    let r = run(&ic_sp(), load(&[("claims", "claims-abac.json")]));
    assert_eq!(
        mine(&r),
        vec![
            "ic.abac.key_invalid",
            "ic.abac.multi_valued",
            "ic.abac.value_invalid",
            "ic.session_duration.claim_ignored"
        ]
    );
    for f in &r.findings {
        if f.code.starts_with("ic.abac.") {
            assert_eq!(f.severity, Severity::Error, "{}", f.code);
        }
    }
    let r = run(&ic_sp(), load(&[("claims", "claims-abac-good.json")]));
    assert!(mine(&r).is_empty(), "{:?}", mine(&r));
}

#[test]
fn abac_limits() {
    // 51 keys: too many; 50: fine.
    for (n, fires) in [(51, true), (50, false)] {
        let c: Vec<Value> = (0..n)
            .map(|i| claim(&format!("AccessControl:K{i}"), user("department")))
            .collect();
        let r = run(&ic_sp(), with(|p| p.claims = Some(policy(c))));
        assert_eq!(codes(&r).contains(&"ic.abac.too_many"), fires, "{n}");
    }
    // Duplicate names.
    let c = vec![
        claim("AccessControl:Dept", user("department")),
        claim("AccessControl:Dept", user("jobtitle")),
    ];
    let r = run(&ic_sp(), with(|p| p.claims = Some(policy(c))));
    assert_eq!(mine(&r), vec!["ic.abac.duplicate"]);
    // Key and value lengths, and the reserved prefix.
    let long_key = format!("AccessControl:{}", "k".repeat(129));
    let c = vec![
        claim(&long_key, user("department")),
        claim("AccessControl:aws:x", user("department")),
        claim("AccessControl:V", constant(&"v".repeat(257))),
        claim("AccessControl:W", constant(&"v".repeat(256))),
        claim(
            &format!("AccessControl:{}", "k".repeat(128)),
            user("department"),
        ),
    ];
    let r = run(&ic_sp(), with(|p| p.claims = Some(policy(c))));
    assert_eq!(
        mine(&r),
        vec![
            "ic.abac.key_invalid",
            "ic.abac.key_invalid",
            "ic.abac.value_invalid"
        ]
    );
    // treatAsMultiValue on a transformation input makes it multi-valued.
    let c = vec![
        json!({"@odata.type": "#microsoft.graph.customClaim", "name": "AccessControl:M",
        "namespace": "https://aws.amazon.com/SAML/Attributes",
        "configurations": [{"attribute": {"attribute": user("department"), "treatAsMultiValue": true},
            "transformations": []}]}),
    ];
    let r = run(&ic_sp(), with(|p| p.claims = Some(policy(c))));
    assert_eq!(mine(&r), vec!["ic.abac.multi_valued"]);
    // ABAC rules are for IAM Identity Center: quiet for an IAM SP.
    let c = vec![claim("AccessControl:Roles", user("assignedroles"))];
    let r = run(&iam_sp(), with(|p| p.claims = Some(policy(c))));
    assert!(!codes(&r).iter().any(|c| c.starts_with("ic.abac.")));
}

// ---- token settings ----

#[test]
fn token_settings_fire_for_identity_center() {
    let r = run(&ic_sp(), load(&[("app", "app-ic-tokens.json")]));
    assert_eq!(
        mine(&r),
        vec![
            "pair.token.encrypted",
            "pair.token.response_only_signed",
            "pair.token.sha1"
        ]
    );
    let sev = |c: &str| r.findings.iter().find(|f| f.code == c).unwrap().severity;
    assert_eq!(sev("pair.token.encrypted"), Severity::Error);
    assert_eq!(sev("pair.token.response_only_signed"), Severity::Warning);
    assert_eq!(sev("pair.token.sha1"), Severity::Warning);
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "pair.token.sha1")
        .unwrap();
    assert_eq!(
        f.location.as_ref().unwrap().path,
        "$.tokenIssuancePolicies[0].definition[0]→$.TokenIssuancePolicy.SigningAlgorithm"
    );
}

#[test]
fn token_settings_quiet() {
    let mut v: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("entra/app-ic-tokens.json")).unwrap(),
    )
    .unwrap();
    // The SP does not want signed assertions: response-only signing is fine.
    let mut sp = ic_sp();
    sp.want_assertions_signed = Some(false);
    let app = EntraApp::from_json(&v.to_string(), "app.json").unwrap();
    let r = run(&sp, with(|p| p.app = Some(app.clone())));
    assert!(!codes(&r).contains(&"pair.token.response_only_signed"));
    // Encryption is not judged for an IAM SP (IAM can decrypt when configured).
    let r = run(&iam_sp(), with(|p| p.app = Some(app)));
    assert!(!codes(&r).contains(&"pair.token.encrypted"));
    // Assertion signing with SHA-256 and no encryption key: quiet.
    v["tokenEncryptionKeyId"] = Value::Null;
    v["tokenIssuancePolicies"][0]["definition"][0] = json!(json!({"TokenIssuancePolicy": {
        "Version": 1, "TokenResponseSigningPolicy": "TokenOnly",
        "SigningAlgorithm": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"}})
    .to_string());
    let app = EntraApp::from_json(&v.to_string(), "app.json").unwrap();
    let r = run(&ic_sp(), with(|p| p.app = Some(app)));
    assert!(mine(&r).is_empty(), "{:?}", mine(&r));
    // Without the fields (plain az ad sp show) nothing is said.
    let r = run(&ic_sp(), load(&[("app", "app-ic-good.json")]));
    assert!(mine(&r).is_empty(), "{:?}", mine(&r));
}

#[test]
fn token_issuance_errors_name_the_path() {
    let v = json!({"servicePrincipalNames": [IC_ENTITY],
        "tokenIssuancePolicies": [{"definition": ["{not json"]}]});
    let e = EntraApp::from_json(&v.to_string(), "app.json")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(
            "app.json: $.tokenIssuancePolicies[0].definition[0]: the definition is not valid JSON"
        ),
        "{e}"
    );
    let v = json!({"servicePrincipalNames": [IC_ENTITY],
        "tokenIssuancePolicies": [{"definition": [r#"{"TokenIssuancePolicy":{"SigningAlgorithm":1}}"#]}]});
    let e = EntraApp::from_json(&v.to_string(), "app.json")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "app.json: $.tokenIssuancePolicies[0].definition[0]→$.TokenIssuancePolicy.SigningAlgorithm: expected a string"
    );
}

// ---- the IAM role ----

fn iam_claims() -> ClaimsConfig {
    policy(vec![
        claim("Role", constant(ROLE_VALUE)),
        claim("RoleSessionName", user("userprincipalname")),
    ])
}

fn role(policy_doc: Value, max: i64) -> IamRole {
    IamRole::from_json(
        &json!({"Role": {"RoleName": "Admin", "Arn": "arn:aws:iam::123456789012:role/Admin",
            "AssumeRolePolicyDocument": policy_doc, "MaxSessionDuration": max}})
        .to_string(),
        "role.json",
    )
    .unwrap()
}

fn stmt(provider: &str, actions: Value, cond: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Federated": provider}, "Action": actions, "Condition": cond}]})
}

const PROVIDER: &str = "arn:aws:iam::123456789012:saml-provider/Entra";

#[test]
fn iam_role_fixtures() {
    let bad = run(
        &iam_sp(),
        load(&[
            ("app", "app-iam.json"),
            ("claims", "claims-iam-tags.json"),
            ("role", "iam-role-bad.json"),
        ]),
    );
    assert_eq!(
        mine(&bad),
        vec![
            "iam.role.session_duration_over_max",
            "iam.trust.provider_mismatch",
            "iam.trust.saml_aud",
            "iam.trust.tag_session"
        ]
    );
    let good = run(
        &iam_sp(),
        load(&[
            ("app", "app-iam.json"),
            ("claims", "claims-iam-tags.json"),
            ("role", "iam-role.json"),
        ]),
    );
    assert!(mine(&good).is_empty(), "{:?}", mine(&good));
    // The URL-encoded trust policy of the bad file was read.
    let r = IamRole::from_json(
        &std::fs::read_to_string(fixture("entra/iam-role-bad.json")).unwrap(),
        "r.json",
    )
    .unwrap();
    assert_eq!(
        r.statements[0].federated,
        vec!["arn:aws:iam::123456789012:saml-provider/OldIdP"]
    );
    assert_eq!(r.max_session_duration, Some(3600));
}

#[test]
fn iam_trust_needs_saml_federation() {
    let doc = json!({"Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}});
    let r = run(
        &iam_sp(),
        with(|p| {
            p.claims = Some(iam_claims());
            p.aws_role = Some(role(doc, 3600));
        }),
    );
    assert_eq!(mine(&r), vec!["iam.trust.no_saml_federation"]);
    // sts:* covers AssumeRoleWithSAML (and TagSession).
    let doc = stmt(PROVIDER, json!("sts:*"), json!({}));
    let r = run(
        &iam_sp(),
        with(|p| {
            p.claims = Some(iam_claims());
            p.aws_role = Some(role(doc, 3600));
        }),
    );
    assert!(mine(&r).is_empty(), "{:?}", mine(&r));
}

#[test]
fn iam_trust_provider_and_role_not_sent() {
    let doc = stmt(
        "arn:aws:iam::123456789012:saml-provider/Other",
        json!("sts:AssumeRoleWithSAML"),
        json!({}),
    );
    let r = run(
        &iam_sp(),
        with(|p| {
            p.claims = Some(iam_claims());
            p.aws_role = Some(role(doc, 3600));
        }),
    );
    assert_eq!(mine(&r), vec!["iam.trust.provider_mismatch"]);
    // A Role value for another role: info, not an error.
    let c = policy(vec![claim(
        "Role",
        constant(
            "arn:aws:iam::123456789012:role/ReadOnly,arn:aws:iam::123456789012:saml-provider/Entra",
        ),
    )]);
    let doc = stmt(PROVIDER, json!("sts:AssumeRoleWithSAML"), json!({}));
    let r = run(
        &iam_sp(),
        with(|p| {
            p.claims = Some(c);
            p.aws_role = Some(role(doc.clone(), 3600));
        }),
    );
    assert_eq!(mine(&r), vec!["iam.trust.role_not_sent"]);
    assert_eq!(
        r.findings
            .iter()
            .find(|f| f.code == "iam.trust.role_not_sent")
            .unwrap()
            .severity,
        Severity::Info
    );
    // Role from user.assignedroles without --entra-app: said to be not checkable.
    let c = policy(vec![claim("Role", user("assignedroles"))]);
    let r = run(
        &iam_sp(),
        with(|p| {
            p.claims = Some(c);
            p.aws_role = Some(role(doc, 3600));
        }),
    );
    assert!(mine(&r).is_empty(), "{:?}", mine(&r));
    assert!(r
        .not_checkable
        .iter()
        .any(|n| n.contains("trusts the SAML provider") && n.contains("--entra-app")));
}

#[test]
fn iam_trust_saml_aud() {
    let case = |cond: Value, reply: Option<Vec<&str>>| {
        let doc = stmt(PROVIDER, json!("sts:AssumeRoleWithSAML"), cond);
        let app = reply.map(|urls| {
            EntraApp::from_json(
                &json!({"servicePrincipalNames": ["https://signin.aws.amazon.com/saml"], "replyUrls": urls})
                    .to_string(),
                "app.json",
            )
            .unwrap()
        });
        let r = run(
            &iam_sp(),
            with(|p| {
                p.claims = Some(iam_claims());
                p.aws_role = Some(role(doc, 3600));
                p.app = app;
            }),
        );
        mine(&r)
    };
    let global = json!({"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}});
    let regional =
        json!({"StringEquals": {"SAML:aud": "https://eu-west-1.signin.aws.amazon.com/saml"}});
    // The console-made condition with the global Reply URL: quiet.
    assert!(case(
        global.clone(),
        Some(vec!["https://signin.aws.amazon.com/saml"])
    )
    .is_empty());
    // Entra posts to the regional endpoint, the role wants the global one.
    assert_eq!(
        case(
            global.clone(),
            Some(vec!["https://eu-west-1.signin.aws.amazon.com/saml"])
        ),
        vec!["iam.trust.saml_aud"]
    );
    assert_eq!(
        case(
            regional.clone(),
            Some(vec!["https://signin.aws.amazon.com/saml"])
        ),
        vec!["iam.trust.saml_aud"]
    );
    // Two Reply URLs, one allowed: a warning.
    assert_eq!(
        case(
            global.clone(),
            Some(vec![
                "https://signin.aws.amazon.com/saml",
                "https://eu-west-1.signin.aws.amazon.com/saml"
            ])
        ),
        vec!["iam.trust.saml_aud_partial"]
    );
    // StringLike with a wildcard covering both.
    let like = json!({"StringLike": {"SAML:aud": ["https://signin.aws.amazon.com/saml", "https://*.signin.aws.amazon.com/saml"]}});
    assert!(case(
        like,
        Some(vec![
            "https://signin.aws.amazon.com/saml",
            "https://eu-west-1.signin.aws.amazon.com/saml"
        ])
    )
    .is_empty());
    // Without the app, the SP metadata's ACS URLs: one of them is allowed.
    assert!(case(global, None).is_empty());
}

#[test]
fn iam_trust_tag_session_and_max_duration() {
    let tags = policy(vec![
        claim("Role", constant(ROLE_VALUE)),
        claim("PrincipalTag:Dept", user("department")),
        claim("SessionDuration", constant("7200")),
    ]);
    let case = |actions: Value, max: i64| {
        let doc = stmt(PROVIDER, actions, json!({}));
        let r = run(
            &iam_sp(),
            with(|p| {
                p.claims = Some(tags.clone());
                p.aws_role = Some(role(doc, max));
            }),
        );
        mine(&r)
    };
    assert_eq!(
        case(json!("sts:AssumeRoleWithSAML"), 7200),
        vec!["iam.trust.tag_session"]
    );
    assert!(case(json!(["sts:AssumeRoleWithSAML", "sts:TagSession"]), 7200).is_empty());
    assert_eq!(
        case(json!(["sts:AssumeRoleWithSAML", "sts:TagSession"]), 3600),
        vec!["iam.role.session_duration_over_max"]
    );
}

#[test]
fn iam_role_errors_name_the_path() {
    let err = |v: Value| {
        IamRole::from_json(&v.to_string(), "role.json")
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err(json!({"Role": {"RoleName": "A"}})),
        "role.json: $.Role: no AssumeRolePolicyDocument (the trust policy)"
    );
    assert_eq!(
        err(json!({"Role": {"AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Action": 7}]}}})),
        "role.json: $.Role.AssumeRolePolicyDocument.Statement[0].Action: expected a string or an array of strings"
    );
    assert_eq!(
        err(json!({"Role": {"AssumeRolePolicyDocument": "%7B%22Statement%22%3A%5B%7B%7D%5D%7D"}})),
        "role.json: $.Role.AssumeRolePolicyDocument→$.Statement[0]: statement without Effect"
    );
    assert!(err(json!({"Role": {"AssumeRolePolicyDocument": "%ZZ"}}))
        .contains("neither JSON nor URL-encoded JSON"));
    assert_eq!(
        err(json!({"Role": {"MaxSessionDuration": "long", "AssumeRolePolicyDocument": {}}})),
        "role.json: $.Role.MaxSessionDuration: expected an integer"
    );
    assert!(err(json!([])).starts_with("role.json: $: expected an object"));
}

#[test]
fn inputs_for_the_other_kind_of_sp_are_not_used() {
    let r = run(&ic_sp(), load(&[("role", "iam-role.json")]));
    assert!(mine(&r).is_empty());
    assert!(r
        .assumptions
        .iter()
        .any(|a| a.contains("IAM role is not used")));
    let r = run(&iam_sp(), load(&[("ps", "permission-set.json")]));
    assert!(mine(&r).is_empty());
    assert!(r
        .assumptions
        .iter()
        .any(|a| a.contains("permission set is not used")));
}

// ---- the CLI ----

#[cfg(feature = "cli")]
fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("samlcheck")
        .unwrap()
        .args(args)
        .args(["--at", AT, "--color", "never"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
#[cfg(feature = "cli")]
fn cli_permission_set_flag() {
    let (code, out, _) = cli(&[
        "tests/fixtures/aws-ic-sp.xml",
        "tests/fixtures/entra-idp.xml",
        "--claims",
        "tests/fixtures/entra/claims-abac-good.json",
        "--permission-set",
        "tests/fixtures/entra/permission-set-bad.json",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ic.permission_set.relay_state"), "{out}");
    assert!(
        out.contains("AWS account sessions last 1 hour 30 minutes"),
        "{out}"
    );
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("ps.json");
    std::fs::write(&bad, r#"{"PermissionSet": {"SessionDuration": 3600}}"#).unwrap();
    let (code, _, err) = cli(&[
        "tests/fixtures/aws-ic-sp.xml",
        "tests/fixtures/entra-idp.xml",
        "--permission-set",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("$.PermissionSet.SessionDuration: expected a string"),
        "{err}"
    );
}

#[test]
#[cfg(feature = "cli")]
fn cli_aws_role_flag() {
    let base = [
        "tests/fixtures/aws-iam-sp.xml",
        "tests/fixtures/entra-idp.xml",
        "--entra-app",
        "tests/fixtures/entra/app-iam.json",
        "--claims",
        "tests/fixtures/entra/claims-iam-tags.json",
        "--aws-role",
    ];
    let mut a = base.to_vec();
    a.extend(["tests/fixtures/entra/iam-role-bad.json", "--format", "json"]);
    let (code, out, _) = cli(&a);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let mut got: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .filter(|c| c.starts_with("iam."))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            "iam.role.session_duration_over_max",
            "iam.trust.provider_mismatch",
            "iam.trust.saml_aud",
            "iam.trust.tag_session"
        ]
    );
    let mut a = base.to_vec();
    a.push("tests/fixtures/entra/iam-role.json");
    let (_, out, _) = cli(&a);
    assert!(!out.contains("iam.trust."), "{out}");
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("role.json");
    std::fs::write(&bad, r#"{"Role": {"AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": 3}]}}}"#).unwrap();
    let mut a = base.to_vec();
    a.push(bad.to_str().unwrap());
    let (code, _, err) = cli(&a);
    assert_eq!(code, 2);
    assert!(
        err.contains("$.Role.AssumeRolePolicyDocument.Statement[0].Principal: expected \"*\" or a principal object"),
        "{err}"
    );
}

#[test]
#[cfg(feature = "cli")]
fn cli_token_settings() {
    let (code, out, _) = cli(&[
        "tests/fixtures/aws-ic-sp.xml",
        "tests/fixtures/entra-idp.xml",
        "--entra-app",
        "tests/fixtures/entra/app-ic-tokens.json",
    ]);
    assert_eq!(code, 1);
    for c in [
        "pair.token.encrypted",
        "pair.token.response_only_signed",
        "pair.token.sha1",
    ] {
        assert!(out.contains(c), "{c}: {out}");
    }
}

#[test]
fn mutated_inputs_never_panic() {
    let files = [
        "permission-set.json",
        "permission-set-bad.json",
        "iam-role.json",
        "iam-role-bad.json",
        "claims-abac.json",
        "claims-iam-tags.json",
        "app-ic-tokens.json",
    ];
    for name in files {
        let text = std::fs::read_to_string(fixture(&format!("entra/{name}"))).unwrap();
        let bytes = text.as_bytes();
        let step = (bytes.len() / 80).max(1);
        for pos in (0..bytes.len()).step_by(step) {
            for repl in [b'"', b'{', b']', b'%', b'x', b'*'] {
                let mut m = bytes.to_vec();
                m[pos] = repl;
                let Ok(t) = String::from_utf8(m) else {
                    continue;
                };
                let mut p = PairInputs::default();
                p.app = EntraApp::from_json(&t, name).ok();
                p.claims = ClaimsConfig::from_json(&t, name).ok();
                p.permission_set = PermissionSet::from_json(&t, name).ok();
                p.aws_role = IamRole::from_json(&t, name).ok();
                let _ = exports::check(&ic_sp(), &idp(), &p, at());
                let _ = exports::check(&iam_sp(), &idp(), &p, at());
            }
        }
    }
}
