//! The forms a captured SAML Response comes in: the XML itself, the base64 `SAMLResponse`
//! form value (possibly URL-encoded, possibly with `SAMLResponse=` in front, wrapped over
//! lines), or a browser's HAR export holding the POST that carried it.

use crate::error::{Error, Pos};
use crate::Limits;
use base64::Engine as _;
use serde::Serialize;

/// How a response was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum InputForm {
    /// The XML document.
    Xml,
    /// The base64 `SAMLResponse` form value (URL-encoded or not).
    Base64,
    /// A HAR file: one POST carrying `SAMLResponse`.
    Har,
}

impl InputForm {
    /// A word for reports.
    pub fn label(self) -> &'static str {
        match self {
            InputForm::Xml => "XML",
            InputForm::Base64 => "base64 SAMLResponse value",
            InputForm::Har => "HAR entry",
        }
    }
}

/// One response found in an input, as XML bytes.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Captured {
    /// The form of the input.
    pub form: InputForm,
    /// For a HAR file: the index in `log.entries` (0-based, as in `$.log.entries[N]`).
    pub entry: Option<usize>,
    /// Where it was found, in words (`$.log.entries[3] POST https://...`).
    pub label: String,
    /// The XML bytes of the response.
    pub xml: Vec<u8>,
}

fn too_large(limits: &Limits) -> Error {
    Error::LimitExceeded {
        what: "input size in bytes",
        limit: limits.max_bytes,
        pos: Pos::new(1, 1, 0),
    }
}

/// Finds the response(s) in `bytes`: the form is detected. With `entry`, a HAR file yields
/// only that entry of `log.entries`. The size limit applies before anything is decoded.
pub fn read(bytes: &[u8], entry: Option<usize>, limits: &Limits) -> Result<Vec<Captured>, Error> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(too_large(limits));
    }
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let first = start.and_then(|i| body.get(i)).copied();
    // UTF-16 with a byte order mark, or '<': XML, decoded by the reader.
    if first == Some(b'<') || bytes.starts_with(b"\xfe\xff") || bytes.starts_with(b"\xff\xfe") {
        if entry.is_some() {
            return Err(Error::input(
                "--entry applies to a HAR file; this input is XML",
            ));
        }
        return Ok(vec![Captured {
            form: InputForm::Xml,
            entry: None,
            label: "XML".into(),
            xml: bytes.to_vec(),
        }]);
    }
    let Some(_) = first else {
        return Err(Error::input(
            "the input is empty: expected a SAML Response as XML, a base64 SAMLResponse value or a HAR file",
        ));
    };
    let text = std::str::from_utf8(body).map_err(|e| {
        Error::input(format!(
            "the input is binary data (not UTF-8 at byte {}): expected a SAML Response as XML, a base64 SAMLResponse value or a HAR file",
            e.valid_up_to()
        ))
    })?;
    let text = text.trim();
    if text.starts_with('{') {
        return har(text, entry, limits);
    }
    if entry.is_some() {
        return Err(Error::input(
            "--entry applies to a HAR file; this input is a form value",
        ));
    }
    let value = form_value(text).ok_or_else(|| {
        Error::input(format!(
            "form data without a SAMLResponse parameter (found {}): expected a SAML Response as XML, a base64 SAMLResponse value or a HAR file",
            param_names(text)
        ))
    })?;
    let xml = from_base64(&value, "the input")?;
    Ok(vec![Captured {
        form: InputForm::Base64,
        entry: None,
        label: "base64 SAMLResponse value".into(),
        xml,
    }])
}

/// The names of the parameters of a form body, for an error message.
fn param_names(text: &str) -> String {
    let names: Vec<String> = text
        .split('&')
        .filter_map(|p| p.split_once('=').map(|(n, _)| n))
        .take(10)
        .map(|n| format!("{:?}", n.chars().take(40).collect::<String>()))
        .collect();
    if names.is_empty() {
        "no parameters".into()
    } else {
        format!("parameters {}", names.join(", "))
    }
}

/// The `SAMLResponse` value of a form body, or the whole text when it is a bare value.
fn form_value(text: &str) -> Option<String> {
    let looks_like_form = text.contains('&') || text.starts_with("SAMLResponse=");
    let raw = if looks_like_form {
        text.split('&')
            .find_map(|p| p.trim().strip_prefix("SAMLResponse="))?
    } else if let Some((name, _)) = text.split_once('=').filter(|(n, v)| {
        // `RelayState=x` alone is a form without SAMLResponse; base64 padding (`=` or `==`
        // at the end) is not.
        let v = v.trim_end().trim_end_matches('=');
        !n.is_empty() && !v.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric())
    }) {
        let _ = name;
        return None;
    } else {
        text
    };
    Some(percent_decode(raw))
}

/// Decodes `%XX` escapes; `+` stays `+` (base64 has no spaces, and a browser escapes a
/// literal `+` as `%2B`, so a bare `+` is base64's own).
fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes a base64 value (whitespace ignored, standard or URL-safe alphabet, padding
/// optional) and checks that it is XML.
fn from_base64(value: &str, what: &str) -> Result<Vec<u8>, Error> {
    let clean: Vec<u8> = value.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    if clean.is_empty() {
        return Err(Error::input(format!(
            "{what}: the SAMLResponse value is empty"
        )));
    }
    let cfg = base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    let std = base64::engine::GeneralPurpose::new(&base64::alphabet::STANDARD, cfg);
    let url = base64::engine::GeneralPurpose::new(&base64::alphabet::URL_SAFE, cfg);
    let bytes = std.decode(&clean).or_else(|_| url.decode(&clean)).map_err(|e| {
        let shown: String = String::from_utf8_lossy(clean.get(..clean.len().min(24)).unwrap_or(&[]))
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        Error::input(format!(
            "{what} is neither XML, a HAR file (JSON) nor base64 (it starts with {shown:?}; base64: {e})"
        ))
    })?;
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if first == Some(b'<') || bytes.starts_with(b"\xfe\xff") || bytes.starts_with(b"\xff\xfe") {
        Ok(bytes)
    } else {
        Err(Error::input(format!(
            "{what} is base64, but it decodes to {} bytes that are not XML (a DEFLATE-compressed Redirect-binding message or another value?)",
            bytes.len()
        )))
    }
}

/// Every POST of a HAR file whose form data has a `SAMLResponse` parameter.
fn har(text: &str, entry: Option<usize>, _limits: &Limits) -> Result<Vec<Captured>, Error> {
    let v: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| Error::input(format!("the input starts with '{{' but is not JSON: {e}")))?;
    let Some(entries) = v.pointer("/log/entries").and_then(|e| e.as_array()) else {
        return Err(Error::input(
            "JSON without log.entries: not a HAR file (expected a SAML Response as XML, a base64 SAMLResponse value or a HAR file)",
        ));
    };
    if let Some(n) = entry {
        if n >= entries.len() {
            return Err(Error::input(format!(
                "--entry {n}: the HAR file has {} entries ($.log.entries[0] to [{}])",
                entries.len(),
                entries.len().saturating_sub(1)
            )));
        }
    }
    let mut out = Vec::new();
    let mut posts = 0usize;
    for (i, e) in entries.iter().enumerate() {
        if entry.is_some_and(|n| n != i) {
            continue;
        }
        let req = e.get("request");
        let method = req
            .and_then(|r| r.get("method"))
            .and_then(|m| m.as_str())
            .unwrap_or("");
        if !method.eq_ignore_ascii_case("POST") {
            continue;
        }
        posts += 1;
        let url = req
            .and_then(|r| r.get("url"))
            .and_then(|u| u.as_str())
            .unwrap_or("");
        let post = req.and_then(|r| r.get("postData"));
        let from_params = post
            .and_then(|p| p.get("params"))
            .and_then(|p| p.as_array())
            .and_then(|ps| {
                ps.iter().find_map(|p| {
                    (p.get("name").and_then(|n| n.as_str()) == Some("SAMLResponse"))
                        .then(|| p.get("value").and_then(|v| v.as_str()).unwrap_or(""))
                })
            })
            .map(percent_decode);
        let value = from_params.or_else(|| {
            let t = post.and_then(|p| p.get("text")).and_then(|t| t.as_str())?;
            t.split('&')
                .find_map(|p| p.trim().strip_prefix("SAMLResponse="))
                .map(percent_decode)
        });
        let Some(value) = value else {
            continue;
        };
        let label = format!(
            "$.log.entries[{i}] POST {}",
            url.chars().take(200).collect::<String>()
        );
        let xml = from_base64(&value, &label)?;
        out.push(Captured {
            form: InputForm::Har,
            entry: Some(i),
            label,
            xml,
        });
    }
    if out.is_empty() {
        let which = match entry {
            Some(n) => format!("entry {n} of the HAR file is not a POST carrying SAMLResponse"),
            None => format!(
                "the HAR file has {} entries and {posts} POST requests, none carrying a SAMLResponse form parameter",
                entries.len()
            ),
        };
        return Err(Error::input(which));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>";

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn every_form_is_detected() {
        let l = Limits::default();
        let one = |input: &str| read(input.as_bytes(), None, &l).unwrap();
        assert_eq!(one(XML)[0].form, InputForm::Xml);
        let v = b64(XML);
        for input in [
            v.clone(),
            format!("SAMLResponse={}", v.replace('+', "%2B").replace('=', "%3D")),
            format!("RelayState=x&SAMLResponse={}", v.replace('/', "%2F")),
            format!("  {}\n{}\n", &v[..10], &v[10..]),
        ] {
            let c = one(&input);
            assert_eq!(c[0].form, InputForm::Base64, "{input}");
            assert_eq!(c[0].xml, XML.as_bytes(), "{input}");
        }
        let har = serde_json::json!({"log": {"entries": [
            {"request": {"method": "GET", "url": "https://a"}},
            {"request": {"method": "POST", "url": "https://acs", "postData": {"params": [{"name": "SAMLResponse", "value": v.replace('+', "%2B")}]}}},
            {"request": {"method": "POST", "url": "https://acs2", "postData": {"text": format!("SAMLResponse={v}&RelayState=")}}}
        ]}})
        .to_string();
        let c = one(&har);
        assert_eq!(c.len(), 2);
        assert_eq!(
            (c[0].form, c[0].entry, c[1].entry),
            (InputForm::Har, Some(1), Some(2))
        );
        assert_eq!(c[1].xml, XML.as_bytes());
        let c = read(har.as_bytes(), Some(2), &l).unwrap();
        assert_eq!(c.len(), 1);
        assert!(read(har.as_bytes(), Some(0), &l).is_err());
        assert!(read(har.as_bytes(), Some(9), &l).is_err());
    }

    #[test]
    fn base64_with_either_padding_is_a_value_not_a_form() {
        let l = Limits::default();
        for pad in 0..3 {
            let xml = format!("{XML}{}", " ".repeat(pad));
            let v = b64(&xml);
            let c = read(v.as_bytes(), None, &l).unwrap();
            assert_eq!(c[0].xml, xml.as_bytes(), "{v}");
            assert_eq!(c[0].form, InputForm::Base64);
        }
        assert!((0..3).any(|p| b64(&format!("{XML}{}", " ".repeat(p))).ends_with("==")));
    }

    #[test]
    fn unknown_forms_are_named() {
        let l = Limits::default();
        let err = |input: &[u8]| read(input, None, &l).unwrap_err().to_string();
        assert!(err(b"").contains("empty"));
        assert!(err(b"{\"a\":1}").contains("not a HAR file"));
        assert!(err(b"{nope").contains("not JSON"));
        assert!(err(b"RelayState=abc").contains("without a SAMLResponse"));
        assert!(err(b"hello world!").contains("neither XML"));
        assert!(err(b64("not xml").as_bytes()).contains("not XML"));
        assert!(err(b"\xff\x00\x01").contains("binary"));
        let har = br#"{"log":{"entries":[{"request":{"method":"POST","url":"u","postData":{"text":"a=b"}}}]}}"#;
        assert!(err(har).contains("none carrying a SAMLResponse"));
        let small = Limits {
            max_bytes: 10,
            ..Limits::default()
        };
        assert!(matches!(
            read(XML.as_bytes(), None, &small),
            Err(Error::LimitExceeded { .. })
        ));
    }
}
