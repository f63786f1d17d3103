//! The rule catalogue: every code any part of the crate can report.
//!
//! ```
//! // Every rule has a stable code, one severity and a public source.
//! for rule in samlcheck::catalog::rules() {
//!     assert!(!rule.source.is_empty(), "{}", rule.code);
//!     assert_eq!(samlcheck::catalog::rule(rule.code), Some(rule));
//! }
//! ```

use crate::finding::Rule;

/// Every rule, sorted by code. `samlcheck rules` prints this list and `docs/rules.md` is
/// generated from it.
pub fn rules() -> Vec<&'static Rule> {
    sorted().to_vec()
}

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    let all = sorted();
    all.binary_search_by(|r| r.code.cmp(code))
        .ok()
        .and_then(|i| all.get(i).copied())
}

/// The catalogue, gathered and sorted once: renderers look a rule up for every finding.
fn sorted() -> &'static [&'static Rule] {
    static ALL: std::sync::OnceLock<Vec<&'static Rule>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let groups: &[&[&'static Rule]] = &[
            crate::lint::RULES,
            crate::pair::RULES,
            crate::exports::RULES,
            crate::exports::INPUT_RULES,
            crate::diff::RULES,
            crate::dsig::RULES,
            crate::response::RULES,
        ];
        let mut all: Vec<&'static Rule> = groups.iter().flat_map(|g| g.iter().copied()).collect();
        all.sort_by_key(|r| r.code);
        all
    })
}

/// What a severity means (docs/severity.md): why a rule reports at it.
pub fn severity_meaning(s: crate::Severity) -> &'static str {
    match s {
        crate::Severity::Error => {
            "with this configuration sign-in fails, or AWS or Entra refuses the file or setting"
        }
        crate::Severity::Warning => {
            "works today but will break on a known date or event, or a documented risk (also the highest severity of a fact no vendor page confirms)"
        }
        crate::Severity::Info => "a fact worth knowing; nothing breaks because of it",
    }
}

/// A sign-in error that AWS or Entra shows, which some rules of the catalogue prevent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct KnownError {
    /// The error code (`AADSTS50011`) or the message as AWS shows it.
    pub error: &'static str,
    /// Who shows it: `Microsoft Entra ID` or `AWS`.
    pub by: &'static str,
    /// What it means.
    pub meaning: &'static str,
    /// Rule codes that catch a cause of it before anyone signs in.
    pub rules: &'static [&'static str],
}

/// The sign-in errors [`explain`] knows beyond what the rules' own text mentions.
pub const KNOWN_ERRORS: &[KnownError] = &[
    KnownError {
        error: "AADSTS50011",
        by: "Microsoft Entra ID",
        meaning: "The reply URL (ACS URL) in the request does not match the Reply URLs configured for the application.",
        rules: &["pair.acs.not_in_reply_urls", "pair.acs.legacy_missing", "pair.acs.alternative_missing"],
    },
    KnownError {
        error: "AADSTS700016",
        by: "Microsoft Entra ID",
        meaning: "No application in the tenant has the request's Issuer (the SP entity ID) as an Identifier.",
        rules: &["pair.entity_id.not_identifier"],
    },
    KnownError {
        error: "AADSTS50003",
        by: "Microsoft Entra ID",
        meaning: "The application has no signing key (no active SAML signing certificate).",
        rules: &["pair.signing_key.none_active"],
    },
    KnownError {
        error: "AADSTS50105",
        by: "Microsoft Entra ID",
        meaning: "The signed-in user is not assigned to the application (Assignment required = Yes), directly or through a non-nested group; no metadata rule can see assignments, so check Users and groups of the Enterprise application.",
        rules: &[],
    },
    KnownError {
        error: "AADSTS75011",
        by: "Microsoft Entra ID",
        meaning: "The way the user authenticated does not match the authentication context the AuthnRequest asked for (RequestedAuthnContext); the request, not the metadata, decides this.",
        rules: &[],
    },
    KnownError {
        error: "AADSTS501241",
        by: "Microsoft Entra ID",
        meaning: "A mandatory input of a claim (often the NameID source attribute) is missing for this user.",
        rules: &["users.nameid.empty"],
    },
    KnownError {
        error: "Your request included an invalid SAML response",
        by: "AWS",
        meaning: "AWS sign-in refused the SAML response: a required attribute (Role, RoleSessionName) is missing or malformed, the role or provider does not match, or the signature or audience is wrong.",
        rules: &["iam.role.missing", "iam.role.malformed", "iam.rsn.missing", "iam.rsn.invalid", "iam.trust.provider_mismatch"],
    },
];

/// What [`explain`] found for a query.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Explained {
    /// The query is a rule code.
    Rule(&'static Rule),
    /// The query names (or quotes) a sign-in error: what it means and the rules that catch
    /// its causes (the error's own list, then rules whose text mentions it).
    Error {
        /// The error, when it is one of [`KNOWN_ERRORS`].
        known: Option<&'static KnownError>,
        /// The rules, by code.
        rules: Vec<&'static Rule>,
    },
    /// Nothing matched: the closest rule codes, if any.
    Unknown {
        /// Codes close to the query (a typo, or sharing its last part).
        suggestions: Vec<&'static str>,
    },
}

/// Looks a query up like `rustc --explain`: a rule code; an AADSTS code (`AADSTS50105`,
/// also inside a pasted message); or an AWS or Entra sign-in error message that the
/// catalogue mentions (`Your request included an invalid SAML response`).
///
/// ```
/// use samlcheck::catalog::{explain, Explained};
/// assert!(matches!(explain("md.entity_id.missing"), Explained::Rule(_)));
/// let Explained::Error { rules, .. } = explain("AADSTS50011") else { panic!() };
/// assert!(rules.iter().any(|r| r.code == "pair.acs.not_in_reply_urls"));
/// ```
pub fn explain(query: &str) -> Explained {
    let q = query.trim();
    if let Some(r) = rule(q) {
        return Explained::Rule(r);
    }
    let all = sorted();
    let norm_q = normalize(q);
    // An AADSTS code anywhere in the query, else a known message it contains (or that
    // contains it), else the query as a phrase in the rules' own text.
    let code = aadsts_code(q);
    let known = KNOWN_ERRORS.iter().find(|k| match &code {
        Some(c) => k.error == c.as_str(),
        None => {
            let m = normalize(k.error);
            norm_q.len() >= 12 && (norm_q.contains(&m) || m.contains(&norm_q))
        }
    });
    let needle = match (&code, known) {
        (Some(c), _) => normalize(c),
        (None, Some(k)) => normalize(k.error),
        (None, None) => norm_q.clone(),
    };
    let mut rules: Vec<&'static Rule> = Vec::new();
    if let Some(k) = known {
        rules.extend(k.rules.iter().filter_map(|c| rule(c)));
    }
    if needle.len() >= 6 {
        // Whole words only: AADSTS500 is not AADSTS50011.
        let needle = format!(" {needle} ");
        for r in all {
            let text = format!(" {} ", normalize(&format!("{} {}", r.summary, r.fix)));
            if text.contains(&needle) && !rules.iter().any(|x| x.code == r.code) {
                rules.push(r);
            }
        }
    }
    if known.is_some() || !rules.is_empty() {
        return Explained::Error { known, rules };
    }
    Explained::Unknown {
        suggestions: suggest(q),
    }
}

/// Rule codes close to `code`: within a small edit distance, containing it, or sharing its
/// last dotted part; at most five, closest first.
pub fn suggest(code: &str) -> Vec<&'static str> {
    let lower = code.to_ascii_lowercase();
    let last = lower.rsplit('.').next().unwrap_or("");
    let mut scored: Vec<(usize, &'static str)> = sorted()
        .iter()
        .map(|r| (edit_distance(&lower, r.code), r.code))
        .filter(|(d, c)| {
            *d <= 3
                || (lower.len() > 3 && c.contains(lower.as_str()))
                || (last.len() > 2 && c.rsplit('.').next() == Some(last))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, c)| c).collect()
}

/// `AADSTS` followed by digits, anywhere in `s` (case-insensitive), upper-cased.
fn aadsts_code(s: &str) -> Option<String> {
    let upper = s.to_ascii_uppercase();
    let start = upper.find("AADSTS")?;
    let digits: String = upper
        .get(start + 6..)?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then(|| format!("AADSTS{digits}"))
}

/// Lower case, letters and digits, single spaces: pasted messages compare loosely.
fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&w.to_lowercase());
    }
    out
}

/// Levenshtein distance, characters; inputs are codes and short queries (the query is
/// capped so the work stays small).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(200).collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_found_by_its_code_and_unknown_codes_are_not() {
        let all = rules();
        assert!(all.len() > 100);
        assert!(
            all.windows(2).all(|w| w[0].code < w[1].code),
            "sorted, no duplicate"
        );
        for r in &all {
            assert_eq!(rule(r.code).map(|x| x.code), Some(r.code));
        }
        for code in ["", "nope", "zzz", "aaa", "lint.", "dsig.signature.invalid "] {
            assert!(rule(code).is_none(), "{code:?}");
        }
    }

    #[test]
    fn explain_finds_codes_errors_and_messages() {
        assert!(
            matches!(explain(" md.entity_id.missing "), Explained::Rule(r) if r.code == "md.entity_id.missing")
        );
        let Explained::Error { known, rules } = explain("AADSTS50105") else {
            panic!("50105")
        };
        assert_eq!(known.map(|k| k.error), Some("AADSTS50105"));
        assert!(rules.is_empty());
        let Explained::Error { rules, .. } =
            explain("AADSTS700016: Application with identifier 'x' was not found")
        else {
            panic!("700016")
        };
        assert!(rules
            .iter()
            .any(|r| r.code == "pair.entity_id.not_identifier"));
        let Explained::Error { rules, .. } =
            explain("Your request included an invalid SAML response. To logout, click here.")
        else {
            panic!("aws message")
        };
        assert!(rules.iter().any(|r| r.code == "iam.role.missing"));
        let Explained::Unknown { suggestions } = explain("md.entity_id.mising") else {
            panic!("typo")
        };
        assert_eq!(suggestions.first(), Some(&"md.entity_id.missing"));
        assert!(matches!(explain("zzzz"), Explained::Unknown { .. }));
        assert!(matches!(explain(""), Explained::Unknown { .. }));
    }

    #[test]
    fn every_known_error_lists_real_rules() {
        for k in KNOWN_ERRORS {
            for c in k.rules {
                assert!(rule(c).is_some(), "{}: {c}", k.error);
            }
        }
    }
}
