//! Fetching metadata over HTTPS for a live drift check.
//!
//! `ureq` with rustls (ring) and the Mozilla roots; timeouts, a size limit
//! ([`Limits::max_bytes`]) and a bounded number of redirects, followed here one by one and
//! each one checked (https only; plain http only to a loopback address, and only when
//! [`FetchOptions::insecure_allow_http_loopback`] is set, for tests). Every address
//! connected to must be public unless [`FetchOptions::allow_private_network`] is set (see
//! [`non_public`]): a CI gate fed a URL must not reach the runner's network or a cloud
//! metadata service. `user:password@` in a URL never appears in a message. The bytes go
//! through the same hardened reader as a file.

use super::netguard::{self, GuardedResolver};
use crate::error::{lower_first, Error, Pos};
use crate::limits::Limits;
use crate::model::Metadata;
use std::time::Duration;

pub use super::netguard::{non_public, redact_url};

/// The longest timeout [`fetch`] uses; a longer [`FetchOptions::timeout`] is cut to this.
/// One day: far beyond any real fetch, and far from the clock overflow a huge timer causes.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// Options for [`fetch`] and [`load`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FetchOptions {
    /// Whole-request timeout (connect, TLS, headers and body). Default 30 s: Entra serves
    /// its metadata in well under a second; a stalled pipeline should fail, not hang.
    /// At most [`MAX_TIMEOUT`] is used.
    pub timeout: Duration,
    /// Redirects followed at most. Default 5.
    pub max_redirects: u32,
    /// Allow `http://` to a loopback address (127.0.0.0/8, `::1`, `localhost`). For tests
    /// only; never for real metadata. Default false. The address must also be allowed by
    /// [`FetchOptions::allow_private_network`].
    pub insecure_allow_http_loopback: bool,
    /// Allow connecting to loopback, private, link-local, unique-local and other non-public
    /// addresses ([`non_public`]), for the URL and every redirect. Default false: metadata
    /// is published on the Internet, and a URL taken from a pull request must not make the
    /// fetch a request forger inside the network it runs in.
    pub allow_private_network: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: Duration::from_secs(30),
            max_redirects: 5,
            insecure_allow_http_loopback: false,
            allow_private_network: false,
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
    let shown = redact_url(raw);
    let u = url::Url::parse(raw.trim()).map_err(|e| {
        Error::input(format!(
            "{shown}: not a valid URL: {}",
            netguard::scrub(&e.to_string(), raw)
        ))
    })?;
    match u.scheme() {
        "https" => Ok(u),
        "http" if opts.insecure_allow_http_loopback && is_loopback(&u) => Ok(u),
        "http" => Err(Error::input(format!(
            "{shown}: plain http is refused: metadata carries the keys sign-in trusts, fetch it over https"
        ))),
        s => Err(Error::input(format!(
            "{shown}: scheme \"{s}\" is not supported, only https"
        ))),
    }
}

/// The message part for a refused address.
fn refused(why: &str) -> String {
    format!(
        "refused: {why}; metadata is fetched from public addresses only (allow private networks with --allow-private-network)"
    )
}

/// Fetches the bytes at an `https://` URL, following at most
/// [`FetchOptions::max_redirects`] redirects, refusing more than `limits.max_bytes`.
///
/// Every failure is an [`Error`] naming the URL (without its user information): network,
/// TLS, timeout, HTTP status, size, an address that is not public.
pub fn fetch(url: &str, opts: &FetchOptions, limits: &Limits) -> Result<Vec<u8>, Error> {
    let first = redact_url(url);
    let timeout = opts.timeout.min(MAX_TIMEOUT);
    let env_proxy = ureq::Proxy::try_from_env();
    let mut current = check_url(url, opts)?;
    let mut hops = 0u32;
    loop {
        let shown = redact_url(current.as_str());
        let proxy = if is_loopback(&current) {
            None
        } else {
            env_proxy.clone()
        };
        if !opts.allow_private_network {
            netguard::precheck(&current, proxy.as_ref(), timeout).map_err(|why| {
                let what = if hops == 0 {
                    format!("cannot fetch {shown}: {}", refused(&why))
                } else {
                    format!(
                        "cannot fetch {first}: redirect to {shown} {}",
                        refused(&why)
                    )
                };
                Error::input(what)
            })?;
        }
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .max_redirects(0)
            .http_status_as_error(false)
            .https_only(current.scheme() == "https")
            .proxy(proxy)
            .user_agent(concat!("samlcheck/", env!("CARGO_PKG_VERSION")))
            .build();
        let agent = if opts.allow_private_network {
            ureq::Agent::new_with_config(config)
        } else {
            ureq::Agent::with_parts(
                config,
                ureq::unversioned::transport::DefaultConnector::default(),
                GuardedResolver::default(),
            )
        };
        let mut resp = agent.get(current.as_str()).call().map_err(|e| {
            match netguard::refused_message(&e) {
                Some(why) if hops == 0 => {
                    Error::input(format!("cannot fetch {shown}: {}", refused(&why)))
                }
                Some(why) => Error::input(format!(
                    "cannot fetch {first}: redirect to {shown} {}",
                    refused(&why)
                )),
                None => net_error(current.as_str(), &e, timeout),
            }
        })?;
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
            hops = hops.saturating_add(1);
            if hops > opts.max_redirects {
                return Err(Error::input(format!(
                    "cannot fetch {first}: more than {} redirects",
                    opts.max_redirects
                )));
            }
            let next = current.join(&loc).map_err(|e| {
                Error::input(format!(
                    "cannot fetch {shown}: bad redirect target {:?}: {e}",
                    redact_url(&loc)
                ))
            })?;
            current = check_url(next.as_str(), opts).map_err(|e| {
                Error::input(format!("cannot fetch {first}: redirect refused: {e}"))
            })?;
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
            Err(e) => Err(net_error(current.as_str(), &e, timeout)),
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

/// A network error for `url` (raw; shown redacted, and the dependency's text scrubbed of
/// the URL's user information).
fn net_error(url: &str, e: &ureq::Error, timeout: Duration) -> Error {
    let what = match e {
        ureq::Error::Timeout(_) => format!("timed out after {} s", timeout.as_secs()),
        ureq::Error::HostNotFound => "host not found".to_string(),
        ureq::Error::Io(io) => lower_first(&io.to_string()),
        other => lower_first(&other.to_string()),
    };
    Error::input(format!(
        "cannot fetch {}: {}",
        redact_url(url),
        netguard::scrub(&what, url)
    ))
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
        assert!(t.timeout <= MAX_TIMEOUT);
        assert!(check_url("http://127.0.0.1:1/x", &t).is_ok());
        assert!(check_url("http://[::1]:1/x", &t).is_ok());
        assert!(check_url("http://example.org/x", &t).is_err());
        assert!(is_url("HTTPS://x"));
        assert!(!is_url("azure.xml"));
    }
}
