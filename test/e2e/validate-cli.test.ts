import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI from sources with `input` piped to stdin. */
function runValidate(input: Buffer, args: readonly string[] = []): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'validate', ...args], {
      stdio: 'pipe',
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (status) =>
      resolve({
        status,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    child.stdin.on('error', () => undefined); // the CLI may finish before reading everything
    child.stdin.end(input);
  });
}

interface Verdict {
  readonly line: number;
  readonly valid: boolean;
  readonly reasons: readonly string[];
}
const verdicts = (stdout: string): Verdict[] =>
  stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Verdict);

const examples = readFileSync('test/fixtures/contract/reference-contract-examples.jsonl', 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => JSON.parse(l) as { event: unknown; expected_reasons: string });

test('validate: reference examples then hostile lines, one verdict per input line', async () => {
  const hostile = [
    Buffer.from('not json\n'),
    Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0a]), // binary garbage, invalid UTF-8
    Buffer.from('\n'), // empty line
    Buffer.from('[1,2]\r\n'),
    Buffer.from(`{"user_id":"${'x'.repeat(2 * 1024 * 1024)}"}\n`), // beyond log.maxRecordBytes
    Buffer.from('null\n'),
    Buffer.from(JSON.stringify(examples[0]!.event)), // last line without a newline
  ];
  const input = Buffer.concat([
    ...examples.map((c) => Buffer.from(JSON.stringify(c.event) + '\n')),
    ...hostile,
  ]);
  const result = await runValidate(input, ['--summary']);
  assert.equal(result.status, 1, result.stderr);
  const got = verdicts(result.stdout);
  const expected: Verdict[] = [
    ...examples.map((c, i) => ({
      line: i + 1,
      valid: c.expected_reasons === '',
      reasons: c.expected_reasons === '' ? [] : c.expected_reasons.split(','),
    })),
    ...[
      ['not_json'],
      ['not_json'],
      ['not_json'],
      ['not_an_object'],
      ['record_too_large'],
      ['not_an_object'],
      [],
    ].map((reasons, i) => ({
      line: examples.length + i + 1,
      valid: reasons.length === 0,
      reasons,
    })),
  ];
  assert.deepEqual(got, expected);
  const summary = JSON.parse(result.stderr.trim().split('\n').pop()!) as { lines: number; invalid: number };
  assert.equal(summary.lines, expected.length);
  assert.equal(summary.invalid, expected.filter((v) => !v.valid).length);
});

test('validate: exit status 0 when every line is valid; empty input prints nothing', async () => {
  const valid =
    examples
      .filter((c) => c.expected_reasons === '')
      .map((c) => JSON.stringify(c.event))
      .join('\n') + '\n';
  const result = await runValidate(Buffer.from(valid));
  assert.equal(result.status, 0, result.stderr);
  assert.ok(verdicts(result.stdout).every((v) => v.valid));
  const empty = await runValidate(Buffer.alloc(0));
  assert.equal(empty.status, 0, empty.stderr);
  assert.equal(empty.stdout, '');
});

test('validate --reference-only: shopstream-only rules are off, own event types are invalid_event_type', async () => {
  const event = { ...(examples[0]!.event as Record<string, unknown>), event_version: 2, channel: 'tv' };
  const own = { ...(examples[0]!.event as Record<string, unknown>), event_type: 'wishlist_add' };
  const input = Buffer.from(`${JSON.stringify(event)}\n${JSON.stringify(own)}\n`);
  const full = verdicts((await runValidate(input)).stdout);
  assert.deepEqual(
    full.map((v) => v.reasons),
    [['bad_event_version', 'bad_channel'], []],
  );
  const reference = verdicts((await runValidate(input, ['--reference-only'])).stdout);
  assert.deepEqual(
    reference.map((v) => v.reasons),
    [[], ['invalid_event_type']],
  );
});
