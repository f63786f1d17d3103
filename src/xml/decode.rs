//! Turning input bytes into UTF-8 text: BOMs, UTF-16, ISO-8859-1 and US-ASCII.

use crate::error::{Error, Pos};

/// The character encoding an input was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Encoding {
    /// UTF-8 (declared, or by default).
    Utf8,
    /// UTF-16, little-endian.
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
    /// ISO-8859-1 (Latin-1), as declared.
    Latin1,
    /// US-ASCII, as declared.
    Ascii,
}

impl Encoding {
    /// The name as an XML declaration would spell it.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Latin1 => "ISO-8859-1",
            Encoding::Ascii => "US-ASCII",
        }
    }
}

/// What was learnt about the raw bytes while decoding them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct SourceInfo {
    /// The encoding the bytes were decoded from.
    pub encoding: Encoding,
    /// Whether the input started with a byte order mark.
    pub bom: bool,
    /// The `encoding` pseudo-attribute of the XML declaration, as written.
    pub declared_encoding: Option<String>,
    /// Size of the input in bytes.
    pub byte_len: u64,
    /// Size of the document in characters (without the byte order mark).
    pub char_len: u64,
    /// Whether any line ends with CR LF.
    pub crlf: bool,
}

/// Input bytes decoded to UTF-8 text. The text keeps a UTF-8 BOM, if there was one, so
/// that for UTF-8 input the text *is* the input; [`Decoded::text`] skips it.
#[derive(Debug, Clone)]
pub struct Decoded {
    text: String,
    start: usize,
    info: SourceInfo,
}

impl Decoded {
    /// The document text, without any byte order mark.
    pub fn text(&self) -> &str {
        self.text.get(self.start..).unwrap_or("")
    }

    /// Facts about the raw bytes.
    pub fn info(&self) -> &SourceInfo {
        &self.info
    }

    /// For UTF-8 input: the byte offset in the input of an offset into [`Decoded::text`].
    /// `None` for other encodings, where offsets do not map one to one.
    pub fn input_offset(&self, text_offset: usize) -> Option<usize> {
        (self.info.encoding == Encoding::Utf8).then(|| text_offset.saturating_add(self.start))
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes `bytes` into UTF-8 text, taking ownership so UTF-8 input is not copied.
pub fn decode(bytes: Vec<u8>) -> Result<Decoded, Error> {
    let byte_len = bytes.len() as u64;
    let (enc, bom_len) = sniff(&bytes);
    let (text, start, declared) = match enc {
        Sniffed::Utf16Le | Sniffed::Utf16Be => {
            let le = enc == Sniffed::Utf16Le;
            let text = decode_utf16(bytes.get(bom_len..).unwrap_or(&[]), le)?;
            let declared = declared_encoding(text.as_bytes());
            if let Some(d) = &declared {
                let d = d.to_ascii_lowercase();
                let ok = d == "utf-16" || (le && d == "utf-16le") || (!le && d == "utf-16be");
                if !ok {
                    return Err(Error::Encoding {
                        what: format!(
                            "the bytes are UTF-16 but the XML declaration says encoding=\"{}\"",
                            d
                        )
                        .into(),
                        pos: Pos::new(1, 1, 0),
                    });
                }
            }
            (text, 0, declared)
        }
        Sniffed::Bytes => {
            let declared = declared_encoding(bytes.get(bom_len..).unwrap_or(&[]));
            let norm = declared.as_deref().map(str::to_ascii_lowercase);
            match norm.as_deref() {
                None | Some("utf-8") | Some("utf8") => {
                    let text = into_utf8(bytes, bom_len)?;
                    (text, bom_len, declared)
                }
                Some("us-ascii") | Some("ascii") if bom_len == 0 => {
                    if let Some(i) = bytes.iter().position(|b| *b >= 0x80) {
                        return Err(Error::Encoding {
                            what: format!(
                                "byte 0x{:02X} contradicts the declared encoding US-ASCII",
                                bytes.get(i).copied().unwrap_or(0)
                            )
                            .into(),
                            pos: byte_pos(&bytes, i),
                        });
                    }
                    let text = into_utf8(bytes, 0)?;
                    return finish(text, 0, Encoding::Ascii, false, declared, byte_len);
                }
                Some("iso-8859-1") | Some("latin1") | Some("latin-1") | Some("l1")
                | Some("iso_8859-1") | Some("iso8859-1")
                    if bom_len == 0 =>
                {
                    let text: String = bytes.iter().map(|b| char::from(*b)).collect();
                    return finish(text, 0, Encoding::Latin1, false, declared, byte_len);
                }
                Some(_) if bom_len > 0 => {
                    let other = declared.as_deref().unwrap_or_default();
                    return Err(Error::Encoding {
                        what: format!(
                            "the input starts with a UTF-8 byte order mark but declares encoding=\"{other}\""
                        )
                        .into(),
                        pos: Pos::new(1, 1, 0),
                    });
                }
                Some(_) => {
                    let other = declared.as_deref().unwrap_or_default();
                    return Err(Error::Encoding {
                        what: format!(
                            "unsupported declared encoding \"{other}\" (supported: UTF-8, UTF-16, ISO-8859-1, US-ASCII)"
                        )
                        .into(),
                        pos: Pos::new(1, 1, 0),
                    });
                }
            }
        }
    };
    let encoding = match enc {
        Sniffed::Utf16Le => Encoding::Utf16Le,
        Sniffed::Utf16Be => Encoding::Utf16Be,
        Sniffed::Bytes => Encoding::Utf8,
    };
    finish(text, start, encoding, bom_len > 0, declared, byte_len)
}

fn finish(
    text: String,
    start: usize,
    encoding: Encoding,
    bom: bool,
    declared_encoding: Option<String>,
    byte_len: u64,
) -> Result<Decoded, Error> {
    let body = text.get(start..).unwrap_or("");
    let char_len = body.chars().count() as u64;
    let crlf = memchr::memmem::find(body.as_bytes(), b"\r\n").is_some();
    Ok(Decoded {
        info: SourceInfo {
            encoding,
            bom,
            declared_encoding,
            byte_len,
            char_len,
            crlf,
        },
        text,
        start,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    Bytes,
    Utf16Le,
    Utf16Be,
}

fn sniff(b: &[u8]) -> (Sniffed, usize) {
    if b.starts_with(UTF8_BOM) {
        (Sniffed::Bytes, 3)
    } else if b.starts_with(b"\xFF\xFE") {
        (Sniffed::Utf16Le, 2)
    } else if b.starts_with(b"\xFE\xFF") {
        (Sniffed::Utf16Be, 2)
    } else if b.starts_with(b"<\0?\0") {
        (Sniffed::Utf16Le, 0)
    } else if b.starts_with(b"\0<\0?") {
        (Sniffed::Utf16Be, 0)
    } else {
        (Sniffed::Bytes, 0)
    }
}

fn into_utf8(bytes: Vec<u8>, bom_len: usize) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let what = format!(
            "invalid UTF-8 (byte 0x{:02X}); declare the real encoding or convert the file to UTF-8",
            bytes.get(at).copied().unwrap_or(0)
        );
        let mut pos = byte_pos(
            bytes.get(bom_len..).unwrap_or(&[]),
            at.saturating_sub(bom_len),
        );
        pos.offset = at as u64;
        Error::Encoding {
            what: what.into(),
            pos,
        }
    })
}

fn decode_utf16(b: &[u8], le: bool) -> Result<String, Error> {
    if !b.len().is_multiple_of(2) {
        return Err(Error::Encoding {
            what: "UTF-16 input has an odd number of bytes (truncated)".into(),
            pos: Pos::new(1, 1, b.len() as u64),
        });
    }
    let units = b.chunks_exact(2).map(|c| match c {
        [x, y] if le => u16::from_le_bytes([*x, *y]),
        [x, y] => u16::from_be_bytes([*x, *y]),
        _ => 0,
    });
    let mut out = String::with_capacity(b.len() / 2);
    let mut line = 1u32;
    let mut col = 1u32;
    for (i, r) in char::decode_utf16(units).enumerate() {
        match r {
            Ok(c) => {
                out.push(c);
                if c == '\n' {
                    line = line.saturating_add(1);
                    col = 1;
                } else {
                    col = col.saturating_add(1);
                }
            }
            Err(e) => {
                return Err(Error::Encoding {
                    what: format!(
                        "invalid UTF-16: unpaired surrogate 0x{:04X}",
                        e.unpaired_surrogate()
                    )
                    .into(),
                    pos: Pos::new(line, col, (i as u64).saturating_mul(2)),
                })
            }
        }
    }
    Ok(out)
}

/// Position of a byte offset in raw (not yet decoded) bytes, counting columns in bytes.
fn byte_pos(b: &[u8], at: usize) -> Pos {
    let head = b.get(..at).unwrap_or(b);
    let line = head.iter().filter(|c| **c == b'\n').count();
    let line_start = head.iter().rposition(|c| *c == b'\n').map_or(0, |p| p + 1);
    let col = at.saturating_sub(line_start);
    Pos::new(
        u32::try_from(line.saturating_add(1)).unwrap_or(u32::MAX),
        u32::try_from(col.saturating_add(1)).unwrap_or(u32::MAX),
        at as u64,
    )
}

/// The `encoding` pseudo-attribute of an XML declaration at the very start of `b`
/// (ASCII-compatible bytes). Only rejects or routes decoding; no value reaches the model.
fn declared_encoding(b: &[u8]) -> Option<String> {
    let head = b.get(..b.len().min(512))?;
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = memchr::memmem::find(head, b"?>")?;
    let decl = std::str::from_utf8(head.get(..end)?).ok()?;
    let i = decl.find("encoding")?;
    let rest = decl.get(i + "encoding".len()..)?.trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let quote = rest.chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let rest = rest.get(1..)?;
    let close = rest.find(quote)?;
    Some(rest.get(..close)?.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode(b"<a/>".to_vec()).unwrap();
        assert_eq!(d.text(), "<a/>");
        assert!(!d.info().bom);
        let d = decode(b"\xEF\xBB\xBF<a/>".to_vec()).unwrap();
        assert_eq!(d.text(), "<a/>");
        assert!(d.info().bom);
        assert_eq!(d.input_offset(1), Some(4));
    }

    #[test]
    fn utf16_both_orders() {
        let s = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>é</a>";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode(le).unwrap().text(), s);
        let d = decode(be).unwrap();
        assert_eq!(d.text(), s);
        assert_eq!(d.info().encoding, Encoding::Utf16Be);
    }

    #[test]
    fn latin1_and_ascii() {
        let d = decode(b"<?xml version='1.0' encoding='ISO-8859-1'?><a>\xE9</a>".to_vec()).unwrap();
        assert!(d.text().contains("<a>é</a>"));
        assert_eq!(d.info().encoding, Encoding::Latin1);
        let e =
            decode(b"<?xml version='1.0' encoding='US-ASCII'?>\n<a>\xE9</a>".to_vec()).unwrap_err();
        assert!(e.to_string().contains("US-ASCII"), "{e}");
        assert_eq!(e.pos().unwrap().line, 2);
    }

    #[test]
    fn bad_utf8_and_unknown_encoding() {
        let e = decode(b"<a>\n  \xFF</a>".to_vec()).unwrap_err();
        assert!(e.to_string().starts_with("invalid UTF-8"), "{e}");
        assert_eq!(e.pos().unwrap(), Pos::new(2, 3, 6));
        let e = decode(b"<?xml version='1.0' encoding='Shift_JIS'?><a/>".to_vec()).unwrap_err();
        assert!(
            e.to_string()
                .contains("unsupported declared encoding \"Shift_JIS\""),
            "{e}"
        );
    }

    #[test]
    fn utf16_bom_with_utf8_declaration_is_a_contradiction() {
        let s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/>";
        let mut le = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert!(decode(le).is_err());
    }
}
