//! ADFS federation metadata (`adfs.*`). Both rules apply to every entity: ADFS is where they
//! are usually seen, but any export can have them.

use super::md::rule;
use super::{at_place, eid, Cx};
use crate::finding::{Rule, Severity};
use crate::model::{EntityDescriptor, Text};

rule!(ROLES_MIXED, "adfs.roles.mixed", Info,
    "one entity with both an SP and an IdP role (as ADFS exports): a peer may pick the wrong one",
    "Nothing to do if the peer reads the role it needs; otherwise upload a copy without the other role (samlcheck rewrite can drop it)",
    "SAML 2.0 Metadata (OASIS), section 2.3.2 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>");
rule!(CONTACT_EMPTY, "adfs.contact.empty", Info,
    "ContactPerson with empty child elements (GivenName, SurName, EmailAddress, ...)",
    "Fill in the contact details or remove the empty elements (ADFS exports them when the contact is blank)",
    "SAML 2.0 Metadata (OASIS), section 2.3.2.2 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>");

pub(super) fn entity(cx: &mut Cx<'_>, e: &EntityDescriptor) {
    let ent = eid(e);
    if e.is_sp() && e.is_idp() {
        cx.push(ROLES_MIXED.at(
            ent,
            at_place(&e.place),
            format!(
                "entity {} has both an SPSSODescriptor and an IDPSSODescriptor",
                super::q(e.entity_id())
            ),
        ));
    }
    for c in &e.contacts {
        let mut empty: Vec<&str> = Vec::new();
        let mut check = |name: &'static str, t: Option<&Text>| {
            if t.is_some_and(|t| t.value.trim().is_empty()) {
                empty.push(name);
            }
        };
        check("Company", c.company.as_ref());
        check("GivenName", c.given_name.as_ref());
        check("SurName", c.sur_name.as_ref());
        for t in &c.emails {
            check("EmailAddress", Some(t));
        }
        for t in &c.phones {
            check("TelephoneNumber", Some(t));
        }
        if !empty.is_empty() {
            let kind = c.contact_type.as_ref().map_or("", |a| a.value.as_str());
            cx.push(CONTACT_EMPTY.at(
                ent,
                at_place(&c.place),
                format!(
                    "ContactPerson contactType {} at {} has empty {}",
                    super::q(kind),
                    c.place.path,
                    empty.join(", ")
                ),
            ));
        }
    }
}
