//! Complexity harness (issue #15): does every command's cost grow linearly with its input?
//!
//! `scripts/complexity.sh [--quick] [OPTIONS]` builds the release binary and this program
//! and runs it; directly:
//!
//! ```text
//! complexity --bin target/release/samlcheck [--quick] [--known scripts/complexity-known.txt]
//!            [--meter auto|perf|valgrind|time] [--jobs N] [--timeout SECS] [--threshold 6]
//!            [--dims a,b] [--cmds show,lint] [--keep DIR] [--markdown]
//! ```
//!
//! For each input dimension (elements, attributes per element, namespace declarations, ...)
//! it generates a document at size 0 (the base), n, 4n and 16n, runs each command (`show`,
//! `lint`, `verify`, `check` against the AWS SP fixture, `diff` against a variant of the
//! same size, `rewrite --pretty`) on the release binary and measures its cost. The cost of
//! the base is subtracted (process start, the fixed part of the document), so a linear
//! command grows about 4x per step and a quadratic one about 16x. A step above the
//! threshold (default 6x), a timeout or a crash fails the run, unless the pair
//! `dimension command` is listed in the allow-list file of known super-linear cases.
//!
//! The measure is deterministic where the machine allows: instructions retired from
//! `perf stat -e instructions:u` (needs a hardware PMU; most VMs have none), else
//! `valgrind --tool=cachegrind --cache-sim=no` instruction counts (exact and repeatable,
//! about 20x slower), else user + system CPU time (min of 3 runs). The report names it.
//!
//! Inputs are generated here (test-only keys from tests/fixtures/keys, certificates made
//! with rcgen), never committed. `--quick` keeps every 16n input under about 300 KB (CI);
//! the default (full) mode scales them to about 1 MiB.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine;
use samlcheck::dsig::{sign, SignOptions, SigningKey};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Instant;

const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const INC: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
const TENANT: &str = "0b7f3c2e-5d1a-4c8e-9f60-1a2b3c4d5e6f";
const COMMANDS: [&str; 6] = ["show", "lint", "verify", "check", "diff", "rewrite"];

/// An input dimension: its name, what grows, and n in the quick and full modes.
struct Dim {
    name: &'static str,
    what: &'static str,
    quick: usize,
    full: usize,
}

const DIMS: [Dim; 13] = [
    Dim {
        name: "elements",
        what: "SingleLogoutService endpoints in the IdP role",
        quick: 128,
        full: 512,
    },
    Dim {
        name: "attributes",
        what: "attributes on one element (the IdP role)",
        quick: 1024,
        full: 4096,
    },
    Dim {
        name: "nsdecls",
        what: "namespace declarations on one element (unused)",
        quick: 512,
        full: 2048,
    },
    Dim {
        name: "inscope",
        what: "namespaces declared on the root (in scope everywhere) and as many elements each using one; inclusive c14n reference",
        quick: 256,
        full: 1024,
    },
    Dim {
        name: "prefixlist",
        what: "InclusiveNamespaces PrefixList entries (each declared on the root) and as many elements",
        quick: 256,
        full: 1024,
    },
    Dim {
        name: "nsamplify",
        what: "a namespace URI of 64n bytes declared on the signed root, used by n elements (exclusive c14n re-declares it on each)",
        quick: 32,
        full: 64,
    },
    Dim {
        name: "childnames",
        what: "children with distinct names in the IdP role",
        quick: 1024,
        full: 4096,
    },
    Dim {
        name: "text",
        what: "64-byte units of text in OrganizationName (signed)",
        quick: 256,
        full: 1024,
    },
    Dim {
        name: "comments",
        what: "comments splitting the signed OrganizationName text",
        quick: 1024,
        full: 4096,
    },
    Dim {
        name: "entities",
        what: "IdP entities in a signed aggregate",
        quick: 8,
        full: 40,
    },
    Dim {
        name: "certs",
        what: "distinct certificates (KeyDescriptors) in one entity",
        quick: 16,
        full: 64,
    },
    Dim {
        name: "signatures",
        what: "signed entities (one enveloped signature each) in an aggregate",
        quick: 6,
        full: 24,
    },
    Dim {
        name: "depth",
        what: "64 (quick) or 256 (full) chains of nesting depth n under Extensions (max_depth is 256)",
        quick: 15,
        full: 15,
    },
];

/// Keys and certificates the generator uses.
struct Material {
    /// RSA key signing the root of most documents.
    root_key: SigningKey,
    /// EC key signing each entity of the `signatures` dimension.
    ec_key: SigningKey,
    ec_cert_b64: String,
    idp_cert_b64: String,
    /// Distinct certificates for the `certs` dimension, made on demand.
    certs: Vec<String>,
}

fn pem_body(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

impl Material {
    fn load() -> Material {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys");
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
        Material {
            root_key: SigningKey::from_pem(&read("idp-old.key.pem"), &read("idp-old.crt.pem"))
                .unwrap(),
            ec_key: SigningKey::from_pem(&read("ec-p256.key.pem"), &read("ec-p256.crt.pem"))
                .unwrap(),
            ec_cert_b64: pem_body(&read("ec-p256.crt.pem")),
            idp_cert_b64: pem_body(&read("idp-old.crt.pem")),
            certs: Vec::new(),
        }
    }

    fn cert(&mut self, i: usize) -> String {
        while self.certs.len() <= i {
            let k = self.certs.len();
            let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
            p.distinguished_name.push(
                rcgen::DnType::CommonName,
                format!("Complexity harness certificate {k} (TEST ONLY)"),
            );
            p.serial_number = Some(rcgen::SerialNumber::from((k as u64) + 1));
            p.not_before = rcgen::date_time_ymd(2025, 1, 1);
            p.not_after = rcgen::date_time_ymd(2035, 1, 1);
            let key = rcgen::KeyPair::generate().unwrap();
            let c = p.self_signed(&key).unwrap();
            self.certs
                .push(base64::engine::general_purpose::STANDARD.encode(c.der()));
        }
        self.certs[i].clone()
    }
}

fn key_descriptor(cert: &str) -> String {
    format!(
        "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n"
    )
}

/// A signature whose digest and value are not real: `verify` still canonicalizes and
/// digests the reference (the digest is compared before any key is used), which is the cost
/// measured. For the transforms the signer does not write (inclusive c14n, PrefixList).
fn manual_signature(id: &str, transform: &str, cert: &str) -> String {
    let value = "A".repeat(340) + "==";
    format!(
        "<ds:Signature><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"{EXC}\"/><ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/><ds:Reference URI=\"#{id}\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>{transform}</ds:Transforms><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>{value}</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>\n"
    )
}

/// The parts a dimension puts into the Entra-like IdP entity.
#[derive(Default)]
struct Parts {
    root_attrs: String,
    signature: Option<String>,
    entity_ext: String,
    role_attrs: String,
    keys: String,
    role_children: String,
    org_name: String,
}

fn entity(p: &Parts, id: &str, entity_id: &str, variant: bool, mat: &Material) -> String {
    let sso = if variant { "saml2v" } else { "saml2" };
    let keys = if p.keys.is_empty() {
        key_descriptor(&mat.idp_cert_b64)
    } else {
        p.keys.clone()
    };
    let ext = if p.entity_ext.is_empty() {
        String::new()
    } else {
        format!("<md:Extensions>{}</md:Extensions>\n", p.entity_ext)
    };
    let org = if p.org_name.is_empty() {
        "Contoso"
    } else {
        &p.org_name
    };
    format!(
        "<md:EntityDescriptor xmlns:md=\"{MD}\" xmlns:ds=\"{DS}\" xmlns:x=\"urn:example:x\" ID=\"{id}\" entityID=\"{entity_id}\"{root_attrs}>\n{sig}{ext}<md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"{role_attrs}>\n{keys}{children}<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>\n<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://login.microsoftonline.com/{TENANT}/{sso}\"/>\n<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://login.microsoftonline.com/{TENANT}/{sso}\"/>\n</md:IDPSSODescriptor>\n<md:Organization><md:OrganizationName xml:lang=\"en\">{org}</md:OrganizationName><md:OrganizationDisplayName xml:lang=\"en\">Contoso</md:OrganizationDisplayName><md:OrganizationURL xml:lang=\"en\">https://contoso.example.com/</md:OrganizationURL></md:Organization>\n</md:EntityDescriptor>\n",
        root_attrs = p.root_attrs,
        sig = p.signature.as_deref().unwrap_or(""),
        role_attrs = p.role_attrs,
        children = p.role_children,
    )
}

fn entra_id() -> String {
    format!("https://sts.windows.net/{TENANT}/")
}

fn sign_root(text: &str, key: &SigningKey) -> String {
    let mut opts = SignOptions::default();
    opts.verify_after = false;
    match sign(text, key, &opts) {
        Ok(s) => s,
        Err(e) => {
            // A limit on another branch may refuse the largest inputs: keep them unsigned,
            // the commands' own answer (exit 2) is then what is measured.
            eprintln!("complexity: not signed ({e}); measuring the unsigned document");
            text.to_string()
        }
    }
}

/// The document of dimension `dim` at size `n` (0 = the base). `variant` changes one
/// endpoint (the `diff` partner). Returns the text and the `--idp-entity` to pick, if any.
fn generate(
    dim: &str,
    n: usize,
    variant: bool,
    full: bool,
    mat: &mut Material,
) -> (String, Option<String>) {
    let decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    let mut p = Parts::default();
    let single = |p: &Parts, mat: &Material| entity(p, "_root", &entra_id(), variant, mat);
    let text = match dim {
        "elements" => {
            for i in 0..n {
                let _ = writeln!(p.role_children, "<md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://login.example.org/slo/{i}\"/>");
            }
            sign_root(&format!("{decl}{}", single(&p, mat)), &mat.root_key)
        }
        "attributes" => {
            for i in 0..n {
                let _ = write!(p.role_attrs, " a{i}=\"{i}\"");
            }
            sign_root(&format!("{decl}{}", single(&p, mat)), &mat.root_key)
        }
        "nsdecls" => {
            for i in 0..n {
                let _ = write!(p.role_attrs, " xmlns:p{i}=\"urn:example:ns:{i}\"");
            }
            sign_root(&format!("{decl}{}", single(&p, mat)), &mat.root_key)
        }
        "inscope" | "prefixlist" => {
            let mut list = String::new();
            for i in 0..n {
                let _ = write!(p.root_attrs, " xmlns:p{i}=\"urn:example:ns:{i}\"");
                if dim == "inscope" {
                    let _ = write!(p.entity_ext, "<p{i}:e/>");
                } else {
                    let _ = write!(p.entity_ext, "<x:e/>");
                    if i > 0 {
                        list.push(' ');
                    }
                    let _ = write!(list, "p{i}");
                }
            }
            let transform = if dim == "inscope" {
                format!("<ds:Transform Algorithm=\"{INC}\"/>")
            } else {
                format!("<ds:Transform Algorithm=\"{EXC}\"><ec:InclusiveNamespaces xmlns:ec=\"{EXC}\" PrefixList=\"{list}\"/></ds:Transform>")
            };
            p.signature = Some(manual_signature("_root", &transform, &mat.idp_cert_b64));
            format!("{decl}{}", single(&p, mat))
        }
        "nsamplify" => {
            let uri = "urn:".to_string() + &"0123456789abcdef".repeat(4 * n);
            let _ = write!(p.root_attrs, " xmlns:u=\"{uri}\"");
            for _ in 0..n {
                p.entity_ext.push_str("<u:b/>");
            }
            sign_root(&format!("{decl}{}", single(&p, mat)), &mat.root_key)
        }
        "childnames" => {
            for i in 0..n {
                let _ = write!(p.role_children, "<x:c{i}/>");
            }
            sign_root(&format!("{decl}{}", single(&p, mat)), &mat.root_key)
        }
        "text" => {
            p.org_name = "Contoso &amp; Partners, an organization name of 64 bytes: 0123456"
                .repeat(n.max(1));
            sign_root(&format!("{decl}{}", single(&p, mat)), &mat.root_key)
        }
        "comments" => {
            p.org_name = "Contoso".to_string();
            for _ in 0..n {
                p.org_name.push_str("<!---->ab");
            }
            sign_root(&format!("{decl}{}", single(&p, mat)), &mat.root_key)
        }
        "entities" | "signatures" => {
            let mut s = format!("{decl}<md:EntitiesDescriptor xmlns:md=\"{MD}\" xmlns:ds=\"{DS}\" ID=\"_agg\" Name=\"urn:example:complexity\">\n");
            for i in 0..n.max(1) {
                let id = format!("_e{i}");
                let eid = format!("https://idp{i}.example.org/idp");
                let q = Parts {
                    keys: key_descriptor(&mat.ec_cert_b64),
                    ..Parts::default()
                };
                let e = entity(&q, &id, &eid, variant && i == 0, mat);
                if dim == "signatures" && n > 0 {
                    let signed = sign_root(&e, &mat.ec_key);
                    s.push_str(&signed);
                    if !signed.ends_with('\n') {
                        s.push('\n');
                    }
                } else {
                    s.push_str(&e);
                }
            }
            s.push_str("</md:EntitiesDescriptor>\n");
            let s = if dim == "entities" {
                sign_root(&s, &mat.root_key)
            } else {
                s
            };
            return (s, Some("https://idp0.example.org/idp".to_string()));
        }
        "certs" => {
            for i in 0..n {
                let c = mat.cert(i);
                p.keys.push_str(&key_descriptor(&c));
            }
            sign_root(&format!("{decl}{}", single(&p, mat)), &mat.root_key)
        }
        "depth" => {
            let copies = if full { 256 } else { 64 };
            let chain = "<x:d>".repeat(n) + &"</x:d>".repeat(n);
            for _ in 0..copies {
                p.entity_ext.push_str(&chain);
                p.entity_ext.push('\n');
            }
            sign_root(&format!("{decl}{}", single(&p, mat)), &mat.root_key)
        }
        other => panic!("unknown dimension {other}"),
    };
    (text, None)
}

// ---------------------------------------------------------------------------------------
// Measuring.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Meter {
    Perf,
    Valgrind,
    Time,
}

impl Meter {
    fn label(self) -> &'static str {
        match self {
            Meter::Perf => "instructions (perf stat -e instructions:u)",
            Meter::Valgrind => "instructions (valgrind --tool=cachegrind --cache-sim=no)",
            Meter::Time => "user+system CPU seconds (min of 3 runs)",
        }
    }
    fn unit(self) -> &'static str {
        match self {
            Meter::Perf | Meter::Valgrind => "M instr",
            Meter::Time => "ms CPU",
        }
    }
}

fn perf_works() -> bool {
    Command::new("perf")
        .args(["stat", "-x,", "-e", "instructions:u", "true"])
        .stdout(Stdio::null())
        .output()
        .map(|o| {
            let err = String::from_utf8_lossy(&o.stderr);
            o.status.success()
                && err
                    .lines()
                    .any(|l| l.contains("instructions") && parse_perf_line(l).is_some())
        })
        .unwrap_or(false)
}

fn parse_perf_line(l: &str) -> Option<f64> {
    let first = l.split(',').next()?;
    first.trim().parse::<f64>().ok()
}

fn valgrind_works() -> bool {
    Command::new("valgrind")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// One measurement: the cost (in the meter's unit), the command's exit code, the wall time.
#[derive(Clone, Debug)]
struct Sample {
    cost: f64,
    code: i32,
    wall: f64,
    timed_out: bool,
}

fn measure(meter: Meter, args: &[String], timeout: u64, tmp: &Path) -> Sample {
    let start = Instant::now();
    let t = timeout.to_string();
    let (cost, code) = match meter {
        Meter::Perf => {
            let out = tmp.with_extension("perf");
            let st = Command::new("perf")
                .args(["stat", "-x,", "-e", "instructions:u", "-o"])
                .arg(&out)
                .args(["--", "timeout", "-s", "KILL", &t])
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .unwrap();
            let text = std::fs::read_to_string(&out).unwrap_or_default();
            let c = text
                .lines()
                .filter(|l| l.contains("instructions"))
                .find_map(parse_perf_line)
                .unwrap_or(f64::NAN);
            (c / 1e6, st.code().unwrap_or(-1))
        }
        Meter::Valgrind => {
            let log = tmp.with_extension("vg");
            let st = Command::new("timeout")
                .args([
                    "-s",
                    "KILL",
                    &t,
                    "valgrind",
                    "--tool=cachegrind",
                    "--cache-sim=no",
                ])
                .arg("--cachegrind-out-file=/dev/null")
                .arg(format!("--log-file={}", log.display()))
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .unwrap();
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let c = text
                .lines()
                .find(|l| l.contains("I   refs:") || l.contains("I refs:"))
                .and_then(|l| l.rsplit(':').next())
                .map(|v| v.trim().replace(',', ""))
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(f64::NAN);
            (c / 1e6, st.code().unwrap_or(-1))
        }
        Meter::Time => {
            let out = tmp.with_extension("time");
            let mut best = f64::INFINITY;
            let mut code = 0;
            for _ in 0..3 {
                let st = Command::new("/usr/bin/time")
                    .args(["-f", "%U %S", "-o"])
                    .arg(&out)
                    .args(["timeout", "-s", "KILL", &t])
                    .args(args)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .unwrap();
                code = st.code().unwrap_or(-1);
                let text = std::fs::read_to_string(&out).unwrap_or_default();
                let v: f64 = text
                    .lines()
                    .last()
                    .unwrap_or("")
                    .split_whitespace()
                    .filter_map(|x| x.parse::<f64>().ok())
                    .sum();
                best = best.min(v * 1000.0);
                if code == 137 || code == 124 {
                    break;
                }
            }
            (best, code)
        }
    };
    let wall = start.elapsed().as_secs_f64();
    // `timeout -s KILL` exits 137 when it killed the command.
    let timed_out = code == 137 || code == 124 || wall >= timeout as f64;
    Sample {
        cost,
        code,
        wall,
        timed_out,
    }
}

// ---------------------------------------------------------------------------------------
// The run.

struct Opts {
    bin: PathBuf,
    quick: bool,
    known: Option<PathBuf>,
    meter: Option<Meter>,
    jobs: usize,
    timeout: u64,
    threshold: f64,
    dims: Vec<String>,
    cmds: Vec<String>,
    keep: Option<PathBuf>,
    markdown: bool,
}

fn parse_args() -> Opts {
    let mut o = Opts {
        bin: PathBuf::from("target/release/samlcheck"),
        quick: false,
        known: None,
        meter: None,
        jobs: std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2),
        timeout: 0,
        threshold: 6.0,
        dims: DIMS.iter().map(|d| d.name.to_string()).collect(),
        cmds: COMMANDS.iter().map(|c| c.to_string()).collect(),
        keep: None,
        markdown: false,
    };
    let mut args = std::env::args().skip(1);
    let list = |s: String| s.split(',').map(str::to_string).collect::<Vec<_>>();
    while let Some(a) = args.next() {
        let mut val = || {
            args.next().unwrap_or_else(|| {
                eprintln!("complexity: {a} needs a value");
                std::process::exit(2)
            })
        };
        match a.as_str() {
            "--bin" => o.bin = PathBuf::from(val()),
            "--quick" => o.quick = true,
            "--full" => o.quick = false,
            "--known" => o.known = Some(PathBuf::from(val())),
            "--meter" => {
                o.meter = match val().as_str() {
                    "perf" => Some(Meter::Perf),
                    "valgrind" => Some(Meter::Valgrind),
                    "time" => Some(Meter::Time),
                    "auto" => None,
                    m => {
                        eprintln!("complexity: unknown meter {m}");
                        std::process::exit(2)
                    }
                }
            }
            "--jobs" => o.jobs = val().parse().unwrap_or(1).max(1),
            "--timeout" => o.timeout = val().parse().unwrap_or(60),
            "--threshold" => o.threshold = val().parse().unwrap_or(6.0),
            "--dims" => o.dims = list(val()),
            "--cmds" => o.cmds = list(val()),
            "--keep" => o.keep = Some(PathBuf::from(val())),
            "--markdown" => o.markdown = true,
            "-h" | "--help" => {
                println!("see the top of examples/complexity.rs");
                std::process::exit(0)
            }
            other => {
                eprintln!("complexity: unknown argument {other}");
                std::process::exit(2)
            }
        }
    }
    for d in &o.dims {
        if !DIMS.iter().any(|x| x.name == d) {
            eprintln!(
                "complexity: unknown dimension {d} (known: {})",
                DIMS.iter().map(|x| x.name).collect::<Vec<_>>().join(", ")
            );
            std::process::exit(2)
        }
    }
    for c in &o.cmds {
        if !COMMANDS.contains(&c.as_str()) {
            eprintln!("complexity: unknown command {c}");
            std::process::exit(2)
        }
    }
    o
}

/// `dimension command` pairs known to grow super-linearly, with the reason.
fn read_known(path: Option<&Path>) -> BTreeMap<(String, String), String> {
    let mut m = BTreeMap::new();
    let Some(path) = path else { return m };
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!("complexity: cannot read {}: {e}", path.display());
        std::process::exit(2)
    });
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (pair, reason) = line.split_once('#').unwrap_or((line, ""));
        let mut w = pair.split_whitespace();
        if let (Some(d), Some(c)) = (w.next(), w.next()) {
            m.insert((d.to_string(), c.to_string()), reason.trim().to_string());
        }
    }
    m
}

/// The command line for `cmd` on the file at index `size` of a dimension.
fn command_args(
    bin: &Path,
    cmd: &str,
    file: &Path,
    partner: &Path,
    pick: Option<&str>,
    sp: &Path,
) -> Vec<String> {
    let b = bin.display().to_string();
    let f = file.display().to_string();
    let at = "--at=2026-12-01T00:00:00Z".to_string();
    let mut v = vec![b, cmd.to_string(), at, "--color=never".into()];
    match cmd {
        "show" | "lint" | "verify" => v.push(f),
        "check" => {
            v.push(f);
            v.push(sp.display().to_string());
            if let Some(p) = pick {
                v.push(format!("--idp-entity={p}"));
            }
        }
        "diff" => {
            v.push(f);
            v.push(partner.display().to_string());
        }
        "rewrite" => {
            v.push("--pretty".into());
            v.push(f);
            v.push("-o".into());
            v.push("/dev/null".into());
        }
        _ => unreachable!(),
    }
    v
}

/// Samples by (dimension, command, size index 0-3).
type Results = BTreeMap<(String, String, usize), Sample>;
/// A base document's bytes, its `diff` partner's and the entity `check` picks.
type BaseKey = (Vec<u8>, Vec<u8>, Option<String>);

/// What one (dimension, command) showed.
struct Row {
    samples: [Option<Sample>; 4],
    factors: [Option<f64>; 2],
    verdict: String,
    fail: bool,
    known: bool,
}

fn fmt_cost(s: &Option<Sample>) -> String {
    match s {
        None => "skipped".into(),
        Some(s) if s.timed_out => format!("timeout ({:.0} s)", s.wall),
        Some(s) => {
            let mut v = if s.cost >= 100.0 {
                format!("{:.0}", s.cost)
            } else {
                format!("{:.1}", s.cost)
            };
            if s.code == 2 {
                v.push_str(" (exit 2)");
            } else if s.code > 2 {
                let _ = write!(v, " (exit {})", s.code);
            }
            v
        }
    }
}

fn main() {
    let o = parse_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sp = root.join("tests/fixtures/aws-ic-sp.xml");
    if !o.bin.is_file() {
        eprintln!(
            "complexity: {} not found (cargo build --release)",
            o.bin.display()
        );
        std::process::exit(2);
    }
    let meter = o.meter.unwrap_or_else(|| {
        if perf_works() {
            Meter::Perf
        } else if valgrind_works() {
            Meter::Valgrind
        } else {
            Meter::Time
        }
    });
    let timeout = if o.timeout > 0 {
        o.timeout
    } else {
        match (meter, o.quick) {
            (Meter::Valgrind, true) => 60,
            (Meter::Valgrind, false) => 300,
            (_, true) => 20,
            (_, false) => 120,
        }
    };
    let known = read_known(o.known.as_deref());
    let dir = match &o.keep {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("samlcheck-complexity-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).unwrap();
    // Under valgrind most of a small run is spent reading the binary's debug information:
    // measure a copy without it (the same code, the same instruction counts).
    let bin = if meter == Meter::Valgrind {
        let copy = dir.join("samlcheck-nodebug");
        let ok = Command::new("objcopy")
            .arg("--strip-debug")
            .arg(&o.bin)
            .arg(&copy)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if ok {
            copy
        } else {
            o.bin.clone()
        }
    } else {
        o.bin.clone()
    };
    let started = Instant::now();
    println!(
        "complexity: {} mode, meter: {}, {} jobs, timeout {} s per run, threshold {}x per 4x step",
        if o.quick { "quick" } else { "full" },
        meter.label(),
        o.jobs,
        timeout,
        o.threshold
    );

    // 1. Inputs.
    let mut mat = Material::load();
    struct Inputs {
        files: [PathBuf; 4],
        partners: [PathBuf; 4],
        sizes: [u64; 4],
        ns: [usize; 4],
        pick: Option<String>,
    }
    let mut inputs: BTreeMap<String, Inputs> = BTreeMap::new();
    for d in DIMS.iter().filter(|d| o.dims.iter().any(|x| x == d.name)) {
        let n = if o.quick { d.quick } else { d.full };
        let ns = [0, n, 4 * n, 16 * n];
        let mut files: Vec<PathBuf> = Vec::new();
        let mut partners: Vec<PathBuf> = Vec::new();
        let mut sizes = [0u64; 4];
        let mut pick = None;
        for (k, &m) in ns.iter().enumerate() {
            let (text, p) = generate(d.name, m, false, !o.quick, &mut mat);
            let (vtext, _) = generate(d.name, m, true, !o.quick, &mut mat);
            let f = dir.join(format!("{}-{m}.xml", d.name));
            let v = dir.join(format!("{}-{m}-variant.xml", d.name));
            std::fs::write(&f, &text).unwrap();
            std::fs::write(&v, &vtext).unwrap();
            sizes[k] = text.len() as u64;
            files.push(f);
            partners.push(v);
            pick = p;
        }
        inputs.insert(
            d.name.to_string(),
            Inputs {
                files: files.try_into().unwrap(),
                partners: partners.try_into().unwrap(),
                sizes,
                ns,
                pick,
            },
        );
    }
    println!(
        "complexity: inputs generated in {:.1} s under {}",
        started.elapsed().as_secs_f64(),
        dir.display()
    );

    // 2. Runs: base, n and 4n for every pair first; 16n only where the first step did not
    // time out, and not when the first step's factor predicts a run over the timeout.
    let results: Arc<Mutex<Results>> = Arc::new(Mutex::new(BTreeMap::new()));
    let run_tasks = |tasks: Vec<(String, String, usize)>| {
        let queue = Arc::new(Mutex::new(tasks));
        std::thread::scope(|s| {
            for w in 0..o.jobs {
                let queue = Arc::clone(&queue);
                let results = Arc::clone(&results);
                let inputs = &inputs;
                let (bin, sp, dir) = (&bin, &sp, &dir);
                s.spawn(move || loop {
                    let Some((d, c, k)) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let inp = &inputs[&d];
                    let args = command_args(
                        bin,
                        &c,
                        &inp.files[k],
                        &inp.partners[k],
                        inp.pick.as_deref(),
                        sp,
                    );
                    let tmp = dir.join(format!("w{w}"));
                    let s = measure(meter, &args, timeout, &tmp);
                    results.lock().unwrap().insert((d, c, k), s);
                });
            }
        });
    };
    // Dimensions whose base documents are the same bytes share one base run per command.
    let mut base_of: BTreeMap<String, String> = BTreeMap::new();
    let mut seen: BTreeMap<BaseKey, String> = BTreeMap::new();
    for (d, inp) in &inputs {
        let key = (
            std::fs::read(&inp.files[0]).unwrap(),
            std::fs::read(&inp.partners[0]).unwrap(),
            inp.pick.clone(),
        );
        let rep = seen.entry(key).or_insert_with(|| d.clone()).clone();
        base_of.insert(d.clone(), rep);
    }
    let mut first = Vec::new();
    for d in inputs.keys() {
        for c in &o.cmds {
            for k in 0..3 {
                if k == 0 && base_of[d] != *d {
                    continue;
                }
                first.push((d.clone(), c.clone(), k));
            }
        }
    }
    first.reverse();
    run_tasks(first);
    {
        let mut r = results.lock().unwrap();
        for (d, rep) in &base_of {
            for c in &o.cmds {
                if let Some(s) = r.get(&(rep.clone(), c.clone(), 0)).cloned() {
                    r.insert((d.clone(), c.clone(), 0), s);
                }
            }
        }
    }
    let mut second = Vec::new();
    let mut skipped: BTreeMap<(String, String), String> = BTreeMap::new();
    {
        let r = results.lock().unwrap();
        for d in inputs.keys() {
            for c in &o.cmds {
                let get = |k: usize| r.get(&(d.clone(), c.clone(), k)).cloned();
                let (Some(s1), Some(s2)) = (get(1), get(2)) else {
                    continue;
                };
                if s1.timed_out || s2.timed_out {
                    skipped.insert((d.clone(), c.clone()), "the 4n run timed out".into());
                    continue;
                }
                // The first step already grew too fast: the verdict is known, and the 16n
                // run would cost 16 times the 4n one.
                let base = r
                    .get(&(d.clone(), c.clone(), 0))
                    .map(|s| s.cost)
                    .unwrap_or(0.0);
                let floor = (base * 0.02).max(0.2);
                if s2.code != 2
                    && s2.cost - base > floor
                    && (s2.cost - base) / (s1.cost - base).max(floor / 4.0) > o.threshold
                {
                    skipped.insert(
                        (d.clone(), c.clone()),
                        "the first step already grew too fast".into(),
                    );
                    continue;
                }
                let growth = (s2.wall / s1.wall.max(0.05)).max(4.0);
                if s2.wall * growth > timeout as f64 * 1.5 {
                    skipped.insert(
                        (d.clone(), c.clone()),
                        format!(
                            "would take about {:.0} s (4n took {:.1} s)",
                            s2.wall * growth,
                            s2.wall
                        ),
                    );
                    continue;
                }
                second.push((d.clone(), c.clone(), 3));
            }
        }
    }
    second.reverse();
    run_tasks(second);

    // 3. Factors and verdicts.
    let r = results.lock().unwrap();
    let mut rows: BTreeMap<(String, String), Row> = BTreeMap::new();
    let mut failed = 0;
    for d in inputs.keys() {
        for c in &o.cmds {
            let key = (d.clone(), c.clone());
            let samples: [Option<Sample>; 4] =
                std::array::from_fn(|k| r.get(&(d.clone(), c.clone(), k)).cloned());
            let base = samples[0].as_ref().map(|s| s.cost).unwrap_or(0.0);
            let mut factors = [None, None];
            let mut problems: Vec<String> = Vec::new();
            let mut refused = false;
            for s in samples.iter().flatten() {
                if s.timed_out {
                    problems.push("timeout".into());
                } else if s.code == 2 {
                    refused = true;
                } else if !(0..=2).contains(&s.code) {
                    problems.push(format!("exit {}", s.code));
                }
            }
            for step in 0..2 {
                let (Some(a), Some(b)) = (&samples[step + 1], &samples[step + 2]) else {
                    continue;
                };
                if a.timed_out || b.timed_out || a.code == 2 || b.code == 2 {
                    continue;
                }
                let da = a.cost - base;
                let db = b.cost - base;
                // Below 2% of the base (or 0.2 M instructions / 2 ms) the growth is noise:
                // the dimension does not reach this command's costly part.
                let floor = (base * 0.02).max(0.2);
                if db <= floor {
                    continue;
                }
                let f = db / da.max(floor / 4.0);
                factors[step] = Some(f);
                if f > o.threshold {
                    problems.push(format!("step {} grows {f:.1}x", step + 1));
                }
            }
            if let Some(why) = skipped.get(&key) {
                problems.push(format!("16n skipped: {why}"));
            }
            let is_known = known.contains_key(&key);
            let bad = problems
                .iter()
                .any(|p| p.starts_with("timeout") || p.starts_with("exit") || p.contains("grows"));
            let verdict = if bad && is_known {
                format!("KNOWN ({})", problems.join("; "))
            } else if bad {
                failed += 1;
                format!("FAIL ({})", problems.join("; "))
            } else if is_known {
                "ok (listed as known: remove it from the allow-list)".into()
            } else if refused {
                "ok (refused by a limit: exit 2)".into()
            } else {
                "ok".into()
            };
            rows.insert(
                key,
                Row {
                    samples,
                    factors,
                    verdict,
                    fail: bad && !is_known,
                    known: bad && is_known,
                },
            );
        }
    }

    // 4. Report.
    let unit = meter.unit();
    let f = |x: &Option<f64>| x.map(|v| format!("{v:.2}")).unwrap_or_else(|| "-".into());
    let mut md = String::new();
    for (d, inp) in &inputs {
        let what = DIMS
            .iter()
            .find(|x| x.name == d)
            .map(|x| x.what)
            .unwrap_or("");
        println!();
        println!(
            "== {d}: {what}; n = {} / {} / {} (sizes {} / {} / {} bytes; base {} bytes)",
            inp.ns[1], inp.ns[2], inp.ns[3], inp.sizes[1], inp.sizes[2], inp.sizes[3], inp.sizes[0]
        );
        println!(
            "{:<8} {:>12} {:>12} {:>12} {:>12} {:>7} {:>7}  verdict",
            "command",
            format!("base {unit}"),
            "n",
            "4n",
            "16n",
            "x n>4n",
            "x 4n>16n"
        );
        let _ = writeln!(
            md,
            "\n**{d}**: {what}; n = {}, {}, {} ({} / {} / {} KB)\n\n| command | base ({unit}) | n | 4n | 16n | factor n→4n | factor 4n→16n | verdict |\n|---|---:|---:|---:|---:|---:|---:|---|",
            inp.ns[1],
            inp.ns[2],
            inp.ns[3],
            inp.sizes[1] / 1024,
            inp.sizes[2] / 1024,
            inp.sizes[3] / 1024
        );
        for c in &o.cmds {
            let row = &rows[&(d.clone(), c.clone())];
            println!(
                "{:<8} {:>12} {:>12} {:>12} {:>12} {:>7} {:>7}  {}",
                c,
                fmt_cost(&row.samples[0]),
                fmt_cost(&row.samples[1]),
                fmt_cost(&row.samples[2]),
                fmt_cost(&row.samples[3]),
                f(&row.factors[0]),
                f(&row.factors[1]),
                row.verdict
            );
            let _ = writeln!(
                md,
                "| {c} | {} | {} | {} | {} | {} | {} | {} |",
                fmt_cost(&row.samples[0]),
                fmt_cost(&row.samples[1]),
                fmt_cost(&row.samples[2]),
                fmt_cost(&row.samples[3]),
                f(&row.factors[0]),
                f(&row.factors[1]),
                row.verdict
            );
        }
    }
    if o.markdown {
        println!("\n---- markdown ----{md}");
    }
    let known_hits = rows.values().filter(|r| r.known).count();
    for k in known.keys() {
        if !rows.contains_key(k) && inputs.contains_key(&k.0) && o.cmds.contains(&k.1) {
            println!(
                "complexity: allow-list entry `{} {}` matches nothing",
                k.0, k.1
            );
        }
    }
    println!(
        "\ncomplexity: {} pairs measured in {:.0} s; {} known super-linear (allow-listed), {} failed",
        rows.len(),
        started.elapsed().as_secs_f64(),
        known_hits,
        failed
    );
    if o.keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    if rows.values().any(|r| r.fail) {
        println!(
            "complexity: FAILED: a step grew more than {}x (linear is 4x), or a run timed out or crashed",
            o.threshold
        );
        std::process::exit(1);
    }
    println!("complexity: passed");
}
