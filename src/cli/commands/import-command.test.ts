import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { keyOfLine } from './import-command.js';

function cli(
  dataDir: string,
  args: string[],
  input?: Buffer,
): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', '--data-dir', dataDir, ...args],
    { input, encoding: 'utf8' },
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('keyOfLine takes a string user_id of a JSON object, else null', () => {
  assert.equal(keyOfLine(Buffer.from('{"user_id":"u-1"}'))?.toString(), 'u-1');
  for (const line of ['{"user_id":5}', '[1]', 'null', 'not json', '{"user_id":null}', '\u00ff'])
    assert.equal(keyOfLine(Buffer.from(line)), null, line);
});

test('import appends lines verbatim; log stats and log tail show them; garbage and empty lines never crash', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-import-'));
  try {
    const data = join(dir, 'data');
    const lines = [
      Buffer.from('{"user_id":"u1","n":1}'),
      Buffer.from('not json'),
      Buffer.from([0xff, 0xfe, 0x41]),
      Buffer.from('{"user_id":"u2"}'),
    ];
    const file = join(dir, 'in.ndjson');
    await writeFile(
      file,
      Buffer.concat([
        lines[0]!,
        Buffer.from('\n\n'),
        lines[1]!,
        Buffer.from('\r\n'),
        lines[2]!,
        Buffer.from('\n   \n'),
        lines[3]!,
      ]),
    );
    const imported = cli(data, ['import', file]);
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /^imported 4 records \(2 without key\)\nskipped 2 empty lines\n$/);
    const piped = cli(data, ['import', '-'], Buffer.from('{"user_id":"u3"}\n'));
    assert.match(piped.stdout, /imported 1 records \(0 without key\)/);

    const stats = JSON.parse(cli(data, ['log', 'stats', '--json']).stdout) as {
      topics: Array<{
        topic: string;
        records: number;
        partitions: Array<{ records: number; nextOffset: number }>;
      }>;
    };
    assert.equal(stats.topics[0]?.topic, 'ecom.events.raw.v1');
    assert.equal(stats.topics[0]?.records, 5);
    assert.equal(stats.topics[0]?.partitions.length, 4);

    const tail = cli(data, ['log', 'tail', '--from-beginning', '--limit', '100'])
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string | null; value: string });
    assert.equal(tail.length, 5);
    const values = new Set(tail.map((r) => r.value));
    for (const line of [...lines, Buffer.from('{"user_id":"u3"}')])
      assert.ok(values.has(line.toString('utf8')), line.toString());
    assert.equal(tail.find((r) => r.value === '{"user_id":"u2"}')?.key, 'u2');
    assert.equal(cli(data, ['log', 'tail', '--limit', '2']).stdout.trim().split('\n').length, 2);

    assert.equal(cli(data, ['import', join(dir, 'missing.ndjson')]).status, 2);
    assert.equal(cli(data, ['log', 'tail', '--limit', 'many']).status, 2);
    assert.equal(cli(data, ['log', 'tail', '--topic', 'absent']).status, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
