//! Reading JSON exports: decoding (UTF-8 with or without BOM, UTF-16 as PowerShell writes
//! it), parsing, and typed access that names the JSON path of a bad field in its error.

use crate::error::{lower_first, Error};
use serde_json::Value;
use std::path::Path;

/// Largest JSON export accepted, in bytes. 256 MiB: an `az ad user list` of 100,000 users
/// with every default property is about 100 MB.
pub(crate) const MAX_JSON_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a file and parses it as JSON; `name` is how messages name the file.
pub(crate) fn load(path: &Path) -> Result<(String, Value), Error> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, &e))?;
    if meta.len() > MAX_JSON_BYTES {
        return Err(Error::input(format!(
            "{name}: file is {} bytes, more than the limit of {MAX_JSON_BYTES} bytes for a JSON export",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, &e))?;
    let value = parse(&bytes, &name)?;
    Ok((name, value))
}

/// Decodes and parses JSON bytes; `file` names the input in messages.
pub(crate) fn parse(bytes: &[u8], file: &str) -> Result<Value, Error> {
    let text = decode(bytes, file)?;
    serde_json::from_str(&text).map_err(|e| {
        Error::input(format!(
            "{file}: not valid JSON: {}",
            lower_first(&e.to_string())
        ))
    })
}

fn decode(bytes: &[u8], file: &str) -> Result<String, Error> {
    let utf16 = |rest: &[u8], le: bool| -> Result<String, Error> {
        if !rest.len().is_multiple_of(2) {
            return Err(Error::input(format!(
                "{file}: odd number of bytes in UTF-16 text"
            )));
        }
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| match c {
                [a, b] if le => u16::from_le_bytes([*a, *b]),
                [a, b] => u16::from_be_bytes([*a, *b]),
                _ => 0,
            })
            .collect();
        String::from_utf16(&units).map_err(|_| Error::input(format!("{file}: invalid UTF-16 text")))
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => utf8(rest, file),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
        _ => utf8(bytes, file),
    }
}

fn utf8(bytes: &[u8], file: &str) -> Result<String, Error> {
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        Error::input(format!(
            "{file}: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// A JSON value with the path that leads to it, for precise error messages.
#[derive(Clone, Copy)]
pub(crate) struct J<'a, 'p> {
    pub(crate) v: &'a Value,
    pub(crate) file: &'a str,
    path: &'p str,
}

/// An owned path, so that child views can borrow it.
pub(crate) struct Node<'a> {
    pub(crate) v: &'a Value,
    pub(crate) file: &'a str,
    pub(crate) path: String,
}

impl<'a> Node<'a> {
    pub(crate) fn root(v: &'a Value, file: &'a str) -> Node<'a> {
        Node {
            v,
            file,
            path: "$".to_string(),
        }
    }

    /// A root whose path starts with `path` (for JSON embedded in a string).
    pub(crate) fn with_path(v: &'a Value, file: &'a str, path: String) -> Node<'a> {
        Node { v, file, path }
    }

    pub(crate) fn j(&self) -> J<'a, '_> {
        J {
            v: self.v,
            file: self.file,
            path: &self.path,
        }
    }
}

impl<'a> J<'a, '_> {
    /// An error about this value.
    pub(crate) fn err(&self, what: &str) -> Error {
        Error::input(format!("{}: {}: {what}", self.file, self.path))
    }

    /// The member `key` (case-sensitive first, then ignoring ASCII case, as exports differ).
    pub(crate) fn get(&self, key: &str) -> Option<Node<'a>> {
        let obj = self.v.as_object()?;
        let (k, v) = obj
            .get_key_value(key)
            .or_else(|| obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)))?;
        if v.is_null() {
            return None;
        }
        Some(Node {
            v,
            file: self.file,
            path: child_path(self.path, k),
        })
    }

    /// The first present member among `keys`.
    pub(crate) fn get_any(&self, keys: &[&str]) -> Option<Node<'a>> {
        keys.iter().find_map(|k| self.get(k))
    }

    pub(crate) fn is_object(&self) -> bool {
        self.v.is_object()
    }

    /// This value as a string, or an error naming the path.
    pub(crate) fn as_str(&self) -> Result<&'a str, Error> {
        self.v.as_str().ok_or_else(|| self.err("expected a string"))
    }

    /// Member `key` as a string; absent or null is `None`.
    pub(crate) fn str(&self, key: &str) -> Result<Option<String>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(n) => n.j().as_str().map(|s| Some(s.to_string())),
        }
    }

    /// Member `key` as a string, or a scalar (number, bool) written as one.
    pub(crate) fn scalar(&self, key: &str) -> Result<Option<String>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(n) => match n.v {
                Value::String(s) => Ok(Some(s.clone())),
                Value::Number(x) => Ok(Some(x.to_string())),
                Value::Bool(b) => Ok(Some(b.to_string())),
                _ => Err(n.j().err("expected a string")),
            },
        }
    }

    /// Member `key` as a boolean (`true`, or the strings `"true"`/`"false"`).
    pub(crate) fn bool(&self, key: &str) -> Result<Option<bool>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(n) => match n.v {
                Value::Bool(b) => Ok(Some(*b)),
                Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
                Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
                _ => Err(n.j().err("expected true or false")),
            },
        }
    }

    /// Member `key` as an integer (a number or a numeric string).
    pub(crate) fn int(&self, key: &str) -> Result<Option<i64>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(n) => match n.v {
                Value::Number(x) => x
                    .as_i64()
                    .map(Some)
                    .ok_or_else(|| n.j().err("expected an integer")),
                Value::String(s) => s
                    .trim()
                    .parse::<i64>()
                    .map(Some)
                    .map_err(|_| n.j().err("expected an integer")),
                _ => Err(n.j().err("expected an integer")),
            },
        }
    }

    /// The elements of this array, each with its path.
    pub(crate) fn items(&self) -> Result<Vec<Node<'a>>, Error> {
        let arr = self
            .v
            .as_array()
            .ok_or_else(|| self.err("expected an array"))?;
        Ok(arr
            .iter()
            .enumerate()
            .map(|(i, v)| Node {
                v,
                file: self.file,
                path: format!("{}[{i}]", self.path),
            })
            .collect())
    }

    /// Member `key` as an array of nodes; absent or null is empty.
    pub(crate) fn arr(&self, key: &str) -> Result<Vec<Node<'a>>, Error> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(n) => n.j().items(),
        }
    }

    /// Member `key` as an array of strings, each with its path; absent is empty.
    pub(crate) fn strs(&self, key: &str) -> Result<Vec<(String, String)>, Error> {
        self.arr(key)?
            .into_iter()
            .map(|n| n.j().as_str().map(|s| (s.to_string(), n.path.clone())))
            .collect()
    }
}

fn child_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !key.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        format!("{parent}.{key}")
    } else {
        format!("{parent}[{}]", serde_json::Value::String(key.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_boms_and_utf16() {
        let v = parse(b"\xEF\xBB\xBF{\"a\":1}", "f").unwrap();
        assert_eq!(v["a"], 1);
        let mut le = vec![0xFF, 0xFE];
        for u in "{\"a\":2}".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(parse(&le, "f").unwrap()["a"], 2);
        let e = parse(b"{", "x.json").unwrap_err().to_string();
        assert!(e.starts_with("x.json: not valid JSON: "), "{e}");
    }

    #[test]
    fn errors_name_the_path() {
        let v: Value = serde_json::from_str(r#"{"a":[{"b":1}],"@odata.x":2}"#).unwrap();
        let root = Node::root(&v, "f.json");
        let items = root.j().arr("a").unwrap();
        let e = items[0].j().str("b").unwrap_err().to_string();
        assert_eq!(e, "f.json: $.a[0].b: expected a string");
        assert_eq!(root.j().get("@odata.x").unwrap().path, "$[\"@odata.x\"]");
        assert_eq!(root.j().get("A").unwrap().path, "$.a");
    }
}
