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

#[cfg(feature = "fetch")]
use super::netguard::{self, GuardedResolver};
use crate::error::Error;
#[cfg(feature = "fetch")]
use crate::error::{lower_first, Pos};
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
    /// Tests only: loopback addresses pass the guard while every other non-public address
    /// is refused, so a redirect chain can start at a local test server.
    pub(crate) test_loopback_passes_guard: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: Duration::from_secs(30),
            max_redirects: 5,
            insecure_allow_http_loopback: false,
            allow_private_network: false,
            test_loopback_passes_guard: false,
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

#[cfg(feature = "fetch")]
fn is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(feature = "fetch")]
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

#[cfg(feature = "fetch")]
/// The message part for a refused address.
fn refused(why: &str) -> String {
    format!(
        "refused: {why}; metadata is fetched from public addresses only (allow private networks with --allow-private-network)"
    )
}

#[cfg(feature = "fetch")]
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
    let guard = netguard::Guard {
        loopback: opts.test_loopback_passes_guard,
    };
    loop {
        let shown = redact_url(current.as_str());
        let proxy = if is_loopback(&current) {
            None
        } else {
            env_proxy.clone()
        };
        if !opts.allow_private_network {
            netguard::precheck(guard, &current, proxy.as_ref(), timeout).map_err(|why| {
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
                GuardedResolver::new(guard),
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

#[cfg(feature = "fetch")]
fn too_big(limits: &Limits) -> Error {
    Error::LimitExceeded {
        what: "input size in bytes",
        limit: limits.max_bytes,
        pos: Pos::new(1, 1, 0),
    }
}

#[cfg(feature = "fetch")]
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

#[cfg(feature = "fetch")]
fn fetch_or_refuse(url: &str, opts: &FetchOptions, limits: &Limits) -> Result<Vec<u8>, Error> {
    fetch(url, opts, limits)
}

#[cfg(not(feature = "fetch"))]
fn fetch_or_refuse(url: &str, _: &FetchOptions, _: &Limits) -> Result<Vec<u8>, Error> {
    Err(Error::input(format!(
        "{}: this build of samlcheck cannot fetch URLs (built without the `fetch` feature); download the file and pass its path",
        redact_url(url)
    )))
}

/// Reads metadata from a file path or an `https://` URL and builds the model, through the
/// one hardened reader.
///
/// Without the `fetch` feature a URL is an [`Error`] saying so (and `opts` is not used).
pub fn load(source: &str, limits: &Limits, opts: &FetchOptions) -> Result<Metadata, Error> {
    let decoded = if is_url(source) {
        crate::xml::decode_checked(fetch_or_refuse(source, opts, limits)?, limits)?
    } else {
        crate::xml::read_path(std::path::Path::new(source), limits)?
    };
    let doc = crate::xml::XmlDoc::parse(decoded.text(), limits)?;
    Metadata::from_doc(&doc, decoded.info())
}

#[cfg(feature = "fetch")]
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

    /// A server on 127.0.0.1 that answers each connection with the next of `responses`;
    /// returns its base URL and a handle giving the number of connections it accepted.
    /// The listener is non-blocking, so a run with fewer connections ends too.
    fn serve(responses: Vec<String>) -> (String, std::thread::JoinHandle<usize>) {
        use std::io::{Read, Write};
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.set_nonblocking(true).unwrap();
        let base = format!("http://{}", l.local_addr().unwrap());
        let h = std::thread::spawn(move || {
            let mut served = 0;
            let mut idle = 0;
            let mut queue = responses.into_iter().peekable();
            // Up to 5 s without a connection.
            while idle < 500 {
                match l.accept() {
                    Ok((mut c, _)) => {
                        idle = 0;
                        served += 1;
                        c.set_nonblocking(false).unwrap();
                        let mut buf = [0u8; 4096];
                        let _ = c.read(&mut buf);
                        let Some(r) = queue.next() else { break };
                        let _ = c.write_all(r.as_bytes());
                        if queue.peek().is_none() {
                            break;
                        }
                    }
                    Err(_) => {
                        idle += 1;
                        std::thread::sleep(Duration::from_millis(10));
                    }
                }
            }
            served
        });
        (base, h)
    }

    fn redirect(to: &str) -> String {
        format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    fn ok(body: &str) -> String {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    }

    #[test]
    fn loopback_is_refused_before_any_connection_unless_allowed() {
        let (base, h) = serve(vec![ok("<x/>")]);
        let o = FetchOptions {
            insecure_allow_http_loopback: true,
            ..FetchOptions::default()
        };
        let e = fetch(&format!("{base}/x"), &o, &Limits::default()).unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("refused: 127.0.0.1 is a loopback address"),
            "{m}"
        );
        assert!(m.contains("--allow-private-network"), "{m}");
        // Through the resolver (a host name): the same refusal.
        let port = base.rsplit(':').next().unwrap();
        let e = fetch(
            &format!("http://localhost:{port}/x"),
            &o,
            &Limits::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("localhost resolves to"), "{e}");
        assert!(e.to_string().contains("loopback address"), "{e}");
        let allowed = FetchOptions {
            allow_private_network: true,
            ..o
        };
        let body = fetch(&format!("{base}/x"), &allowed, &Limits::default()).unwrap();
        assert_eq!(body, b"<x/>");
        assert_eq!(h.join().unwrap(), 1, "only the allowed fetch connected");
    }

    #[test]
    fn every_redirect_hop_is_checked() {
        let o = FetchOptions {
            insecure_allow_http_loopback: true,
            test_loopback_passes_guard: true,
            ..FetchOptions::default()
        };
        // A hop to a loopback path is followed (the test guard lets loopback through).
        let (base, h) = serve(vec![redirect("/next"), ok("<y/>")]);
        assert_eq!(
            fetch(&format!("{base}/x"), &o, &Limits::default()).unwrap(),
            b"<y/>"
        );
        assert_eq!(h.join().unwrap(), 2);
        // Hops to non-public IP literals are refused before connecting (no traffic leaves
        // loopback), and credentials in the Location are not echoed.
        for (to, why) in [
            (
                "https://10.0.0.1/x",
                "10.0.0.1 is a private (RFC 1918) address",
            ),
            (
                "https://bob:hunter22@192.168.1.1/",
                "192.168.1.1 is a private",
            ),
            ("https://169.254.169.254/latest/meta-data/", "link-local"),
            ("https://100.64.0.1/", "carrier-grade NAT"),
            ("https://[fd00::1]/", "unique-local"),
            ("https://[fe80::1]/", "link-local (fe80::/10)"),
            ("https://[::ffff:10.0.0.1]/", "IPv4-mapped non-public"),
            ("https://0.0.0.0/", "unspecified"),
            ("https://224.0.0.1/", "multicast"),
        ] {
            let (base, h) = serve(vec![redirect(to)]);
            let e = fetch(&format!("{base}/x"), &o, &Limits::default()).unwrap_err();
            let m = e.to_string();
            assert!(m.contains("redirect to "), "{to}: {m}");
            assert!(m.contains(why), "{to}: {m}");
            assert!(!m.contains("hunter22") && !m.contains("bob"), "{m}");
            assert_eq!(h.join().unwrap(), 1, "{to}");
        }
    }

    #[test]
    fn credentials_are_never_echoed() {
        let (base, h) = serve(vec![]);
        let port = base.rsplit(':').next().unwrap();
        for u in [
            format!("https://alice:s3cr3tpw@127.0.0.1:{port}/x"),
            format!("http://alice:s3cr3tpw@127.0.0.1:{port}/x"),
            "https://alice:s3cr3tpw@[bad/x".to_string(),
            "ftp://alice:s3cr3tpw@example.org/x".to_string(),
        ] {
            let e = fetch(&u, &FetchOptions::default(), &Limits::default()).unwrap_err();
            let m = e.to_string();
            assert!(!m.contains("s3cr3tpw") && !m.contains("alice"), "{m}");
            assert!(m.contains("***@"), "{m}");
        }
        // Allowed to connect, the server closes at once: the network error is redacted too.
        let o = FetchOptions {
            allow_private_network: true,
            insecure_allow_http_loopback: true,
            ..FetchOptions::default()
        };
        let e = fetch(
            &format!("http://alice:s3cr3tpw@127.0.0.1:{port}/x"),
            &o,
            &Limits::default(),
        )
        .unwrap_err();
        let m = e.to_string();
        assert!(!m.contains("s3cr3tpw") && !m.contains("alice"), "{m}");
        assert!(m.starts_with("cannot fetch http://***@127.0.0.1:"), "{m}");
        assert_eq!(h.join().unwrap(), 1);
    }

    #[test]
    fn a_huge_timeout_is_capped_not_a_panic() {
        let (base, h) = serve(vec![ok("<z/>")]);
        let o = FetchOptions {
            timeout: Duration::from_secs(u64::MAX),
            allow_private_network: true,
            insecure_allow_http_loopback: true,
            ..FetchOptions::default()
        };
        assert_eq!(
            fetch(&format!("{base}/x"), &o, &Limits::default()).unwrap(),
            b"<z/>"
        );
        assert_eq!(h.join().unwrap(), 1);
    }
}

#[cfg(all(test, not(feature = "fetch")))]
mod without_fetch {
    use super::*;

    #[test]
    fn a_url_is_an_error_naming_the_feature_and_a_path_still_loads() {
        let e = load(
            "https://u:secret@example.org/md.xml",
            &Limits::default(),
            &FetchOptions::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("without the `fetch` feature"), "{e}");
        assert!(!e.contains("secret"), "{e}");
        let md = load(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/entra-idp.xml"),
            &Limits::default(),
            &FetchOptions::default(),
        )
        .unwrap();
        assert!(!md.entities.is_empty());
    }
}
