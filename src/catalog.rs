//! The rule catalogue: every code any part of the crate can report.

use crate::finding::Rule;

/// Every rule, sorted by code. `samlcheck rules` prints this list and `docs/rules.md` is
/// generated from it.
pub fn rules() -> Vec<&'static Rule> {
    let groups: &[&[&'static Rule]] = &[crate::pair::RULES];
    let mut all: Vec<&'static Rule> = groups.iter().flat_map(|g| g.iter().copied()).collect();
    all.sort_by_key(|r| r.code);
    all
}

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    rules().into_iter().find(|r| r.code == code)
}
