#!/usr/bin/env python3
"""Prints a crate's public API, one item a line, sorted, from rustdoc's JSON output.

    python3 scripts/public-api.py target/doc/samlcheck.json > public-api.txt

Used by scripts/public-api.sh. It needs only Python 3 (no packages): rustdoc writes the JSON
(`RUSTC_BOOTSTRAP=1 cargo rustdoc -- -Z unstable-options --output-format json`), this walks it
from the crate root the way a caller reaches items: public modules, `pub use` re-exports
(each path an item can be named by is listed), struct fields, enum variants, inherent
methods and associated items, trait items, and the trait impls of each public type (auto
traits: only `Send` and `Sync`; blanket impls such as `From<T> for T` are left out, as
`cargo public-api` does by default). Lines look like `cargo public-api` output:

    pub struct samlcheck::Finding  #[non_exhaustive]
    pub samlcheck::Finding::code: &'static str
    pub fn samlcheck::parse_metadata(bytes: alloc::vec::Vec<u8>, limits: &samlcheck::Limits) -> ...
    impl core::fmt::Display for samlcheck::Severity

Written against rustdoc JSON format version 57 (Rust 1.95); other versions usually work (the
shapes it reads have been stable for a long while) and a version it was not tried with is
named on standard error.
"""

import json
import sys

KNOWN_FORMAT = 57
AUTO_TRAITS_KEPT = {"Send", "Sync"}


class Api:
    def __init__(self, doc):
        self.doc = doc
        self.index = doc["index"]
        self.paths = doc.get("paths", {})
        self.crate_name = self.index[str(doc["root"])]["name"]
        self.lines = set()
        self.seen = set()

    # ---- helpers -------------------------------------------------------------------------

    def item(self, id_):
        return self.index.get(str(id_))

    def path_of(self, id_, fallback):
        """The canonical path of an item by id (`alloc::vec::Vec`), else what was written."""
        p = self.paths.get(str(id_)) if id_ is not None else None
        if p and p.get("path"):
            return "::".join(p["path"])
        return fallback.replace("$crate::", "")

    @staticmethod
    def attrs(item):
        out = []
        for a in item.get("attrs", []):
            text = a if isinstance(a, str) else json.dumps(a)
            if "non_exhaustive" in text:
                out.append("#[non_exhaustive]")
            elif isinstance(a, dict) and "repr" in a:
                out.append("#[repr]")
        return ("  " + " ".join(sorted(set(out)))) if out else ""

    # ---- types ---------------------------------------------------------------------------

    def ty(self, t):
        if t is None:
            return "()"
        if not isinstance(t, dict):
            return str(t)
        (kind, v), = t.items()
        if kind == "resolved_path":
            return self.path(v)
        if kind == "dyn_trait":
            parts = [self.poly_trait(p) for p in v.get("traits", [])]
            if v.get("lifetime"):
                parts.append(v["lifetime"])
            return "dyn " + " + ".join(parts)
        if kind == "generic":
            return v
        if kind == "primitive":
            return v
        if kind == "tuple":
            inner = ", ".join(self.ty(x) for x in v)
            return "(" + inner + ("," if len(v) == 1 else "") + ")"
        if kind == "slice":
            return "[" + self.ty(v) + "]"
        if kind == "array":
            return "[" + self.ty(v["type"]) + "; " + str(v["len"]) + "]"
        if kind == "impl_trait":
            return "impl " + self.bounds(v)
        if kind == "infer":
            return "_"
        if kind == "raw_pointer":
            return ("*mut " if v["is_mutable"] else "*const ") + self.ty(v["type"])
        if kind == "borrowed_ref":
            lt = (v["lifetime"] + " ") if v.get("lifetime") else ""
            return "&" + lt + ("mut " if v["is_mutable"] else "") + self.ty(v["type"])
        if kind == "qualified_path":
            self_ty = self.ty(v["self_type"])
            trait = v.get("trait")
            base = f"<{self_ty} as {self.path(trait)}>" if trait else self_ty
            return base + "::" + v["name"] + self.args(v.get("args"))
        if kind == "function_pointer":
            sig = v.get("sig") or v.get("decl")
            return "fn" + self.sig(sig, with_names=False)
        if kind == "pat":
            return self.ty(v.get("type"))
        return kind

    def path(self, p):
        if p is None:
            return ""
        name = self.path_of(p.get("id"), p.get("path") or p.get("name") or "")
        return name + self.args(p.get("args"))

    def args(self, a):
        if not a:
            return ""
        if "angle_bracketed" in a:
            ab = a["angle_bracketed"]
            parts = []
            for g in ab.get("args", []):
                (k, v), = g.items() if isinstance(g, dict) else (("other", g),)
                if k == "lifetime":
                    parts.append(v)
                elif k == "type":
                    parts.append(self.ty(v))
                elif k == "const":
                    parts.append(str(v.get("expr", v) if isinstance(v, dict) else v))
                else:
                    parts.append("_")
            for c in ab.get("constraints", ab.get("bindings", [])):
                binding = c.get("binding", {})
                if "equality" in binding:
                    eq = binding["equality"]
                    val = self.ty(eq["type"]) if "type" in eq else str(eq)
                    parts.append(f"{c['name']} = {val}")
                elif "constraint" in binding:
                    parts.append(f"{c['name']}: {self.bounds(binding['constraint'])}")
            return "<" + ", ".join(parts) + ">" if parts else ""
        if "parenthesized" in a:
            p = a["parenthesized"]
            out = "(" + ", ".join(self.ty(x) for x in p.get("inputs", [])) + ")"
            if p.get("output") is not None:
                out += " -> " + self.ty(p["output"])
            return out
        return ""

    def poly_trait(self, p):
        hr = self.hrtb(p.get("generic_params", []))
        return hr + self.path(p["trait"])

    def hrtb(self, params):
        names = [g["name"] for g in params]
        return f"for<{', '.join(names)}> " if names else ""

    def bound(self, b):
        (k, v), = b.items()
        if k == "trait_bound":
            mod = {"maybe": "?", "maybe_const": "~const "}.get(v.get("modifier"), "")
            return mod + self.hrtb(v.get("generic_params", [])) + self.path(v["trait"])
        if k == "outlives":
            return v
        if k == "use":
            return "use<" + ", ".join(str(x) for x in v) + ">"
        return k

    def bounds(self, bs):
        out = []
        for b in bs:
            text = self.bound(b)
            if text not in out:  # derives repeat the type's own bound
                out.append(text)
        return " + ".join(out)

    def generics(self, g):
        """(`<'a, T: Bound>`, ` where ...`), leaving out `impl Trait` argument params."""
        if not g:
            return "", ""
        params = []
        for p in g.get("params", []):
            (k, v), = p["kind"].items()
            if k == "lifetime":
                out = v.get("outlives", [])
                params.append(p["name"] + (": " + " + ".join(out) if out else ""))
            elif k == "type":
                if v.get("is_synthetic") or v.get("synthetic"):
                    continue
                s = p["name"]
                if v.get("bounds"):
                    s += ": " + self.bounds(v["bounds"])
                if v.get("default") is not None:
                    s += " = " + self.ty(v["default"])
                params.append(s)
            elif k == "const":
                params.append(f"const {p['name']}: {self.ty(v['type'])}")
        preds = []
        for w in g.get("where_predicates", []):
            (k, v), = w.items()
            if k == "bound_predicate":
                preds.append(
                    self.hrtb(v.get("generic_params", []))
                    + self.ty(v["type"])
                    + ": "
                    + self.bounds(v["bounds"])
                )
            elif k == "lifetime_predicate":
                preds.append(v["lifetime"] + ": " + " + ".join(v.get("outlives", [])))
            elif k == "eq_predicate":
                preds.append(self.ty(v["lhs"]) + " = " + json.dumps(v["rhs"]))
        return ("<" + ", ".join(params) + ">" if params else ""), (
            " where " + ", ".join(preds) if preds else ""
        )

    def sig(self, s, with_names=True):
        ins = []
        for name, t in s.get("inputs", []):
            if name == "self":
                txt = self.ty(t)
                ins.append({"Self": "self", "&Self": "&self", "&mut Self": "&mut self"}.get(txt, "self: " + txt))
            elif with_names and name and name != "_":
                ins.append(f"{name}: {self.ty(t)}")
            else:
                ins.append(self.ty(t))
        if s.get("is_c_variadic"):
            ins.append("...")
        out = "(" + ", ".join(ins) + ")"
        if s.get("output") is not None:
            out += " -> " + self.ty(s["output"])
        return out

    def function(self, path, f):
        h = f.get("header", {})
        q = "".join(
            w for w, on in [
                ("const ", h.get("is_const") or h.get("const")),
                ("async ", h.get("is_async") or h.get("async")),
                ("unsafe ", h.get("is_unsafe") or h.get("unsafe")),
            ] if on
        )
        gen, where = self.generics(f.get("generics"))
        s = f.get("sig") or f.get("decl")
        return f"pub {q}fn {path}{gen}{self.sig(s)}{where}"

    # ---- walking ---------------------------------------------------------------------------

    def add(self, line):
        self.lines.add(line)

    def walk_module(self, path, mod_item):
        for child_id in mod_item["inner"]["module"]["items"]:
            child = self.item(child_id)
            if child is None or child.get("visibility") != "public":
                continue
            inner = child["inner"]
            if "use" in inner:
                self.walk_use(path, inner["use"])
                continue
            self.walk_item(f"{path}::{child['name']}", child)

    def walk_use(self, path, u):
        target = self.item(u["id"]) if u.get("id") is not None else None
        if target is None or target.get("crate_id") != 0:
            # A re-export of another crate (or one of its items): the path is the API.
            src = u["source"]
            if u.get("is_glob"):
                self.add(f"pub use {path}::{src}::*")
            else:
                self.add(f"pub use {path}::{u['name']} = {src}")
            return
        if u.get("is_glob"):
            if "module" in target["inner"]:
                self.walk_module(path, target)
            return
        self.walk_item(f"{path}::{u['name']}", target)

    def walk_item(self, path, item):
        key = (path, item["id"])
        if key in self.seen:
            return
        self.seen.add(key)
        inner = item["inner"]
        (kind, v), = inner.items()
        attrs = self.attrs(item)
        if kind == "module":
            self.add(f"pub mod {path}")
            self.walk_module(path, item)
        elif kind == "struct":
            gen, where = self.generics(v.get("generics"))
            sk = v["kind"]
            if isinstance(sk, dict) and "tuple" in sk:
                fields = [
                    self.ty(self.item(f)["inner"]["struct_field"]) if f is not None else "_"
                    for f in sk["tuple"]
                ]
                fields = [f if f != "_" else "/* private */" for f in fields]
                self.add(f"pub struct {path}{gen}({', '.join(fields)}){where}{attrs}")
            else:
                self.add(f"pub struct {path}{gen}{where}{attrs}")
                if isinstance(sk, dict) and "plain" in sk:
                    self.fields(path, sk["plain"]["fields"])
            self.impls(path, v.get("impls", []))
        elif kind == "union":
            gen, where = self.generics(v.get("generics"))
            self.add(f"pub union {path}{gen}{where}{attrs}")
            self.fields(path, v.get("fields", []))
            self.impls(path, v.get("impls", []))
        elif kind == "enum":
            gen, where = self.generics(v.get("generics"))
            self.add(f"pub enum {path}{gen}{where}{attrs}")
            for vid in v.get("variants", []):
                var = self.item(vid)
                vk = var["inner"]["variant"]["kind"]
                vattrs = self.attrs(var)
                vpath = f"{path}::{var['name']}"
                if isinstance(vk, dict) and "tuple" in vk:
                    fs = [
                        self.ty(self.item(f)["inner"]["struct_field"]) if f is not None else "/* private */"
                        for f in vk["tuple"]
                    ]
                    self.add(f"pub {vpath}({', '.join(fs)}){vattrs}")
                elif isinstance(vk, dict) and "struct" in vk:
                    self.add(f"pub {vpath}{{ .. }}{vattrs}" if vk["struct"].get("has_stripped_fields") else f"pub {vpath}{vattrs}")
                    self.fields(vpath, vk["struct"]["fields"], all_public=True)
                else:
                    self.add(f"pub {vpath}{vattrs}")
            self.impls(path, v.get("impls", []))
        elif kind == "function":
            self.add(self.function(path, v) + attrs)
        elif kind == "trait":
            gen, where = self.generics(v.get("generics"))
            sup = (": " + self.bounds(v["bounds"])) if v.get("bounds") else ""
            un = "unsafe " if v.get("is_unsafe") else ""
            self.add(f"pub {un}trait {path}{gen}{sup}{where}")
            for iid in v.get("items", []):
                self.assoc(path, self.item(iid), in_trait=True)
        elif kind == "type_alias":
            gen, where = self.generics(v.get("generics"))
            self.add(f"pub type {path}{gen}{where} = {self.ty(v['type'])}")
        elif kind == "constant":
            self.add(f"pub const {path}: {self.ty(v['type'])}")
        elif kind == "static":
            mut = "mut " if v.get("is_mutable") or v.get("mutable") else ""
            self.add(f"pub static {mut}{path}: {self.ty(v['type'])}")
        elif kind == "macro":
            self.add(f"pub macro {self.crate_name}::{item['name']}!")
        elif kind == "proc_macro":
            self.add(f"pub proc_macro {path}!")
        else:
            self.add(f"pub {kind} {path}")

    def fields(self, path, ids, all_public=False):
        for fid in ids:
            f = self.item(fid)
            if f is None or (f.get("visibility") != "public" and not all_public):
                continue
            self.add(f"pub {path}::{f['name']}: {self.ty(f['inner']['struct_field'])}")

    def assoc(self, path, it, in_trait=False):
        if it is None:
            return
        if not in_trait and it.get("visibility") != "public":
            return
        (k, v), = it["inner"].items()
        p = f"{path}::{it['name']}"
        if k == "function":
            self.add(self.function(p, v))
        elif k in ("assoc_const", "constant"):
            self.add(f"pub const {p}: {self.ty(v['type'])}")
        elif k == "assoc_type":
            b = (": " + self.bounds(v["bounds"])) if v.get("bounds") else ""
            d = (" = " + self.ty(v["type"])) if v.get("type") is not None else ""
            self.add(f"pub type {p}{b}{d}")

    def impls(self, path, ids):
        for iid in ids:
            imp = self.item(iid)
            if imp is None:
                continue
            v = imp["inner"]["impl"]
            if v.get("blanket_impl") is not None:
                continue
            trait = v.get("trait")
            if trait is None:
                for it in v.get("items", []):
                    self.assoc(path, self.item(it))
                continue
            tname = self.path(trait)
            if v.get("is_synthetic") and tname.split("::")[-1] not in AUTO_TRAITS_KEPT:
                continue
            gen, where = self.generics(v.get("generics"))
            neg = "!" if v.get("is_negative") else ""
            un = "unsafe " if v.get("is_unsafe") else ""
            for_ty = self.ty(v["for"])
            # Name the type by the path being listed (a re-export lists its own path).
            head = for_ty.split("<", 1)
            if head[0].split("::")[-1] == path.split("::")[-1]:
                for_ty = path + ("<" + head[1] if len(head) > 1 else "")
            self.add(f"{un}impl{gen} {neg}{tname} for {for_ty}{where}")

    def run(self):
        root = self.item(self.doc["root"])
        self.add(f"pub mod {self.crate_name}")
        self.walk_module(self.crate_name, root)
        return sorted(self.lines)


def main(argv):
    if len(argv) != 2:
        print("usage: public-api.py RUSTDOC_JSON", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{argv[1]}: {e}", file=sys.stderr)
        return 2
    fv = doc.get("format_version")
    if fv != KNOWN_FORMAT:
        print(
            f"note: {argv[1]} is rustdoc JSON format {fv}; this lister was written for "
            f"{KNOWN_FORMAT}: if the listing differs only in form, regenerate public-api.txt",
            file=sys.stderr,
        )
    for line in Api(doc).run():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
