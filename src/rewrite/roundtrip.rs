//! The round-trip property, as a pure function a fuzz target can call: parsing the output
//! gives exactly the model of the input with the edits applied, and nothing else.
//!
//! Both models are serialised to JSON and compared without what is positional or derived:
//! positions, element paths, the source facts, the list of IDs, split values, flavour and
//! group indices. The expected model is computed from the input model alone, by applying
//! each operation's meaning to it (independently of the splicing code).

use super::{rewrite, Op, RewriteOptions, SignatureEffect};
use crate::xml::{self, ns, XmlDoc};
use serde_json::{json, Map, Value};

/// Keys dropped before comparing models (positional or derived).
const DROP: &[&str] = &[
    "pos",
    "place",
    "path",
    "source",
    "ids",
    "split_values",
    "flavor",
    "group",
    "parent",
];

/// Rewrites `input` with `ops` and checks the round-trip property. An input that is not
/// metadata, or that a rewrite refuses, passes (there is nothing to check); a rewrite
/// whose output does not parse, or parses to a different model than expected, fails with
/// a description. [`Op::RemoveExpiredCerts`] is judged at 2026-01-01T00:00:00Z;
/// [`Op::Sign`] has no signer here and is refused.
pub fn check_roundtrip(input: &[u8], ops: &[Op]) -> Result<(), String> {
    let limits = crate::Limits::default();
    let Ok(decoded) = xml::decode_checked(input.to_vec(), &limits) else {
        return Ok(());
    };
    let Ok(doc) = XmlDoc::parse(decoded.text(), &limits) else {
        return Ok(());
    };
    let Ok(before) = crate::Metadata::from_doc(&doc, decoded.info()) else {
        return Ok(());
    };
    let at = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .map_err(|e| e.to_string())?
        .with_timezone(&chrono::Utc);
    let opts = RewriteOptions {
        at: Some(at),
        ..RewriteOptions::default()
    };
    let Ok(out) = rewrite(&decoded, ops, &opts) else {
        return Ok(());
    };
    let dec2 = xml::decode_checked(out.bytes.clone(), &limits)
        .map_err(|e| format!("output does not decode: {e}"))?;
    let doc2 =
        XmlDoc::parse(dec2.text(), &limits).map_err(|e| format!("output does not parse: {e}"))?;
    let after = crate::Metadata::from_doc(&doc2, dec2.info())
        .map_err(|e| format!("output is not metadata: {e}"))?;
    if ops.contains(&Op::StripBom) && dec2.info().bom {
        return Err("output still has a byte order mark".into());
    }

    let input_signed = super::has_signature(&doc);
    let mut expected = normalise(serde_json::to_value(&before).map_err(|e| e.to_string())?);
    let mut actual = normalise(serde_json::to_value(&after).map_err(|e| e.to_string())?);
    null_nested_group_signatures(&mut actual);
    let mut ordered: Vec<&Op> = ops.iter().collect();
    ordered.sort_by_key(|o| o.step());
    // Signatures are judged step by step, as the rewrite applies them: a step that changes
    // signed content removes that signature even when a later step changes it back (for
    // example `--set-cache-duration PT0S --set-cache-duration PT6H` on a file at PT6H).
    for op in ordered {
        let before_step = expected.clone();
        apply(&mut expected, op, at);
        drop_broken_signatures(&before_step, &mut expected, std::slice::from_ref(op));
    }
    if expected != actual {
        return Err(format!(
            "model mismatch after {:?}:\nexpected {}\nactual   {}",
            ops.iter().map(Op::name).collect::<Vec<_>>(),
            expected,
            actual
        ));
    }
    let output_signed = super::has_signature(&doc2);
    if input_signed && !output_signed && out.signature == SignatureEffect::Untouched {
        return Err("a signature disappeared but the effect says untouched".into());
    }
    if !output_signed
        && !matches!(
            out.signature,
            SignatureEffect::Unsigned | SignatureEffect::Removed
        )
    {
        return Err(format!(
            "the output is unsigned but the effect says {}",
            out.signature.label()
        ));
    }
    Ok(())
}

static NULL: Value = Value::Null;

/// `v[k]` without any chance of a panic.
fn get<'v>(v: &'v Value, k: &str) -> &'v Value {
    v.get(k).unwrap_or(&NULL)
}

fn normalise(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(k, _)| !DROP.contains(&k.as_str()))
                .map(|(k, v)| (k, normalise(v)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(normalise).collect()),
        other => other,
    }
}

fn entities(md: &mut Value) -> Vec<&mut Value> {
    md["entities"]
        .as_array_mut()
        .map(|a| a.iter_mut().collect())
        .unwrap_or_default()
}

fn roles(md: &mut Value) -> Vec<&mut Value> {
    let mut out = Vec::new();
    for e in entities(md) {
        if let Some(rs) = e["roles"].as_array_mut() {
            out.extend(rs.iter_mut());
        }
    }
    out
}

fn attr(v: &str) -> Value {
    json!({ "value": v })
}

fn is_acs(ep: &Value) -> bool {
    ep["kind"] == "AssertionConsumerService"
}

fn ep_default(ep: &Value) -> bool {
    get(get(ep, "is_default"), "value")
        .as_str()
        .is_some_and(|v| matches!(v.trim(), "true" | "1"))
}

fn ep_index(ep: &Value) -> Option<u32> {
    get(get(ep, "index"), "value")
        .as_str()
        .and_then(|v| v.trim().parse().ok())
}

fn apply(md: &mut Value, op: &Op, at: chrono::DateTime<chrono::Utc>) {
    match op {
        Op::Extract(id) => {
            if let Some(all) = md["entities"].as_array_mut() {
                all.retain(|e| get(get(e, "entity_id"), "value") == id.as_str());
            }
            if md["is_aggregate"] == true {
                md["groups"] = json!([]);
                md["is_aggregate"] = json!(false);
            }
        }
        Op::Saml2Only => {
            for e in entities(md) {
                if let Some(rs) = e["roles"].as_array_mut() {
                    rs.retain(|r| {
                        let saml_kind = matches!(
                            r["kind"].as_str(),
                            Some(
                                "sp-sso"
                                    | "idp-sso"
                                    | "attribute-authority"
                                    | "authn-authority"
                                    | "pdp"
                            )
                        );
                        let saml2 = r["protocols"]
                            .as_array()
                            .is_some_and(|p| p.iter().any(|x| x == ns::SAMLP));
                        saml_kind && saml2
                    });
                }
            }
        }
        Op::RemoveExpiredCerts | Op::RemoveCert(_) => {
            let thumb = match op {
                Op::RemoveCert(t) => super::ops::thumbprint(t).ok(),
                _ => None,
            };
            let hit = |c: &Value| {
                let f = get(get(c, "facts"), "Ok");
                if f.is_null() {
                    return false;
                }
                match &thumb {
                    Some(t) => {
                        f["sha1_thumbprint"] == t.as_str() || f["sha256_fingerprint"] == t.as_str()
                    }
                    None => f["not_after"]
                        .as_str()
                        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
                        .is_some_and(|d| d < at),
                }
            };
            for r in roles(md) {
                if let Some(keys) = r["keys"].as_array_mut() {
                    keys.retain_mut(|k| {
                        let Some(certs) = k["certificates"].as_array_mut() else {
                            return true;
                        };
                        let had = certs.len();
                        certs.retain(|c| !hit(c));
                        !(had > 0 && certs.is_empty())
                    });
                }
            }
        }
        Op::ReplaceAcs { old, new } => {
            for r in roles(md) {
                for ep in r["endpoints"].as_array_mut().into_iter().flatten() {
                    if is_acs(ep) && get(get(ep, "location"), "value") == old.as_str() {
                        ep["location"] = attr(new);
                    }
                }
            }
        }
        Op::RemoveAcs(url) => {
            for r in roles(md) {
                let Some(eps) = r["endpoints"].as_array_mut() else {
                    continue;
                };
                let gone =
                    |ep: &Value| is_acs(ep) && get(get(ep, "location"), "value") == url.as_str();
                let was_default = eps.iter().any(|ep| gone(ep) && ep_default(ep));
                eps.retain(|ep| !gone(ep));
                if was_default && !eps.iter().any(|ep| is_acs(ep) && ep_default(ep)) {
                    let best = eps
                        .iter()
                        .enumerate()
                        .filter(|(_, ep)| is_acs(ep))
                        .min_by_key(|(_, ep)| ep_index(ep).unwrap_or(u32::MAX))
                        .map(|(i, _)| i);
                    if let Some(ep) = best.and_then(|i| eps.get_mut(i)) {
                        ep["is_default"] = attr("true");
                    }
                }
            }
        }
        Op::AddAcs {
            url,
            binding,
            make_default,
        } => {
            let Ok(binding) = super::ops::binding_uri(binding.as_deref()) else {
                return;
            };
            for r in roles(md) {
                if r["kind"] != "sp-sso" {
                    continue;
                }
                let Some(eps) = r["endpoints"].as_array_mut() else {
                    continue;
                };
                if eps.iter().any(|ep| {
                    is_acs(ep)
                        && get(get(ep, "location"), "value") == url.as_str()
                        && get(get(ep, "binding"), "value") == binding.as_str()
                }) {
                    continue;
                }
                let index = eps
                    .iter()
                    .filter(|ep| is_acs(ep))
                    .filter_map(ep_index)
                    .max()
                    .map_or(0, |m| m.saturating_add(1));
                if *make_default {
                    for ep in eps.iter_mut().filter(|ep| is_acs(ep) && ep_default(ep)) {
                        ep["is_default"] = attr("false");
                    }
                }
                let new = json!({
                    "kind": "AssertionConsumerService",
                    "binding": attr(&binding),
                    "location": attr(url),
                    "response_location": null,
                    "index": attr(&index.to_string()),
                    "is_default": if *make_default { attr("true") } else { Value::Null },
                });
                let at = eps
                    .iter()
                    .rposition(is_acs)
                    .map_or(eps.len(), |i| i.saturating_add(1));
                eps.insert(at, new);
            }
        }
        Op::SetEntityId(id) => {
            for e in entities(md) {
                e["entity_id"] = attr(id);
            }
        }
        Op::SetValidUntil(t) => {
            let s = t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let value = serde_json::to_value(crate::time::parse_datetime(&s)).unwrap_or_default();
            set_on_root(
                md,
                "valid_until",
                json!({ "raw": attr(&s), "value": value }),
            );
        }
        Op::RemoveValidUntil => set_on_root(md, "valid_until", Value::Null),
        Op::SetCacheDuration(d) => {
            let value = serde_json::to_value(crate::time::parse_duration(d)).unwrap_or_default();
            set_on_root(
                md,
                "cache_duration",
                json!({ "raw": attr(d), "value": value }),
            );
        }
        Op::RemoveCacheDuration => set_on_root(md, "cache_duration", Value::Null),
        Op::StripSignature => {
            for k in ["entities", "groups"] {
                for x in md[k].as_array_mut().into_iter().flatten() {
                    x["signature"] = Value::Null;
                }
            }
        }
        Op::StripBom | Op::Sign | Op::Pretty | Op::Minify => {}
    }
}

fn set_on_root(md: &mut Value, key: &str, v: Value) {
    let k = if md["is_aggregate"] == true {
        "groups"
    } else {
        "entities"
    };
    if let Some(Value::Object(root)) = md.get_mut(k).and_then(|a| a.get_mut(0)) {
        root.insert(key.to_string(), v);
    }
}

fn null_nested_group_signatures(md: &mut Value) {
    if let Some(Value::Array(gs)) = md.get_mut("groups") {
        for g in gs.iter_mut().skip(1) {
            if let Value::Object(o) = g {
                o.insert("signature".into(), Value::Null);
            }
        }
    }
}

/// Two objects equal but for the members whose names `skip` accepts.
fn same_except(
    x: &Map<String, Value>,
    y: &Map<String, Value>,
    skip: impl Fn(&str) -> bool,
) -> bool {
    let rest = |m: &Map<String, Value>| m.keys().filter(|k| !skip(k)).count();
    rest(x) == rest(y)
        && x.iter()
            .filter(|(k, _)| !skip(k))
            .all(|(k, v)| y.get(k) == Some(v))
}

/// `a == b` with each object's `signature` member left out (an element compared as if
/// unsigned).
fn same_unsigned(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => same_except(x, y, |k| k == "signature"),
        _ => a == b,
    }
}

/// Two models equal but for the signatures of their entities and groups.
fn same_but_signatures(a: &Value, b: &Value) -> bool {
    let (Value::Object(x), Value::Object(y)) = (a, b) else {
        return a == b;
    };
    let listed = |k: &str| k == "entities" || k == "groups";
    let lists_equal = ["entities", "groups"].iter().all(|k| {
        match (x.get(*k).unwrap_or(&NULL), y.get(*k).unwrap_or(&NULL)) {
            (Value::Array(p), Value::Array(q)) => {
                p.len() == q.len() && p.iter().zip(q).all(|(e, f)| same_unsigned(e, f))
            }
            (p, q) => p == q,
        }
    });
    lists_equal && same_except(x, y, listed)
}

/// A signature whose element changed cannot survive: the expected model drops it. An
/// entity's signature covers the entity; the root group's covers everything. (Nested
/// groups' signatures are not compared.)
fn drop_broken_signatures(original: &Value, expected: &mut Value, ops: &[Op]) {
    let extracting = ops.iter().any(|o| matches!(o, Op::Extract(_)));
    let changed_any = !same_but_signatures(expected, original);
    // The entity of `original` with this entityID (or without one).
    let by_id = |id: &Value| -> Option<&Value> {
        original["entities"]
            .as_array()?
            .iter()
            .find(|e| e["entity_id"] == *id || e["entity_id"].is_null())
    };
    let changed: Vec<bool> = expected["entities"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| match by_id(&e["entity_id"]) {
                    Some(b) => !same_unsigned(b, e),
                    None => true, // entityID changed: the entity changed
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(Value::Array(es)) = expected.get_mut("entities") {
        for (e, changed) in es.iter_mut().zip(changed) {
            if let (Value::Object(e), true) = (e, changed) {
                e.insert("signature".into(), Value::Null);
            }
        }
    }
    if changed_any && !extracting {
        if let Some(Value::Object(g)) = expected.get_mut("groups").and_then(|a| a.get_mut(0)) {
            g.insert("signature".into(), Value::Null);
        }
    }
    null_nested_group_signatures(expected);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_unsigned_ignores_only_the_signature() {
        let a = json!({"entity_id": "x", "signature": {"id": 1}, "roles": [1]});
        let b = json!({"entity_id": "x", "roles": [1]});
        let c = json!({"entity_id": "x", "signature": null, "roles": [2]});
        let d = json!({"entity_id": "x", "signature": null, "roles": [1], "more": null});
        assert!(same_unsigned(&a, &b) && same_unsigned(&b, &a));
        assert!(!same_unsigned(&a, &c));
        assert!(!same_unsigned(&b, &d) && !same_unsigned(&d, &b));
        assert!(!same_unsigned(&a, &json!("x")));
        assert!(same_unsigned(&json!(3), &json!(3)));
    }

    #[test]
    fn same_but_signatures_looks_inside_entities_and_groups_only() {
        let m = |sig: Value, vu: Value, n: u32| {
            json!({"entities": [{"entity_id": "x", "signature": sig.clone(), "n": n}],
                   "groups": [{"signature": sig, "valid_until": vu}],
                   "is_aggregate": true})
        };
        let base = m(json!({"id": 1}), json!(null), 1);
        assert!(same_but_signatures(&base, &m(Value::Null, json!(null), 1)));
        assert!(!same_but_signatures(
            &base,
            &m(json!({"id": 1}), json!("t"), 1)
        ));
        assert!(!same_but_signatures(
            &base,
            &m(json!({"id": 1}), json!(null), 2)
        ));
        let mut fewer = base.clone();
        fewer["entities"] = json!([]);
        assert!(!same_but_signatures(&base, &fewer));
        let mut other = base.clone();
        other["is_aggregate"] = json!(false);
        assert!(!same_but_signatures(&base, &other));
        // The signature of a top-level object is not ignored.
        let mut top = base.clone();
        top["signature"] = json!(1);
        assert!(!same_but_signatures(&base, &top));
    }

    #[test]
    fn a_changed_entity_and_the_root_group_lose_their_signatures_an_unchanged_one_keeps_it() {
        let sig = json!({"id": "s"});
        let original = json!({
            "entities": [
                {"entity_id": {"value": "a"}, "signature": sig, "n": 1},
                {"entity_id": {"value": "b"}, "signature": sig, "n": 1},
            ],
            "groups": [{"signature": sig}, {"signature": sig}],
        });
        let mut expected = original.clone();
        expected["entities"][1]["n"] = json!(2);
        drop_broken_signatures(&original, &mut expected, &[Op::RemoveCacheDuration]);
        assert_eq!(expected["entities"][0]["signature"], sig);
        assert_eq!(expected["entities"][1]["signature"], Value::Null);
        assert_eq!(expected["groups"][0]["signature"], Value::Null);
        assert_eq!(expected["groups"][1]["signature"], Value::Null);

        // Extracting keeps no group; an entity whose entityID changed is a changed entity.
        let mut extracted = original.clone();
        extracted["entities"][0]["entity_id"] = json!({"value": "c"});
        drop_broken_signatures(&original, &mut extracted, &[Op::Extract("b".into())]);
        assert_eq!(extracted["entities"][0]["signature"], Value::Null);
        assert_eq!(extracted["entities"][1]["signature"], sig);
        assert_eq!(extracted["groups"][0]["signature"], sig);

        // Nothing changed: every signature but the nested group's stays.
        let mut same = original.clone();
        drop_broken_signatures(&original, &mut same, &[Op::RemoveCacheDuration]);
        assert_eq!(same["entities"][0]["signature"], sig);
        assert_eq!(same["entities"][1]["signature"], sig);
        assert_eq!(same["groups"][0]["signature"], sig);
    }
}
