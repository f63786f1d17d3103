//! Every `response.*` rule fires on a response made to break it, and stays quiet on the
//! valid responses (issue #18). Driven through the library (`samlcheck::response::check`)
//! with the fixtures' pair; the responses come from `tests/respgen` and are re-signed after
//! each edit, so that only the rule under test is broken.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod respgen;

use chrono::{DateTime, Utc};
use respgen::*;
use samlcheck::exports::{InputPaths, PairInputs};
use samlcheck::response::{self, ResponseOptions};
use samlcheck::{Limits, Metadata, Severity};

fn md(rel: &str) -> Metadata {
    samlcheck::parse_metadata(std::fs::read(fixture(rel)).unwrap(), &Limits::default()).unwrap()
}

/// Exports to load: (`--aws-users`, `--entra-users`, `--aws-role`), fixture names under
/// `tests/fixtures/entra`.
#[derive(Default, Clone, Copy)]
struct Ex {
    aws_users: Option<&'static str>,
    entra_users: Option<&'static str>,
    aws_role: Option<&'static str>,
}

struct Case {
    xml: String,
    sp: Option<Target>,
    at: Option<&'static str>,
    ex: Ex,
}

fn case(xml: String, sp: Target) -> Case {
    Case {
        xml,
        sp: Some(sp),
        at: Some(AT),
        ex: Ex::default(),
    }
}

/// Codes and severities of every finding of every response in the input.
fn findings(c: &Case) -> Vec<(String, Severity, String)> {
    let idp = md("entra-idp.xml");
    let sp = c.sp.map(|t| {
        md(match t {
            Target::IdentityCenter => "aws-ic-sp.xml",
            Target::Iam => "aws-iam-sp.xml",
        })
    });
    let p = |f: Option<&'static str>| f.map(|f| fixture(&format!("entra/{f}")));
    let (au, eu, ar) = (p(c.ex.aws_users), p(c.ex.entra_users), p(c.ex.aws_role));
    let exports = PairInputs::load(&InputPaths {
        entra_app: None,
        claims: None,
        entra_users: eu.as_deref(),
        aws_users: au.as_deref(),
        permission_set: None,
        aws_role: ar.as_deref(),
    })
    .unwrap();
    let mut opts = ResponseOptions::new();
    opts.at =
        c.at.map(|a| DateTime::parse_from_rfc3339(a).unwrap().with_timezone(&Utc));
    let report = response::check(c.xml.as_bytes(), &idp, sp.as_ref(), &exports, &opts)
        .unwrap_or_else(|e| panic!("unreadable: {e}\n{}", c.xml));
    report
        .findings()
        .map(|f| (f.code.to_string(), f.severity, f.message.clone()))
        .collect()
}

/// Builds an assertion-signed response from `spec`, with the unsigned assertion edited by
/// `a` (then signed) and the response text edited by `r` (the response is not signed).
fn edited(spec: &Spec, a: impl Fn(&str) -> String, r: impl Fn(&str) -> String) -> String {
    let b = build(spec);
    let assertion = sign_root(&a(&b.assertion_unsigned), spec.key);
    r(&format!(
        "{}{}{}{assertion}</samlp:Response>",
        b.response_open, b.issuer, b.status
    ))
}

fn assertion_edit(spec: &Spec, from: &str, to: &str) -> String {
    let from = from.to_string();
    let to = to.to_string();
    edited(
        spec,
        move |a| {
            assert!(a.contains(&from), "{from} not in the assertion");
            a.replacen(&from, &to, 1)
        },
        |r| r.to_string(),
    )
}

fn attack_xml(name: &str) -> String {
    attacks().into_iter().find(|a| a.name == name).unwrap().xml
}

const ROLE_ATTR: &str = "https://aws.amazon.com/SAML/Attributes/Role";
const RSN_ATTR: &str = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";

/// One case per rule: the code, its catalogue severity, and a response that breaks it.
fn firing() -> Vec<(&'static str, Case)> {
    let ic = Target::IdentityCenter;
    let iam = Target::Iam;
    let mut v: Vec<(&'static str, Case)> = vec![
        (
            "response.signature.missing",
            case(response(&Spec::ic().signed(Signed::None)), ic),
        ),
        (
            "response.signature.invalid",
            case(attack_xml("nameid-changed"), ic),
        ),
        (
            "response.signature.untrusted_key",
            case(attack_xml("untrusted-key"), ic),
        ),
        (
            "response.signature.algorithm",
            case(attack_xml("md5-digest-method"), ic),
        ),
        (
            "response.signature.profile",
            case(
                response(&Spec::ic()).replacen(
                    r#"enveloped-signature"/>"#,
                    r#"enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"/>"#,
                    1,
                ),
                ic,
            ),
        ),
        ("response.signer", case(response(&Spec::ic()), ic)),
        (
            "response.signature.assertion_unsigned",
            case(response(&Spec::ic().signed(Signed::Response)), ic),
        ),
        (
            "response.structure.wrapping",
            case(attack_xml("xsw3"), ic),
        ),
        (
            "response.structure.duplicate_id",
            case(attack_xml("duplicate-id-response-assertion"), ic),
        ),
        ("response.text.comment_split", case(comment_in_nameid(), ic)),
        (
            "response.assertion.missing",
            case(
                {
                    let b = build(&Spec::ic().signed(Signed::None));
                    format!("{}{}{}</samlp:Response>", b.response_open, b.issuer, b.status)
                },
                ic,
            ),
        ),
        (
            "response.assertion.encrypted",
            case(encrypted_assertion(&Spec::ic()), ic),
        ),
        (
            "response.assertion.encrypted_unread",
            case(encrypted_assertion(&Spec::iam()), iam),
        ),
        (
            "response.status.failure",
            case(
                {
                    let b = build(&Spec::ic().signed(Signed::None));
                    format!(
                        concat!(
                            "{}{}<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Requester\">",
                            "<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:RequestDenied\"/></samlp:StatusCode>",
                            "<samlp:StatusMessage>AADSTS50105: The signed in user is not assigned to a role for the application.</samlp:StatusMessage>",
                            "</samlp:Status></samlp:Response>"
                        ),
                        b.response_open, b.issuer
                    )
                },
                ic,
            ),
        ),
        (
            "response.issuer.mismatch",
            case(
                assertion_edit(
                    &Spec::ic(),
                    &format!("<Issuer>{IDP_ENTITY}</Issuer>"),
                    "<Issuer>https://sts.windows.net/ffffffff-0000-4000-8000-000000000000/</Issuer>",
                ),
                ic,
            ),
        ),
        (
            "response.destination.mismatch",
            case(
                edited(
                    &Spec::ic(),
                    |a| a.to_string(),
                    |r| {
                        r.replacen(
                            &format!(r#"Destination="{IC_ACS}""#),
                            r#"Destination="https://eu-west-1.signin.aws.amazon.com/platform/saml/acs/other""#,
                            1,
                        )
                    },
                ),
                ic,
            ),
        ),
        (
            "response.recipient.mismatch",
            case(
                assertion_edit(
                    &Spec::ic(),
                    &format!(r#"Recipient="{IC_ACS}""#),
                    r#"Recipient="https://example.org/acs""#,
                ),
                ic,
            ),
        ),
        (
            "response.recipient.missing",
            case(
                assertion_edit(
                    &Spec::ic(),
                    r#" NotOnOrAfter="2026-09-15T10:05:00.000Z" Recipient"#,
                    " Recipient",
                ),
                ic,
            ),
        ),
        ("response.acs.matched", case(response(&Spec::ic()), ic)),
        (
            "response.audience.mismatch",
            case(
                assertion_edit(
                    &Spec::ic(),
                    &format!("<Audience>{IC_ENTITY}</Audience>"),
                    &format!("<Audience>{IC_ACS}</Audience>"),
                ),
                ic,
            ),
        ),
        (
            "response.subject.no_bearer",
            case(
                assertion_edit(
                    &Spec::ic(),
                    "urn:oasis:names:tc:SAML:2.0:cm:bearer",
                    "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key",
                ),
                ic,
            ),
        ),
        (
            "response.time.not_yet_valid",
            Case {
                at: Some("2026-09-15T09:50:00Z"),
                ..case(response(&Spec::ic()), ic)
            },
        ),
        (
            "response.time.expired",
            Case {
                at: Some("2026-09-15T11:00:00Z"),
                ..case(response(&Spec::ic()), ic)
            },
        ),
        ("response.flow", case(response(&Spec::ic()), ic)),
        (
            "response.nameid.missing",
            case(
                assertion_edit(
                    &Spec::ic(),
                    &format!(
                        r#"<NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{USER}</NameID>"#
                    ),
                    "",
                ),
                ic,
            ),
        ),
        (
            "response.nameid.format",
            case(
                assertion_edit(
                    &Spec::ic(),
                    "nameid-format:emailAddress",
                    "nameid-format:unspecified",
                ),
                ic,
            ),
        ),
        (
            "response.nameid.not_email",
            case(
                response(&Spec {
                    name_id: "alice".into(),
                    ..Spec::ic()
                }),
                ic,
            ),
        ),
        (
            "response.nameid.no_user",
            Case {
                ex: Ex {
                    aws_users: Some("aws-users-good.json"),
                    ..Ex::default()
                },
                ..case(
                    response(&Spec {
                        name_id: "zed@contoso.com".into(),
                        email_attr: "zed@contoso.com".into(),
                        ..Spec::ic()
                    }),
                    ic,
                )
            },
        ),
        (
            "response.nameid.case_only",
            Case {
                ex: Ex {
                    aws_users: Some("aws-users-good.json"),
                    ..Ex::default()
                },
                ..case(
                    response(&Spec {
                        name_id: "bob.jones@contoso.com".into(),
                        ..Spec::ic()
                    }),
                    ic,
                )
            },
        ),
        (
            "response.nameid.matches_mail",
            Case {
                ex: Ex {
                    aws_users: Some("aws-users-bad.json"),
                    ..Ex::default()
                },
                ..case(
                    response(&Spec {
                        name_id: "carol.w@contoso.com".into(),
                        email_attr: "carol.white@contoso.com".into(),
                        ..Spec::ic()
                    }),
                    ic,
                )
            },
        ),
        (
            "response.nameid.guest",
            case(
                response(&Spec {
                    name_id: "alice_fabrikam.com#EXT#@contoso.onmicrosoft.com".into(),
                    ..Spec::ic()
                }),
                ic,
            ),
        ),
        (
            "response.nameid.user_match",
            Case {
                ex: Ex {
                    aws_users: Some("aws-users-good.json"),
                    ..Ex::default()
                },
                ..case(response(&Spec::ic()), ic)
            },
        ),
        (
            "response.nameid.prediction_differs",
            Case {
                ex: Ex {
                    entra_users: Some("entra-users.json"),
                    ..Ex::default()
                },
                ..case(
                    response(&Spec {
                        name_id: "alice.adams@contoso.com".into(),
                        ..Spec::ic()
                    }),
                    ic,
                )
            },
        ),
        (
            "response.iam.role.missing",
            case(
                assertion_edit(
                    &Spec::iam(),
                    &format!(r#"Name="{ROLE_ATTR}""#),
                    r#"Name="https://aws.amazon.com/SAML/Attributes/role""#,
                ),
                iam,
            ),
        ),
        (
            "response.iam.role.value",
            case(
                assertion_edit(
                    &Spec::iam(),
                    IAM_ROLE,
                    "arn:aws:iam::123456789012:role/EntraAdmins,arn:aws:iam::210987654321:saml-provider/EntraID",
                ),
                iam,
            ),
        ),
        (
            "response.iam.role.not_trusted",
            Case {
                ex: Ex {
                    aws_role: Some("iam-role.json"),
                    ..Ex::default()
                },
                ..case(
                    assertion_edit(
                        &Spec::iam(),
                        IAM_ROLE,
                        "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/OldIdP",
                    ),
                    iam,
                )
            },
        ),
        (
            "response.iam.session_name",
            case(
                assertion_edit(
                    &Spec::iam(),
                    &format!(r#"<Attribute Name="{RSN_ATTR}"><AttributeValue>{USER}<"#),
                    &format!(r#"<Attribute Name="{RSN_ATTR}"><AttributeValue>Alice Adams<"#),
                ),
                iam,
            ),
        ),
        (
            "response.iam.session_duration",
            case(
                assertion_edit(
                    &Spec::iam(),
                    "<AttributeValue>3600</AttributeValue>",
                    "<AttributeValue>60</AttributeValue>",
                ),
                iam,
            ),
        ),
        (
            "response.abac.limits",
            case(
                assertion_edit(
                    &Spec::ic(),
                    "<AttributeStatement>",
                    concat!(
                        "<AttributeStatement><Attribute Name=\"https://aws.amazon.com/SAML/Attributes/AccessControl:Team\">",
                        "<AttributeValue>red</AttributeValue><AttributeValue>blue</AttributeValue></Attribute>"
                    ),
                ),
                ic,
            ),
        ),
    ];
    if let Some(x) = response_signed_with(&Spec::ic(), Method::RsaSha1) {
        v.push(("response.signature.sha1", case(x, ic)));
    }
    v
}

fn severity_of(code: &str) -> Severity {
    samlcheck::catalog::rule(code)
        .unwrap_or_else(|| panic!("{code} not in the catalogue"))
        .severity
}

#[test]
fn every_rule_fires_on_its_case_with_its_catalogue_severity() {
    let mut failures = Vec::new();
    for (code, c) in firing() {
        let f = findings(&c);
        let sev = severity_of(code);
        if !f.iter().any(|(x, s, _)| x == code && *s == sev) {
            failures.push(format!("{code} ({sev:?}) did not fire: {f:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_firing_case() {
    let mut codes: Vec<&str> = firing().iter().map(|(c, _)| *c).collect();
    if !have_openssl() {
        codes.push("response.signature.sha1");
    }
    codes.sort_unstable();
    let mut all = response::rule_codes();
    all.sort_unstable();
    assert_eq!(codes, all);
}

/// Rules that fire on a valid response (notes about what was read), and a case where each is
/// quiet.
fn informational_quiet() -> Vec<(&'static str, Case)> {
    let no_sp = |xml: String| Case {
        sp: None,
        ..case(xml, Target::IdentityCenter)
    };
    vec![
        (
            "response.signer",
            case(
                response(&Spec::ic().signed(Signed::None)),
                Target::IdentityCenter,
            ),
        ),
        ("response.acs.matched", no_sp(response(&Spec::ic()))),
        (
            "response.flow",
            case(attack_xml("xsw4"), Target::IdentityCenter),
        ),
        (
            "response.nameid.user_match",
            case(response(&Spec::ic()), Target::IdentityCenter),
        ),
    ]
}

#[test]
fn valid_responses_raise_no_warning_or_error_and_informational_rules_can_be_quiet() {
    let mut failures = Vec::new();
    let mut valid: Vec<(&str, Case)> = valid_specs()
        .into_iter()
        .map(|(n, s)| {
            let t = s.target;
            (n, case(response(&s), t))
        })
        .collect();
    // With the exports the valid user matches.
    valid.push((
        "ic with exports",
        Case {
            ex: Ex {
                aws_users: Some("aws-users-good.json"),
                entra_users: Some("entra-users.json"),
                aws_role: None,
            },
            ..case(response(&Spec::ic()), Target::IdentityCenter)
        },
    ));
    valid.push((
        "iam with the trusted role",
        Case {
            ex: Ex {
                aws_role: Some("iam-role.json"),
                ..Ex::default()
            },
            ..case(
                assertion_edit(
                    &Spec::iam(),
                    IAM_ROLE,
                    "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/Entra",
                ),
                Target::Iam,
            )
        },
    ));
    // At its own IssueInstant (no --at).
    valid.push((
        "no --at",
        Case {
            at: None,
            ..case(response(&Spec::ic()), Target::IdentityCenter)
        },
    ));
    let sp_less = ["ic-response-sp", "ic-response-idp"];
    for (name, mut c) in valid {
        if sp_less.contains(&name) {
            // Response-signed only: the SP wants signed assertions (a warning), so without SP.
            c.sp = None;
        }
        for (code, sev, msg) in findings(&c) {
            if sev != Severity::Info {
                failures.push(format!("{name}: {code} {sev:?}: {msg}"));
            }
        }
    }
    for (code, c) in informational_quiet() {
        if findings(&c).iter().any(|(x, _, _)| x == code) {
            failures.push(format!("{code} fired on its quiet case"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_comment_split_nameid_is_compared_in_full() {
    // CVE-2017-11427 class: the NameID is `alice@contoso.com<!---->.evil.example`; read in
    // full it is no UserName (the mail attribute, alice's, is: that is named), where a
    // truncating reader would sign alice in.
    let f = findings(&Case {
        ex: Ex {
            aws_users: Some("aws-users-good.json"),
            ..Ex::default()
        },
        ..case(comment_in_nameid(), Target::IdentityCenter)
    });
    assert!(
        f.iter()
            .any(|(c, s, _)| c == "response.nameid.matches_mail" && *s == Severity::Error),
        "{f:?}"
    );
    assert!(!f.iter().any(|(c, _, _)| c == "response.nameid.user_match"));
}

#[test]
fn a_failure_status_names_the_aadsts_code() {
    let (_, c) = firing()
        .into_iter()
        .find(|(c, _)| *c == "response.status.failure")
        .unwrap();
    let f = findings(&c);
    let (_, _, msg) = f
        .iter()
        .find(|(c, _, _)| c == "response.status.failure")
        .unwrap();
    assert!(
        msg.contains("AADSTS50105") && msg.contains("not assigned"),
        "{msg}"
    );
}

#[test]
fn the_acs_note_names_the_region() {
    let f = findings(&case(response(&Spec::ic()), Target::IdentityCenter));
    let (_, _, msg) = f
        .iter()
        .find(|(c, _, _)| c == "response.acs.matched")
        .unwrap();
    assert!(msg.contains("eu-west-1"), "{msg}");
}

#[test]
fn the_signer_note_says_which_listed_certificate_signed() {
    let mut s = Spec::ic();
    s.key = "idp-new";
    let f = findings(&case(response(&s), Target::IdentityCenter));
    let (_, _, msg) = f.iter().find(|(c, _, _)| c == "response.signer").unwrap();
    assert!(msg.contains("certificate 2 of 2"), "{msg}");
}

#[test]
fn an_aws_role_the_response_does_not_name_is_noted() {
    let idp = md("entra-idp.xml");
    let sp = md("aws-iam-sp.xml");
    let role = fixture("entra/iam-role.json");
    let exports = PairInputs::load(&InputPaths {
        entra_app: None,
        claims: None,
        entra_users: None,
        aws_users: None,
        permission_set: None,
        aws_role: Some(&role),
    })
    .unwrap();
    let mut opts = ResponseOptions::new();
    opts.at = Some(
        DateTime::parse_from_rfc3339(AT)
            .unwrap()
            .with_timezone(&Utc),
    );
    let xml = response(&Spec::iam());
    let r = response::check(xml.as_bytes(), &idp, Some(&sp), &exports, &opts).unwrap();
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("arn:aws:iam::123456789012:role/Admin") && n.contains("none of")),
        "{:?}",
        r.notes
    );
    assert!(!r
        .findings()
        .any(|f| f.code == "response.iam.role.not_trusted"));
}
