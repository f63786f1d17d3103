//! The `response` fuzz target's checks (fuzz/fuzz_targets/response_check.rs) run here on
//! its seeds: each base response as is, with and without the SP metadata, after each kind
//! of splice at several places, and in the raw mode with the other input forms. Also shows
//! that the independent "covered" check is not vacuous: it holds for a valid response and
//! fails for a wrapped one.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../fuzz/fuzz_targets/response_check.rs"]
mod response_check;

mod respgen;

use samlcheck::Limits;

fn idp() -> samlcheck::Metadata {
    samlcheck::parse_metadata(
        std::fs::read(respgen::fixture("entra-idp.xml")).unwrap(),
        &Limits::default(),
    )
    .unwrap()
}

#[test]
fn seeds_hold_the_invariants() {
    for base in (0u8..8).chain(16..24) {
        response_check::run(&[base]);
        for kind in 0u8..4 {
            for pos in [0u8, 1, 40, 90, 128, 200, 255] {
                for n in [0u8, 3, 9, 17, 200] {
                    response_check::run(&[base, kind, pos, 7, n]);
                    response_check::run(&[base, kind, pos, 7, n, 2, pos / 2, 1, n / 2]);
                }
            }
        }
    }
    let xml = respgen::response(&respgen::Spec::ic());
    for raw in [
        respgen::to_base64(&xml),
        respgen::to_urlencoded(&xml),
        respgen::to_har(&[(xml.as_str(), respgen::IC_ACS)]),
        xml.clone(),
        String::new(),
        "{".into(),
    ] {
        let mut input = vec![0xF0];
        input.extend(raw.as_bytes());
        response_check::run(&input);
        input[0] = 0xF1;
        response_check::run(&input);
    }
}

#[test]
fn the_independent_check_holds_for_a_valid_response_and_fails_for_a_wrapped_one() {
    let idp = idp();
    for spec in [
        respgen::Spec::ic(),
        respgen::Spec::ic().signed(respgen::Signed::Response),
        respgen::Spec::iam().signed(respgen::Signed::Both),
    ] {
        let xml = respgen::response(&spec);
        response_check::covered_independently(xml.as_bytes(), &idp, Some(respgen::USER));
    }
    let attacks = respgen::attacks();
    for name in [
        "xsw3",
        "xsw7",
        "untrusted-key",
        "stripped-assertion-signature",
    ] {
        let xml = attacks.iter().find(|a| a.name == name).unwrap().xml.clone();
        let r = std::panic::catch_unwind(|| {
            response_check::covered_independently(xml.as_bytes(), &idp, Some(respgen::USER))
        });
        assert!(r.is_err(), "{name}: the independent check must fail");
    }
}
