//! Body of the `response` fuzz target (also replayed by `tests/response_fuzz.rs`).
//!
//! Input: byte 0 from `0xF0` up: the rest goes to `response::check` as is (any input form:
//! XML, base64, URL-encoded, HAR). Below `0xF0`: byte 0 picks a base response (the
//! committed fixtures of `tests/fixtures/responses`, valid and attacks) and whether the SP
//! metadata is given; the rest is up to 8 splice instructions of 4 bytes (kind, position
//! high/low, length or snippet index): delete a range, duplicate a range elsewhere, insert a
//! snippet (an Assertion start/end tag, an ID attribute, a comment, an Extensions or Object
//! wrapper, a Signature end tag), change one byte.
//!
//! Invariants:
//! - never panics; an `Err` has a non-empty message;
//! - every finding's code is in the catalogue, at its catalogue severity;
//! - **an accepted response has a verified signature covering the assertion that was
//!   read**: checked here independently of the checker's own bookkeeping. The XML is read
//!   again, verified with the IdP metadata's certificates pinned; the root is a
//!   `samlp:Response` with exactly one `saml:Assertion` child and no other `Assertion`
//!   anywhere; a signature whose verified node is the root or that Assertion is `Ok` with a
//!   pinned certificate; and the NameID the checker reports equals the whole text of that
//!   Assertion's `Subject/NameID`.

use samlcheck::dsig::{self, Trust, TrustBasis};
use samlcheck::exports::PairInputs;
use samlcheck::response::{self, InputForm, ResponseOptions};
use samlcheck::xml::{self, ns, XmlDoc};
use samlcheck::{Limits, Metadata};

const IDP: &[u8] = include_bytes!("../../tests/fixtures/entra-idp.xml");
const SP: &[u8] = include_bytes!("../../tests/fixtures/aws-ic-sp.xml");

const BASES: &[&[u8]] = &[
    include_bytes!("../../tests/fixtures/responses/valid/ic-assertion-sp.xml"),
    include_bytes!("../../tests/fixtures/responses/valid/ic-response-sp.xml"),
    include_bytes!("../../tests/fixtures/responses/valid/ic-both-idp.xml"),
    include_bytes!("../../tests/fixtures/responses/valid/iam-both.xml"),
    include_bytes!("../../tests/fixtures/responses/attacks/xsw3.xml"),
    include_bytes!("../../tests/fixtures/responses/attacks/xsw7.xml"),
    include_bytes!("../../tests/fixtures/responses/attacks/comment-in-nameid.xml"),
    include_bytes!("../../tests/fixtures/responses/attacks/encrypted-assertion.xml"),
];

const SNIPPETS: &[&str] = &[
    "<Assertion xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_e71\" Version=\"2.0\">",
    "</Assertion>",
    " ID=\"_4c3b2a19-0f8e-4d7c-9b6a-5f4e3d2c1b0a\"",
    " ID=\"_9a0f3b2c-6d1e-4f5a-8b7c-0d1e2f3a4b5c\"",
    "<!---->",
    "<samlp:Extensions>",
    "</samlp:Extensions>",
    "<ds:Object>",
    "</ds:Object>",
    "</ds:Signature>",
    "<NameID>admin@contoso.com</NameID>",
    "<?pi x?>",
    "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">",
    " xmlns=\"urn:example:other\"",
    "&amp;",
    "<![CDATA[x]]>",
];

fn at() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-09-15T10:00:30Z")
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default()
}

fn mutate(base: &[u8], ops: &[u8]) -> Vec<u8> {
    let mut v = base.to_vec();
    for op in ops.chunks_exact(4).take(8) {
        let (kind, hi, lo, n) = (op[0], op[1], op[2], op[3]);
        if v.is_empty() {
            break;
        }
        let pos = (usize::from(hi) << 8 | usize::from(lo)) * v.len() / 65536;
        let end = (pos + usize::from(n)).min(v.len());
        match kind % 4 {
            0 => {
                v.drain(pos..end);
            }
            1 => {
                let part = v[pos..end].to_vec();
                let to = (pos + usize::from(n) * 97) % (v.len() + 1);
                v.splice(to..to, part);
            }
            2 => {
                let s = SNIPPETS[usize::from(n) % SNIPPETS.len()].as_bytes();
                v.splice(pos..pos, s.iter().copied());
            }
            _ => {
                if let Some(b) = v.get_mut(pos) {
                    *b = n;
                }
            }
        }
    }
    v
}

/// Runs one input through the checker and asserts the invariants.
pub fn run(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let limits = Limits::default();
    let Ok(idp) = samlcheck::parse_metadata(IDP.to_vec(), &limits) else {
        panic!("the IdP fixture parses");
    };
    let sp = samlcheck::parse_metadata(SP.to_vec(), &limits).ok();
    let (input, with_sp) = if first >= 0xF0 {
        (rest.to_vec(), first & 1 == 0)
    } else {
        let base = BASES[usize::from(first) % BASES.len()];
        (mutate(base, rest), first & 0x10 == 0)
    };
    let mut opts = ResponseOptions::new();
    opts.at = Some(at());
    let exports = PairInputs::default();
    let sp_ref = if with_sp { sp.as_ref() } else { None };
    let report = match response::check(&input, &idp, sp_ref, &exports, &opts) {
        Ok(r) => r,
        Err(e) => {
            assert!(!e.to_string().trim().is_empty(), "an error has a message");
            return;
        }
    };
    for f in report.findings() {
        let rule = samlcheck::catalog::rule(f.code)
            .unwrap_or_else(|| panic!("{} is not in the catalogue", f.code));
        assert_eq!(rule.severity, f.severity, "{}", f.code);
    }
    for r in report.responses.iter().filter(|r| r.accepted) {
        assert!(r.covered.is_some(), "accepted without a covering signature");
        assert!(!r.signers.is_empty(), "accepted without a signer");
        if r.form == InputForm::Xml {
            covered_independently(&input, &idp, r.summary.name_id.as_deref());
        }
    }
}

/// The independent re-check of an accepted XML response (see the module docs).
pub fn covered_independently(input: &[u8], idp: &Metadata, name_id: Option<&str>) {
    let limits = Limits::default();
    let decoded = xml::decode_checked(input.to_vec(), &limits).expect("accepted input decodes");
    let doc = XmlDoc::parse(decoded.text(), &limits).expect("accepted input parses");
    let root = doc.root();
    assert!(
        xml::is(root, ns::SAMLP, "Response"),
        "root is samlp:Response"
    );
    let all: Vec<_> = doc
        .tree()
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "Assertion")
        .collect();
    assert_eq!(
        all.len(),
        1,
        "exactly one Assertion element in the document"
    );
    let assertion = all[0];
    assert!(
        xml::is(assertion, ns::SAML, "Assertion") && assertion.parent_element() == Some(root),
        "the Assertion is a saml:Assertion child of the Response"
    );
    let mut trust = Trust::embedded();
    for c in idp
        .entities
        .iter()
        .flat_map(|e| e.idp_roles())
        .flat_map(|r| r.signing_keys())
        .flat_map(|k| k.certificates.iter())
    {
        let _ = trust.add_der(&c.der);
    }
    let verified = dsig::verify_with_limits(&doc, &trust, &limits);
    let covering = verified.signatures.iter().any(|s| match &s.outcome {
        Ok(v) => {
            matches!(
                v.info().trust,
                TrustBasis::PinnedCert | TrustBasis::PinnedFingerprint
            ) && (v.node() == root || v.node() == assertion)
                && s.signature.parent_element() == Some(v.node())
        }
        Err(_) => false,
    });
    assert!(
        covering,
        "a pinned, verified signature covers the Response or its Assertion"
    );
    let sent = assertion
        .children()
        .find(|n| xml::is(*n, ns::SAML, "Subject"))
        .and_then(|s| s.children().find(|n| xml::is(*n, ns::SAML, "NameID")))
        .map(|n| {
            n.descendants()
                .filter(|d| d.is_text())
                .filter_map(|d| d.text())
                .collect::<String>()
        });
    assert_eq!(
        sent.as_deref().map(str::trim),
        name_id,
        "the NameID read is the covered Assertion's whole NameID text"
    );
}
