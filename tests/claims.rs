//! The claim rules as Entra documents them (issue 14, section 3): the token settings of a
//! claims policy, AWS attribute names compared exactly, and the transformations computed
//! with the semantics Microsoft documents. Tests named `doc_*` use the examples of
//! Microsoft Learn "Customize SAML token claims" (saml-claims-customization) and "Claims
//! mapping policy type" (reference-claims-mapping-policy-type), paraphrased in comments;
//! tests named `undocumented_*` check that a detail Microsoft does not document yields
//! "cannot be computed" instead of a guess.

// Test helpers outside #[test] functions: clippy.toml's test exemptions do not reach them.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use chrono::{DateTime, Utc};
use samlcheck::exports::{
    self, claim_value, AwsUsers, ClaimValue, ClaimsConfig, EntraApp, EntraReport, EntraUser,
    EntraUsers, IdpFacts, PairInputs, SpFacts, UserOutcome,
};
use samlcheck::Severity;
use serde_json::{json, Value};

const IC_ENTITY: &str = "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-93670a1b2c";
const TENANT_ENTITY: &str = "https://sts.windows.net/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee/";
const APP_ID: &str = "11111111-2222-4333-8444-555555555555";
const NAMEID: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier";
const AWS_NS: &str = "https://aws.amazon.com/SAML/Attributes";

fn at() -> DateTime<Utc> {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn ic_sp() -> SpFacts {
    SpFacts::new(
        IC_ENTITY,
        vec![
            "https://eu-west-1.signin.aws/platform/saml/acs/0b1c2d3e-aaaa-bbbb-cccc-111122223333"
                .into(),
        ],
    )
}

fn iam_sp() -> SpFacts {
    SpFacts::new(
        "urn:amazon:webservices",
        vec!["https://signin.aws.amazon.com/saml".into()],
    )
}

fn idp(entity: &str) -> IdpFacts {
    IdpFacts {
        entity_id: Some(entity.into()),
        signing_cert_sha1_thumbprints: vec![],
    }
}

fn codes(r: &EntraReport) -> Vec<&'static str> {
    let mut c: Vec<&str> = r.findings.iter().map(|f| f.code).collect();
    c.sort();
    c
}

fn find<'a>(r: &'a EntraReport, code: &str) -> &'a samlcheck::Finding {
    r.findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:#?}", r.findings))
}

fn has(r: &EntraReport, code: &str) -> bool {
    r.findings.iter().any(|f| f.code == code)
}

fn attr(id: &str) -> Value {
    json!({ "@odata.type": "#microsoft.graph.sourcedAttribute", "id": id, "source": "user" })
}

fn input(id: &str) -> Value {
    json!({ "attribute": attr(id), "treatAsMultiValue": false })
}

fn constant(v: &str) -> Value {
    json!({ "attribute": { "@odata.type": "#microsoft.graph.valueBasedAttribute", "value": v } })
}

/// A samlNameIdClaim in emailAddress format with one configuration.
fn nameid(attribute: Option<Value>, transformations: Value) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.samlNameIdClaim",
        "nameIdFormat": "emailAddress",
        "configurations": [{ "attribute": attribute, "transformations": transformations }]
    })
}

/// A customClaim `namespace/name` with one configuration.
fn custom(namespace: &str, name: &str, attribute: Option<Value>, transformations: Value) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.customClaim",
        "name": name, "namespace": namespace,
        "configurations": [{ "attribute": attribute, "transformations": transformations }]
    })
}

/// A Graph customClaimsPolicy with these claims and extra top-level members.
fn policy(claims: Value, extra: Value) -> ClaimsConfig {
    let mut v = json!({ "includeBasicClaimSet": true, "claims": claims });
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, x) in e {
            o.insert(k.clone(), x.clone());
        }
    }
    ClaimsConfig::from_json(&v.to_string(), "claims.json").unwrap()
}

/// A legacy claimsMappingPolicy as Graph returns it (`definition` holds a JSON string).
fn legacy(def: Value) -> ClaimsConfig {
    let v = json!({ "definition": [def.to_string()], "displayName": "p" });
    ClaimsConfig::from_json(&v.to_string(), "cmp.json").unwrap()
}

fn user(mut props: Value) -> EntraUser {
    props["@odata.type"] = json!("#microsoft.graph.user");
    let u = EntraUsers::from_json(&json!([props]).to_string(), "users.json").unwrap();
    u.users.into_iter().next().unwrap()
}

fn value(c: &ClaimsConfig, name: &str, u: &EntraUser) -> ClaimValue {
    claim_value(c, name, u).unwrap_or_else(|| panic!("no claim {name}"))
}

fn computed(c: &ClaimsConfig, name: &str, u: &EntraUser) -> Option<String> {
    match value(c, name, u) {
        ClaimValue::Value { value, .. } => Some(value),
        ClaimValue::Empty(_) => None,
        ClaimValue::Unknown(w) => panic!("unknown: {w}"),
        v => panic!("{v:?}"),
    }
}

fn unknown(c: &ClaimsConfig, name: &str, u: &EntraUser) -> String {
    match value(c, name, u) {
        ClaimValue::Unknown(w) => w,
        v => panic!("expected unknown, got {v:?}"),
    }
}

fn with_claims(c: ClaimsConfig) -> PairInputs {
    let mut p = PairInputs::default();
    p.claims = Some(c);
    p
}

fn sp_export(with_key: bool) -> EntraApp {
    let mut v = json!({
        "appId": APP_ID,
        "servicePrincipalNames": [IC_ENTITY],
        "replyUrls": ["https://eu-west-1.signin.aws/platform/saml/acs/0b1c2d3e-aaaa-bbbb-cccc-111122223333"],
        "keyCredentials": []
    });
    if with_key {
        v["preferredTokenSigningKeyThumbprint"] = json!("CEFC1A2C9A9D7840E13080F2AA700625B95106C1");
    }
    EntraApp::from_json(&v.to_string(), "sp.json").unwrap()
}

// ---- claims.nameid.format_default: its own code, one severity ----

#[test]
fn nameid_format_default_has_its_own_code() {
    let mut claim = nameid(Some(attr("userprincipalname")), json!([]));
    claim["nameIdFormat"] = json!("default");
    let r = exports::check(
        &ic_sp(),
        &idp(TENANT_ENTITY),
        &with_claims(policy(json!([claim]), json!({}))),
        at(),
    );
    assert_eq!(codes(&r), vec!["claims.nameid.format_default"]);
    assert_eq!(
        find(&r, "claims.nameid.format_default").severity,
        Severity::Warning
    );
    // Quiet: emailAddress.
    let claim = nameid(Some(attr("userprincipalname")), json!([]));
    let r = exports::check(
        &ic_sp(),
        &idp(TENANT_ENTITY),
        &with_claims(policy(json!([claim]), json!({}))),
        at(),
    );
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    // claims.nameid.format keeps one severity: error (persistent).
    let mut claim = nameid(Some(attr("userprincipalname")), json!([]));
    claim["nameIdFormat"] = json!("persistent");
    let r = exports::check(
        &ic_sp(),
        &idp(TENANT_ENTITY),
        &with_claims(policy(json!([claim]), json!({}))),
        at(),
    );
    assert_eq!(find(&r, "claims.nameid.format").severity, Severity::Error);
    assert!(!has(&r, "claims.nameid.format_default"));
}

// ---- claims.audience.override ----

fn plain_nameid() -> Value {
    json!([nameid(Some(attr("userprincipalname")), json!([]))])
}

#[test]
fn audience_override_not_the_aws_entity_id_fires() {
    let c = policy(
        plain_nameid(),
        json!({ "audienceOverride": "https://fed.example.com" }),
    );
    let r = exports::check(&ic_sp(), &idp(TENANT_ENTITY), &with_claims(c), at());
    assert_eq!(codes(&r), vec!["claims.audience.override"]);
    let f = find(&r, "claims.audience.override");
    assert_eq!(f.severity, Severity::Error);
    assert!(f.message.contains("https://fed.example.com") && f.message.contains(IC_ENTITY));
    assert!(
        f.message.contains("claims.json: $.audienceOverride"),
        "{}",
        f.message
    );
    // With a service principal export that shows a signing key, still an error.
    let c = policy(
        plain_nameid(),
        json!({ "audienceOverride": "https://fed.example.com" }),
    );
    let mut i = with_claims(c);
    i.app = Some(sp_export(true));
    let r = exports::check(&ic_sp(), &idp(TENANT_ENTITY), &i, at());
    assert!(has(&r, "claims.audience.override"), "{:#?}", r.findings);
    // IAM: an audience that is no IAM identifier.
    let c = policy(
        plain_nameid(),
        json!({ "audienceOverride": "https://fed.example.com" }),
    );
    let r = exports::check(&iam_sp(), &idp(TENANT_ENTITY), &with_claims(c), at());
    assert!(has(&r, "claims.audience.override"), "{:#?}", r.findings);
    // Legacy claims mapping policy: audienceOverride in the definition.
    let c = legacy(
        json!({"ClaimsMappingPolicy": {"Version": 1, "IncludeBasicClaimSet": "true",
        "ClaimsSchema": [], "audienceOverride": "https://fed.example.com"}}),
    );
    let r = exports::check(&ic_sp(), &idp(TENANT_ENTITY), &with_claims(c), at());
    let f = find(&r, "claims.audience.override");
    assert!(
        f.message.contains("ClaimsMappingPolicy.audienceOverride"),
        "{}",
        f.message
    );
}

#[test]
fn audience_override_quiet() {
    for (sp, value) in [
        (ic_sp(), json!(IC_ENTITY)),
        (ic_sp(), json!(null)),
        (ic_sp(), json!("")),
        (iam_sp(), json!("https://signin.aws.amazon.com/saml")),
        (iam_sp(), json!("urn:amazon:webservices")),
    ] {
        let c = policy(plain_nameid(), json!({ "audienceOverride": value }));
        let r = exports::check(&sp, &idp(TENANT_ENTITY), &with_claims(c), at());
        assert!(
            !has(&r, "claims.audience.override"),
            "{value}: {:#?}",
            r.findings
        );
    }
    // Microsoft: the setting is ignored without a custom signing key; the service
    // principal export shows none.
    let c = policy(
        plain_nameid(),
        json!({ "audienceOverride": "https://fed.example.com" }),
    );
    let mut i = with_claims(c);
    i.app = Some(sp_export(false));
    let r = exports::check(&ic_sp(), &idp(TENANT_ENTITY), &i, at());
    assert!(!has(&r, "claims.audience.override"), "{:#?}", r.findings);
    // Not an AWS SP: not this rule's business.
    let other = SpFacts::new("https://app.example.com/saml", vec![]);
    let c = policy(
        plain_nameid(),
        json!({ "audienceOverride": "https://fed.example.com" }),
    );
    let r = exports::check(&other, &idp(TENANT_ENTITY), &with_claims(c), at());
    assert!(!has(&r, "claims.audience.override"));
}

// ---- claims.issuer.application_id ----

#[test]
fn issuer_with_application_id_fires() {
    let c = policy(
        plain_nameid(),
        json!({ "includeApplicationIdInIssuer": true }),
    );
    let r = exports::check(&iam_sp(), &idp(TENANT_ENTITY), &with_claims(c), at());
    let f = find(&r, "claims.issuer.application_id");
    assert_eq!(f.severity, Severity::Error);
    assert!(
        f.message
            .contains("Issuer not present in specified provider"),
        "{}",
        f.message
    );
    assert!(f.message.contains(TENANT_ENTITY));
    let c = policy(
        plain_nameid(),
        json!({ "includeApplicationIdInIssuer": true }),
    );
    let r = exports::check(&ic_sp(), &idp(TENANT_ENTITY), &with_claims(c), at());
    assert_eq!(codes(&r), vec!["claims.issuer.application_id"]);
    assert!(find(&r, "claims.issuer.application_id")
        .message
        .contains("not documented"));
    // Legacy: issuerWithApplicationId, written as the string "true".
    let c = legacy(
        json!({"ClaimsMappingPolicy": {"Version": 1, "IncludeBasicClaimSet": "true",
        "ClaimsSchema": [], "issuerWithApplicationId": "true"}}),
    );
    let r = exports::check(&ic_sp(), &idp(TENANT_ENTITY), &with_claims(c), at());
    assert!(find(&r, "claims.issuer.application_id")
        .message
        .contains("issuerWithApplicationId"));
}

#[test]
fn issuer_with_application_id_quiet() {
    // Off.
    let c = policy(
        plain_nameid(),
        json!({ "includeApplicationIdInIssuer": false }),
    );
    let r = exports::check(&ic_sp(), &idp(TENANT_ENTITY), &with_claims(c), at());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    // On, and the metadata given to AWS carries the application ID at the end of its
    // entityID, as Microsoft's ADP tutorial says to edit it.
    let c = policy(
        plain_nameid(),
        json!({ "includeApplicationIdInIssuer": true }),
    );
    let edited = format!("{TENANT_ENTITY}{APP_ID}");
    let r = exports::check(&ic_sp(), &idp(&edited), &with_claims(c), at());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    // On, but no signing key of its own: Microsoft says the setting is then ignored.
    let c = policy(
        plain_nameid(),
        json!({ "includeApplicationIdInIssuer": true }),
    );
    let mut i = with_claims(c);
    i.app = Some(sp_export(false));
    let r = exports::check(&ic_sp(), &idp(TENANT_ENTITY), &i, at());
    assert!(
        !has(&r, "claims.issuer.application_id"),
        "{:#?}",
        r.findings
    );
    // The IdP entityID is not known.
    let c = policy(
        plain_nameid(),
        json!({ "includeApplicationIdInIssuer": true }),
    );
    let r = exports::check(&ic_sp(), &IdpFacts::default(), &with_claims(c), at());
    assert!(!has(&r, "claims.issuer.application_id"));
}

// ---- AWS attribute names are compared exactly ----

fn iam_claims(role_name: &str, rsn_name: &str) -> ClaimsConfig {
    policy(
        json!([
            nameid(Some(attr("userprincipalname")), json!([])),
            custom(
                AWS_NS,
                role_name,
                Some(
                    json!({"@odata.type": "#microsoft.graph.valueBasedAttribute",
                "value": "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/Entra"})
                ),
                json!([])
            ),
            custom(AWS_NS, rsn_name, Some(attr("userprincipalname")), json!([])),
        ]),
        json!({}),
    )
}

#[test]
fn aws_attribute_name_case_fires() {
    let r = exports::check(
        &iam_sp(),
        &idp(TENANT_ENTITY),
        &with_claims(iam_claims("role", "RoleSessionName")),
        at(),
    );
    let f = find(&r, "claims.aws_attribute.case");
    assert_eq!(f.severity, Severity::Error);
    assert!(
        f.message.contains(&format!("{AWS_NS}/role"))
            && f.message.contains(&format!("{AWS_NS}/Role"))
    );
    // AWS receives no Role attribute: the existing rule says so too.
    assert!(has(&r, "iam.role.missing"), "{:#?}", r.findings);
    let r = exports::check(
        &iam_sp(),
        &idp(TENANT_ENTITY),
        &with_claims(iam_claims("Role", "rolesessionname")),
        at(),
    );
    assert_eq!(
        codes(&r),
        vec!["claims.aws_attribute.case", "iam.rsn.missing"],
        "{:#?}",
        r.findings
    );
}

#[test]
fn aws_attribute_name_case_quiet() {
    let r = exports::check(
        &iam_sp(),
        &idp(TENANT_ENTITY),
        &with_claims(iam_claims("Role", "RoleSessionName")),
        at(),
    );
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    // IAM Identity Center does not read Role: a miscased one is not a problem there.
    let r = exports::check(
        &ic_sp(),
        &idp(TENANT_ENTITY),
        &with_claims(iam_claims("role", "rolesessionname")),
        at(),
    );
    assert!(!has(&r, "claims.aws_attribute.case"), "{:#?}", r.findings);
}

#[test]
fn aws_attribute_prefix_case_unconfirmed() {
    let tag = |name: &str| {
        policy(
            json!([
                nameid(Some(attr("userprincipalname")), json!([])),
                custom(AWS_NS, name, Some(attr("department")), json!([])),
            ]),
            json!({}),
        )
    };
    // IAM Identity Center: AccessControl:<key>.
    let r = exports::check(
        &ic_sp(),
        &idp(TENANT_ENTITY),
        &with_claims(tag("accessControl:Dept")),
        at(),
    );
    assert_eq!(codes(&r), vec!["claims.aws_attribute.case_unconfirmed"]);
    let f = find(&r, "claims.aws_attribute.case_unconfirmed");
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("unconfirmed"));
    let r = exports::check(
        &ic_sp(),
        &idp(TENANT_ENTITY),
        &with_claims(tag("AccessControl:Dept")),
        at(),
    );
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    // IAM: PrincipalTag:<key> and TransitiveTagKeys.
    let r = exports::check(
        &iam_sp(),
        &idp(TENANT_ENTITY),
        &with_claims(tag("principaltag:Project")),
        at(),
    );
    assert!(
        has(&r, "claims.aws_attribute.case_unconfirmed"),
        "{:#?}",
        r.findings
    );
    let r = exports::check(
        &iam_sp(),
        &idp(TENANT_ENTITY),
        &with_claims(tag("transitivetagkeys")),
        at(),
    );
    assert!(
        has(&r, "claims.aws_attribute.case_unconfirmed"),
        "{:#?}",
        r.findings
    );
    let r = exports::check(
        &iam_sp(),
        &idp(TENANT_ENTITY),
        &with_claims(tag("PrincipalTag:Project")),
        at(),
    );
    assert!(
        !has(&r, "claims.aws_attribute.case_unconfirmed"),
        "{:#?}",
        r.findings
    );
}

#[test]
fn claim_lookup_is_exact() {
    let c = iam_claims("role", "RoleSessionName");
    assert!(c.claim(&format!("{AWS_NS}/Role")).is_none());
    assert!(c.claim(&format!("{AWS_NS}/role")).is_some());
}

// ---- transformations: Microsoft's documented examples ----

#[test]
fn doc_contains_email_if_contoso_else_upn() {
    // Contains(): Parameter 1 user.email, value "@contoso.com", Parameter 2 (output)
    // user.email, Parameter 3 (output if no match) user.userprincipalname. In Graph the
    // "output if no match" is the configuration's attribute (customClaimConfiguration: "If
    // the transform results in no output then the attribute value is used").
    let t = json!([{ "@odata.type": "#microsoft.graph.containsTransformation",
        "input": input("mail"), "value": "@contoso.com", "output": input("mail") }]);
    let c = policy(
        json!([nameid(Some(attr("userprincipalname")), t)]),
        json!({}),
    );
    let yes = user(
        json!({"userPrincipalName": "joe@contoso.onmicrosoft.com", "mail": "joe@contoso.com"}),
    );
    let no = user(
        json!({"userPrincipalName": "joe@contoso.onmicrosoft.com", "mail": "joe@fabrikam.com"}),
    );
    assert_eq!(
        computed(&c, NAMEID, &yes).as_deref(),
        Some("joe@contoso.com")
    );
    assert_eq!(
        computed(&c, NAMEID, &no).as_deref(),
        Some("joe@contoso.onmicrosoft.com")
    );
}

#[test]
fn doc_endwith_employee_id_000_else_extension_attribute_1() {
    let t = json!([{ "@odata.type": "#microsoft.graph.endsWithTransformation",
        "input": input("employeeid"), "value": "000", "output": input("employeeid") }]);
    let c = policy(
        json!([custom("", "eid", Some(attr("extensionattribute1")), t)]),
        json!({}),
    );
    let ext = json!({"extensionAttribute1": "x1"});
    let a = user(json!({"employeeId": "123000", "onPremisesExtensionAttributes": ext}));
    let b = user(json!({"employeeId": "123001", "onPremisesExtensionAttributes": ext}));
    assert_eq!(computed(&c, "eid", &a).as_deref(), Some("123000"));
    assert_eq!(computed(&c, "eid", &b).as_deref(), Some("x1"));
}

#[test]
fn doc_startwith_employee_id_if_country_us_else_extension_attribute_1() {
    let t = json!([{ "@odata.type": "#microsoft.graph.startsWithTransformation",
        "input": input("country"), "value": "US", "output": input("employeeid") }]);
    let c = policy(
        json!([custom("", "eid", Some(attr("extensionattribute1")), t)]),
        json!({}),
    );
    let ext = json!({"extensionAttribute1": "x1"});
    let us =
        user(json!({"country": "US", "employeeId": "42", "onPremisesExtensionAttributes": ext}));
    let de =
        user(json!({"country": "DE", "employeeId": "42", "onPremisesExtensionAttributes": ext}));
    assert_eq!(computed(&c, "eid", &us).as_deref(), Some("42"));
    assert_eq!(computed(&c, "eid", &de).as_deref(), Some("x1"));
}

#[test]
fn doc_contains_without_output_if_no_match_emits_no_claim() {
    // No Parameter 3 and no configuration attribute: no value (for NameID Entra then
    // sends a pairwise persistent ID, which the users.nameid.empty rule reports).
    let t = json!([{ "@odata.type": "#microsoft.graph.containsTransformation",
        "input": input("mail"), "value": "@contoso.com", "output": input("mail") }]);
    let c = policy(json!([custom("", "m", None, t)]), json!({}));
    let no = user(json!({"mail": "joe@fabrikam.com"}));
    assert!(matches!(value(&c, "m", &no), ClaimValue::Empty(_)));
}

fn regex_doc_policy(with_fallback: bool) -> ClaimsConfig {
    // RegexReplace(): Parameter 1 user.mail, pattern (?'domain'^.*?)(?i)(\@fabrikam\.com)$,
    // an additional parameter user.country, replacement {country}.{domain}@xyz.com.
    let t = json!([{ "@odata.type": "#microsoft.graph.regexReplaceTransformation",
        "input": input("mail"),
        "regex": "(?'domain'^.*?)(?i)(\\@fabrikam\\.com)$",
        "replacement": "{country}.{domain}@xyz.com",
        "additionalAttributes": [attr("country")] }]);
    let fallback = with_fallback.then(|| attr("userprincipalname"));
    policy(json!([nameid(fallback, t)]), json!({}))
}

#[test]
fn doc_regex_replace_country_domain_at_xyz() {
    // "the expected outcome is US.swmal@xyz.com"
    let c = regex_doc_policy(false);
    let u = user(
        json!({"userPrincipalName": "s@contoso.com", "mail": "swmal@fabrikam.com", "country": "US"}),
    );
    assert_eq!(
        computed(&c, NAMEID, &u).as_deref(),
        Some("US.swmal@xyz.com")
    );
    // The inline (?i) makes the domain match in any case; named groups are .NET's (?'name').
    let u = user(json!({"mail": "swmal@FABRIKAM.com", "country": "US"}));
    assert_eq!(
        computed(&c, NAMEID, &u).as_deref(),
        Some("US.swmal@xyz.com")
    );
}

#[test]
fn doc_regex_replace_no_match_uses_output_if_no_match() {
    // "the transformation is skipped ... the alternate user attribute can be configured"
    let c = regex_doc_policy(true);
    let u = user(
        json!({"userPrincipalName": "s@contoso.com", "mail": "swmal@contoso.com", "country": "US"}),
    );
    assert_eq!(computed(&c, NAMEID, &u).as_deref(), Some("s@contoso.com"));
}

#[test]
fn doc_regex_replace_as_second_transformation() {
    // "the second level regex expression should match the output of the first
    // transformation": ToLowercase, then RegexReplace on its output.
    let t = json!([
        { "@odata.type": "#microsoft.graph.toLowercaseTransformation", "input": input("mail") },
        { "@odata.type": "#microsoft.graph.regexReplaceTransformation",
          "regex": "(?'alias'^[^@]+)@fabrikam\\.com$", "replacement": "{alias}@contoso.com",
          "additionalAttributes": [] }
    ]);
    let c = policy(json!([nameid(None, t)]), json!({}));
    let u = user(json!({"mail": "SWMal@Fabrikam.com"}));
    assert_eq!(
        computed(&c, NAMEID, &u).as_deref(),
        Some("swmal@contoso.com")
    );
}

#[test]
fn doc_join_on_nameid_drops_the_domain_part() {
    // Join() on nameID: input joe_smith@contoso.com, separator "@", parameter
    // fabrikam.com gives joe_smith@fabrikam.com.
    let t = json!([{ "@odata.type": "#microsoft.graph.joinTransformation",
        "input": input("userprincipalname"), "input2": constant("fabrikam.com"), "separator": "@" }]);
    let c = policy(json!([nameid(None, t.clone())]), json!({}));
    let u = user(json!({"userPrincipalName": "joe_smith@contoso.com"}));
    assert_eq!(
        computed(&c, NAMEID, &u).as_deref(),
        Some("joe_smith@fabrikam.com")
    );
    // On another claim the input is kept whole.
    let c = policy(json!([custom("", "j", None, t)]), json!({}));
    assert_eq!(
        computed(&c, "j", &u).as_deref(),
        Some("joe_smith@contoso.com@fabrikam.com")
    );
}

#[test]
fn doc_legacy_join_foo_at_bar_sandbox() {
    // Claims mapping policy Join: string1 foo@bar.com, string2 sandbox, separator "."
    // gives foo@bar.com.sandbox.
    let c = legacy(
        json!({"ClaimsMappingPolicy": {"Version": 1, "IncludeBasicClaimSet": "true",
        "ClaimsSchema": [
            {"Source": "user", "ID": "mail"},
            {"Source": "transformation", "ID": "joined", "TransformationId": "j1",
             "SamlClaimType": "https://example.com/joined"}
        ],
        "ClaimsTransformations": [
            {"ID": "j1", "TransformationMethod": "Join",
             "InputClaims": [{"ClaimTypeReferenceId": "mail", "TransformationClaimType": "string1"}],
             "InputParameters": [{"ID": "string2", "Value": "sandbox"}, {"ID": "separator", "Value": "."}],
             "OutputClaims": [{"ClaimTypeReferenceId": "joined", "TransformationClaimType": "outputClaim"}]}
        ]}}),
    );
    let u = user(json!({"mail": "foo@bar.com"}));
    assert_eq!(
        computed(&c, "https://example.com/joined", &u).as_deref(),
        Some("foo@bar.com.sandbox")
    );
}

#[test]
fn doc_legacy_extract_mail_prefix_foo() {
    // ExtractMailPrefix: mail foo@bar.com gives foo; without an @ the input is returned.
    let c = legacy(
        json!({"ClaimsMappingPolicy": {"Version": 1, "ClaimsSchema": [
            {"Source": "user", "ID": "mail"},
            {"Source": "transformation", "ID": "prefix", "TransformationId": "t",
             "SamlClaimType": "https://example.com/prefix"}
        ],
        "ClaimsTransformations": [
            {"ID": "t", "TransformationMethod": "ExtractMailPrefix",
             "InputClaims": [{"ClaimTypeReferenceId": "mail", "TransformationClaimType": "mail"}]}
        ]}}),
    );
    let name = "https://example.com/prefix";
    assert_eq!(
        computed(&c, name, &user(json!({"mail": "foo@bar.com"}))).as_deref(),
        Some("foo")
    );
    assert_eq!(
        computed(&c, name, &user(json!({"mail": "foo"}))).as_deref(),
        Some("foo")
    );
}

fn legacy_nameid_join(source: &str) -> ClaimsConfig {
    legacy(
        json!({"ClaimsMappingPolicy": {"Version": 1, "ClaimsSchema": [
            {"Source": "user", "ID": source},
            {"Source": "transformation", "ID": "n", "TransformationId": "t",
             "SamlClaimType": NAMEID,
             "SamlNameIdFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"}
        ],
        "ClaimsTransformations": [
            {"ID": "t", "TransformationMethod": "Join",
             "InputClaims": [{"ClaimTypeReferenceId": source, "TransformationClaimType": "string1"}],
             "InputParameters": [{"ID": "string2", "Value": "contoso.com"}, {"ID": "separator", "Value": "@"}]}
        ]}}),
    )
}

#[test]
fn legacy_join_on_nameid_without_a_domain_part_is_computed() {
    // Both readings agree when the input has no domain part.
    let c = legacy_nameid_join("onpremisessamaccountname");
    let u = user(json!({"onPremisesSamAccountName": "jsmith"}));
    assert_eq!(
        computed(&c, NAMEID, &u).as_deref(),
        Some("jsmith@contoso.com")
    );
}

// ---- transformations: what Microsoft does not document is not guessed ----

#[test]
fn undocumented_legacy_join_on_nameid_domain_part() {
    let c = legacy_nameid_join("userprincipalname");
    let u = user(json!({"userPrincipalName": "alice@contoso.onmicrosoft.com"}));
    let why = unknown(&c, NAMEID, &u);
    assert!(why.contains("claims mapping policy"), "{why}");
    // The user line of the pair check says so.
    let mut i = with_claims(c);
    i.entra_users = Some(
        EntraUsers::from_json(
            &json!([{"userPrincipalName": "alice@contoso.onmicrosoft.com"}]).to_string(),
            "users.json",
        )
        .unwrap(),
    );
    i.aws_users = Some(
        AwsUsers::from_json(
            &json!({"Users": [{"UserName": "alice@contoso.com", "UserId": "x"}]}).to_string(),
            "aws.json",
        )
        .unwrap(),
    );
    let r = exports::check(&ic_sp(), &idp(TENANT_ENTITY), &i, at());
    assert!(matches!(&r.users[0].outcome, UserOutcome::Unknown(w) if w.contains("Join")));
    assert!(!has(&r, "users.nameid.no_match"), "{:#?}", r.findings);
}

#[test]
fn undocumented_contains_case() {
    // Microsoft does not say whether Contains ignores case: an input where it matters.
    let t = json!([{ "@odata.type": "#microsoft.graph.containsTransformation",
        "input": input("mail"), "value": "@contoso.com", "output": input("mail") }]);
    let c = policy(
        json!([nameid(Some(attr("userprincipalname")), t)]),
        json!({}),
    );
    let u = user(json!({"userPrincipalName": "joe@x.com", "mail": "joe@Contoso.com"}));
    assert!(unknown(&c, NAMEID, &u).contains("ignores case"));
}

#[test]
fn undocumented_condition_without_output() {
    let t = json!([{ "@odata.type": "#microsoft.graph.startsWithTransformation",
        "input": input("country"), "value": "US" }]);
    let c = policy(json!([custom("", "c", None, t)]), json!({}));
    let u = user(json!({"country": "US"}));
    assert!(unknown(&c, "c", &u).contains("no output"));
}

#[test]
fn undocumented_regex_partial_match() {
    // A pattern that matches only part of the input: replace-in-place or replacement only?
    let t = json!([{ "@odata.type": "#microsoft.graph.regexReplaceTransformation",
        "input": input("mail"), "regex": "@fabrikam\\.com$", "replacement": "@contoso.com",
        "additionalAttributes": [] }]);
    let c = policy(json!([nameid(None, t)]), json!({}));
    let u = user(json!({"mail": "swmal@fabrikam.com"}));
    assert!(unknown(&c, NAMEID, &u).contains("only part"));
}

#[test]
fn undocumented_regex_no_match_without_fallback() {
    // "the default claim value is added to the token": not defined by Microsoft.
    let c = regex_doc_policy(false);
    let u = user(json!({"mail": "swmal@contoso.com", "country": "US"}));
    assert!(unknown(&c, NAMEID, &u).contains("default claim value"));
}

#[test]
fn undocumented_regex_numbered_group_and_empty_parameter() {
    let t = json!([{ "@odata.type": "#microsoft.graph.regexReplaceTransformation",
        "input": input("mail"), "regex": "^(.*)@fabrikam\\.com$", "replacement": "{1}@contoso.com",
        "additionalAttributes": [] }]);
    let c = policy(json!([nameid(None, t)]), json!({}));
    assert!(unknown(&c, NAMEID, &user(json!({"mail": "a@fabrikam.com"}))).contains("numbered"));
    // The additional parameter user.country is empty for this user.
    let c = regex_doc_policy(false);
    let u = user(json!({"mail": "swmal@fabrikam.com"}));
    assert!(unknown(&c, NAMEID, &u).contains("user.country"));
}

#[test]
fn undocumented_multivalued_source() {
    // "Treat source as multivalued": the transformation applies to every value, and the
    // export holds one.
    let t = json!([{ "@odata.type": "#microsoft.graph.toLowercaseTransformation",
        "input": { "attribute": attr("proxyaddresses"), "treatAsMultiValue": true } }]);
    let c = policy(json!([custom("", "p", None, t)]), json!({}));
    let u = user(json!({"proxyAddresses": ["SMTP:A@contoso.com", "smtp:b@contoso.com"]}));
    assert!(unknown(&c, "p", &u).contains("multi-valued"));
    // Not treated as multivalued: the first value only.
    let t = json!([{ "@odata.type": "#microsoft.graph.toLowercaseTransformation",
        "input": { "attribute": attr("proxyaddresses"), "treatAsMultiValue": false } }]);
    let c = policy(json!([custom("", "p", None, t)]), json!({}));
    assert_eq!(computed(&c, "p", &u).as_deref(), Some("smtp:a@contoso.com"));
}

#[test]
fn undocumented_join_with_an_empty_second_input() {
    let t = json!([{ "@odata.type": "#microsoft.graph.joinTransformation",
        "input": input("givenname"), "input2": input("surname"), "separator": "." }]);
    let c = policy(json!([custom("", "j", None, t)]), json!({}));
    assert_eq!(
        computed(
            &c,
            "j",
            &user(json!({"givenName": "Ann", "surname": "Lee"}))
        )
        .as_deref(),
        Some("Ann.Lee")
    );
    assert!(unknown(&c, "j", &user(json!({"givenName": "Ann"}))).contains("empty"));
}

// ---- real files: ../shared/corpus, read in place ----

/// `../shared/corpus` next to the checkout (or next to the worktrees folder).
fn corpus() -> Option<std::path::PathBuf> {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = ["../shared/corpus", "../../shared/corpus"]
        .iter()
        .map(|r| here.join(r))
        .find(|p| p.is_dir());
    if found.is_none() {
        eprintln!("skipping: ../shared/corpus is absent");
    }
    found
}

fn metadata(p: &std::path::Path) -> Option<samlcheck::Metadata> {
    let limits = samlcheck::Limits::default();
    let decoded = samlcheck::xml::read_path(p, &limits).ok()?;
    let doc = samlcheck::xml::XmlDoc::parse(decoded.text(), &limits).ok()?;
    samlcheck::Metadata::from_doc(&doc, decoded.info()).ok()
}

#[test]
fn corpus_entra_idps_with_the_real_ic_sp() {
    let Some(root) = corpus() else { return };
    let Some(sp_md) =
        metadata(&root.join("1-aws-identity-center/aws_ic_sp__apne1_d-9567b34c60__extracted.xml"))
    else {
        eprintln!("skipping: the IAM Identity Center SP file is absent");
        return;
    };
    let sp = &sp_md.entities[0];
    let mut seen = 0;
    let mut paths: Vec<_> = std::fs::read_dir(root.join("3-entra"))
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.sort();
    for p in paths {
        let Some(md) = metadata(&p) else { continue };
        for idp in md
            .entities
            .iter()
            .filter(|e| e.idp_roles().next().is_some())
        {
            let (sp_facts, idp_facts) = samlcheck::pair::entra_facts(sp, idp);
            let tenant_form = idp.entity_id().starts_with("https://sts.windows.net/")
                && !idp.entity_id().contains('{');
            // Untouched token settings, and an override equal to the real entity ID: quiet.
            let c = policy(
                plain_nameid(),
                json!({ "audienceOverride": sp.entity_id(), "includeApplicationIdInIssuer": false }),
            );
            let r = exports::check(&sp_facts, &idp_facts, &with_claims(c), at());
            assert!(r.findings.is_empty(), "{}: {:#?}", p.display(), r.findings);
            // The application ID appended to the Issuer: fires on every tenant-form entityID
            // (the downloaded metadata never carries it), and only there.
            let c = policy(
                plain_nameid(),
                json!({ "includeApplicationIdInIssuer": true }),
            );
            let r = exports::check(&sp_facts, &idp_facts, &with_claims(c), at());
            assert_eq!(
                has(&r, "claims.issuer.application_id"),
                tenant_form,
                "{}: {:#?}",
                p.display(),
                r.findings
            );
            seen += usize::from(tenant_form);
        }
    }
    assert!(seen > 0, "no Entra tenant-form IdP in the corpus");
}
