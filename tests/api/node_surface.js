#!/usr/bin/env node
// Prints the public surface of the Node package, one item a line: every
// export of index.d.ts (the package's types, its surface of record) and every
// member of an exported interface or class, as TypeScript prints it without
// comments. Needs the typescript package (bindings/node's devDependency) on
// NODE_PATH.
//
// usage: node_surface.js bindings/node/index.d.ts
'use strict';

const fs = require('node:fs');
const ts = require('typescript');

const path = process.argv[2];
const source = ts.createSourceFile(path, fs.readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
const printer = ts.createPrinter({ removeComments: true });
const print = (node) => printer.printNode(ts.EmitHint.Unspecified, node, source).replace(/\s+/g, ' ').trim().replace(/;$/, '');
const printAll = (nodes, open, close, sep = ', ') => (nodes && nodes.length ? open + nodes.map(print).join(sep) + close : '');
const exported = (node) => (ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Export) !== 0;

function memberName(member) {
  if (ts.isConstructorDeclaration(member) || ts.isConstructSignatureDeclaration(member)) return 'constructor';
  if (ts.isCallSignatureDeclaration(member)) return '()';
  if (ts.isIndexSignatureDeclaration(member)) return '[index]';
  return print(member.name);
}

function* declaration(node) {
  const name = node.name.text;
  if (ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) {
    const kind = ts.isInterfaceDeclaration(node) ? 'interface' : 'class';
    const modifiers = (ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Abstract) !== 0 ? 'abstract ' : '';
    const heritage = printAll(node.heritageClauses, ' ', '', ' ');
    yield `${name}: ${modifiers}${kind} ${name}${printAll(node.typeParameters, '<', '>')}${heritage}`;
    for (const member of node.members) yield `${name}.${memberName(member)}: ${print(member)}`;
  } else if (ts.isEnumDeclaration(node)) {
    yield `${name}: enum ${name}`;
    for (const member of node.members) yield `${name}.${print(member.name)}: ${print(member)}`;
  } else {
    // Functions (one line per overload), type aliases; the body never matters in a .d.ts.
    yield `${name}: ${print(node).replace(/^export (declare )?/, '')}`;
  }
}

const lines = [];
for (const statement of source.statements) {
  if (ts.isVariableStatement(statement) && exported(statement)) {
    for (const decl of statement.declarationList.declarations) lines.push(`${print(decl.name)}: const ${print(decl)}`);
  } else if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) {
    lines.push(`export: ${print(statement)}`);
  } else if (statement.name && exported(statement)) {
    lines.push(...declaration(statement));
  }
}
process.stdout.write(lines.sort().join('\n') + '\n');
