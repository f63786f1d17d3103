//! `samlcheck show FILE`: a human summary of every entity.

use crate::common::{self, Ctx, Format};
use samlcheck::model::{EntityDescriptor, KeyUse};
use samlcheck::report::escape_text as esc;
use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `samlcheck show`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The metadata file.
    pub file: PathBuf,
    /// Mark certificates that expire within this many days (0 to 36500).
    #[arg(long, default_value_t = 30, value_name = "DAYS", value_parser = crate::common::days())]
    pub warn_days: i64,
}

pub fn run(args: &Args, ctx: &Ctx) -> ExitCode {
    let decoded = match common::read_input(&args.file) {
        Ok(d) => d,
        Err(c) => return c,
    };
    let doc = match common::parse_input(&args.file, &decoded) {
        Ok(d) => d,
        Err(c) => return c,
    };
    let md = match common::model_of(&args.file, &doc, &decoded) {
        Ok(m) => m,
        Err(c) => return c,
    };
    let out = match ctx.format {
        Format::Text => text(&md, &common::display_name(&args.file), ctx, args.warn_days),
        Format::Json => {
            let v = serde_json::json!({
                "tool": "samlcheck",
                "version": env!("CARGO_PKG_VERSION"),
                "command": "show",
                "at": ctx.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "file": common::display_name(&args.file),
                "metadata": md,
            });
            format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
        }
        _ => return common::usage_error("show supports --format text or json"),
    };
    match common::emit(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(c) => c,
    }
}

fn text(md: &samlcheck::Metadata, file: &str, ctx: &Ctx, warn_days: i64) -> String {
    let mut s = String::new();
    let src = &md.source;
    let _ = writeln!(
        s,
        "{}: {} {}, {} bytes, {}{}{}",
        esc(file),
        md.entities.len(),
        if md.entities.len() == 1 {
            "entity"
        } else {
            "entities"
        },
        src.byte_len,
        src.encoding.name(),
        if src.bom { " with BOM" } else { "" },
        if src.crlf { ", CRLF line ends" } else { "" },
    );
    if md.is_aggregate {
        if let Some(g) = md.groups.first() {
            let _ = writeln!(
                s,
                "aggregate {}{}{}",
                esc(g.name.as_ref().map_or("(no Name)", |a| a.value.as_str())),
                g.valid_until.as_ref().map_or(String::new(), |v| format!(
                    ", validUntil {}",
                    esc(&v.raw.value)
                )),
                if g.signature.is_some() {
                    ", signed"
                } else {
                    ", unsigned"
                }
            );
        }
    }
    for e in &md.entities {
        entity(&mut s, e, ctx, warn_days);
    }
    s
}

fn entity(s: &mut String, e: &EntityDescriptor, ctx: &Ctx, warn_days: i64) {
    let _ = writeln!(
        s,
        "\nentity {}",
        if e.entity_id().is_empty() {
            "(no entityID)".into()
        } else {
            esc(e.entity_id())
        }
    );
    let _ = writeln!(s, "  flavour: {}", esc(&e.flavor.label()));
    let _ = writeln!(
        s,
        "  at {}{}{}",
        e.place.pos,
        e.valid_until.as_ref().map_or(String::new(), |v| format!(
            ", validUntil {}",
            esc(&v.raw.value)
        )),
        if e.signature.is_some() {
            ", has a signature"
        } else {
            ""
        }
    );
    for r in &e.roles {
        let _ = writeln!(s, "  {}", r.kind.label());
        for flag in [
            ("AuthnRequestsSigned", &r.authn_requests_signed),
            ("WantAssertionsSigned", &r.want_assertions_signed),
            ("WantAuthnRequestsSigned", &r.want_authn_requests_signed),
        ] {
            if let (name, Some(a)) = flag {
                let _ = writeln!(s, "    {name}: {}", esc(&a.value));
            }
        }
        for ep in &r.endpoints {
            let binding = ep.binding().rsplit(':').next().unwrap_or("");
            let mut extra = String::new();
            if let Some(i) = &ep.index {
                let _ = write!(extra, " index={}", esc(&i.value));
            }
            if ep.is_default() {
                extra.push_str(" default");
            }
            let _ = writeln!(
                s,
                "    {} {}{} {}",
                ep.kind.name(),
                if binding.is_empty() {
                    String::new()
                } else {
                    format!("[{}] ", esc(binding))
                },
                esc(ep.location()),
                extra.trim_start()
            );
        }
        for f in &r.nameid_formats {
            let _ = writeln!(
                s,
                "    NameIDFormat {}",
                if f.value.trim().is_empty() {
                    "(empty)".into()
                } else {
                    esc(f.value.trim())
                }
            );
        }
        if !r.claim_types.is_empty() {
            let _ = writeln!(s, "    {} claim types offered", r.claim_types.len());
        }
        for k in &r.keys {
            let usage = match k.usage {
                KeyUse::Signing => "signing",
                KeyUse::Encryption => "encryption",
                KeyUse::Both => "signing+encryption (no use)",
                KeyUse::Invalid => "invalid use",
            };
            for c in &k.certificates {
                match &c.facts {
                    Ok(f) => {
                        let days = f.days_left(ctx.at);
                        let state = if f.not_before > ctx.at {
                            "NOT YET VALID".to_string()
                        } else if days < 0 {
                            format!("EXPIRED {} days ago", -days)
                        } else if days <= warn_days {
                            format!("{days} days left (expiring soon)")
                        } else {
                            format!("{days} days left")
                        };
                        let _ = writeln!(
                            s,
                            "    key {usage}: {}, {}, {} .. {} ({state})\n      subject {}\n      SHA-1 {}  SHA-256 {}",
                            f.key.describe(),
                            esc(&f.signature_algorithm.to_string()),
                            f.not_before.format("%Y-%m-%d"),
                            f.not_after.format("%Y-%m-%d"),
                            esc(&f.subject),
                            f.sha1_thumbprint,
                            f.sha256_fingerprint
                        );
                    }
                    Err(p) => {
                        let _ = writeln!(
                            s,
                            "    key {usage}: certificate unusable: {}",
                            esc(&p.to_string())
                        );
                    }
                }
            }
            if k.certificates.is_empty() {
                let _ = writeln!(s, "    key {usage}: no certificate");
            }
        }
    }
    if let Some(o) = &e.organization {
        if let Some(n) = o.display_names.first().or(o.names.first()) {
            let _ = writeln!(s, "  organization: {}", esc(n.value.trim()));
        }
    }
}
