//! Values that display differently from what is compared: bidirectional controls and
//! invisible characters in an entityID or an endpoint URL (`md.text.control_chars`).
//!
//! C0/C1 control characters in these values are already reported as not absolute URIs
//! (`md.entity_id.not_absolute`, `md.endpoint.location.*`); this rule covers the
//! characters those rules let through because they are neither white space nor controls.

use super::{at_attr, eid, Cx};
use crate::finding::{Rule, Severity};
use crate::model::{Attr, EntityDescriptor, Place};

pub(crate) static CONTROL_CHARS: Rule = Rule {
    code: "md.text.control_chars",
    severity: Severity::Warning,
    summary: "An entityID or endpoint URL holds a bidirectional-control or invisible character (U+202A..U+202E, U+2066..U+2069, U+200E/F, zero-width): it is shown differently from what is compared, and no valid URI or IRI contains it (impact on AWS/Entra unconfirmed)",
    fix: "Retype the value without the hidden character (samlcheck shows it escaped, e.g. \\u{202e}); the peer compares the exact string",
    source: "RFC 3987, section 4.1 (IRIs must not contain bidirectional formatting characters) <https://www.rfc-editor.org/rfc/rfc3987#section-4.1>; Unicode Technical Standard #39, Unicode Security Mechanisms <https://www.unicode.org/reports/tr39/>; CVE-2021-42574 (Trojan Source) <https://nvd.nist.gov/vuln/detail/CVE-2021-42574>",
};

/// Bidirectional controls (U+061C, U+200E/F, U+202A..U+202E, U+2066..U+2069), the line and
/// paragraph separators, and zero-width characters (U+200B..U+200D, U+2060..U+2064, U+FEFF):
/// characters a terminal or a browser does not show as themselves.
pub fn is_hidden_char(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

fn check(cx: &mut Cx<'_>, e: &EntityDescriptor, what: &str, a: &Attr, place: &Place) {
    let hidden: Vec<String> = a
        .value
        .chars()
        .filter(|c| is_hidden_char(*c))
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect();
    if hidden.is_empty() {
        return;
    }
    let mut kinds = hidden.clone();
    kinds.sort();
    kinds.dedup();
    cx.push(CONTROL_CHARS.at(
        eid(e),
        at_attr(a, place),
        format!(
            "{what} {} holds {} hidden character(s) ({}): it displays differently from the string the peer compares",
            super::q(&a.value),
            hidden.len(),
            kinds.join(", ")
        ),
    ));
}

/// `md.text.control_chars` on the entityID and every endpoint Location / ResponseLocation.
pub(crate) fn entity(cx: &mut Cx<'_>, e: &EntityDescriptor) {
    if let Some(a) = &e.entity_id {
        check(cx, e, "entityID", a, &e.place);
    }
    for r in &e.roles {
        for ep in &r.endpoints {
            if let Some(a) = &ep.location {
                check(cx, e, &format!("{} Location", ep.kind.name()), a, &ep.place);
            }
            if let Some(a) = &ep.response_location {
                check(
                    cx,
                    e,
                    &format!("{} ResponseLocation", ep.kind.name()),
                    a,
                    &ep.place,
                );
            }
        }
    }
}
