#!/usr/bin/env python3
"""Prints the public surface of the Python package, one item a line.

The surface of record is what a user can import: every name in the `__all__`
of `peercred` and of its public submodules (or, without one, every public name
the module defines), as typed by the stub of the native
module (_peercred.pyi) or by the pure-Python module's own annotations. Names
imported from a sibling module are followed to their definition. Private type
aliases (`_Socket = Union[...]`) are replaced by what they stand for, so that
renaming one changes nothing here while changing one changes every signature
that uses it.

usage: python_surface.py PACKAGE_DIR   (bindings/python/python/peercred)
"""
import ast
import copy
import sys
from pathlib import Path


class Module:
    def __init__(self, package, name):
        self.package = package
        self.name = name  # "" for the package itself
        base = package.root / (name or "__init__")
        path = base.with_suffix(".pyi") if base.with_suffix(".pyi").exists() else base.with_suffix(".py")
        self.tree = ast.parse(path.read_text(), str(path))
        self.defs = {}
        self.imports = {}
        self.aliases = {}
        for node in top_level(self.tree.body):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.defs[node.name] = node
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                self.defs[node.target.id] = node
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                target = node.targets[0].id
                if target.startswith("_") and not target.startswith("__"):
                    self.aliases[target] = node.value
                elif not isinstance(self.defs.get(target), ast.AnnAssign):  # the declared type wins
                    self.defs[target] = node
            elif isinstance(node, ast.ImportFrom) and node.level == 1:
                for alias in node.names:
                    self.imports[alias.asname or alias.name] = (node.module or "", alias.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):  # `as _Name`: a private alias too
                for alias in node.names:
                    if alias.asname and alias.asname.startswith("_"):
                        origin = f"{node.module}.{alias.name}" if isinstance(node, ast.ImportFrom) else alias.name
                        self.aliases[alias.asname] = ast.parse(origin, mode="eval").body

    def public_names(self):
        for node in self.tree.body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                    return [elt.value for elt in node.value.elts]
        # Without __all__, what `from module import *` takes: the public names it defines.
        return [name for name in {**self.defs, **self.aliases} if not name.startswith("_")]

    def qualified(self, name):
        return ".".join(part for part in (self.package.name, self.name, name) if part)

    def resolve(self, name):
        """The module and AST node that define `name` as seen from this module."""
        if name in self.defs:
            return self, self.defs[name]
        if name in self.imports:
            module, original = self.imports[name]
            return self.package.module(module).resolve(original)
        raise SystemExit(f"{self.qualified(name)} is in __all__ but defined nowhere")


def top_level(body):
    """The module's statements, including those under a top-level if or try."""
    for node in body:
        if isinstance(node, ast.If):
            yield from top_level(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            handlers = [stmt for handler in node.handlers for stmt in handler.body]
            yield from top_level(node.body + handlers + node.orelse + node.finalbody)
        else:
            yield node


class ExpandAliases(ast.NodeTransformer):
    def __init__(self, aliases):
        self.aliases = aliases

    def visit_Name(self, node):
        if node.id in self.aliases:
            return self.visit(self.aliases[node.id])
        return node


class Package:
    def __init__(self, root):
        self.root = Path(root)
        self.name = self.root.name
        self.modules = {}

    def module(self, name):
        if name not in self.modules:
            self.modules[name] = Module(self, name)
        return self.modules[name]

    def public_modules(self):
        names = [""]
        for path in sorted(self.root.glob("*.py")):
            if not path.stem.startswith("_"):
                names.append(path.stem)
        return [self.module(name) for name in names]


def render_function(node, expand):
    prefix = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    decorators = "".join(f"@{ast.unparse(d)} " for d in node.decorator_list)
    args = ast.unparse(expand(node.args))
    returns = f" -> {ast.unparse(expand(node.returns))}" if node.returns else ""
    return f"{decorators}{prefix} {node.name}({args}){returns}"


def render(key, node, expand):
    """Lines for one public item: itself and, for a class, its public members."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        yield f"{key}: {render_function(node, expand)}"
    elif isinstance(node, ast.ClassDef):
        decorators = "".join(f"@{ast.unparse(d)} " for d in node.decorator_list)
        bases = ", ".join(ast.unparse(expand(b)) for b in node.bases + node.keywords)
        yield f"{key}: {decorators}class {node.name}" + (f"({bases})" if bases else "")
        for member in node.body:
            name = getattr(member, "name", None) or getattr(getattr(member, "target", None), "id", None)
            if name is None or (name.startswith("_") and not (name.startswith("__") and name.endswith("__"))):
                continue
            yield from render(f"{key}.{name}", member, expand)
    elif isinstance(node, ast.AnnAssign):
        yield f"{key}: {ast.unparse(expand(node.annotation))}"
    elif isinstance(node, ast.Assign):
        yield f"{key} = {ast.unparse(expand(node.value))}"


def surface(root):
    package = Package(root)
    lines = []
    for module in package.public_modules():
        for name in module.public_names():
            owner, node = module.resolve(name)
            expander = ExpandAliases(owner.aliases)

            def expand(tree, expander=expander):
                return expander.visit(copy.deepcopy(tree))

            lines.extend(render(module.qualified(name), node, expand))
    return sorted(lines)


if __name__ == "__main__":
    print("\n".join(surface(sys.argv[1])))
