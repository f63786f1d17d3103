//! Selecting rules by code: `--only` and `--disable` of `lint` and `check`.

use crate::error::Error;

/// Checks codes against the catalogue and expands `PREFIX.*` into every code of the family.
///
/// `flag` names the option in messages (`--only`, `--disable`). An unknown code is an
/// [`Error::Input`] that suggests close codes.
///
/// ```
/// let codes = samlcheck::run::expand_codes(&["pair.idp_cert.*".to_string()], "--only").unwrap();
/// assert!(codes.iter().any(|c| c == "pair.idp_cert.expired"));
/// let e = samlcheck::run::expand_codes(&["pair.idp_cert.expird".to_string()], "--only").unwrap_err();
/// assert!(e.to_string().contains("did you mean pair.idp_cert.expired"));
/// ```
pub fn expand_codes(given: &[String], flag: &str) -> Result<Vec<String>, Error> {
    let all: Vec<&'static str> = crate::catalog::rules().iter().map(|r| r.code).collect();
    let mut out = Vec::new();
    for g in given {
        if let Some(prefix) = g.strip_suffix(".*") {
            let p = format!("{prefix}.");
            let hits: Vec<&str> = all.iter().copied().filter(|c| c.starts_with(&p)).collect();
            if hits.is_empty() {
                return Err(Error::input(format!(
                    "{flag} {g}: no rule code starts with {p}"
                )));
            }
            out.extend(hits.into_iter().map(str::to_string));
        } else if all.contains(&g.as_str()) {
            out.push(g.clone());
        } else {
            let close = close_matches(g, &all);
            let hint = if close.is_empty() {
                "; `samlcheck rules` lists every code".to_string()
            } else {
                format!("; did you mean {}?", close.join(", "))
            };
            return Err(Error::input(format!("{flag} {g}: unknown rule code{hint}")));
        }
    }
    Ok(out)
}

/// Codes within a small edit distance of `code`, or sharing its last segment.
fn close_matches(code: &str, all: &[&'static str]) -> Vec<&'static str> {
    let mut scored: Vec<(usize, &'static str)> = all
        .iter()
        .map(|c| (distance(code, c), *c))
        .filter(|(d, c)| {
            *d <= 3
                || c.contains(code)
                || code
                    .rsplit('.')
                    .next()
                    .is_some_and(|last| last.len() > 2 && c.rsplit('.').next() == Some(last))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, c)| c).collect()
}

/// Levenshtein distance (the codes are short: bounded work).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().take(200).enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}
