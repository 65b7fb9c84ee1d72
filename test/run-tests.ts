/**
 * Runs a test suite with node's test runner and prints the closing line `N passed, N failed`.
 * Suites: unit (src/**\/*.test.ts and web/src/**\/*.test.ts), conformance (test/conformance), e2e (test/e2e),
 * browser (test/browser), all. Usage: tsx test/run-tests.ts [suite...] [--files a.test.ts ...]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const SUITES: Record<string, string[]> = {
  unit: ['src', 'web/src'],
  conformance: ['test/conformance'],
  e2e: ['test/e2e'],
  browser: ['test/browser'],
};

function findTests(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : findTests(path);
    return name.endsWith('.test.ts') ? [relative('.', path)] : [];
  });
}

const args = process.argv.slice(2);
const filesAt = args.indexOf('--files');
const names = (filesAt === -1 ? args : args.slice(0, filesAt)).filter((a) => !a.startsWith('--'));
const wanted = names.length === 0 || names.includes('all') ? Object.keys(SUITES) : names;
const files =
  filesAt === -1
    ? wanted.flatMap((s) => (SUITES[s] ?? [s]).flatMap(findTests)).sort()
    : args.slice(filesAt + 1);
if (files.length === 0) {
  console.error(`no test files for ${wanted.join(', ')}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'shopstream-tests-'));
const tap = join(work, 'report.tap');
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ],
  { stdio: 'inherit' },
);
child.on('exit', (code) => {
  const report = readFileSync(tap, 'utf8');
  const count = (name: string) => Number(report.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
  const passed = count('pass');
  const failed = count('fail') + count('cancelled');
  rmSync(work, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
