//! Issue 14, section 2: the corrections found by trying real files. Each correction has an
//! input where its rule fires and one where it stays quiet.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod lintgen;

use lintgen::*;
use samlcheck::exports::{self, AwsUsers, EntraUsers, IdpVendor, PairInputs, SpFacts};
use samlcheck::lint::{lint, LintOptions};
use samlcheck::pair::{self, PairOptions};
use samlcheck::{Finding, Limits, Metadata, Severity};
use serde_json::json;

const AT: &str = "2026-06-01T00:00:00Z";

fn at() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(AT).unwrap().to_utc()
}

fn parse(xml: &str) -> Metadata {
    samlcheck::parse_metadata(xml.as_bytes().to_vec(), &Limits::default()).unwrap()
}

fn parse_bytes(b: Vec<u8>) -> Metadata {
    samlcheck::parse_metadata(b, &Limits::default()).unwrap()
}

const IC_ENTITY: &str = "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-93670a1b2c";
const IC_ACS_LEGACY: &str =
    "https://eu-west-1.signin.aws.amazon.com/platform/saml/acs/5f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f";
const IC_ACS: &str =
    "https://eu-west-1.signin.aws/platform/saml/acs/5f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f";
const IC_ACS_DUAL: &str =
    "https://eu-west-1.sso.signin.aws/platform/saml/acs/5f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f";
const IC_ACS_OTHER_REGION: &str =
    "https://eu-central-1.signin.aws/platform/saml/acs/5f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f";
const EMAIL: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const UNSPEC: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
const PERSISTENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
const TENANT: &str = "8b966979-910b-487c-a604-69229b1ac75c";

fn ic_sp_xml() -> String {
    entity(
        IC_ENTITY,
        &sp_role(
            "",
            &format!(
                "<md:NameIDFormat>{EMAIL}</md:NameIDFormat>{}{}",
                acs(IC_ACS_LEGACY, 0),
                acs(IC_ACS, 1)
            ),
        ),
    )
}

fn iam_sp_xml() -> String {
    entity(
        "urn:amazon:webservices",
        &sp_role("", &acs("https://signin.aws.amazon.com/saml", 0)),
    )
}

fn expired_cert() -> String {
    cert(&Spec {
        cn: "old signing".into(),
        not_after: "260101000000Z".into(),
        ..Spec::default()
    })
}

fn valid_cert() -> String {
    cert_cn("new signing", 7)
}

/// An IdP entity with the given entityID and role content, padded past 1,000 characters.
fn idp_xml(entity_id: &str, inner: &str) -> String {
    entity(
        entity_id,
        &format!(
            "{}{}",
            idp_role(
                "",
                &format!("{inner}{}", sso("https://idp.example.org/sso"))
            ),
            organization()
        ),
    )
}

fn nid(f: &str) -> String {
    format!("<md:NameIDFormat>{f}</md:NameIDFormat>")
}

/// The pair check of two documents (either order), at [`AT`].
fn pair_check(sp: &Metadata, idp: &Metadata) -> Vec<Finding> {
    let opts = PairOptions::at(at());
    let sel = pair::select(sp, "sp.xml", idp, "idp.xml", &opts).unwrap();
    pair::check(sp, sel.sp, idp, sel.idp, &opts)
}

fn find<'f>(f: &'f [Finding], code: &str) -> Option<&'f Finding> {
    f.iter().find(|x| x.code == code)
}

fn has(f: &[Finding], code: &str) -> bool {
    find(f, code).is_some()
}

fn codes(f: &[Finding]) -> Vec<&'static str> {
    f.iter().map(|f| f.code).collect()
}

fn severity_of(code: &str) -> Severity {
    samlcheck::catalog::rules()
        .iter()
        .find(|r| r.code == code)
        .unwrap_or_else(|| panic!("{code} not in the catalogue"))
        .severity
}

// ---- rollover is not an error ----

#[test]
fn expired_signing_cert_next_to_a_valid_one_is_a_rollover_warning() {
    let sp = parse(&ic_sp_xml());
    let idp = parse(&idp_xml(
        "https://idp.example.org/",
        &format!(
            "{}{}",
            key("signing", &expired_cert()),
            key("signing", &valid_cert())
        ),
    ));
    let f = pair_check(&sp, &idp);
    let r = find(&f, "pair.idp_cert.expired_rollover").expect("rollover");
    assert_eq!(r.severity, Severity::Warning);
    assert!(r.message.contains("CN=new signing"), "{}", r.message);
    assert!(r.hint.contains("IAM Identity Center"), "{}", r.hint);
    assert!(!has(&f, "pair.idp_cert.expired"), "{:?}", codes(&f));
    assert!(!has(&f, "pair.idp_cert.none_valid"));
    // For AWS IAM the hint speaks of the SAML provider.
    let f = pair_check(&parse(&iam_sp_xml()), &idp);
    assert!(find(&f, "pair.idp_cert.expired_rollover")
        .unwrap()
        .hint
        .contains("IAM SAML provider"));
}

#[test]
fn expired_signing_cert_alone_is_still_an_error() {
    let sp = parse(&ic_sp_xml());
    let idp = parse(&idp_xml(
        "https://idp.example.org/",
        &key("signing", &expired_cert()),
    ));
    let f = pair_check(&sp, &idp);
    assert_eq!(
        find(&f, "pair.idp_cert.expired").unwrap().severity,
        Severity::Error
    );
    assert!(has(&f, "pair.idp_cert.none_valid"));
    assert!(!has(&f, "pair.idp_cert.expired_rollover"));
}

#[test]
fn rollover_hint_follows_the_idp_flavour() {
    let sp = parse(&ic_sp_xml());
    let keys = format!(
        "{}{}",
        key("signing", &expired_cert()),
        key("signing", &valid_cert())
    );
    let entra = parse(&idp_xml(
        &format!("https://sts.windows.net/{TENANT}/"),
        &keys,
    ));
    let h = find(&pair_check(&sp, &entra), "pair.idp_cert.expired_rollover")
        .unwrap()
        .hint
        .clone();
    assert!(h.contains("Entra") && h.contains("Active"), "{h}");
    let generic = parse(&idp_xml("https://idp.example.org/", &keys));
    let h = find(&pair_check(&sp, &generic), "pair.idp_cert.expired_rollover")
        .unwrap()
        .hint
        .clone();
    assert!(!h.contains("Entra"), "{h}");
}

#[test]
fn single_file_expiry_rule_knows_the_rollover_too() {
    let md = parse(&idp_xml(
        "https://idp.example.org/",
        &format!(
            "{}{}",
            key("signing", &expired_cert()),
            key("signing", &valid_cert())
        ),
    ));
    let f = lint(&md, &LintOptions::at(at()));
    assert_eq!(
        find(&f, "x509.expired_rollover").unwrap().severity,
        Severity::Warning
    );
    assert!(!has(&f, "x509.expired"), "{:?}", codes(&f));
    // An expired encryption certificate of the IdP next to a valid signing one is no
    // rollover, and no error: AWS never encrypts to the IdP.
    let md = parse(&idp_xml(
        "https://idp.example.org/",
        &format!(
            "{}{}",
            key("encryption", &expired_cert()),
            key("signing", &valid_cert())
        ),
    ));
    let f = lint(&md, &LintOptions::at(at()));
    assert_eq!(
        find(&f, "x509.expired_idp_encryption").unwrap().severity,
        Severity::Warning
    );
    assert!(!has(&f, "x509.expired") && !has(&f, "x509.expired_rollover"));
    // An SP's expired encryption certificate: the IdP encrypts to it, but whether an IdP
    // refuses an expired one is undocumented, so a warning of its own, not an error.
    let md = parse(&entity(
        "https://sp.example.org/",
        &sp_role(
            "",
            &format!(
                "{}{}",
                key("encryption", &expired_cert()),
                acs("https://sp.example.org/acs", 0)
            ),
        ),
    ));
    let f = lint(&md, &LintOptions::at(at()));
    assert_eq!(
        find(&f, "x509.expired_other").unwrap().severity,
        Severity::Warning
    );
    assert!(!has(&f, "x509.expired") && !has(&f, "x509.expired_idp_encryption"));
}

// ---- advice follows the IdP flavour ----

#[test]
fn nameid_hint_speaks_the_idps_language() {
    let sp = parse(&ic_sp_xml());
    let k = key("signing", &valid_cert());
    let hint_for = |id: &str| {
        let f = pair_check(&sp, &parse(&idp_xml(id, &k)));
        find(&f, "pair.nameid.must_equal_username")
            .unwrap()
            .hint
            .clone()
    };
    let entra = hint_for(&format!("https://sts.windows.net/{TENANT}/"));
    assert!(entra.contains("Unique User Identifier"), "{entra}");
    let adfs = hint_for("http://sts.example.org/adfs/services/trust");
    assert!(
        adfs.contains("relying party trust") && adfs.contains("Name ID"),
        "{adfs}"
    );
    let generic = hint_for("https://idp.example.org/");
    for h in [&adfs, &generic] {
        assert!(
            !h.contains("Entra") && !h.contains("Unique User Identifier"),
            "{h}"
        );
    }
}

#[test]
fn not_checkable_notes_follow_the_idp_flavour() {
    let entra_terms = ["PIM", "AADSTS", "claims policy", "Unique User Identifier"];
    let entra_notes = exports::not_checkable_notes(IdpVendor::Entra).join("\n");
    assert!(entra_notes.contains("PIM") && entra_notes.contains("AADSTS"));
    for v in [
        IdpVendor::Adfs,
        IdpVendor::Other,
        IdpVendor::AwsIdentityCenter,
    ] {
        let n = exports::not_checkable_notes(v).join("\n");
        assert!(!n.is_empty());
        for t in entra_terms {
            assert!(!n.contains(t), "{v:?}: {n}");
        }
    }
    assert!(exports::not_checkable_notes(IdpVendor::Adfs)
        .join("\n")
        .contains("relying party trust"));
    // Through the pair check: the IdP's flavour decides.
    let sp = parse(&ic_sp_xml());
    let k = key("signing", &valid_cert());
    let notes = |id: &str| {
        let md = parse(&idp_xml(id, &k));
        let opts = PairOptions::at(at());
        let sel = pair::select(&sp, "sp", &md, "idp", &opts).unwrap();
        pair::check_exports(sel.sp, sel.idp, &PairInputs::default(), at())
            .not_checkable
            .join("\n")
    };
    assert!(notes(&format!("https://sts.windows.net/{TENANT}/")).contains("PIM"));
    let adfs = notes("http://sts.example.org/adfs/services/trust");
    assert!(!adfs.contains("PIM") && !adfs.contains("AADSTS"), "{adfs}");
}

// ---- the IdP's encryption key ----

#[test]
fn encryption_key_has_one_severity_and_is_reported_once_in_a_pair_report() {
    assert_eq!(
        severity_of("pair.idp.encryption_key"),
        severity_of("aws.ic.idp.encryption_key")
    );
    let sp = parse(&ic_sp_xml());
    let with_enc = idp_xml(
        "http://sts.example.org/adfs/services/trust",
        &format!(
            "{}{}",
            key("encryption", &cert_cn("enc", 9)),
            key("signing", &valid_cert())
        ),
    );
    let idp = parse(&with_enc);
    let pair_f = pair_check(&sp, &idp);
    let p = find(&pair_f, "pair.idp.encryption_key").unwrap();
    assert!(p.message.contains("An encryption key is not supported"));
    assert!(
        p.hint.contains("samlcheck rewrite --remove-cert"),
        "{}",
        p.hint
    );
    let file_f = lint(&idp, &LintOptions::at(at()));
    let l = find(&file_f, "aws.ic.idp.encryption_key").unwrap();
    assert_eq!(p.severity, l.severity);
    // In the pair report the single-file finding gives way to the pair's.
    let kept = pair::relevant_file_findings(file_f, &idp.entities[0], true, &pair_f);
    assert!(!has(&kept, "aws.ic.idp.encryption_key"));
    // Quiet: no encryption key.
    let idp = parse(&idp_xml(
        "http://sts.example.org/adfs/services/trust",
        &key("signing", &valid_cert()),
    ));
    assert!(!has(&pair_check(&sp, &idp), "pair.idp.encryption_key"));
    assert!(!has(
        &lint(&idp, &LintOptions::at(at())),
        "aws.ic.idp.encryption_key"
    ));
}

// ---- AWS's own metadata is not wrong ----

#[test]
fn empty_nameid_format_is_not_reported_on_identity_center_idp_metadata() {
    let inner = format!("{}<md:NameIDFormat/>", key("signing", &valid_cert()));
    let ic_idp = parse(&idp_xml(
        "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MDEyMzQ1Njc4OTAxX2lucy0xMjM0",
        &inner,
    ));
    assert!(matches!(
        ic_idp.entities[0].flavor,
        samlcheck::Flavor::AwsIdentityCenterIdp { .. }
    ));
    assert!(!has(
        &lint(&ic_idp, &LintOptions::at(at())),
        "md.nameid_format.empty"
    ));
    let other = parse(&idp_xml("https://idp.example.org/", &inner));
    assert!(has(
        &lint(&other, &LintOptions::at(at())),
        "md.nameid_format.empty"
    ));
}

// ---- byte order mark ----

#[test]
fn bom_is_an_error_for_iam_and_info_for_identity_center() {
    let idp_text = idp_xml("https://idp.example.org/", &key("signing", &valid_cert()));
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(idp_text.as_bytes());
    let idp_bom = parse_bytes(bom);
    let ic = pair_check(&parse(&ic_sp_xml()), &idp_bom);
    let f = find(&ic, "pair.idp.bom_identity_center").unwrap();
    assert_eq!(f.severity, Severity::Info);
    assert!(!has(&ic, "pair.idp.bom"));
    let iam = pair_check(&parse(&iam_sp_xml()), &idp_bom);
    assert_eq!(
        find(&iam, "pair.idp.bom").unwrap().severity,
        Severity::Error
    );
    assert!(!has(&iam, "pair.idp.bom_identity_center"));
    // Quiet without a BOM.
    let plain = parse(&idp_text);
    for sp in [ic_sp_xml(), iam_sp_xml()] {
        let f = pair_check(&parse(&sp), &plain);
        assert!(!has(&f, "pair.idp.bom") && !has(&f, "pair.idp.bom_identity_center"));
    }
}

// ---- NameID formats ----

#[test]
fn unspecified_only_nameid_format_is_a_warning_with_the_fix() {
    let sp = parse(&ic_sp_xml());
    let k = key("signing", &valid_cert());
    let idp = parse(&idp_xml(
        "https://idp.example.org/",
        &format!("{k}{}", nid(UNSPEC)),
    ));
    let f = pair_check(&sp, &idp);
    let w = find(&f, "pair.nameid.email_not_listed").unwrap();
    assert_eq!(w.severity, Severity::Warning);
    assert!(w.hint.contains("emailAddress"), "{}", w.hint);
    assert!(!has(&f, "pair.nameid.not_email"));
    // Persistent only: the metadata does not list emailAddress; the format is still chosen
    // per application at most IdPs, so a warning too, under its own code.
    let idp = parse(&idp_xml(
        "https://idp.example.org/",
        &format!("{k}{}", nid(PERSISTENT)),
    ));
    let f = pair_check(&sp, &idp);
    assert_eq!(
        find(&f, "pair.nameid.not_email").unwrap().severity,
        Severity::Warning
    );
    assert!(!has(&f, "pair.nameid.email_not_listed"));
    // emailAddress listed: quiet.
    let idp = parse(&idp_xml(
        "https://idp.example.org/",
        &format!("{k}{}{}", nid(UNSPEC), nid(EMAIL)),
    ));
    let f = pair_check(&sp, &idp);
    assert!(!has(&f, "pair.nameid.not_email") && !has(&f, "pair.nameid.email_not_listed"));
}

// ---- tenant-level Entra metadata ----

#[test]
fn tenant_wide_entra_metadata_is_an_error_for_aws_sps() {
    let tenant_key = key("signing", &cert_cn("accounts.accesscontrol.windows.net", 3));
    let tenant_doc = parse(&idp_xml(
        &format!("https://sts.windows.net/{TENANT}/"),
        &tenant_key,
    ));
    for sp in [ic_sp_xml(), iam_sp_xml()] {
        let f = pair_check(&parse(&sp), &tenant_doc);
        let e = find(&f, "pair.idp.entra_tenant_metadata").unwrap();
        assert_eq!(e.severity, Severity::Error);
        assert!(
            e.hint.contains("appid=") && e.hint.contains(TENANT),
            "{}",
            e.hint
        );
    }
    // The app's own document (its SAML signing certificate) stays quiet.
    let app_doc = parse(&idp_xml(
        &format!("https://sts.windows.net/{TENANT}/"),
        &key(
            "signing",
            &cert_cn("Microsoft Azure Federated SSO Certificate", 4),
        ),
    ));
    assert!(!has(
        &pair_check(&parse(&ic_sp_xml()), &app_doc),
        "pair.idp.entra_tenant_metadata"
    ));
    // Another SP: not said.
    let other_sp = parse(&good_sp("https://sp.example.org/"));
    assert!(!has(
        &pair_check(&other_sp, &tenant_doc),
        "pair.idp.entra_tenant_metadata"
    ));
}

// ---- ACS coverage ----

fn app_with_reply_urls(urls: &[&str]) -> PairInputs {
    let v = json!({
        "appId": "2c4e6a80-1111-4222-8333-444455556666",
        "servicePrincipalNames": [IC_ENTITY],
        "replyUrls": urls,
    });
    let mut p = PairInputs::default();
    p.app = Some(exports::EntraApp::from_json(&v.to_string(), "app.json").unwrap());
    p
}

fn acs_codes(sp: &SpFacts, urls: &[&str]) -> Vec<Finding> {
    let r = exports::check(
        sp,
        &exports::IdpFacts::default(),
        &app_with_reply_urls(urls),
        at(),
    );
    r.findings
        .into_iter()
        .filter(|f| f.code.starts_with("pair.acs."))
        .collect()
}

#[test]
fn a_missing_alternative_acs_form_is_a_warning_naming_the_path() {
    let sp = SpFacts::new(
        IC_ENTITY,
        vec![
            IC_ACS_LEGACY.into(),
            IC_ACS.into(),
            IC_ACS_DUAL.into(),
            IC_ACS_OTHER_REGION.into(),
        ],
    );
    // The IPv4 form of the primary Region is there: the others are alternatives.
    let f = acs_codes(&sp, &[IC_ACS]);
    assert!(!has(&f, "pair.acs.not_in_reply_urls"), "{f:#?}");
    let legacy = find(&f, "pair.acs.legacy_missing").unwrap();
    assert_eq!(legacy.severity, Severity::Warning);
    let alts: Vec<&Finding> = f
        .iter()
        .filter(|x| x.code == "pair.acs.alternative_missing")
        .collect();
    assert_eq!(alts.len(), 2, "{f:#?}");
    assert!(alts.iter().all(|a| a.severity == Severity::Warning));
    assert!(alts
        .iter()
        .any(|a| a.message.contains("dual-stack") && a.message.contains("SP-initiated")));
    assert!(alts
        .iter()
        .any(|a| a.message.contains("additional Region eu-central-1")));
    // Every form listed: quiet.
    let f = acs_codes(
        &sp,
        &[IC_ACS_LEGACY, IC_ACS, IC_ACS_DUAL, IC_ACS_OTHER_REGION],
    );
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn no_primary_region_acs_among_the_reply_urls_is_an_error() {
    let sp = SpFacts::new(
        IC_ENTITY,
        vec![
            IC_ACS_LEGACY.into(),
            IC_ACS.into(),
            IC_ACS_OTHER_REGION.into(),
        ],
    );
    // Only another Region's ACS URL: the primary Region's sign-in fails.
    let f = acs_codes(&sp, &[IC_ACS_OTHER_REGION]);
    let errs: Vec<&Finding> = f
        .iter()
        .filter(|x| x.code == "pair.acs.not_in_reply_urls")
        .collect();
    assert_eq!(errs.len(), 2, "{f:#?}");
    assert!(errs.iter().all(|e| e.severity == Severity::Error));
    assert!(!has(&f, "pair.acs.alternative_missing"));
}

// ---- AWS China and GovCloud ----

#[test]
fn china_and_govcloud_iam_endpoints_are_accepted() {
    let cases = [
        (
            "urn:amazon:webservices:cn-north-1",
            "https://cn-north-1.signin.amazonaws.cn/saml",
        ),
        (
            "urn:amazon:webservices:cn-north-1",
            "https://signin.amazonaws.cn/saml",
        ),
        (
            "urn:amazon:webservices:govcloud",
            "https://signin.amazonaws-us-gov.com/saml",
        ),
        (
            "urn:amazon:webservices:govcloud",
            "https://us-gov-west-1.signin.amazonaws-us-gov.com/saml",
        ),
    ];
    for (id, url) in cases {
        let md = parse(&entity(id, &sp_role("", &acs(url, 0))));
        let c = codes(&lint(&md, &LintOptions::at(at())));
        assert!(
            !c.contains(&"aws.iam.sp.acs") && !c.contains(&"aws.iam.sp.partition"),
            "{id} {url}: {c:?}"
        );
    }
    // A commercial entity with a China ACS: a partition mismatch.
    let md = parse(&entity(
        "urn:amazon:webservices",
        &sp_role("", &acs("https://cn-north-1.signin.amazonaws.cn/saml", 0)),
    ));
    assert!(codes(&lint(&md, &LintOptions::at(at()))).contains(&"aws.iam.sp.partition"));
    // Not a sign-in host: still not an AWS endpoint.
    let md = parse(&entity(
        "urn:amazon:webservices:cn-north-1",
        &sp_role("", &acs("https://cn-north-1.signin.example.cn/saml", 0)),
    ));
    assert!(codes(&lint(&md, &LintOptions::at(at()))).contains(&"aws.iam.sp.acs"));
}

#[test]
fn entra_reply_urls_accept_the_china_endpoint_for_an_iam_sp() {
    let sp = SpFacts::new(
        "urn:amazon:webservices:cn-north-1",
        vec!["https://signin.amazonaws.cn/saml".into()],
    );
    let v = json!({
        "servicePrincipalNames": ["urn:amazon:webservices:cn-north-1"],
        "replyUrls": ["https://cn-north-1.signin.amazonaws.cn/saml"],
    });
    let mut p = PairInputs::default();
    p.app = Some(exports::EntraApp::from_json(&v.to_string(), "app.json").unwrap());
    let r = exports::check(&sp, &exports::IdpFacts::default(), &p, at());
    assert!(!r
        .findings
        .iter()
        .any(|f| f.code == "pair.acs.not_in_reply_urls"));
    let v = json!({
        "servicePrincipalNames": ["urn:amazon:webservices:cn-north-1"],
        "replyUrls": ["https://example.org/saml"],
    });
    p.app = Some(exports::EntraApp::from_json(&v.to_string(), "app.json").unwrap());
    let r = exports::check(&sp, &exports::IdpFacts::default(), &p, at());
    assert!(r
        .findings
        .iter()
        .any(|f| f.code == "pair.acs.not_in_reply_urls"));
}

// ---- messages say what is true ----

fn users_report(entra_users: serde_json::Value, aws_users: serde_json::Value) -> Vec<Finding> {
    let sp = SpFacts::new(IC_ENTITY, vec![IC_ACS.into()]);
    let mut p = PairInputs::default();
    p.entra_users = Some(EntraUsers::from_json(&entra_users.to_string(), "entra.json").unwrap());
    p.aws_users = Some(AwsUsers::from_json(&aws_users.to_string(), "aws.json").unwrap());
    exports::check(&sp, &exports::IdpFacts::default(), &p, at()).findings
}

fn entra_user(upn: &str, mail: &str) -> serde_json::Value {
    json!({"id": "11111111-0000-4000-8000-000000000009", "userPrincipalName": upn, "mail": mail})
}

fn aws_list(names: &[&str], next: Option<&str>) -> serde_json::Value {
    let users: Vec<serde_json::Value> = names
        .iter()
        .map(|n| json!({"UserName": n, "UserId": "u-1", "IdentityStoreId": "d-93670a1b2c"}))
        .collect();
    match next {
        Some(t) => json!({"Users": users, "NextToken": t}),
        None => json!({"Users": users}),
    }
}

#[test]
fn matches_mail_names_the_real_source_and_not_upn_versus_mail() {
    let f = users_report(
        json!({"value": [entra_user("carol.w@contoso.com", "carol.white@contoso.com")]}),
        aws_list(&["carol.white@contoso.com"], None),
    );
    let m = find(&f, "users.nameid.matches_mail").unwrap();
    assert!(!m.message.contains("UPN and mail differ"), "{}", m.message);
    assert!(m.message.contains("userprincipalname"), "{}", m.message);
    // Quiet when the NameID is the username.
    let f = users_report(
        json!({"value": [entra_user("carol.white@contoso.com", "carol.white@contoso.com")]}),
        aws_list(&["carol.white@contoso.com"], None),
    );
    assert!(!has(&f, "users.nameid.matches_mail"));
}

#[test]
fn case_only_comparison_folds_unicode() {
    let f = users_report(
        json!({"value": [entra_user("Örjan@contoso.com", "x@contoso.com")]}),
        aws_list(&["örjan@contoso.com"], None),
    );
    assert!(has(&f, "users.nameid.case_only"), "{:?}", codes(&f));
    assert!(!has(&f, "users.nameid.no_match"));
    // A different letter is no case difference.
    let f = users_report(
        json!({"value": [entra_user("Orjan@contoso.com", "x@contoso.com")]}),
        aws_list(&["örjan@contoso.com"], None),
    );
    assert!(!has(&f, "users.nameid.case_only") && has(&f, "users.nameid.no_match"));
}

#[test]
fn no_match_on_a_partial_list_has_its_own_code() {
    let entra_users = json!({"value": [entra_user("dan@contoso.com", "dan@contoso.com")]});
    let f = users_report(
        entra_users.clone(),
        aws_list(&["eve@contoso.com"], Some("tok")),
    );
    let w = find(&f, "users.nameid.no_match_partial_list").unwrap();
    assert_eq!(w.severity, Severity::Warning);
    assert!(!has(&f, "users.nameid.no_match"));
    let f = users_report(entra_users, aws_list(&["eve@contoso.com"], None));
    assert_eq!(
        find(&f, "users.nameid.no_match").unwrap().severity,
        Severity::Error
    );
    assert!(!has(&f, "users.nameid.no_match_partial_list"));
}

/// Every code this file is about is emitted at its catalogue severity.
#[test]
fn new_codes_are_in_the_catalogue_with_their_severity() {
    for (code, sev) in [
        ("pair.idp_cert.expired_rollover", Severity::Warning),
        ("x509.expired_rollover", Severity::Warning),
        ("x509.expired_idp_encryption", Severity::Warning),
        ("pair.key.expired_inactive", Severity::Info),
        ("pair.idp.bom_identity_center", Severity::Info),
        ("pair.nameid.email_not_listed", Severity::Warning),
        ("pair.idp.entra_tenant_metadata", Severity::Error),
        ("pair.acs.alternative_missing", Severity::Warning),
        ("pair.acs.legacy_missing", Severity::Warning),
        ("users.nameid.no_match_partial_list", Severity::Warning),
        (
            "entra.cloud.usgov_endpoints_global_issuer",
            Severity::Warning,
        ),
        ("pair.idp.encryption_key", Severity::Warning),
        ("pair.nameid.not_email", Severity::Warning),
        (
            "pair.authn_requests.keycloak_client_setting",
            Severity::Warning,
        ),
        ("aws.ic.idp.encryption_key", Severity::Warning),
    ] {
        assert_eq!(severity_of(code), sev, "{code}");
    }
}

// ---- a vendor-generated realm descriptor ----

#[test]
fn keycloak_realm_descriptor_wanting_signed_requests_is_a_warning() {
    let sp = parse(&ic_sp_xml());
    let realm = "https://kc.example.org/realms/master";
    let kc = entity(
        realm,
        &format!(
            "{}{}",
            idp_role(
                r#" WantAuthnRequestsSigned="true""#,
                &format!(
                    "{}{}",
                    key("signing", &valid_cert()),
                    sso(&format!("{realm}/protocol/saml"))
                )
            ),
            organization()
        ),
    );
    let f = pair_check(&sp, &parse(&kc));
    let w = find(&f, "pair.authn_requests.keycloak_client_setting").unwrap();
    assert_eq!(w.severity, Severity::Warning);
    assert!(!has(&f, "pair.authn_requests.unsigned"));
    // Any other IdP that wants signed requests: the SP's unsigned requests are refused.
    let other = entity(
        "https://idp.example.org/",
        &format!(
            "{}{}",
            idp_role(
                r#" WantAuthnRequestsSigned="true""#,
                &format!(
                    "{}{}",
                    key("signing", &valid_cert()),
                    sso("https://idp.example.org/sso")
                )
            ),
            organization()
        ),
    );
    let f = pair_check(&sp, &parse(&other));
    assert!(has(&f, "pair.authn_requests.unsigned"));
    assert!(!has(&f, "pair.authn_requests.keycloak_client_setting"));
}
