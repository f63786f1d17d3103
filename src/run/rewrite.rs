//! Rewrite and sign as one call each: [`rewrite_source`], [`sign_source`].

use super::{header, InputError, Parsed, Source};
use crate::dsig::{self, CertInfo, SignOptions, SigningKey};
use crate::rewrite::{self, EditNote, Op, RewriteOptions, SignatureEffect};
use serde::{Serialize, Serializer};

/// What `samlcheck rewrite` did: the new bytes, and the summary it prints.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RewriteReport {
    /// The input as named.
    pub input: String,
    /// Where the caller writes the result (as the summary names it; `-` for standard
    /// output).
    pub output: String,
    /// The output document, in the input's encoding.
    pub bytes: Vec<u8>,
    /// One note per edit, in the order applied.
    pub edits: Vec<EditNote>,
    /// What happened to the signatures.
    pub signature: SignatureEffect,
}

impl RewriteReport {
    /// The JSON summary `samlcheck rewrite --format json` prints.
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::json!({
            "input": self.input,
            "output": self.output,
            "bytes": self.bytes.len(),
            "edits": self.edits,
            "signature": self.signature,
        })
    }
}

impl Serialize for RewriteReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json_value().serialize(s)
    }
}

/// Edits a document byte-faithfully in one call (see [`rewrite::rewrite`] for the
/// operations and their fixed order). With `key`, [`Op::Sign`] signs with it; `output` is
/// how the summary names where the caller writes the result.
///
/// ```
/// use samlcheck::rewrite::{Op, RewriteOptions};
/// use samlcheck::run::{rewrite_source, Source};
/// let src = Source::new("in.xml", b"\xEF\xBB\xBF<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"https://idp.example.org/\"/>".to_vec());
/// let r = rewrite_source(&src, &[Op::StripBom], None, &RewriteOptions::default(), "out.xml")?;
/// assert!(r.bytes.starts_with(b"<md:EntityDescriptor"));
/// # Ok::<(), samlcheck::run::InputError>(())
/// ```
pub fn rewrite_source(
    src: &Source,
    ops: &[Op],
    key: Option<&SigningKey>,
    opts: &RewriteOptions<'_>,
    output: &str,
) -> Result<RewriteReport, InputError> {
    let p = Parsed::decode(src, &opts.limits)?;
    let sign_opts = SignOptions::default();
    let signer = |text: &str| -> Result<String, crate::Error> {
        match key {
            Some(k) => dsig::sign(text, k, &sign_opts),
            None => Err(crate::Error::input("no signing key given")),
        }
    };
    let mut o = opts.clone();
    if key.is_some() {
        o.signer = Some(&signer);
    }
    let out =
        rewrite::rewrite(&p.decoded, ops, &o).map_err(|e| InputError::new(Some(&src.name), e))?;
    Ok(RewriteReport {
        input: src.name.clone(),
        output: output.to_string(),
        bytes: out.bytes,
        edits: out.edits,
        signature: out.signature,
    })
}

/// What `samlcheck sign` did: the signed bytes and the signer.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SignReport {
    /// The input as named.
    pub input: String,
    /// Where the caller writes the result, as named in the summary.
    pub output: String,
    /// The signed document (UTF-8; a byte order mark of the input is kept).
    pub bytes: Vec<u8>,
    /// The signature method.
    pub method: &'static str,
    /// The signer's certificate.
    pub signer: CertInfo,
}

impl SignReport {
    /// The JSON summary `samlcheck sign --format json` prints.
    pub fn to_json_value(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        header(&mut m, "sign", chrono::DateTime::<chrono::Utc>::UNIX_EPOCH);
        m.remove("at");
        m.insert("input".into(), self.input.clone().into());
        m.insert("output".into(), self.output.clone().into());
        m.insert("bytes".into(), self.bytes.len().into());
        m.insert("method".into(), self.method.into());
        m.insert(
            "signer".into(),
            serde_json::to_value(&self.signer).unwrap_or_default(),
        );
        serde_json::Value::Object(m)
    }
}

impl Serialize for SignReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json_value().serialize(s)
    }
}

/// Signs a document in one call: an enveloped signature over the root (see [`dsig::sign`]),
/// byte-faithful otherwise. The input must be UTF-8 (or ASCII) and say so if it declares
/// an encoding: the output is written as UTF-8.
///
/// ```
/// use samlcheck::dsig::{SignOptions, SigningKey, VerifyOptions};
/// use samlcheck::run::{sign_source, verify_source, Source};
/// let key = SigningKey::from_pem(
///     &std::fs::read_to_string("tests/fixtures/keys/rsa2048.key.pem")?,
///     &std::fs::read_to_string("tests/fixtures/keys/rsa2048.crt.pem")?,
/// )?;
/// let signed = sign_source(&Source::read("tests/fixtures/aws-ic-sp.xml"), &key, &SignOptions::default(), "-")?;
/// // Verify the result with the signer's certificate pinned.
/// let trust = samlcheck::Trust::from_pem(&std::fs::read_to_string("tests/fixtures/keys/rsa2048.crt.pem")?)?;
/// let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")?.to_utc();
/// let r = verify_source(&Source::new("signed.xml", signed.bytes), &trust, &VerifyOptions::at(at), &samlcheck::Limits::default())?;
/// assert!(r.verified && r.pinned);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign_source(
    src: &Source,
    key: &SigningKey,
    opts: &SignOptions,
    output: &str,
) -> Result<SignReport, InputError> {
    let p = Parsed::decode(src, &opts.limits)?;
    let info = p.decoded.info();
    let declared_ok = info.declared_encoding.as_deref().is_none_or(|e| {
        ["UTF-8", "UTF8", "US-ASCII", "ASCII"]
            .iter()
            .any(|ok| e.eq_ignore_ascii_case(ok))
    });
    let ascii_or_utf8 = matches!(
        info.encoding,
        crate::xml::Encoding::Utf8 | crate::xml::Encoding::Ascii
    );
    if !ascii_or_utf8 || !declared_ok {
        return Err(InputError::new(
            None,
            crate::Error::input(format!(
                "{}: sign needs UTF-8 input (this file is {}); convert it first, e.g. with iconv -t UTF-8, and fix its encoding declaration",
                src.name,
                info.declared_encoding.as_deref().unwrap_or(info.encoding.name())
            )),
        ));
    }
    let mut signed =
        dsig::sign(p.decoded.text(), key, opts).map_err(|e| InputError::new(Some(&src.name), e))?;
    // Byte-faithful: a byte order mark stays.
    if info.bom {
        signed.insert(0, '\u{FEFF}');
    }
    Ok(SignReport {
        input: src.name.clone(),
        output: output.to_string(),
        bytes: signed.into_bytes(),
        method: key.method().name(),
        signer: key.cert().clone(),
    })
}
