"""Canonical forms by libxml2 (through lxml), for tests/c14n_differential.rs.

Reads one JSON job on stdin and writes one JSON line per file on stdout, so that one
Python process serves every comparison of a run.

Job: {"modes": [[exclusive, with_comments, use_prefix_list], ...],
      "files": [{"path": P, "prefixes": [..]}, ...],
      "dump": [[file_index, element_index_or_-1, mode_index], ...]   (optional)}

Without "dump": per file {"doc": [h per mode], "elements": [[h per mode] per element]},
where h is the first 16 hex digits of the SHA-256 of the canonical bytes, or "ERR: ...".
Element i is the i-th element in document order (the root is 0). With "dump": per entry
{"out": base64 of the canonical bytes} (or {"err": ...}).

The subset an `#id` reference selects is the element, its descendants, and (for inclusive
c14n) the namespaces and xml:* attributes in scope (C14N 1.0 section 2.4).

lxml's own `tostring(element, method="c14n")` is NOT used for subtrees: it canonicalizes a
shallow copy of the element made the root of a temporary document (`_plainFakeRootDoc`),
whose descendants still point at the original document's namespace structures, and
libxml2 then gets the default namespace wrong there (inclusive: a spurious `xmlns=""` on a
prefixed child of a default-namespaced element; exclusive with `#default` in the
PrefixList: the default namespace missing on the apex). It also drops the ancestors'
xml:* attributes, which inclusive c14n must inherit.

Instead each subtree becomes a document of its own: the element is serialized (lxml
writes every namespace declaration in scope on it, used or not, and keeps its own
`xmlns=""`), with, for inclusive c14n only, the xml:* attributes of its ancestors that it
does not carry itself (nearest ancestor wins) put on it for the call; that text is parsed
again and the whole new document canonicalized. Every element of the copy has the same
namespace nodes, attributes and children as in the reference's node-set, and the apex has
no output parent in either case, so the canonical forms must be equal. Exclusive c14n does
not inherit xml:* attributes (Exclusive XML Canonicalization section 3), so none are added
for it.
"""

import base64
import hashlib
import json
import re
import sys

from lxml import etree

XML_NS = "{http://www.w3.org/XML/1998/namespace}"


def parser():
    return etree.XMLParser(
        # Predefined entities and character references only (the inputs have no DTD: the
        # test compares only what samlcheck reads). Without this libxml2 keeps `&amp;` in a
        # namespace declaration as the five characters `&#38;` of its URI.
        resolve_entities=True,
        no_network=True,
        huge_tree=True,
        remove_blank_text=False,
        load_dtd=False,
    )


def inherited_xml_attrs(el):
    """The xml:* attributes of el's ancestors that el does not carry (nearest wins)."""
    seen = {k for k in el.attrib if k.startswith(XML_NS)}
    out = []
    anc = el.getparent()
    while anc is not None:
        for k, v in anc.attrib.items():
            if k.startswith(XML_NS) and k not in seen:
                seen.add(k)
                out.append((k, v))
        anc = anc.getparent()
    return out


def standalone(el, with_xml_attrs):
    """The element as a document of its own (see the module text)."""
    added = inherited_xml_attrs(el) if with_xml_attrs else []
    for k, v in added:
        el.set(k, v)
    try:
        text = etree.tostring(el, encoding="utf-8", with_tail=False)
    finally:
        for k, _ in added:
            del el.attrib[k]
    # libxml2 writes a namespace URI as it is (`xmlns:a="urn:a&b"`, not well-formed):
    # escape it so that the copy parses back to the same URI.
    if ODD_NS_URIS:
        text = NS_DECL.sub(
            lambda m: m.group(1) + m.group(2).replace(b"&", b"&amp;").replace(b"<", b"&lt;") + b'"',
            text,
        )
    return etree.ElementTree(etree.fromstring(text, parser()))


NS_DECL = re.compile(rb'(\sxmlns(?::[^\s="]+)?=")([^"]*)"')
# Whether the current file declares a namespace URI with `&` or `<` (only then is the
# serialized copy rewritten, so that text which merely looks like a declaration is safe).
ODD_NS_URIS = False


def c14n(tree, mode, prefixes):
    """Canonical bytes of a whole document (an ElementTree)."""
    exclusive, with_comments, use_list = mode
    kw = {"method": "c14n", "exclusive": bool(exclusive), "with_comments": bool(with_comments)}
    if exclusive and use_list:
        kw["inclusive_ns_prefixes"] = list(prefixes)
    return etree.tostring(tree, **kw)


class Subtree:
    """The standalone documents of one element, made on first need."""

    def __init__(self, el):
        self.el = el
        self.docs = {}

    def doc(self, mode):
        key = not mode[0] and bool(inherited_xml_attrs(self.el))
        if key not in self.docs:
            self.docs[key] = standalone(self.el, key)
        return self.docs[key]


def short(b):
    return hashlib.sha256(b).hexdigest()[:16]


def run(mode_fn, node, mode, prefixes):
    try:
        tree = node.doc(mode) if isinstance(node, Subtree) else node
        return mode_fn(c14n(tree, mode, prefixes))
    except Exception as e:  # a failure is an answer too (relative namespace URIs)
        return "ERR: " + type(e).__name__ + ": " + str(e).replace("\n", " ")[:200]


def load(path):
    global ODD_NS_URIS
    with open(path, "rb") as f:
        data = f.read()
    ODD_NS_URIS = any(b"&" in m.group(2) or b"<" in m.group(2) for m in NS_DECL.finditer(data))
    return etree.ElementTree(etree.fromstring(data, parser()))


def main():
    job = json.load(sys.stdin)
    modes = job["modes"]
    files = job["files"]
    out = sys.stdout
    if "dump" in job:
        cache = {}
        for fi, ei, mi in job["dump"]:
            f = files[fi]
            try:
                if fi not in cache:
                    tree = load(f["path"])
                    cache = {fi: (tree, list(tree.getroot().iter(etree.Element)))}
                tree, els = cache[fi]
                mode = modes[mi]
                node = tree if ei < 0 else Subtree(els[ei]).doc(mode)
                b = c14n(node, mode, f.get("prefixes", []))
                out.write(json.dumps({"out": base64.b64encode(b).decode()}) + "\n")
            except Exception as e:
                out.write(json.dumps({"err": type(e).__name__ + ": " + str(e)}) + "\n")
        return
    for f in files:
        try:
            tree = load(f["path"])
        except Exception as e:
            out.write(json.dumps({"path": f["path"], "parse_error": str(e)}) + "\n")
            continue
        prefixes = f.get("prefixes", [])
        doc = [run(short, tree, m, prefixes) for m in modes]
        elements = []
        if f.get("elements", True):
            for el in tree.getroot().iter(etree.Element):
                sub = Subtree(el)
                elements.append([run(short, sub, m, prefixes) for m in modes])
        out.write(json.dumps({"path": f["path"], "doc": doc, "elements": elements}) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
