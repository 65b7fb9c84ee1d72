/**
 * Child process of log-crash.test.ts: appends batches to an embedded log forever (until killed) and
 * prints `acked <partition> <firstOffset> <lastOffset>` to stdout after each append resolves.
 * Usage: append-forever.ts <logDir> <topic>
 */
import { openEmbeddedLog } from '../../../src/log/embedded/index.js';

const [dir, topic] = process.argv.slice(2);
if (!dir || !topic) {
  process.stderr.write('usage: append-forever.ts <logDir> <topic>\n');
  process.exit(2);
}

const log = await openEmbeddedLog({
  dir,
  mode: 'write',
  fsync: 'always',
  fsyncIntervalMs: 100,
  segmentBytes: 256 * 1024,
  maxRecordBytes: 65536,
});
await log.ensureTopic({ name: topic, partitions: 2 });
process.stdout.write('ready\n');
for (let round = 0; ; round++) {
  const size = 1 + (round % 50);
  const records = Array.from({ length: size }, (_, i) => ({
    key: Buffer.from(`user-${(round * 7 + i) % 13}`),
    value: Buffer.from(JSON.stringify({ round, i, pad: 'x'.repeat((round * 31 + i) % 300) })),
  }));
  const { positions } = await log.append(topic, records);
  const lines = positions.map((p) => `acked ${p.partition} ${p.offset}`);
  process.stdout.write(lines.join('\n') + '\n');
}
