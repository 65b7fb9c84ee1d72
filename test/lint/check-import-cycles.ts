/**
 * Fails (exit 1) when the relative imports under src/ and web/src/ form a cycle. Type-only imports
 * count too: a cycle of types is still a design cycle. Run by `npm run lint`.
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOTS = ['src', 'web/src'];

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [resolve(path)] : [];
  });
}

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  const candidates = [
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.js$/, '.tsx'),
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

const files = ROOTS.flatMap(sourceFiles);
const graph = new Map<string, string[]>();
for (const file of files) {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const deps = info.importedFiles
    .map((f) => resolveImport(file, f.fileName))
    .filter((d): d is string => d !== undefined);
  graph.set(file, deps);
}

const state = new Map<string, 'visiting' | 'done'>();
const cycles: string[][] = [];
function visit(node: string, stack: string[]): void {
  state.set(node, 'visiting');
  for (const dep of graph.get(node) ?? []) {
    if (state.get(dep) === 'visiting') cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
    else if (!state.has(dep)) visit(dep, [...stack, dep]);
  }
  state.set(node, 'done');
}
for (const file of files) if (!state.has(file)) visit(file, [file]);

if (cycles.length > 0) {
  for (const cycle of cycles)
    console.error(`import cycle: ${cycle.map((f) => relative('.', f)).join(' -> ')}`);
  process.exit(1);
}
console.log(`no import cycles in ${files.length} files`);
