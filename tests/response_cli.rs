//! The quiet side of `samlcheck response` (issue #18): the generated Entra-like responses for
//! the fixtures' pair (assertion-signed, response-signed, both; SP- and IdP-initiated; IAM
//! Identity Center and IAM single-account; signed with either listed certificate) in every
//! input form (XML, base64, wrapped base64, URL-encoded base64, HAR with one and with two
//! POSTs, standard input) exit 0 with no error finding; unreadable input exits 2.
//!
//! Depends on the `response` subcommand and `check --response` (helper "resp", issue #18).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod respgen;

use respgen::*;

fn quiet(r: &Run, what: &str) {
    assert_eq!(
        r.status, 0,
        "{what}: exit 0 expected\nstdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
    assert!(r.errors().is_empty(), "{what}: errors {:?}", r.errors());
    assert!(
        !r.findings()
            .iter()
            .any(|f| f.code.starts_with("response.signature.")
                || f.code.starts_with("response.structure.")
                || f.code.starts_with("response.text.")),
        "{what}: no signature/structure/text finding: {:?}",
        r.findings()
    );
}

fn specs() -> Vec<(&'static str, Spec)> {
    let mut new_key = Spec::ic();
    new_key.key = "idp-new";
    vec![
        ("ic-assertion-sp", Spec::ic()),
        ("ic-assertion-idp", Spec::ic().idp_initiated()),
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

#[test]
fn valid_responses_pass_with_the_pair() {
    let dir = tempfile::tempdir().unwrap();
    for (name, spec) in specs() {
        let f = write(dir.path(), &format!("{name}.xml"), &response(&spec));
        let r = response_cmd(&f, Some(spec.target), "json", &[]);
        quiet(&r, name);
        let t = response_cmd(&f, Some(spec.target), "text", &[]);
        assert_eq!(t.status, 0, "{name} text: {}", t.stderr);
    }
}

#[test]
fn response_signed_responses_pass_with_the_idp_alone() {
    // Signed only at the Response level (Entra's "Sign SAML response"): the signature covers
    // the assertion. Checked without an SP, so no SP preference is involved.
    let dir = tempfile::tempdir().unwrap();
    for (name, spec) in [
        ("ic-response-sp", Spec::ic().signed(Signed::Response)),
        (
            "ic-response-idp",
            Spec::ic().signed(Signed::Response).idp_initiated(),
        ),
    ] {
        let f = write(dir.path(), &format!("{name}.xml"), &response(&spec));
        quiet(&response_cmd(&f, None, "json", &[]), name);
    }
}

#[test]
fn every_input_form_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let xml = response(&Spec::ic());
    let other = response(&Spec::ic().signed(Signed::Both).idp_initiated());
    let forms = [
        ("response.xml", xml.clone()),
        (
            "response-decl.xml",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{xml}"),
        ),
        ("samlresponse.b64", to_base64(&xml)),
        ("samlresponse-nl.b64", format!("{}\n", to_base64(&xml))),
        ("samlresponse-wrapped.b64", to_base64_wrapped(&xml)),
        ("samlresponse.urlencoded", to_urlencoded(&xml)),
        ("one.har", to_har(&[(xml.as_str(), IC_ACS)])),
        (
            "two.har",
            to_har(&[(xml.as_str(), IC_ACS), (other.as_str(), IC_ACS)]),
        ),
    ];
    for (name, text) in &forms {
        let f = write(dir.path(), name, text);
        quiet(
            &response_cmd(&f, Some(Target::IdentityCenter), "json", &[]),
            name,
        );
    }
    // Standard input: XML and base64.
    for (name, text) in [("stdin-xml", xml.clone()), ("stdin-b64", to_base64(&xml))] {
        let r = run(
            &[
                "response",
                "-",
                "--idp",
                IDP_FIXTURE,
                "--sp",
                sp_fixture(Target::IdentityCenter),
                "--at",
                AT,
                "--format",
                "json",
            ],
            Some(text.as_bytes()),
        );
        quiet(&r, name);
    }
}

#[test]
fn har_entry_selects_one_post() {
    // Two valid POSTs and an attack: the whole capture fails, one valid entry passes.
    // `--entry 1` is a valid entry whether entries count from 0 or from 1.
    let dir = tempfile::tempdir().unwrap();
    let xml = response(&Spec::ic());
    let attacks = attacks();
    let xsw = &attacks.iter().find(|a| a.name == "xsw4").unwrap().xml;
    let har = to_har(&[
        (xml.as_str(), IC_ACS),
        (xml.as_str(), IC_ACS),
        (xsw.as_str(), IC_ACS),
    ]);
    let f = write(dir.path(), "three.har", &har);
    let all = response_cmd(&f, Some(Target::IdentityCenter), "json", &[]);
    assert_eq!(all.status, 1, "{}", all.stdout);
    let one = response_cmd(&f, Some(Target::IdentityCenter), "json", &["--entry", "1"]);
    quiet(&one, "--entry 1");
}

#[test]
fn check_with_response_passes_for_a_valid_response() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "r.xml", &response(&Spec::ic()));
    let c = run(
        &[
            "check",
            sp_fixture(Target::IdentityCenter),
            IDP_FIXTURE,
            "--response",
            f.to_str().unwrap(),
            "--at",
            AT,
            "--format",
            "json",
        ],
        None,
    );
    quiet(&c, "check --response");
    // With the Identity Center users: alice@contoso.com is one of them.
    let c = run(
        &[
            "check",
            sp_fixture(Target::IdentityCenter),
            IDP_FIXTURE,
            "--response",
            f.to_str().unwrap(),
            "--aws-users",
            "tests/fixtures/entra/aws-users-good.json",
            "--at",
            AT,
            "--format",
            "json",
        ],
        None,
    );
    quiet(&c, "check --response --aws-users");
}

#[test]
fn default_time_is_the_responses_own() {
    // Without --at the response is judged at its IssueInstant (plus an allowance), so a
    // capture from the past is still examined as it was.
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "r.xml", &response(&Spec::ic()));
    let r = run(
        &[
            "response",
            f.to_str().unwrap(),
            "--idp",
            IDP_FIXTURE,
            "--sp",
            sp_fixture(Target::IdentityCenter),
            "--format",
            "json",
        ],
        None,
    );
    quiet(&r, "no --at");
}

#[test]
fn redact_hides_the_user() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "r.xml", &response(&Spec::ic()));
    for format in ["json", "text", "sarif", "junit"] {
        let r = response_cmd(&f, Some(Target::IdentityCenter), format, &["--redact"]);
        assert_eq!(r.status, 0, "{format}: {}", r.stderr);
        assert!(!r.stdout.contains(USER), "{format}: {}", r.stdout);
    }
}

#[test]
fn unreadable_input_exits_2_and_names_what_was_found() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "garbage.txt",
            "this is neither XML, base64 nor a HAR file\n".to_string(),
        ),
        ("no-saml.har", to_har(&[])),
        (
            "not-a-response.xml",
            std::fs::read_to_string(fixture("aws-ic-sp.xml")).unwrap(),
        ),
    ];
    for (name, text) in &cases {
        let f = write(dir.path(), name, text);
        let r = response_cmd(&f, Some(Target::IdentityCenter), "json", &[]);
        assert_eq!(r.status, 2, "{name}: exit 2\n{}\n{}", r.stdout, r.stderr);
        assert!(!r.stderr.trim().is_empty(), "{name}: a message on stderr");
    }
}

#[test]
fn check_with_response_redacts_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "r.xml", &response(&Spec::ic()));
    for format in ["json", "text", "sarif", "junit"] {
        let c = run(
            &[
                "check",
                sp_fixture(Target::IdentityCenter),
                IDP_FIXTURE,
                "--response",
                f.to_str().unwrap(),
                "--redact",
                "--at",
                AT,
                "--format",
                format,
            ],
            None,
        );
        assert_eq!(c.status, 0, "{format}: {}", c.stderr);
        assert!(
            c.stdout.contains("response.signer"),
            "{format}: {}",
            c.stdout
        );
        assert!(!c.stdout.contains(USER), "{format}: {}", c.stdout);
    }
}
