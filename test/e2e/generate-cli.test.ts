import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config/index.js';
import { openEventLog } from '../../src/cli/open-event-log.js';
import { validateText } from '../../src/contract/index.js';
import { RAW_TOPIC } from '../../src/log/event-log.js';

const ROOT = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'shopstream-generate-'));
after(() => rmSync(work, { recursive: true, force: true }));

function cli(args: string[]) {
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', '--data-dir', join(work, 'data'), ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
}

const FIXED = [
  '--seed',
  '77',
  '--start-time',
  '2026-01-24T12:00:00Z',
  '--invalid-pct',
  '2',
  '--duplicate-pct',
  '1',
];

test('generate --to stdout writes exactly --count NDJSON lines, identical for the same seed', () => {
  const a = cli(['generate', '--count', '3000', '--to', 'stdout', ...FIXED]);
  assert.equal(a.status, 0, a.stderr);
  const lines = a.stdout.split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, 3000);
  assert.match(
    a.stderr,
    /generated 3000 records to stdout: invalid \d+, duplicates \d+, late \d+, out-of-order \d+; .* events\/s/,
  );
  const valid = lines.filter((l) => validateText(l).valid).length;
  assert.ok(valid > 2800 && valid < 3000, `${valid} valid`);
  const b = cli(['generate', '--count', '3000', '--to', 'stdout', ...FIXED]);
  assert.equal(b.stdout, a.stdout);
  const c = cli(['generate', '--count', '3000', '--to', 'stdout', ...FIXED, '--seed', '78']);
  assert.notEqual(c.stdout, a.stdout);
});

test('generate --to FILE writes the same stream as stdout', () => {
  const file = join(work, 'events.ndjson');
  const r = cli(['generate', '--count', '3000', '--to', file, ...FIXED]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    readFileSync(file, 'utf8'),
    cli(['generate', '--count', '3000', '--to', 'stdout', ...FIXED]).stdout,
  );
});

test('generate --duration spreads events over event time at --rate', () => {
  const r = cli([
    'generate',
    '--duration',
    '60',
    '--rate',
    '50',
    '--to',
    'stdout',
    '--seed',
    '1',
    '--start-time',
    '2026-01-24T12:00:00Z',
    '--late-pct',
    '0',
    '--out-of-order-pct',
    '0',
    '--invalid-pct',
    '0',
    '--duplicate-pct',
    '0',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const times = r.stdout
    .trim()
    .split('\n')
    .map((l) => Date.parse((JSON.parse(l) as { event_time: string }).event_time));
  // 50/s is the weekly average; Saturday noon runs above it (diurnal x weekend uplift).
  assert.ok(times.length > 1500 && times.length < 7500, `${times.length} events`);
  assert.ok(
    Math.min(...times) >= Date.UTC(2026, 0, 24, 12) && Math.max(...times) < Date.UTC(2026, 0, 24, 12, 1),
  );
});

test('generate --to log appends every record to the raw topic', async () => {
  const r = cli(['generate', '--count', '2500', '--to', 'log', ...FIXED]);
  assert.equal(r.status, 0, r.stderr);
  const log = await openEventLog(loadConfig({ overrides: { dataDir: join(work, 'data') } }), {
    mode: 'read',
  });
  try {
    const info = await log.describeTopic(RAW_TOPIC);
    assert.ok(info !== undefined);
    assert.equal(info.partitions.length, 4);
    assert.equal(
      info.partitions.reduce((s, p) => s + p.nextOffset - p.firstOffset, 0),
      2500,
    );
  } finally {
    await log.close();
  }
});

test('bad arguments exit 2 with a coded error, never a stack trace', () => {
  for (const args of [
    ['--count', 'many'],
    ['--count', '10', '--invalid-pct', '150'],
    ['--count', '5', '--duration', '5'],
    ['--count', '5', '--scenario', 'flood'],
    ['--count', '5', '--start-time', 'yesterday'],
    [],
  ]) {
    const r = cli(['generate', '--to', 'stdout', ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /SHOP_CLI_BAD_ARGUMENT/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('SIGTERM stops a realtime run cleanly after flushing complete lines', async () => {
  const file = join(work, 'live.ndjson');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'generate',
      '--mode',
      'realtime',
      '--rate',
      '400',
      '--to',
      file,
      '--seed',
      '3',
    ],
    { cwd: ROOT },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  for (let waitedMs = 0; waitedMs < 60_000 && !(existsSync(file) && statSync(file).size > 0); waitedMs += 100)
    await sleep(100);
  await sleep(1500);
  child.kill('SIGTERM');
  const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(status, 0, stderr);
  assert.match(stderr, /\(interrupted\)/);
  const text = readFileSync(file, 'utf8');
  assert.ok(text.endsWith('\n'));
  const lines = text.trim().split('\n');
  assert.ok(lines.length > 0);
  assert.match(stderr, new RegExp(`generated ${lines.length} records`));
  for (const l of lines) JSON.parse(l);
});
