//! Issue 15, smaller robustness fixes seen in the same trial: numeric options are
//! range-checked (exit 2, the message gives the range), and `diff` with a URL is not a
//! request forger (loopback refused unless --allow-private-network; user:password never
//! shown). Every server here listens on 127.0.0.1; no test sends anything elsewhere.
// Drives the binary, which needs the `cli` feature.
#![cfg(feature = "cli")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use assert_cmd::Command;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Duration;

const AT: &str = "2026-12-01T00:00:00Z";

fn fx(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

fn samlcheck() -> Command {
    let mut c = Command::cargo_bin("samlcheck").unwrap();
    // A proxy in the environment must not see these requests.
    for v in [
        "ALL_PROXY",
        "all_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
    ] {
        c.env_remove(v);
    }
    c
}

/// (exit code, stdout, stderr)
fn run(args: &[&str]) -> (i32, String, String) {
    let out = samlcheck().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// ---------------------------------------------------------------- numeric options

/// Every numeric option: (command and files, option, lowest, highest, unit).
fn numeric_options() -> Vec<(Vec<String>, &'static str, i128, i128, &'static str)> {
    let idp = fx("entra-idp.xml");
    let sp = fx("aws-ic-sp.xml");
    vec![
        (
            vec!["diff".into(), idp.clone(), idp.clone()],
            "--timeout",
            1,
            3600,
            "seconds",
        ),
        (
            vec!["show".into(), idp.clone()],
            "--warn-days",
            0,
            36500,
            "days",
        ),
        (
            vec!["lint".into(), idp.clone()],
            "--warn-days",
            0,
            36500,
            "days",
        ),
        (
            vec!["lint".into(), idp.clone()],
            "--far-future-days",
            0,
            36500,
            "days",
        ),
        (
            vec!["verify".into(), idp.clone()],
            "--warn-days",
            0,
            36500,
            "days",
        ),
        (
            vec!["check".into(), sp.clone(), idp.clone()],
            "--warn-days",
            0,
            36500,
            "days",
        ),
        (vec![sp, idp], "--warn-days", 0, 36500, "days"),
    ]
}

#[test]
fn numeric_options_accept_their_range() {
    for (base, opt, lo, hi, _) in numeric_options() {
        for v in [lo, hi] {
            let mut args: Vec<String> = base.clone();
            args.extend([format!("{opt}={v}"), "--at".into(), AT.into()]);
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            let (code, _, err) = run(&a);
            // Findings or an unverified signature give 1; anything but an argument error (2)
            // or a panic (101) means the value was accepted.
            assert!(code == 0 || code == 1, "{args:?}: exit {code}: {err}");
        }
    }
}

#[test]
fn numeric_options_refuse_out_of_range_with_exit_2_and_the_range() {
    for (base, opt, lo, hi, unit) in numeric_options() {
        let huge = u64::MAX.to_string();
        let too_big = (hi + 1).to_string();
        let too_small = (lo - 1).to_string();
        let vhuge = "99999999999999999999999999999999999999999".to_string();
        for v in [
            huge,
            too_big,
            too_small,
            vhuge,
            "1.5".into(),
            "x".into(),
            "".into(),
        ] {
            let mut args: Vec<String> = base.clone();
            args.push(format!("{opt}={v}"));
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            let (code, out, err) = run(&a);
            assert_eq!(code, 2, "{args:?}: {out}{err}");
            assert!(
                err.contains(&format!(
                    "expected a whole number of {unit} from {lo} to {hi}"
                )),
                "{args:?}: {err}"
            );
            assert!(!err.contains("panicked"), "{err}");
        }
    }
}

#[test]
fn help_documents_each_range() {
    for (cmd, opt, range) in [
        ("diff", "--timeout", "(1 to 3600)"),
        ("show", "--warn-days", "(0 to 36500)"),
        ("lint", "--warn-days", "(0 to 36500)"),
        ("lint", "--far-future-days", "(0 to 36500)"),
        ("verify", "--warn-days", "(0 to 36500)"),
        ("check", "--warn-days", "(0 to 36500)"),
    ] {
        let (code, out, _) = run(&[cmd, "--help"]);
        assert_eq!(code, 0);
        let at = out.find(opt).unwrap_or_else(|| panic!("{cmd}: no {opt}"));
        let help = &out[at..];
        let end = help[2..].find("\n  -").map_or(help.len(), |i| i + 2);
        assert!(
            help[..end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .contains(range),
            "{cmd} {opt}: {}",
            &help[..end]
        );
    }
}

// ---------------------------------------------------------------- diff with a URL

/// A server on 127.0.0.1 answering each connection with the next response; the handle
/// returns how many connections it accepted (it stops after the last response, or after
/// 3 s without a connection).
fn serve(responses: Vec<String>) -> (String, u16, std::thread::JoinHandle<usize>) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.set_nonblocking(true).unwrap();
    let port = l.local_addr().unwrap().port();
    let h = std::thread::spawn(move || {
        let mut served = 0;
        let mut idle = 0;
        let mut queue = responses.into_iter().peekable();
        while idle < 300 {
            match l.accept() {
                Ok((mut c, _)) => {
                    idle = 0;
                    served += 1;
                    c.set_nonblocking(false).unwrap();
                    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                    let mut req = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                        match c.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => req.extend_from_slice(&buf[..n]),
                        }
                    }
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
    (format!("127.0.0.1:{port}"), port, h)
}

fn ok(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn redirect(to: &str) -> String {
    format!(
        "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
}

fn idp_xml() -> String {
    std::fs::read_to_string(fx("entra-idp.xml")).unwrap()
}

#[test]
fn loopback_url_refused_without_the_flag() {
    let (host, _, h) = serve(vec![ok(&idp_xml())]);
    let idp = fx("entra-idp.xml");
    // https to a loopback IP literal: refused before connecting.
    let (code, _, err) = run(&["diff", &format!("https://{host}/m.xml"), &idp]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("refused: 127.0.0.1 is a loopback address"),
        "{err}"
    );
    assert!(err.contains("--allow-private-network"), "{err}");
    // Plain http to loopback with the test switch: the address is still refused.
    let (code, _, err) = run(&[
        "diff",
        "--insecure-allow-http-loopback",
        &format!("http://{host}/m.xml"),
        &idp,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("loopback address"), "{err}");
    // With the flag the same URL is fetched, and the two files are the same.
    let (code, out, err) = run(&[
        "diff",
        "--insecure-allow-http-loopback",
        "--allow-private-network",
        &format!("http://{host}/m.xml"),
        &idp,
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("no change in content"), "{out}");
    assert_eq!(
        h.join().unwrap(),
        1,
        "only the run with --allow-private-network connected"
    );
}

#[test]
fn a_host_name_that_resolves_to_loopback_is_refused() {
    let (_, port, h) = serve(vec![ok(&idp_xml())]);
    let idp = fx("entra-idp.xml");
    let (code, _, err) = run(&["diff", &format!("https://localhost:{port}/m.xml"), &idp]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("localhost resolves to"), "{err}");
    assert!(err.contains("loopback address"), "{err}");
    // Now let the server go: a run that does connect.
    let (code, _, err) = run(&[
        "diff",
        "--insecure-allow-http-loopback",
        "--allow-private-network",
        &format!("http://localhost:{port}/m.xml"),
        &idp,
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(h.join().unwrap(), 1);
}

#[test]
fn a_redirect_is_followed_hop_by_hop_with_the_flag() {
    let (host, _, h) = serve(vec![redirect("/federationmetadata.xml"), ok(&idp_xml())]);
    let (code, out, err) = run(&[
        "diff",
        "--insecure-allow-http-loopback",
        "--allow-private-network",
        &format!("http://{host}/start"),
        &fx("entra-idp.xml"),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(h.join().unwrap(), 2);
}

#[test]
fn credentials_in_a_url_are_never_shown() {
    let (host, _, h) = serve(vec![ok(&idp_xml()), ok(&idp_xml())]);
    let idp = fx("entra-idp.xml");
    let url = format!("http://alice:pa55w0rd@{host}/m.xml");
    // Refused: the message names the URL without them.
    let (code, out, err) = run(&["diff", "--insecure-allow-http-loopback", &url, &idp]);
    assert_eq!(code, 2);
    assert!(!(out.clone() + &err).contains("pa55w0rd"), "{err}");
    assert!(!(out + &err).contains("alice"), "{err}");
    assert!(err.contains(&format!("http://***@{host}/m.xml")), "{err}");
    // Fetched: neither the text nor the JSON report shows them.
    for format in ["text", "json"] {
        let (code, out, err) = run(&[
            "diff",
            "--insecure-allow-http-loopback",
            "--allow-private-network",
            "--format",
            format,
            &url,
            &idp,
        ]);
        assert_eq!(code, 0, "{err}");
        assert!(!(out.clone() + &err).contains("pa55w0rd"), "{out}");
        assert!(!(out.clone() + &err).contains("alice"), "{out}");
        assert!(out.contains("***@127.0.0.1"), "{out}");
    }
    // Not even when the URL is malformed.
    let (code, _, err) = run(&["diff", "https://alice:pa55w0rd@[bad/x", &idp]);
    assert_eq!(code, 2);
    assert!(!err.contains("pa55w0rd") && !err.contains("alice"), "{err}");
    assert_eq!(h.join().unwrap(), 2);
}
