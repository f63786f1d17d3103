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
            crate::entra::RULES,
            crate::entra::INPUT_RULES,
            crate::diff::RULES,
            crate::dsig::RULES,
        ];
        let mut all: Vec<&'static Rule> = groups.iter().flat_map(|g| g.iter().copied()).collect();
        all.sort_by_key(|r| r.code);
        all
    })
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
}
