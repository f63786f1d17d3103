//! Interoperability with xmlsec1 (a real XML-DSig implementation).
//!
//! - xmlsec1 signs templates with varied prefixes, default namespaces, entities, CDATA,
//!   comments, attribute order, InclusiveNamespaces, inclusive c14n, SHA-1, ECDSA, `URI=""`;
//!   CRLF and BOM variants are made from its output. We verify every one.
//! - We sign varied inputs; `xmlsec1 --verify` accepts every one.
//! - A one-byte change in signed content is rejected by both.
//!
//! Skips with a message when xmlsec1 is absent, but fails when `CI=true`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use samlcheck::dsig::{self, sign, Failure, SignOptions, SigningKey, Trust};
use samlcheck::xml::{read_path, XmlDoc};
use samlcheck::Limits;
use std::path::{Path, PathBuf};
use std::process::Command;

const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";

fn xmlsec1() -> Option<&'static str> {
    let ok = Command::new("xmlsec1")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some("xmlsec1");
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("xmlsec1 is required in CI (apt-get install xmlsec1)");
    }
    eprintln!(
        "SKIPPED: xmlsec1 not found; install it (apt-get install xmlsec1) to run the interop tests"
    );
    None
}

fn key_path(name: &str, ext: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/keys/{name}.{ext}"))
}

fn xmlsec_sign(dir: &Path, name: &str, template: &str, key: &str, id_node: &str) -> Vec<u8> {
    let tmpl = dir.join(format!("{name}.tmpl.xml"));
    let out = dir.join(format!("{name}.signed.xml"));
    std::fs::write(&tmpl, template).unwrap();
    let k = format!(
        "{},{}",
        key_path(key, "key.pem").display(),
        key_path(key, "crt.pem").display()
    );
    let o = Command::new("xmlsec1")
        .args([
            "--sign",
            "--privkey-pem",
            &k,
            "--id-attr:ID",
            id_node,
            "--output",
        ])
        .arg(&out)
        .arg(&tmpl)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "xmlsec1 --sign {name}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::read(&out).unwrap()
}

fn xmlsec_verify(dir: &Path, name: &str, bytes: &[u8], key: &str, id_node: &str) -> bool {
    let f = dir.join(format!("{name}.verify.xml"));
    std::fs::write(&f, bytes).unwrap();
    Command::new("xmlsec1")
        .args(["--verify", "--id-attr:ID", id_node, "--pubkey-cert-pem"])
        .arg(key_path(key, "crt.pem"))
        .arg(&f)
        .output()
        .unwrap()
        .status
        .success()
}

/// Our outcomes for every signature, reading the bytes as the binary does.
fn ours(dir: &Path, name: &str, bytes: &[u8], key: &str) -> Vec<Result<(), Failure>> {
    let f = dir.join(format!("{name}.ours.xml"));
    std::fs::write(&f, bytes).unwrap();
    let d = read_path(&f, &Limits::default()).unwrap();
    let doc = XmlDoc::parse(d.text(), &Limits::default()).unwrap();
    let trust =
        Trust::from_pem(&std::fs::read_to_string(key_path(key, "crt.pem")).unwrap()).unwrap();
    let r = dsig::verify(&doc, &trust);
    r.signatures
        .iter()
        .map(|c| c.outcome.as_ref().map(|_| ()).map_err(Clone::clone))
        .collect()
}

struct Tmpl {
    c14n: &'static str,
    ref_c14n: Option<&'static str>,
    inclusive_prefixes: Option<&'static str>,
    method: &'static str,
    digest: &'static str,
    uri: &'static str,
    ds_prefix: bool,
}

impl Default for Tmpl {
    fn default() -> Self {
        Tmpl {
            c14n: "http://www.w3.org/2001/10/xml-exc-c14n#",
            ref_c14n: Some("http://www.w3.org/2001/10/xml-exc-c14n#"),
            inclusive_prefixes: None,
            method: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            digest: "http://www.w3.org/2001/04/xmlenc#sha256",
            uri: "#e1",
            ds_prefix: true,
        }
    }
}

impl Tmpl {
    fn render(&self) -> String {
        let (p, decl) = if self.ds_prefix {
            ("ds:", r#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#""#)
        } else {
            ("", r#" xmlns="http://www.w3.org/2000/09/xmldsig#""#)
        };
        let c14n_t = match self.ref_c14n {
            None => String::new(),
            Some(c) => match self.inclusive_prefixes {
                None => format!(r#"<{p}Transform Algorithm="{c}"/>"#),
                Some(l) => format!(
                    r#"<{p}Transform Algorithm="{c}"><ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="{l}"/></{p}Transform>"#
                ),
            },
        };
        format!(
            r#"<{p}Signature{decl}><{p}SignedInfo><{p}CanonicalizationMethod Algorithm="{c}"/><{p}SignatureMethod Algorithm="{m}"/><{p}Reference URI="{u}"><{p}Transforms><{p}Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>{c14n_t}</{p}Transforms><{p}DigestMethod Algorithm="{d}"/><{p}DigestValue></{p}DigestValue></{p}Reference></{p}SignedInfo><{p}SignatureValue/><{p}KeyInfo><{p}X509Data/></{p}KeyInfo></{p}Signature>"#,
            c = self.c14n,
            m = self.method,
            u = self.uri,
            d = self.digest,
        )
    }
}

struct Case {
    name: &'static str,
    doc: String,
    key: &'static str,
    id_node: String,
    /// The change that must break the signature (a substring and its replacement).
    tamper: (&'static str, &'static str),
}

fn cases() -> Vec<Case> {
    let md_id = format!("{MD}:EntityDescriptor");
    let mut v = Vec::new();
    let sso = r#"<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example/sso"/></md:IDPSSODescriptor>"#;
    v.push(Case {
        name: "md_prefix_exc",
        doc: format!(
            "<?xml version=\"1.0\"?>\n<md:EntityDescriptor xmlns:md=\"{MD}\" ID=\"e1\" entityID=\"https://idp.example/\">\n  {}\n  {sso}\n</md:EntityDescriptor>\n",
            Tmpl::default().render()
        ),
        key: "rsa2048",
        id_node: md_id.clone(),
        tamper: ("https://idp.example/sso", "https://idq.example/sso"),
    });
    v.push(Case {
        name: "default_ns_unprefixed_signature",
        doc: format!(
            "<EntityDescriptor xmlns=\"{MD}\" ID=\"e1\" entityID=\"https://idp.example/\">{}<IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><SingleSignOnService Binding=\"b\" Location=\"https://idp.example/sso\"/></IDPSSODescriptor></EntityDescriptor>",
            Tmpl { ds_prefix: false, ..Tmpl::default() }.render()
        ),
        key: "rsa2048",
        id_node: md_id.clone(),
        tamper: ("https://idp.example/sso", "https://idp.example/ssp"),
    });
    v.push(Case {
        name: "odd_prefix_entities_cdata_comments_attr_order",
        doc: format!(
            "<m:EntityDescriptor   entityID='https://idp.example/?a=1&amp;b=&lt;2&gt;'\n   ID=\"e1\" xmlns:m=\"{MD}\" xmlns:z=\"urn:z\" z:b=\"2\" z:a=\"&#x41;&#9;&#13;&quot;\">{}<!-- a comment --><m:Extensions><z:X   b='1' a=\"2\">text &amp; &#x3C;more&#x3E; &#13; <![CDATA[<raw & data>]]><!--c--> tail</z:X></m:Extensions><?pi some data?></m:EntityDescriptor>",
            Tmpl::default().render()
        ),
        key: "rsa2048",
        id_node: md_id.clone(),
        tamper: ("tail", "tall"),
    });
    v.push(Case {
        name: "inclusive_namespaces_prefix_list",
        doc: format!(
            "<md:EntityDescriptor xmlns:md=\"{MD}\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns=\"urn:default\" ID=\"e1\" entityID=\"x\">{}<md:Extensions><v xsi:type=\"xs:string\">value</v></md:Extensions></md:EntityDescriptor>",
            Tmpl { inclusive_prefixes: Some("xs #default"), ..Tmpl::default() }.render()
        ),
        key: "rsa2048",
        id_node: md_id.clone(),
        tamper: (">value<", ">valuE<"),
    });
    v.push(Case {
        name: "inclusive_c14n_no_transform_and_undeclared_default",
        doc: format!(
            "<md:EntityDescriptor xmlns:md=\"{MD}\" xmlns=\"urn:d\" xml:lang=\"en\" ID=\"e1\" entityID=\"x\">{}<md:Extensions><a><b xmlns=\"\"><c xml:space=\"preserve\"> t </c></b></a></md:Extensions></md:EntityDescriptor>",
            Tmpl {
                c14n: "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
                ref_c14n: None,
                ..Tmpl::default()
            }
            .render()
        ),
        key: "rsa2048",
        id_node: md_id.clone(),
        tamper: ("> t <", ">  t <"),
    });
    v.push(Case {
        name: "inner_entity_inclusive_with_xml_lang_inheritance",
        doc: format!(
            "<md:EntitiesDescriptor xmlns:md=\"{MD}\" xmlns:x=\"urn:x\" xml:lang=\"en\" Name=\"agg\"><md:EntityDescriptor ID=\"e1\" entityID=\"inner\">{}<md:Extensions><x:v>1</x:v></md:Extensions></md:EntityDescriptor></md:EntitiesDescriptor>",
            Tmpl {
                c14n: "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
                ref_c14n: Some("http://www.w3.org/TR/2001/REC-xml-c14n-20010315"),
                ..Tmpl::default()
            }
            .render()
        ),
        key: "rsa2048",
        id_node: md_id.clone(),
        tamper: ("<x:v>1<", "<x:v>2<"),
    });
    v.push(Case {
        name: "rsa_sha1_weak",
        doc: format!(
            "<md:EntityDescriptor xmlns:md=\"{MD}\" ID=\"e1\" entityID=\"x\">{}{sso}</md:EntityDescriptor>",
            Tmpl {
                method: "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
                digest: "http://www.w3.org/2000/09/xmldsig#sha1",
                ..Tmpl::default()
            }
            .render()
        ),
        key: "rsa2048",
        id_node: md_id.clone(),
        tamper: ("https://idp.example/sso", "https://idp.example/sso2"),
    });
    v.push(Case {
        name: "ecdsa_p256_sha512_digest",
        doc: format!(
            "<md:EntityDescriptor xmlns:md=\"{MD}\" ID=\"e1\" entityID=\"x\">{}{sso}</md:EntityDescriptor>",
            Tmpl {
                method: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
                digest: "http://www.w3.org/2001/04/xmlenc#sha512",
                ..Tmpl::default()
            }
            .render()
        ),
        key: "ec-p256",
        id_node: md_id.clone(),
        tamper: ("https://idp.example/sso", "https://idp.example/sso2"),
    });
    v.push(Case {
        name: "ecdsa_p384_rsa_sha384_like_digest",
        doc: format!(
            "<md:EntityDescriptor xmlns:md=\"{MD}\" ID=\"e1\" entityID=\"x\">{}{sso}</md:EntityDescriptor>",
            Tmpl {
                method: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
                digest: "http://www.w3.org/2001/04/xmldsig-more#sha384",
                ..Tmpl::default()
            }
            .render()
        ),
        key: "ec-p384",
        id_node: md_id.clone(),
        tamper: ("https://idp.example/sso", "https://idp.example/sso2"),
    });
    v.push(Case {
        name: "uri_empty_whole_document_with_pi",
        doc: format!(
            "<?xml version=\"1.0\"?>\n<?xml-stylesheet href=\"a.xsl\"?>\n<md:EntitiesDescriptor xmlns:md=\"{MD}\" Name=\"agg\">{}<md:EntityDescriptor entityID=\"a\">{sso}</md:EntityDescriptor></md:EntitiesDescriptor>\n<!-- trailing -->\n",
            Tmpl { uri: "", method: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", digest: "http://www.w3.org/2001/04/xmlenc#sha512", ..Tmpl::default() }.render()
        ),
        key: "rsa2048",
        id_node: format!("{MD}:EntitiesDescriptor"),
        tamper: ("entityID=\"a\"", "entityID=\"b\""),
    });
    v
}

/// Post-processing applied to xmlsec1's output: identity, CRLF line endings, UTF-8 BOM.
fn variants(bytes: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let s = String::from_utf8(bytes.to_vec()).unwrap();
    let crlf = s.replace('\n', "\r\n").into_bytes();
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(bytes);
    vec![("plain", bytes.to_vec()), ("crlf", crlf), ("bom", bom)]
}

#[test]
fn xmlsec1_signed_files_verify_with_ours_and_one_byte_changes_fail_in_both() {
    let Some(_) = xmlsec1() else { return };
    let dir = tempfile::tempdir().unwrap();
    for case in cases() {
        let signed = xmlsec_sign(dir.path(), case.name, &case.doc, case.key, &case.id_node);
        for (vname, bytes) in variants(&signed) {
            let name = format!("{}-{vname}", case.name);
            assert!(
                xmlsec_verify(dir.path(), &name, &bytes, case.key, &case.id_node),
                "{name}: xmlsec1 rejects its own output"
            );
            let o = ours(dir.path(), &name, &bytes, case.key);
            assert_eq!(o.len(), 1, "{name}");
            assert_eq!(o[0], Ok(()), "{name}: {}", String::from_utf8_lossy(&bytes));
        }
        let s = String::from_utf8(signed.clone()).unwrap();
        assert!(
            s.contains(case.tamper.0),
            "{}: tamper target missing",
            case.name
        );
        let t = s.replacen(case.tamper.0, case.tamper.1, 1).into_bytes();
        let name = format!("{}-tampered", case.name);
        assert!(
            !xmlsec_verify(dir.path(), &name, &t, case.key, &case.id_node),
            "{name}: xmlsec1 accepts"
        );
        let o = ours(dir.path(), &name, &t, case.key);
        assert!(
            matches!(o[0], Err(Failure::DigestMismatch { .. })),
            "{name}: {o:?}"
        );
    }
}

#[test]
fn sha1_signatures_verify_with_a_weak_algorithm_finding() {
    let Some(_) = xmlsec1() else { return };
    let dir = tempfile::tempdir().unwrap();
    let case = cases()
        .into_iter()
        .find(|c| c.name == "rsa_sha1_weak")
        .unwrap();
    let signed = xmlsec_sign(dir.path(), case.name, &case.doc, case.key, &case.id_node);
    let text = String::from_utf8(signed).unwrap();
    let doc = XmlDoc::parse(&text, &Limits::default()).unwrap();
    let r = dsig::verify(&doc, &Trust::embedded());
    assert!(r.verified_root().is_some());
    let codes: Vec<_> = dsig::findings(&r, true).iter().map(|f| f.code).collect();
    assert!(codes.contains(&"dsig.weak_algorithm"), "{codes:?}");
}

#[test]
fn files_we_sign_verify_with_xmlsec1_and_one_byte_changes_fail_in_both() {
    let Some(_) = xmlsec1() else { return };
    let dir = tempfile::tempdir().unwrap();
    let inputs: Vec<(&str, String)> = vec![
        ("plain", format!("<md:EntityDescriptor xmlns:md=\"{MD}\" entityID=\"https://sp.example/\">\n  <md:SPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n    <md:AssertionConsumerService Binding=\"b\" Location=\"https://sp.example/acs\" index=\"0\"/>\n  </md:SPSSODescriptor>\n</md:EntityDescriptor>\n")),
        ("default_ns_crlf", format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<EntityDescriptor xmlns=\"{MD}\" entityID=\"https://sp.example/\">\r\n  <SPSSODescriptor protocolSupportEnumeration=\"p\">\r\n    <AssertionConsumerService Binding=\"b\" Location=\"https://sp.example/acs\" index=\"0\"/>\r\n  </SPSSODescriptor>\r\n</EntityDescriptor>\r\n")),
        ("entities_cdata_comments", format!("<md:EntityDescriptor xmlns:md=\"{MD}\" xmlns:q=\"urn:q\" entityID='https://sp.example/?a=1&amp;b=2' q:z=\"&#x9;&quot;\"><!-- c --><md:Extensions><q:x>a &amp; b &lt; c &gt; d <![CDATA[<e & f>]]> &#13; tail</q:x></md:Extensions></md:EntityDescriptor>")),
        ("aggregate_with_existing_id", format!("<md:EntitiesDescriptor xmlns:md=\"{MD}\" ID=\"agg1\" Name=\"urn:x\"><md:EntityDescriptor entityID=\"https://a.example/\"><md:SPSSODescriptor protocolSupportEnumeration=\"p\"/></md:EntityDescriptor><md:EntityDescriptor entityID=\"https://b.example/\"><md:SPSSODescriptor protocolSupportEnumeration=\"p\"/></md:EntityDescriptor></md:EntitiesDescriptor>")),
    ];
    for key in ["rsa2048", "ec-p256", "ec-p384"] {
        let k = SigningKey::from_pem(
            &std::fs::read_to_string(key_path(key, "key.pem")).unwrap(),
            &std::fs::read_to_string(key_path(key, "crt.pem")).unwrap(),
        )
        .unwrap();
        for (name, input) in &inputs {
            let signed = sign(input, &k, &SignOptions::default()).unwrap();
            let id_node = if signed.contains("EntitiesDescriptor") {
                format!("{MD}:EntitiesDescriptor")
            } else {
                format!("{MD}:EntityDescriptor")
            };
            let n = format!("ours-{key}-{name}");
            assert!(
                xmlsec_verify(dir.path(), &n, signed.as_bytes(), key, &id_node),
                "{n}: xmlsec1 rejects:\n{signed}"
            );
            let t = signed.replacen("https://", "https:/", 1);
            assert!(
                !xmlsec_verify(dir.path(), &format!("{n}-t"), t.as_bytes(), key, &id_node),
                "{n}"
            );
            let o = ours(dir.path(), &format!("{n}-t"), t.as_bytes(), key);
            assert!(
                matches!(o[0], Err(Failure::DigestMismatch { .. })),
                "{n}: {o:?}"
            );
        }
    }
}
