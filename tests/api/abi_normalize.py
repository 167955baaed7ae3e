#!/usr/bin/env python3
"""Rewrites abidw's XML of libpeercred.so as C sees it, for a stable baseline.

Rust's DWARF puts every type and function in the namespace of its module
(peercred_ffi::cred::peercred_ucred): moving code between modules would read as
an ABI change, though C names no namespaces. Each translation unit is named
after a codegen unit whose hash changes with every build, and the units also
describe Rust internals (Vec, the core's Error, methods) that no exported
function reaches. So this keeps the exported functions and variables and the
types they reach, without namespaces, in one unit.

usage: abi_normalize.py IN.xml OUT.xml
"""
import sys
import xml.etree.ElementTree as ET


def flatten(elem):
    """The element's children with every namespace-decl replaced by its content."""
    for child in elem:
        if child.tag == "namespace-decl":
            yield from flatten(child)
        else:
            yield child


def referenced_ids(elem):
    return {node.get("type-id") for node in elem.iter() if node.get("type-id")}


def normalize(corpus):
    units = [u for u in corpus if u.tag == "abi-instr"]
    exported, types = [], {}
    for unit in units:
        for decl in flatten(unit):
            if decl.get("elf-symbol-id"):
                exported.append(decl)
            for node in decl.iter():
                if node.get("id"):
                    types.setdefault(node.get("id"), decl)
        corpus.remove(unit)
    # The types the exported declarations reach, and the types those reach.
    keep, seen, todo = [], set(), set()
    for decl in exported:
        todo |= referenced_ids(decl)
    while todo:
        decl = types[todo.pop()]
        if id(decl) in seen:
            continue
        seen.add(id(decl))
        for method in decl.findall("member-function"):  # Rust impls: C sees only the layout
            decl.remove(method)
        keep.append(decl)
        todo |= referenced_ids(decl)
    merged = ET.SubElement(corpus, "abi-instr", {"address-size": units[0].get("address-size"), "path": "libpeercred"})
    order = {id(decl): n for n, decl in enumerate(types.values())}
    merged.extend(sorted(keep, key=lambda decl: order[id(decl)]))
    merged.extend(sorted(exported, key=lambda decl: decl.get("elf-symbol-id")))


def main(src, dst):
    tree = ET.parse(src)
    normalize(tree.getroot())
    ET.indent(tree, space="  ")
    tree.write(dst, encoding="unicode")
    with open(dst, "a") as out:
        out.write("\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
