//! Interoperability with xmlsec1 on the files users have (issue 19), both directions:
//!
//! - xmlsec1 signs a template, and samlcheck verifies the result (and its line-ending
//!   variants: CR LF everywhere, lone CR everywhere);
//! - samlcheck signs the file, and `xmlsec1 --verify` accepts the result.
//!
//! The files: CR LF line endings with multi-line processing instructions and comments
//! inside the signed element (and a lone CR in one PI); UTF-16 (both byte orders) and
//! ISO-8859-1 with non-ASCII signed content; Entra-like metadata (unprefixed
//! `Signature`, `RoleDescriptor xsi:type="fed:..."`, several default namespaces) on a
//! single line and pretty-printed.
//!
//! Before the fix of issue 19 (line breaks in PIs and comments were canonicalized as
//! written) the CR LF files failed in both directions: samlcheck's digest kept the CR of a
//! multi-line PI, libxml2's did not.
//!
//! `samlcheck sign` refuses input in another encoding than UTF-8 (its declaration would no
//! longer be true); for the UTF-16 and ISO-8859-1 files the library signs the decoded text
//! and the test writes the result back in the file's encoding before xmlsec1 reads it.
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
const ID_NODE: &str = "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor";

fn xmlsec1() -> bool {
    let ok = Command::new("xmlsec1")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("xmlsec1 is required in CI (apt-get install xmlsec1)");
        }
        eprintln!("SKIPPED: xmlsec1 not found; install it (apt-get install xmlsec1) to run the c14n interop tests");
    }
    ok
}

fn key_path(ext: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/keys/rsa2048.{ext}"))
}

fn xmlsec_sign(dir: &Path, name: &str, template: &[u8]) -> Vec<u8> {
    let tmpl = dir.join(format!("{name}.tmpl.xml"));
    let out = dir.join(format!("{name}.signed.xml"));
    std::fs::write(&tmpl, template).unwrap();
    let k = format!(
        "{},{}",
        key_path("key.pem").display(),
        key_path("crt.pem").display()
    );
    let o = Command::new("xmlsec1")
        .args([
            "--sign",
            "--privkey-pem",
            &k,
            "--id-attr:ID",
            ID_NODE,
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

fn xmlsec_verify(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
    let f = dir.join(format!("{name}.verify.xml"));
    std::fs::write(&f, bytes).unwrap();
    let o = Command::new("xmlsec1")
        .args(["--verify", "--id-attr:ID", ID_NODE, "--pubkey-cert-pem"])
        .arg(key_path("crt.pem"))
        .arg(&f)
        .output()
        .unwrap();
    if o.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&o.stderr).into_owned())
    }
}

/// Our outcome for the one signature of the file, reading the bytes as the binary does.
fn ours(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), Failure> {
    let f = dir.join(format!("{name}.ours.xml"));
    std::fs::write(&f, bytes).unwrap();
    let d = read_path(&f, &Limits::default()).unwrap();
    let doc = XmlDoc::parse(d.text(), &Limits::default()).unwrap();
    let trust = Trust::from_pem(&std::fs::read_to_string(key_path("crt.pem")).unwrap()).unwrap();
    let r = dsig::verify(&doc, &trust);
    assert_eq!(r.signatures.len(), 1, "{name}");
    let out = r.signatures[0]
        .outcome
        .as_ref()
        .map(|_| ())
        .map_err(Clone::clone);
    if out.is_ok() {
        assert!(r.is_verified(), "{name}");
    }
    out
}

#[derive(Clone, Copy, Debug)]
enum Enc {
    Utf8,
    Utf16Le,
    Utf16Be,
    Latin1,
}

impl Enc {
    fn encode(self, s: &str) -> Vec<u8> {
        match self {
            Enc::Utf8 => s.as_bytes().to_vec(),
            Enc::Utf16Le | Enc::Utf16Be => {
                let le = matches!(self, Enc::Utf16Le);
                let mut v = if le {
                    vec![0xFF, 0xFE]
                } else {
                    vec![0xFE, 0xFF]
                };
                for u in s.encode_utf16() {
                    v.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
                }
                v
            }
            Enc::Latin1 => s
                .chars()
                .map(|c| u8::try_from(u32::from(c)).expect("ISO-8859-1 text"))
                .collect(),
        }
    }

    /// The encoding `b` is really in: xmlsec1 writes a UTF-16 document back in UTF-16LE
    /// whatever byte order it read.
    fn of(self, b: &[u8]) -> Enc {
        match (self, b) {
            (Enc::Utf16Le | Enc::Utf16Be, [0xFF, 0xFE, ..]) => Enc::Utf16Le,
            (Enc::Utf16Le | Enc::Utf16Be, [0xFE, 0xFF, ..]) => Enc::Utf16Be,
            _ => self,
        }
    }

    fn decode(self, b: &[u8]) -> String {
        match self {
            Enc::Utf8 => String::from_utf8(b.to_vec()).unwrap(),
            Enc::Utf16Le | Enc::Utf16Be => {
                let le = matches!(self, Enc::Utf16Le);
                let units: Vec<u16> = b[2..]
                    .chunks(2)
                    .map(|c| {
                        if le {
                            u16::from_le_bytes([c[0], c[1]])
                        } else {
                            u16::from_be_bytes([c[0], c[1]])
                        }
                    })
                    .collect();
                String::from_utf16(&units).unwrap()
            }
            Enc::Latin1 => b.iter().map(|&c| char::from(c)).collect(),
        }
    }
}

/// The signature template xmlsec1 fills in (exclusive c14n, RSA-SHA256, SHA-256).
fn template(prefixed: bool) -> String {
    let (p, decl) = if prefixed {
        ("ds:", " xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"")
    } else {
        ("", " xmlns=\"http://www.w3.org/2000/09/xmldsig#\"")
    };
    format!(
        "<{p}Signature{decl}><{p}SignedInfo><{p}CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/><{p}SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/><{p}Reference URI=\"#e1\"><{p}Transforms><{p}Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/><{p}Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></{p}Transforms><{p}DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><{p}DigestValue></{p}DigestValue></{p}Reference></{p}SignedInfo><{p}SignatureValue/><{p}KeyInfo><{p}X509Data/></{p}KeyInfo></{p}Signature>"
    )
}

/// The test certificate's base64, as Entra puts its signing certificate in KeyDescriptors.
fn cert_b64() -> String {
    std::fs::read_to_string(key_path("crt.pem"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect()
}

struct File {
    name: &'static str,
    enc: Enc,
    /// The document with `{SIG}` where the signature goes (xmlsec1) and without it (ours).
    text: String,
    prefixed_signature: bool,
    /// A change inside the signed element that must break the signature.
    tamper: (&'static str, &'static str),
}

impl File {
    fn for_xmlsec(&self) -> Vec<u8> {
        self.enc.encode(
            &self
                .text
                .replace("{SIG}", &template(self.prefixed_signature)),
        )
    }
    fn for_us(&self) -> String {
        self.text.replace("{SIG}", "")
    }
}

fn files() -> Vec<File> {
    let sso = "<md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://idp.example/sso\"/></md:IDPSSODescriptor>";
    let crlf = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<?xml-stylesheet type=\"text/xsl\"\r\n  href=\"md.xsl\"?>\r\n<!-- exported\r\n     by a tool -->\r\n<md:EntityDescriptor xmlns:md=\"{MD}\" ID=\"e1\"\r\n    entityID=\"https://idp.example/\">{{SIG}}\r\n  <?generator name=\"tool\"\r\n    version=\"1.2\"\r\n\r\n  ?>\r\n  <!-- a comment\r\n       over lines\r\n  -->\r\n  <md:Extensions>\r\n    <?lone-cr one\rtwo\r\rthree?>\r\n    <x:note xmlns:x=\"urn:x\">line 1\r\nline 2<!--c\r\n-->tail</x:note>\r\n  </md:Extensions>\r\n  {sso}\r\n</md:EntityDescriptor>\r\n<?trailing pi\r\n?>\r\n"
    );
    let encoded = |decl: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"{decl}\"?>\r\n<md:EntityDescriptor xmlns:md=\"{MD}\" ID=\"e1\" entityID=\"https://idp.example/caf\u{e9}\">{{SIG}}\r\n  <?p caf\u{e9}\r\n  \u{a9} 2026?>\r\n  <!-- \u{fc}ber\r\n  -->\r\n  <md:Organization><md:OrganizationName xml:lang=\"de\">M\u{fc}ller &amp; S\u{f6}hne \u{a9}</md:OrganizationName><md:OrganizationDisplayName xml:lang=\"fr\">Soci\u{e9}t\u{e9}</md:OrganizationDisplayName><md:OrganizationURL xml:lang=\"en\">https://idp.example/\u{e9}</md:OrganizationURL></md:Organization>\r\n  {sso}\r\n</md:EntityDescriptor>\r\n"
        )
    };
    let cert = cert_b64();
    let entra_parts = [
        format!("<EntityDescriptor xmlns=\"{MD}\" ID=\"e1\" entityID=\"https://sts.windows.net/00000000-0000-0000-0000-000000000000/\">"),
        "{SIG}".to_string(),
        "<RoleDescriptor xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:fed=\"http://docs.oasis-open.org/wsfed/federation/200706\" xsi:type=\"fed:SecurityTokenServiceType\" protocolSupportEnumeration=\"http://docs.oasis-open.org/wsfed/federation/200706\">".to_string(),
        format!("<KeyDescriptor use=\"signing\"><KeyInfo xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><X509Data><X509Certificate>{cert}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>"),
        "<fed:ClaimTypesOffered><auth:ClaimType xmlns:auth=\"http://docs.oasis-open.org/wsfed/authorization/200706\" Uri=\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name\"><auth:DisplayName>Name</auth:DisplayName><auth:Description>The mutable display name of the user.</auth:Description></auth:ClaimType></fed:ClaimTypesOffered>".to_string(),
        "<fed:PassiveRequestorEndpoint><wsa:EndpointReference xmlns:wsa=\"http://www.w3.org/2005/08/addressing\"><wsa:Address>https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/wsfed</wsa:Address></wsa:EndpointReference></fed:PassiveRequestorEndpoint>".to_string(),
        "</RoleDescriptor>".to_string(),
        "<IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">".to_string(),
        format!("<KeyDescriptor use=\"signing\"><KeyInfo xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><X509Data><X509Certificate>{cert}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>"),
        "<SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/saml2\"/>".to_string(),
        "<SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/saml2\"/>".to_string(),
        "<SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/saml2\"/>".to_string(),
        "</IDPSSODescriptor>".to_string(),
        "</EntityDescriptor>".to_string(),
    ];
    let single = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>{}",
        entra_parts.concat()
    );
    // Pretty-printed: one element per line, indented by depth.
    let mut pretty = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let mut depth = 0usize;
    for part in &entra_parts {
        if part == "{SIG}" {
            pretty.push_str(&"  ".repeat(depth));
            pretty.push_str("{SIG}\n");
            continue;
        }
        for tag in part.split_inclusive('>') {
            let closing = tag.starts_with("</");
            let text_then_close = !tag.starts_with('<');
            if closing {
                depth = depth.saturating_sub(1);
            }
            if text_then_close {
                // text followed by an end tag: stays on the line of its start tag
                pretty.pop();
                pretty.push_str(tag);
                pretty.push('\n');
                depth = depth.saturating_sub(1);
                continue;
            }
            pretty.push_str(&"  ".repeat(depth));
            pretty.push_str(tag);
            pretty.push('\n');
            if !closing && !tag.ends_with("/>") {
                depth += 1;
            }
        }
    }
    let tamper_entra = (
        "Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://login.microsoftonline.com/",
        "Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://login.microsoftonIine.com/",
    );
    vec![
        File {
            name: "crlf_multiline_pis_and_comments",
            enc: Enc::Utf8,
            text: crlf,
            prefixed_signature: true,
            tamper: ("version=\"1.2\"", "version=\"1.3\""),
        },
        File {
            name: "utf16le",
            enc: Enc::Utf16Le,
            text: encoded("UTF-16"),
            prefixed_signature: true,
            tamper: ("M\u{fc}ller", "Muller"),
        },
        File {
            name: "utf16be",
            enc: Enc::Utf16Be,
            text: encoded("UTF-16"),
            prefixed_signature: true,
            tamper: ("M\u{fc}ller", "Muller"),
        },
        File {
            name: "iso_8859_1",
            enc: Enc::Latin1,
            text: encoded("ISO-8859-1"),
            prefixed_signature: true,
            tamper: ("M\u{fc}ller", "Muller"),
        },
        File {
            name: "entra_single_line",
            enc: Enc::Utf8,
            text: single,
            prefixed_signature: false,
            tamper: tamper_entra,
        },
        File {
            name: "entra_pretty_printed",
            enc: Enc::Utf8,
            text: pretty,
            prefixed_signature: false,
            tamper: tamper_entra,
        },
    ]
}

/// Line-ending variants of a signed file (line breaks are not part of the canonical form).
fn variants(f: &File, signed: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let enc = f.enc.of(signed);
    let s = enc.decode(signed);
    let lf = s.replace("\r\n", "\n").replace('\r', "\n");
    vec![
        ("as_signed", signed.to_vec()),
        ("crlf", enc.encode(&lf.replace('\n', "\r\n"))),
        ("cr", enc.encode(&lf.replace('\n', "\r"))),
    ]
}

fn tampered(f: &File, signed: &[u8]) -> Vec<u8> {
    let enc = f.enc.of(signed);
    let s = enc.decode(signed);
    assert!(
        s.contains(f.tamper.0),
        "{}: tamper target missing in\n{s}",
        f.name
    );
    enc.encode(&s.replacen(f.tamper.0, f.tamper.1, 1))
}

#[test]
fn files_xmlsec1_signs_verify_with_samlcheck() {
    if !xmlsec1() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for f in files() {
        let signed = xmlsec_sign(dir.path(), f.name, &f.for_xmlsec());
        for (v, bytes) in variants(&f, &signed) {
            let name = format!("{}-{v}", f.name);
            xmlsec_verify(dir.path(), &name, &bytes)
                .unwrap_or_else(|e| panic!("{name}: xmlsec1 rejects its own output: {e}"));
            assert_eq!(
                ours(dir.path(), &name, &bytes),
                Ok(()),
                "{name}: samlcheck does not verify what xmlsec1 signed:\n{}",
                f.enc.of(&bytes).decode(&bytes)
            );
        }
        let t = tampered(&f, &signed);
        let name = format!("{}-tampered", f.name);
        assert!(xmlsec_verify(dir.path(), &name, &t).is_err(), "{name}");
        assert!(
            matches!(
                ours(dir.path(), &name, &t),
                Err(Failure::DigestMismatch { .. })
            ),
            "{name}"
        );
    }
}

#[test]
fn files_samlcheck_signs_verify_with_xmlsec1() {
    if !xmlsec1() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let key = SigningKey::from_pem(
        &std::fs::read_to_string(key_path("key.pem")).unwrap(),
        &std::fs::read_to_string(key_path("crt.pem")).unwrap(),
    )
    .unwrap();
    for f in files() {
        let input = f.for_us();
        let signed = sign(&input, &key, &SignOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", f.name));
        assert!(signed.contains("ID=\"e1\""), "{}", f.name);
        // Every byte outside the inserted signature stays as it was (CR LF, lone CR).
        if f.name.starts_with("crlf") {
            assert!(signed.contains("one\rtwo\r\rthree"), "{signed}");
            assert!(signed.contains("version=\"1.2\"\r\n\r\n  ?>"), "{signed}");
        }
        let bytes = f.enc.encode(&signed);
        for (v, b) in variants(&f, &bytes) {
            let name = format!("ours-{}-{v}", f.name);
            xmlsec_verify(dir.path(), &name, &b).unwrap_or_else(|e| {
                panic!("{name}: xmlsec1 rejects what samlcheck signed: {e}\n{signed}")
            });
            assert_eq!(ours(dir.path(), &name, &b), Ok(()), "{name}");
        }
        let t = tampered(&f, &bytes);
        let name = format!("ours-{}-tampered", f.name);
        assert!(xmlsec_verify(dir.path(), &name, &t).is_err(), "{name}");
        assert!(
            matches!(
                ours(dir.path(), &name, &t),
                Err(Failure::DigestMismatch { .. })
            ),
            "{name}"
        );
    }
}
