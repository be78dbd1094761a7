/**
 * The module graph of a TypeScript entry as it will run: each file is transpiled (so imports used
 * only as types disappear, as in the build) and its static imports, re-exports and dynamic
 * imports of string literals are followed. Relative specifiers are resolved to src files; any
 * other specifier (node:*, a package) is recorded with the chain of modules that leads to it.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

/** A bare or node: specifier found in the graph and the chain of files importing it (entry last). */
export interface ExternalImport {
  specifier: string;
  chain: string[];
}

/** The graph reachable from an entry: its files (relative to cwd) and its external imports. */
export interface ImportGraph {
  files: string[];
  externals: ExternalImport[];
}

const emitted = new Map<string, string>();

/** The JavaScript a TypeScript file compiles to, without comments (cached per file). */
export function emittedCode(file: string): string {
  const cached = emitted.get(file);
  if (cached !== undefined) return cached;
  const js = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, removeComments: true },
  }).outputText;
  emitted.set(file, js);
  return js;
}

/** Node-only globals a browser module must not reference unguarded. */
const NODE_GLOBALS = new Set(['process', 'Buffer', 'require', '__dirname', '__filename']);

/**
 * Where the emitted code of a file names a Node-only global as a free variable ("process at line 3").
 * Property names (globalThis.process?.env), `typeof process` guards and text inside strings or
 * templates (such as a worker's source) do not count.
 */
export function nodeGlobalUses(file: string): string[] {
  const sf = ts.createSourceFile(file, emittedCode(file), ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const hits: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text) && isFreeReference(node)) {
      hits.push(`${node.text} at line ${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return hits;
}

/** Whether an identifier is read as a variable (not a property name, declaration, or typeof operand). */
function isFreeReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p)) && p.name === id) return false;
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p)) && p.name === id) return false;
  if (ts.isTypeOfExpression(p)) return false;
  return true;
}

/** The specifiers the emitted JavaScript of a TypeScript file imports. */
export function runtimeImports(file: string): string[] {
  return ts.preProcessFile(emittedCode(file), true, true).importedFiles.map((f) => f.fileName);
}

/** The .ts file a relative specifier ('./x.js') names, from the importing file. */
function resolveLocal(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, resolve(base, 'index.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`import-graph: ${relative('.', from)} imports ${spec}, which resolves to no .ts file`);
}

/** Walks the runtime import graph from `entry` (breadth first). */
export function importGraph(entry: string): ImportGraph {
  const start = resolve(entry);
  const parent = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  const externals: ExternalImport[] = [];
  const chainOf = (file: string): string[] => {
    const chain: string[] = [];
    for (let f: string | null | undefined = file; f; f = parent.get(f)) chain.push(relative('.', f));
    return chain;
  };
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const spec of runtimeImports(file)) {
      if (!spec.startsWith('.')) {
        externals.push({ specifier: spec, chain: chainOf(file) });
        continue;
      }
      const target = resolveLocal(file, spec);
      if (!parent.has(target)) {
        parent.set(target, file);
        queue.push(target);
      }
    }
  }
  return { files: [...parent.keys()].map((f) => relative('.', f)), externals };
}
