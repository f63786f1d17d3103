//! Keeping a fetch on the public Internet: an address classifier, a ureq resolver that
//! refuses non-public addresses, and URL redaction for messages.
//!
//! A CI gate that fetches a URL from a pull request must not become a request forger: the
//! URL, or a redirect it leads to, could name `localhost`, a cloud metadata service
//! (169.254.169.254) or a host on the runner's private network. Every address a request is
//! about to connect to goes through [`non_public`]; the check sits in the resolver, so the
//! address checked is the address connected to (no second DNS answer can slip in between).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
#[cfg(feature = "fetch")]
use std::net::{SocketAddr, ToSocketAddrs};
#[cfg(feature = "fetch")]
use std::time::Duration;
#[cfg(feature = "fetch")]
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
#[cfg(feature = "fetch")]
use ureq::unversioned::transport::NextTimeout;

/// Why `ip` is not a public unicast address, or `None` when it is one.
///
/// Refused: unspecified, loopback, private (RFC 1918), carrier-grade NAT (RFC 6598),
/// link-local, unique-local, site-local, multicast, broadcast, documentation,
/// benchmarking, reserved and IETF protocol ranges, and the same addresses embedded in
/// IPv6 (IPv4-mapped, IPv4-compatible, NAT64 and 6to4), plus Teredo and local-use NAT64.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(a) => non_public_v4(a),
        IpAddr::V6(a) => non_public_v6(a),
    }
}

fn non_public_v4(a: Ipv4Addr) -> Option<&'static str> {
    let [o0, o1, o2, _] = a.octets();
    let in_net = |net: [u8; 4], bits: u32| {
        let mask = u32::MAX
            .checked_shl(32u32.saturating_sub(bits))
            .unwrap_or(0);
        u32::from(a) & mask == u32::from(Ipv4Addr::from(net)) & mask
    };
    Some(match () {
        () if o0 == 0 => "unspecified (0.0.0.0/8)",
        () if o0 == 127 => "loopback",
        () if o0 == 10 || in_net([172, 16, 0, 0], 12) || (o0 == 192 && o1 == 168) => {
            "private (RFC 1918)"
        }
        () if in_net([100, 64, 0, 0], 10) => "carrier-grade NAT (100.64.0.0/10)",
        () if o0 == 169 && o1 == 254 => "link-local (169.254.0.0/16)",
        () if o0 == 192 && o1 == 0 && o2 == 0 => "IETF protocol assignment (192.0.0.0/24)",
        () if (o0 == 192 && o1 == 0 && o2 == 2)
            || (o0 == 198 && o1 == 51 && o2 == 100)
            || (o0 == 203 && o1 == 0 && o2 == 113) =>
        {
            "documentation"
        }
        () if o0 == 192 && o1 == 88 && o2 == 99 => "6to4 relay anycast (192.88.99.0/24)",
        () if in_net([198, 18, 0, 0], 15) => "benchmarking (198.18.0.0/15)",
        () if in_net([224, 0, 0, 0], 4) => "multicast",
        () if o0 >= 240 => "reserved or broadcast (240.0.0.0/4)",
        () => return None,
    })
}

fn non_public_v6(a: Ipv6Addr) -> Option<&'static str> {
    let s = a.segments();
    let seg = |i: usize| s.get(i).copied().unwrap_or(0);
    let embedded = |hi: u16, lo: u16| {
        let [h0, h1] = hi.to_be_bytes();
        let [l0, l1] = lo.to_be_bytes();
        Ipv4Addr::new(h0, h1, l0, l1)
    };
    if a.is_unspecified() {
        return Some("unspecified (::)");
    }
    if a.is_loopback() {
        return Some("loopback");
    }
    // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (IPv4-compatible, deprecated): the
    // embedded IPv4 address is what a dual-stack socket reaches.
    if seg(0) == 0 && seg(1) == 0 && seg(2) == 0 && seg(3) == 0 && seg(4) == 0 {
        if seg(5) == 0xffff {
            return non_public_v4(embedded(seg(6), seg(7))).map(|_| "IPv4-mapped non-public");
        }
        if seg(5) == 0 {
            return Some("IPv4-compatible (deprecated, ::/96)");
        }
    }
    // 64:ff9b::/96, NAT64 well-known prefix: the gateway reaches the embedded address.
    if seg(0) == 0x64 && seg(1) == 0xff9b && s.get(2..6) == Some(&[0u16, 0, 0, 0][..]) {
        return non_public_v4(embedded(seg(6), seg(7))).map(|_| "NAT64 of a non-public IPv4");
    }
    if seg(0) == 0x64 && seg(1) == 0xff9b && seg(2) == 1 {
        return Some("local-use NAT64 (64:ff9b:1::/48)");
    }
    // 2002::/16, 6to4: the IPv4 address is in bits 16..48.
    if seg(0) == 0x2002 {
        return non_public_v4(embedded(seg(1), seg(2))).map(|_| "6to4 of a non-public IPv4");
    }
    Some(match seg(0) {
        0x0100 if seg(1) == 0 && seg(2) == 0 && seg(3) == 0 => "discard-only (100::/64)",
        0x2001 if seg(1) == 0 => "Teredo (2001::/32)",
        0x2001 if seg(1) == 2 && seg(2) == 0 => "benchmarking (2001:2::/48)",
        0x2001 if seg(1) == 0x0db8 => "documentation (2001:db8::/32)",
        0x2001 if (0x10..0x30).contains(&seg(1)) => "ORCHID (2001:10::/28, 2001:20::/28)",
        0x3fff if seg(1) < 0x1000 => "documentation (3fff::/20)",
        x if x & 0xfe00 == 0xfc00 => "unique-local (fc00::/7)",
        x if x & 0xffc0 == 0xfe80 => "link-local (fe80::/10)",
        x if x & 0xffc0 == 0xfec0 => "site-local (deprecated, fec0::/10)",
        x if x & 0xff00 == 0xff00 => "multicast",
        _ => return None,
    })
}

#[cfg(feature = "fetch")]
/// Why fetching from `addr` is refused, as a message part: `127.0.0.1 is loopback`.
fn refusal(host: &str, addr: IpAddr, why: &str) -> String {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host == addr.to_string() {
        format!("{addr} is a {why} address")
    } else {
        format!("{host} resolves to {addr}, a {why} address")
    }
}

#[cfg(feature = "fetch")]
/// The error a refused address gives; [`refused_message`] finds it again in a ureq error.
#[derive(Debug)]
struct Refused(String);

#[cfg(feature = "fetch")]
impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(feature = "fetch")]
impl std::error::Error for Refused {}

#[cfg(feature = "fetch")]
fn refused_error(msg: String) -> ureq::Error {
    ureq::Error::Io(std::io::Error::new(
        std::io::ErrorKind::PermissionDenied,
        Refused(msg),
    ))
}

#[cfg(feature = "fetch")]
/// The refusal in `e` when the guard caused it.
pub(crate) fn refused_message(e: &ureq::Error) -> Option<String> {
    match e {
        ureq::Error::Io(io) => io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<Refused>())
            .map(|r| r.0.clone()),
        _ => None,
    }
}

#[cfg(feature = "fetch")]
/// What the guard lets through besides public addresses.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Guard {
    /// Loopback addresses pass (tests only: a redirect chain can start at a local test
    /// server while every other non-public address is still refused).
    pub(crate) loopback: bool,
}

#[cfg(feature = "fetch")]
impl Guard {
    /// Checks every address of `addrs` for `host`: the first refused one is an error.
    fn check_all(
        self,
        host: &str,
        addrs: impl IntoIterator<Item = SocketAddr>,
    ) -> Result<(), String> {
        for sa in addrs {
            if self.loopback && sa.ip().to_canonical().is_loopback() {
                continue;
            }
            if let Some(why) = non_public(sa.ip()) {
                return Err(refusal(host, sa.ip(), why));
            }
        }
        Ok(())
    }
}

#[cfg(feature = "fetch")]
/// A resolver that refuses non-public addresses of the target (not of a proxy the
/// operator configured): what it returns is what ureq connects to.
#[derive(Debug, Default)]
pub(crate) struct GuardedResolver {
    inner: DefaultResolver,
    guard: Guard,
}

#[cfg(feature = "fetch")]
impl GuardedResolver {
    pub(crate) fn new(guard: Guard) -> GuardedResolver {
        GuardedResolver {
            inner: DefaultResolver::default(),
            guard,
        }
    }
}

#[cfg(feature = "fetch")]
impl Resolver for GuardedResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addrs = self.inner.resolve(uri, config, timeout)?;
        // The proxy's own address is the operator's choice; the target behind it was
        // checked before the request (see `precheck`).
        if config.proxy().is_some_and(|p| p.uri() == uri) {
            return Ok(addrs);
        }
        self.guard
            .check_all(uri.host().unwrap_or(""), addrs.iter().copied())
            .map_err(refused_error)?;
        Ok(addrs)
    }
}

#[cfg(feature = "fetch")]
/// Checks the target before the request: an IP literal at once; a host name only when a
/// proxy will resolve it (then the proxy connects, so this is the only check there is and
/// it is best effort: the proxy's own DNS answer may differ).
pub(crate) fn precheck(
    guard: Guard,
    u: &url::Url,
    proxy: Option<&ureq::Proxy>,
    timeout: Duration,
) -> Result<(), String> {
    let port = u.port_or_known_default().unwrap_or(443);
    match u.host() {
        Some(url::Host::Ipv4(a)) => {
            guard.check_all(&a.to_string(), [SocketAddr::new(a.into(), port)])
        }
        Some(url::Host::Ipv6(a)) => {
            guard.check_all(&a.to_string(), [SocketAddr::new(a.into(), port)])
        }
        Some(url::Host::Domain(d)) => {
            let proxied = proxy.is_some_and(|p| {
                !p.resolve_target()
                    && !u
                        .as_str()
                        .parse::<ureq::http::Uri>()
                        .is_ok_and(|uri| p.is_no_proxy(&uri))
            });
            if !proxied {
                return Ok(());
            }
            let addrs = resolve_within(format!("{d}:{port}"), timeout)
                .map_err(|e| format!("cannot resolve {d}: {e}"))?;
            guard.check_all(d, addrs)
        }
        None => Err("the URL has no host".into()),
    }
}

#[cfg(feature = "fetch")]
/// `host:port` resolved on a helper thread, giving up after `timeout`.
fn resolve_within(hostport: String, timeout: Duration) -> Result<Vec<SocketAddr>, String> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    std::thread::spawn(move || {
        let r = hostport.to_socket_addrs().map(|it| it.collect::<Vec<_>>());
        let _ = tx.send(r);
    });
    match rx.recv_timeout(timeout) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(crate::error::lower_first(&e.to_string())),
        Err(_) => Err(format!("timed out after {} s", timeout.as_secs())),
    }
}

/// `url` with any `user:password@` replaced by `***@`, for messages and reports.
///
/// Works on text that is not a valid URL too, so an error about a malformed URL does not
/// echo its credentials either.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let start = scheme_end.saturating_add(3);
    let rest = url.get(start..).unwrap_or("");
    let auth_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..auth_len).unwrap_or("");
    match authority.rfind('@') {
        Some(at) => format!(
            "{}***{}",
            url.get(..start).unwrap_or(""),
            url.get(start.saturating_add(at)..).unwrap_or("")
        ),
        None => url.to_string(),
    }
}

#[cfg(feature = "fetch")]
/// `msg` with the user information of `url` (if any) replaced by `***` wherever it appears,
/// percent-encoded or not: for messages built by other code (a dependency's error text).
pub(crate) fn scrub(msg: &str, url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return msg.to_string();
    };
    let rest = url.get(scheme_end.saturating_add(3)..).unwrap_or("");
    let auth_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..auth_len).unwrap_or("");
    let Some(at) = authority.rfind('@') else {
        return msg.to_string();
    };
    let userinfo = authority.get(..at).unwrap_or("");
    if userinfo.is_empty() {
        return msg.to_string();
    }
    let mut out = msg.replace(userinfo, "***");
    // Each part on its own too (a message may quote only the user or the password).
    for part in userinfo.split(':').filter(|p| p.len() >= 3) {
        out = out.replace(part, "***");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn np(s: &str) -> Option<&'static str> {
        non_public(s.parse().unwrap())
    }

    #[test]
    fn refuses_every_non_public_range() {
        for a in [
            "0.0.0.0",
            "0.1.2.3",
            "127.0.0.1",
            "127.255.255.254",
            "10.0.0.1",
            "10.255.255.255",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "169.254.169.254",
            "192.0.0.8",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "198.18.0.1",
            "198.19.255.255",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "::ffff:0.0.0.0",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::1",
            "2002:7f00:1::1",
            "2002:c0a8:101::1",
            "2001:0:4136:e378::1",
            "2001:db8::1",
            "3fff::1",
            "fc00::1",
            "fd12:3456:789a::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "ff02::1",
            "ff0e::1",
            "100::1",
        ] {
            assert!(np(a).is_some(), "{a} should be refused");
        }
    }

    #[test]
    fn accepts_public_addresses() {
        for a in [
            "1.1.1.1",
            "8.8.8.8",
            "20.190.128.1",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "169.253.1.1",
            "192.169.0.1",
            "198.17.0.1",
            "198.20.0.1",
            "223.255.255.255",
            "2606:4700::1111",
            "2001:4860:4860::8888",
            "2603:1030::1",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "fbff::1",
            "fe00::1",
        ] {
            assert_eq!(np(a), None, "{a} is public");
        }
    }

    #[test]
    fn names_the_class() {
        assert_eq!(np("127.0.0.1"), Some("loopback"));
        assert_eq!(np("::1"), Some("loopback"));
        assert_eq!(np("10.0.0.1"), Some("private (RFC 1918)"));
        assert_eq!(np("fe80::1"), Some("link-local (fe80::/10)"));
        assert_eq!(np("fd00::1"), Some("unique-local (fc00::/7)"));
        assert_eq!(np("::ffff:192.168.0.1"), Some("IPv4-mapped non-public"));
    }

    #[cfg(feature = "fetch")]
    #[test]
    fn refusal_names_host_address_and_class() {
        assert_eq!(
            refusal("127.0.0.1", "127.0.0.1".parse().unwrap(), "loopback"),
            "127.0.0.1 is a loopback address"
        );
        assert_eq!(
            refusal("[::1]", "::1".parse().unwrap(), "loopback"),
            "::1 is a loopback address"
        );
        assert_eq!(
            refusal(
                "intranet",
                "10.0.0.1".parse().unwrap(),
                "private (RFC 1918)"
            ),
            "intranet resolves to 10.0.0.1, a private (RFC 1918) address"
        );
    }

    #[cfg(feature = "fetch")]
    #[test]
    fn precheck_refuses_ip_literals_without_any_lookup() {
        let t = Duration::from_secs(1);
        for u in [
            "https://127.0.0.1/x",
            "https://[::1]:8443/x",
            "https://169.254.169.254/latest/meta-data/",
            "https://[::ffff:7f00:1]/",
            "https://0x7f.1/",
            "https://2130706433/",
        ] {
            let url = url::Url::parse(u).unwrap();
            assert!(precheck(Guard::default(), &url, None, t).is_err(), "{u}");
        }
        let url = url::Url::parse("https://1.1.1.1/").unwrap();
        assert!(precheck(Guard::default(), &url, None, t).is_ok());
        // A host name without a proxy is checked by the resolver, not here.
        let url = url::Url::parse("https://localhost/").unwrap();
        assert!(precheck(Guard::default(), &url, None, t).is_ok());
        // The test guard lets loopback through, and nothing else.
        let g = Guard { loopback: true };
        let ok = url::Url::parse("https://[::ffff:127.0.0.1]/").unwrap();
        assert!(precheck(g, &ok, None, t).is_ok());
        let no = url::Url::parse("https://10.0.0.1/").unwrap();
        assert!(precheck(g, &no, None, t).is_err());
    }

    #[cfg(feature = "fetch")]
    #[test]
    fn redaction() {
        assert_eq!(
            redact_url("https://user:secret@host.example/p?q#f"),
            "https://***@host.example/p?q#f"
        );
        assert_eq!(
            redact_url("https://user@host.example"),
            "https://***@host.example"
        );
        assert_eq!(
            redact_url("https://a:b@c@host.example:8443/x@y"),
            "https://***@host.example:8443/x@y"
        );
        assert_eq!(
            redact_url("https://host.example/x@y"),
            "https://host.example/x@y"
        );
        assert_eq!(redact_url("not a url"), "not a url");
        assert_eq!(redact_url("ht!tp://u:p@[bad"), "ht!tp://***@[bad");
        assert_eq!(
            scrub(
                "bad uri https://alice:hunter22@h/ and hunter22",
                "https://alice:hunter22@h/"
            ),
            "bad uri https://***@h/ and ***"
        );
        assert_eq!(scrub("nothing", "https://h/"), "nothing");
    }

    #[cfg(feature = "fetch")]
    #[test]
    fn the_resolver_refuses_the_target_but_not_the_operators_proxy() {
        use ureq::http::Uri;
        let r = GuardedResolver::default();
        let target: Uri = "https://127.0.0.1:1/x".parse().unwrap();
        let plain = ureq::config::Config::default();
        let e = r
            .resolve(&target, &plain, NextTimeout::default())
            .unwrap_err();
        assert_eq!(
            refused_message(&e).as_deref(),
            Some("127.0.0.1 is a loopback address")
        );
        let v6: Uri = "https://[::ffff:169.254.169.254]:1/x".parse().unwrap();
        let e = r.resolve(&v6, &plain, NextTimeout::default()).unwrap_err();
        assert!(refused_message(&e).is_some(), "{e}");
        // A proxy on loopback, set by the operator: its address passes, the target does not.
        let proxy = ureq::Proxy::new("http://127.0.0.1:9").unwrap();
        let with_proxy = ureq::config::Config::builder()
            .proxy(Some(proxy.clone()))
            .build();
        assert!(r
            .resolve(proxy.uri(), &with_proxy, NextTimeout::default())
            .is_ok());
        assert!(r
            .resolve(&target, &with_proxy, NextTimeout::default())
            .is_err());
        // The test guard lets loopback through.
        let lo = GuardedResolver::new(Guard { loopback: true });
        assert!(lo.resolve(&target, &plain, NextTimeout::default()).is_ok());
        assert!(refused_message(&ureq::Error::HostNotFound).is_none());
    }

    #[cfg(feature = "fetch")]
    #[test]
    fn behind_a_proxy_the_target_name_is_resolved_and_checked_first() {
        let t = Duration::from_secs(5);
        let proxy = ureq::Proxy::new("http://127.0.0.1:9").unwrap();
        let u = url::Url::parse("https://localhost:8443/x").unwrap();
        let e = precheck(Guard::default(), &u, Some(&proxy), t).unwrap_err();
        assert!(e.starts_with("localhost resolves to "), "{e}");
        // A host the proxy does not handle (NO_PROXY) is connected to directly, so the
        // resolver checks it instead.
        let bypass = ureq::Proxy::builder(ureq::ProxyProtocol::Http)
            .host("127.0.0.1")
            .port(9)
            .no_proxy("localhost")
            .build()
            .unwrap();
        assert!(precheck(Guard::default(), &u, Some(&bypass), t).is_ok());
    }
}
