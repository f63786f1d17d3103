//! User lists: Entra (`az ad user list`, `az ad group member list`, Graph pages) and
//! IAM Identity Center (`aws identitystore list-users`), and the username rules.

use super::json::Node;
use crate::error::Error;
use serde_json::Value;
use std::collections::BTreeMap;

/// An Entra user, with its properties keyed by their lower-case claims ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EntraUser {
    /// The object id (`id`, or `objectId` in older exports).
    pub id: Option<String>,
    /// `userPrincipalName`.
    pub upn: Option<String>,
    /// `mail`.
    pub mail: Option<String>,
    /// `displayName`.
    pub display_name: Option<String>,
    /// `userType`: `Member` or `Guest`, when exported.
    pub user_type: Option<String>,
    /// Every string property by lower-case name: `userprincipalname`, `mail`, `objectid`,
    /// `employeeid`, `onpremisessamaccountname`, `extensionattribute1`..`15` (from
    /// `onPremisesExtensionAttributes`), `extension_<app>_<name>`, first of `otherMails`
    /// as `othermail`, first of `businessPhones` as `telephonenumber`.
    pub attrs: BTreeMap<String, String>,
    /// The JSON path of the entry.
    pub path: String,
}

impl EntraUser {
    /// The user's value of a claims source id (lower case), if present and not empty.
    pub fn attr(&self, id: &str) -> Option<&str> {
        self.attrs
            .get(&id.to_ascii_lowercase())
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }

    /// Whether the user is a guest (`userType` Guest, or an `#EXT#` UPN).
    pub fn is_guest(&self) -> bool {
        self.user_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("guest"))
            || self.upn.as_deref().is_some_and(|u| u.contains("#EXT#"))
    }

    /// A short label for messages: the UPN, else the display name, else the id.
    pub fn label(&self) -> String {
        self.upn
            .clone()
            .or_else(|| self.display_name.clone())
            .or_else(|| self.id.clone())
            .unwrap_or_else(|| self.path.clone())
    }
}

/// An Entra user list export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EntraUsers {
    /// The file it was read from.
    pub file: String,
    /// The users (groups, devices and service principals in a member list are skipped).
    pub users: Vec<EntraUser>,
    /// `@odata.nextLink`: present when this is one page of several.
    pub next_link: Option<String>,
    /// How many non-user members were skipped.
    pub skipped: usize,
}

impl EntraUsers {
    /// Reads an Entra user list from JSON text; `file` names it in messages.
    pub fn from_json(text: &str, file: &str) -> Result<EntraUsers, Error> {
        let v = super::json::parse(text.as_bytes(), file)?;
        EntraUsers::from_value(&v, file)
    }

    pub(crate) fn from_value(v: &Value, file: &str) -> Result<EntraUsers, Error> {
        let root = Node::root(v, file);
        let r = root.j();
        let mut out = EntraUsers {
            file: file.to_string(),
            ..EntraUsers::default()
        };
        let items = if v.is_array() {
            r.items()?
        } else if let Some(val) = r.get("value") {
            out.next_link = r.str("@odata.nextLink")?.or(r.str("odata.nextLink")?);
            val.j().items()?
        } else if r.get("userPrincipalName").is_some() {
            vec![root.clone_node()]
        } else if r.get("Users").is_some() {
            return Err(r.err(
                "this looks like aws identitystore list-users output (Users): give it with --aws-users",
            ));
        } else {
            return Err(r.err("expected an array of users or a Graph page {\"value\": [...]}"));
        };
        for n in items {
            let j = n.j();
            if !j.is_object() {
                return Err(j.err("expected a user object"));
            }
            let t = j
                .str("@odata.type")?
                .or(j.str("odata.type")?)
                .or(j.str("objectType")?)
                .unwrap_or_default()
                .to_ascii_lowercase();
            let is_user = if t.is_empty() {
                j.get("userPrincipalName").is_some()
            } else {
                t.ends_with("user")
            };
            if !is_user {
                out.skipped += 1;
                continue;
            }
            out.users.push(read_user(&n)?);
        }
        Ok(out)
    }
}

fn read_user(n: &Node<'_>) -> Result<EntraUser, Error> {
    let j = n.j();
    let obj =
        j.v.as_object()
            .ok_or_else(|| j.err("expected a user object"))?;
    let mut attrs = BTreeMap::new();
    for (k, v) in obj {
        let key = k.to_ascii_lowercase();
        match v {
            Value::String(s) => {
                attrs.insert(key, s.clone());
            }
            Value::Number(x) => {
                attrs.insert(key, x.to_string());
            }
            Value::Bool(b) => {
                attrs.insert(key, b.to_string());
            }
            Value::Array(a) => {
                if let Some(Value::String(s)) = a.first() {
                    let name = match key.as_str() {
                        "othermails" => "othermail".to_string(),
                        "businessphones" => "telephonenumber".to_string(),
                        _ => key,
                    };
                    attrs.entry(name).or_insert_with(|| s.clone());
                }
            }
            _ => {}
        }
    }
    if let Some(ext) = j.get("onPremisesExtensionAttributes") {
        if let Some(o) = ext.v.as_object() {
            for (k, v) in o {
                if let Value::String(s) = v {
                    attrs.insert(k.to_ascii_lowercase(), s.clone());
                }
            }
        }
    }
    let id = j.str("id")?.or(j.str("objectId")?);
    if let Some(id) = &id {
        attrs.insert("objectid".to_string(), id.clone());
    }
    Ok(EntraUser {
        id,
        upn: j.str("userPrincipalName")?,
        mail: j.str("mail")?,
        display_name: j.str("displayName")?,
        user_type: j.str("userType")?,
        attrs,
        path: n.path.clone(),
    })
}

/// An IAM Identity Center user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AwsUser {
    /// `UserName`: what the NameID must equal.
    pub user_name: String,
    /// `UserId`.
    pub user_id: Option<String>,
    /// `DisplayName`.
    pub display_name: Option<String>,
    /// `Emails[].Value`, the primary first.
    pub emails: Vec<String>,
    /// The JSON path of the entry.
    pub path: String,
}

/// An `aws identitystore list-users` export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AwsUsers {
    /// The file it was read from.
    pub file: String,
    /// The users.
    pub users: Vec<AwsUser>,
    /// `NextToken`: present when this is one page of several.
    pub next_token: Option<String>,
}

impl AwsUsers {
    /// Reads `aws identitystore list-users` output; `file` names it in messages.
    pub fn from_json(text: &str, file: &str) -> Result<AwsUsers, Error> {
        let v = super::json::parse(text.as_bytes(), file)?;
        AwsUsers::from_value(&v, file)
    }

    pub(crate) fn from_value(v: &Value, file: &str) -> Result<AwsUsers, Error> {
        let root = Node::root(v, file);
        let r = root.j();
        let mut out = AwsUsers {
            file: file.to_string(),
            ..AwsUsers::default()
        };
        let items = if v.is_array() {
            r.items()?
        } else {
            let u = r.get("Users").ok_or_else(|| {
                r.err("expected {\"Users\": [...]} as aws identitystore list-users prints it")
            })?;
            out.next_token = r.str("NextToken")?.filter(|t| !t.is_empty());
            u.j().items()?
        };
        for n in items {
            let j = n.j();
            if !j.is_object() {
                return Err(j.err("expected a user object"));
            }
            let user_name = j
                .get("UserName")
                .ok_or_else(|| {
                    if j.get("userPrincipalName").is_some() {
                        j.err("missing UserName; this looks like an Entra user (userPrincipalName): give Entra users with --entra-users")
                    } else {
                        j.err("missing UserName")
                    }
                })?
                .j()
                .as_str()?
                .to_string();
            let mut emails: Vec<(bool, String)> = Vec::new();
            for e in j.arr("Emails")? {
                let ej = e.j();
                if let Some(v) = ej.str("Value")? {
                    emails.push((ej.bool("Primary")?.unwrap_or(false), v));
                }
            }
            emails.sort_by_key(|(p, _)| !*p);
            out.users.push(AwsUser {
                user_name,
                user_id: j.str("UserId")?,
                display_name: j.str("DisplayName")?,
                emails: emails.into_iter().map(|(_, v)| v).collect(),
                path: n.path.clone(),
            });
        }
        Ok(out)
    }
}

impl Node<'_> {
    fn clone_node(&self) -> Node<'_> {
        Node::with_path(self.v, self.file, self.path.clone())
    }
}

/// Why a value cannot be an IAM Identity Center UserName, if it cannot.
pub(crate) fn username_problem(v: &str) -> Option<String> {
    let n = v.chars().count();
    if n > 128 {
        return Some(format!("is {n} characters long, more than 128"));
    }
    if let Some(c) = v
        .chars()
        .find(|c| matches!(c, '<' | '>' | ';' | ':' | '%' | '\t' | '\n' | '\r'))
    {
        return Some(format!("contains the forbidden character {c:?}"));
    }
    if ["administrator", "awsadministrators"]
        .iter()
        .any(|r| v.eq_ignore_ascii_case(r))
    {
        return Some("is a reserved name".to_string());
    }
    None
}

/// Whether `v` is an RFC 5322 addr-spec (`local@domain`, dot-atom or quoted local part;
/// UTF-8 allowed as in RFC 6532).
pub(crate) fn is_addr_spec(v: &str) -> bool {
    let Some((local, domain)) = v.rsplit_once('@') else {
        return false;
    };
    let atext = |c: char| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || !c.is_ascii();
    let dot_atom =
        |s: &str| !s.is_empty() && s.split('.').all(|p| !p.is_empty() && p.chars().all(atext));
    let quoted = |s: &str| {
        s.len() >= 2 && s.starts_with('"') && s.ends_with('"') && !s.contains(['\r', '\n'])
    };
    let domain_ok = dot_atom(domain) || (domain.starts_with('[') && domain.ends_with(']'));
    (dot_atom(local) || quoted(local)) && domain_ok
}

/// Case folding for "equal when case is ignored": Unicode lowercase of the whole string
/// (`str::to_lowercase`), so that non-ASCII letters compare too.
pub(crate) fn fold(s: &str) -> String {
    s.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addr_spec() {
        assert!(is_addr_spec("alice@contoso.com"));
        assert!(is_addr_spec("o'brien+x@contoso.co.uk"));
        assert!(is_addr_spec(
            "alice_fabrikam.com#EXT#@contoso.onmicrosoft.com"
        ));
        assert!(!is_addr_spec("alice"));
        assert!(!is_addr_spec("alice@"));
        assert!(!is_addr_spec("a..b@contoso.com"));
        assert!(!is_addr_spec("a b@contoso.com"));
        assert!(!is_addr_spec("CONTOSO\\alice"));
    }

    #[test]
    fn usernames() {
        assert!(username_problem("alice@contoso.com").is_none());
        assert!(username_problem("a:b").is_some());
        assert!(username_problem("Administrator").is_some());
        assert!(username_problem(&"a".repeat(129)).is_some());
        assert!(username_problem(&"a".repeat(128)).is_none());
    }
}
