//! `samlcheck explain CODE`: a rule's whole catalogue entry, like `rustc --explain`; also
//! AADSTS codes and AWS sign-in error messages (the lookup is `samlcheck::catalog::explain`).

use crate::common::{emit, usage_error, Ctx, Format};
use samlcheck::catalog::{self, Explained};
use samlcheck::report::escape_text as esc;
use samlcheck::Rule;
use std::fmt::Write;
use std::process::ExitCode;

/// Arguments of `samlcheck explain`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A rule code (`pair.acs.not_in_reply_urls`), an AADSTS code (`AADSTS50011`) or a
    /// pasted AWS or Entra sign-in error message (quote it).
    #[arg(value_name = "CODE", required = true, num_args = 1..)]
    pub query: Vec<String>,
}

pub fn run(args: &Args, ctx: &Ctx) -> ExitCode {
    let query = args.query.join(" ");
    let found = catalog::explain(&query);
    if let Explained::Unknown { suggestions } = &found {
        let hint = if suggestions.is_empty() {
            "; `samlcheck rules` lists every code".to_string()
        } else {
            format!("; did you mean {}?", suggestions.join(", "))
        };
        return usage_error(&format!(
            "no rule code, AADSTS code or sign-in error message matches {:?}{hint}",
            esc(&query)
        ));
    }
    let out = match ctx.format {
        Format::Json => json(&query, &found),
        _ => text(&found),
    };
    match emit(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(c) => c,
    }
}

fn rule_text(s: &mut String, r: &Rule) {
    let _ = writeln!(s, "{} ({})\n", r.code, r.severity.as_str());
    let _ = writeln!(s, "{}\n", r.summary);
    let _ = writeln!(
        s,
        "Why {}: {}\n",
        r.severity.as_str(),
        catalog::severity_meaning(r.severity)
    );
    let _ = writeln!(s, "How to fix: {}\n", r.fix);
    let _ = writeln!(s, "Sources:");
    for (title, url) in r.sources() {
        match url {
            Some(u) => {
                let _ = writeln!(s, "  - {title}\n    {u}");
            }
            None => {
                let _ = writeln!(s, "  - {title}");
            }
        }
    }
}

fn text(found: &Explained) -> String {
    let mut s = String::new();
    match found {
        Explained::Rule(r) => rule_text(&mut s, r),
        Explained::Error { known, rules } => {
            if let Some(k) = known {
                let _ = writeln!(s, "{} ({})\n\n{}\n", k.error, k.by, k.meaning);
            }
            if rules.is_empty() {
                let _ = writeln!(
                    s,
                    "No rule of the catalogue catches a cause of it from metadata or exports."
                );
            } else {
                let _ = writeln!(s, "Rules that catch a cause of it: {}\n", rules.len());
                for (i, r) in rules.iter().enumerate() {
                    if i > 0 {
                        let _ = writeln!(s);
                    }
                    rule_text(&mut s, r);
                }
            }
        }
        _ => {}
    }
    s
}

fn rule_json(r: &Rule) -> serde_json::Value {
    let sources: Vec<serde_json::Value> = r
        .sources()
        .map(|(title, url)| serde_json::json!({"title": title, "url": url}))
        .collect();
    serde_json::json!({
        "code": r.code,
        "severity": r.severity,
        "summary": r.summary,
        "why": catalog::severity_meaning(r.severity),
        "fix": r.fix,
        "source": r.source,
        "sources": sources,
    })
}

fn json(query: &str, found: &Explained) -> String {
    let (error, rules) = match found {
        Explained::Rule(r) => (serde_json::Value::Null, vec![rule_json(r)]),
        Explained::Error { known, rules } => (
            known.map_or(
                serde_json::Value::Null,
                |k| serde_json::json!({"error": k.error, "by": k.by, "meaning": k.meaning}),
            ),
            rules.iter().map(|r| rule_json(r)).collect(),
        ),
        _ => (serde_json::Value::Null, Vec::new()),
    };
    let v = serde_json::json!({
        "tool": "samlcheck",
        "version": env!("CARGO_PKG_VERSION"),
        "command": "explain",
        "query": query,
        "error": error,
        "rules": rules,
    });
    format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
}
