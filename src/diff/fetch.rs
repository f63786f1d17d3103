//! Fetching metadata over HTTPS for a live drift check.
//!
//! `ureq` with rustls (ring) and the Mozilla roots; timeouts, a size limit
//! ([`Limits::max_bytes`]) and a bounded number of redirects, each one checked here
//! (https only; plain http only to a loopback address, and only when
//! [`FetchOptions::insecure_allow_http_loopback`] is set, for tests). The bytes go through
//! the same hardened reader as a file.

use crate::error::{lower_first, Error, Pos};
use crate::limits::Limits;
use crate::model::Metadata;
use std::time::Duration;

/// Options for [`fetch`] and [`load`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FetchOptions {
    /// Whole-request timeout (connect, TLS, headers and body). Default 30 s: Entra serves
    /// its metadata in well under a second; a stalled pipeline should fail, not hang.
    pub timeout: Duration,
    /// Redirects followed at most. Default 5.
    pub max_redirects: u32,
    /// Allow `http://` to a loopback address (127.0.0.0/8, `::1`, `localhost`). For tests
    /// only; never for real metadata. Default false.
    pub insecure_allow_http_loopback: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: Duration::from_secs(30),
            max_redirects: 5,
            insecure_allow_http_loopback: false,
        }
    }
}

/// Whether `source` is meant as a URL (`https://` or `http://`, any case).
pub fn is_url(source: &str) -> bool {
    let s = source
        .trim_start()
        .get(..8)
        .unwrap_or("")
        .to_ascii_lowercase();
    s.starts_with("https://") || s.starts_with("http://")
}

fn is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn check_url(raw: &str, opts: &FetchOptions) -> Result<url::Url, Error> {
    let u = url::Url::parse(raw.trim())
        .map_err(|e| Error::input(format!("{raw}: not a valid URL: {e}")))?;
    match u.scheme() {
        "https" => Ok(u),
        "http" if opts.insecure_allow_http_loopback && is_loopback(&u) => Ok(u),
        "http" => Err(Error::input(format!(
            "{raw}: plain http is refused: metadata carries the keys sign-in trusts, fetch it over https"
        ))),
        s => Err(Error::input(format!(
            "{raw}: scheme \"{s}\" is not supported, only https"
        ))),
    }
}

/// Fetches the bytes at an `https://` URL, following at most
/// [`FetchOptions::max_redirects`] redirects, refusing more than `limits.max_bytes`.
///
/// Every failure is an [`Error`] naming the URL: network, TLS, timeout, HTTP status,
/// size.
pub fn fetch(url: &str, opts: &FetchOptions, limits: &Limits) -> Result<Vec<u8>, Error> {
    let mut current = check_url(url, opts)?;
    let mut hops = 0u32;
    loop {
        let mut cfg = ureq::Agent::config_builder()
            .timeout_global(Some(opts.timeout))
            .max_redirects(0)
            .http_status_as_error(false)
            .https_only(current.scheme() == "https")
            .user_agent(concat!("samlcheck/", env!("CARGO_PKG_VERSION")));
        if is_loopback(&current) {
            cfg = cfg.proxy(None);
        }
        let agent: ureq::Agent = cfg.build().into();
        let shown = current.as_str().to_string();
        let mut resp = agent
            .get(current.as_str())
            .call()
            .map_err(|e| net_error(&shown, &e, opts))?;
        let status = resp.status().as_u16();
        if (300..400).contains(&status) {
            let Some(loc) = resp
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
            else {
                return Err(Error::input(format!(
                    "cannot fetch {shown}: HTTP {status} without a Location header"
                )));
            };
            hops += 1;
            if hops > opts.max_redirects {
                return Err(Error::input(format!(
                    "cannot fetch {url}: more than {} redirects",
                    opts.max_redirects
                )));
            }
            let next = current.join(&loc).map_err(|e| {
                Error::input(format!(
                    "cannot fetch {shown}: bad redirect target {loc:?}: {e}"
                ))
            })?;
            current = check_url(next.as_str(), opts)
                .map_err(|e| Error::input(format!("cannot fetch {url}: redirect refused: {e}")))?;
            continue;
        }
        if status != 200 {
            return Err(Error::input(
                format!(
                    "cannot fetch {shown}: HTTP {status} {}",
                    resp.status().canonical_reason().unwrap_or("")
                )
                .trim_end()
                .to_string(),
            ));
        }
        let declared = resp
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > limits.max_bytes) {
            return Err(too_big(limits));
        }
        return match resp
            .body_mut()
            .with_config()
            .limit(limits.max_bytes)
            .read_to_vec()
        {
            Ok(b) => Ok(b),
            Err(ureq::Error::BodyExceedsLimit(_)) => Err(too_big(limits)),
            Err(e) => Err(net_error(&shown, &e, opts)),
        };
    }
}

fn too_big(limits: &Limits) -> Error {
    Error::LimitExceeded {
        what: "input size in bytes",
        limit: limits.max_bytes,
        pos: Pos::new(1, 1, 0),
    }
}

fn net_error(url: &str, e: &ureq::Error, opts: &FetchOptions) -> Error {
    let what = match e {
        ureq::Error::Timeout(_) => format!("timed out after {} s", opts.timeout.as_secs()),
        ureq::Error::HostNotFound => "host not found".to_string(),
        ureq::Error::Io(io) => lower_first(&io.to_string()),
        other => lower_first(&other.to_string()),
    };
    Error::input(format!("cannot fetch {url}: {what}"))
}

/// Reads metadata from a file path or an `https://` URL and builds the model, through the
/// one hardened reader.
pub fn load(source: &str, limits: &Limits, opts: &FetchOptions) -> Result<Metadata, Error> {
    let decoded = if is_url(source) {
        crate::xml::decode_checked(fetch(source, opts, limits)?, limits)?
    } else {
        crate::xml::read_path(std::path::Path::new(source), limits)?
    };
    let doc = crate::xml::XmlDoc::parse(decoded.text(), limits)?;
    Metadata::from_doc(&doc, decoded.info())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http() {
        let o = FetchOptions::default();
        assert!(check_url("https://login.microsoftonline.com/x", &o).is_ok());
        assert!(check_url("http://127.0.0.1:1/x", &o).is_err());
        assert!(check_url("ftp://example.org/x", &o).is_err());
        let t = FetchOptions {
            insecure_allow_http_loopback: true,
            ..FetchOptions::default()
        };
        assert!(check_url("http://127.0.0.1:1/x", &t).is_ok());
        assert!(check_url("http://[::1]:1/x", &t).is_ok());
        assert!(check_url("http://example.org/x", &t).is_err());
        assert!(is_url("HTTPS://x"));
        assert!(!is_url("azure.xml"));
    }
}
