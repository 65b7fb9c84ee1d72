import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { ShopError } from '../../errors/index.js';
import { RAW_TOPIC, type EventLog, type ProducerRecord } from '../../log/event-log.js';
import type { CliContext } from '../cli-context.js';
import { openEventLog, retentionOf } from '../open-event-log.js';
import { isEntity } from '../../batch/import/index.js';
import { importHistory, type HistoryFlags } from './import-history.js';

const LINES_PER_APPEND = 5000;
/** Encoded-record framing the embedded log adds to key + value (see record-batch-codec.ts). */
const RECORD_FRAMING_BYTES = 14;

interface ImportCounts {
  records: number;
  withoutKey: number;
  emptyLines: number;
  tooLarge: number;
}

export function registerImportCommand(program: Command, ctx: CliContext): void {
  program
    .command('import')
    .description(
      `Append every line of an NDJSON file (or - for stdin), verbatim, to ${RAW_TOPIC} (key = user_id); ` +
        'or import historical customers|products|orders (CSV, NDJSON, Parquet, PostgreSQL) into the serving DB (docs/import.md)',
    )
    .argument('<file-or-entity>', 'NDJSON file of events, - for stdin; or customers | products | orders')
    .argument('[file]', 'with an entity: the CSV, NDJSON or Parquet file')
    .option('--format <format>', 'entity import: csv | ndjson | parquet (default: from the extension)')
    .option('--mapping <file>', 'entity import: JSON column mapping (docs/import.md)')
    .option('--from <url>', 'entity import: a postgres:// database to read from')
    .option('--table <name>', 'with --from: table or schema.table')
    .option('--query <sql>', 'with --from: a SELECT (run read-only)')
    .option('--no-ref-checks', 'entity import (orders): skip the unknown_customer / unknown_product checks')
    .option('--json', 'entity import: print the result as JSON')
    .action(async (first: string, file: string | undefined, flags: HistoryFlags) => {
      if (isEntity(first) && (file !== undefined || flags.from !== undefined))
        return importHistory(ctx, first, file, flags);
      if (file !== undefined)
        throw new ShopError(
          'SHOP_CLI_BAD_ARGUMENT',
          `unknown entity '${first}' (customers, products, orders)`,
        );
      return importEvents(ctx, first);
    });
}

async function importEvents(ctx: CliContext, file: string): Promise<void> {
  const config = ctx.config();
  const sizeBytes = file === '-' ? undefined : await fileSize(file);
  const input = file === '-' ? ctx.stdin : createReadStream(file);
  const log = await openEventLog(config, { mode: 'write' });
  try {
    await log.ensureTopic({
      name: RAW_TOPIC,
      partitions: config.log.partitions,
      replicationFactor: config.log.replicationFactor,
      ...retentionOf(config),
    });
    const counts = await importLines(log, input, config.log.maxRecordBytes, progressFor(ctx, sizeBytes));
    ctx.stdout.write(summary(counts));
  } finally {
    await log.close();
  }
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (cause) {
    throw new ShopError('SHOP_CLI_BAD_ARGUMENT', `cannot read ${file}: ${(cause as Error).message}`, {
      cause,
    });
  }
}

function summary(c: ImportCounts): string {
  let text = `imported ${c.records} records (${c.withoutKey} without key)\n`;
  if (c.emptyLines > 0) text += `skipped ${c.emptyLines} empty lines\n`;
  if (c.tooLarge > 0) text += `skipped ${c.tooLarge} lines larger than log.maxRecordBytes\n`;
  return text;
}

type Progress = (bytesRead: number) => void;

function progressFor(ctx: CliContext, totalBytes: number | undefined): { tick: Progress; stop(): void } {
  if (!ctx.interactive || totalBytes === undefined) return { tick: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream: ctx.stderr as NodeJS.WriteStream,
      format: 'import [{bar}] {percentage}% | {value}/{total} bytes | {eta}s',
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(totalBytes, 0);
  return { tick: (bytes) => bar.update(bytes), stop: () => bar.stop() };
}

/** Splits a byte stream on \n (a trailing \r is dropped too) without decoding, so bytes stay verbatim. */
async function* lines(input: NodeJS.ReadableStream): AsyncGenerator<{ line: Buffer; bytesRead: number }> {
  let rest = Buffer.alloc(0);
  let bytesRead = 0;
  for await (const chunk of input) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytesRead += data.length;
    const buf = rest.length === 0 ? data : Buffer.concat([rest, data]);
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      yield { line: withoutCr(buf.subarray(start, nl)), bytesRead };
      start = nl + 1;
    }
    rest = Buffer.from(buf.subarray(start));
  }
  if (rest.length > 0) yield { line: withoutCr(rest), bytesRead };
}

function withoutCr(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === 13 ? line.subarray(0, -1) : line;
}

/** user_id of a JSON object line, else null (garbage lines are imported key-less, never rejected). */
export function keyOfLine(line: Buffer): Buffer | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const userId = (parsed as { user_id?: unknown }).user_id;
  return typeof userId === 'string' ? Buffer.from(userId, 'utf8') : null;
}

async function importLines(
  log: EventLog,
  input: NodeJS.ReadableStream,
  maxRecordBytes: number,
  progress: { tick: Progress; stop(): void },
): Promise<ImportCounts> {
  const counts: ImportCounts = { records: 0, withoutKey: 0, emptyLines: 0, tooLarge: 0 };
  let batch: ProducerRecord[] = [];
  const flush = async (bytesRead: number): Promise<void> => {
    if (batch.length > 0) await log.append(RAW_TOPIC, batch);
    counts.records += batch.length;
    batch = [];
    progress.tick(bytesRead);
  };
  let lastBytesRead = 0;
  try {
    for await (const { line, bytesRead } of lines(input)) {
      lastBytesRead = bytesRead;
      if (line.toString('latin1').trim() === '') {
        counts.emptyLines++;
        continue;
      }
      const key = keyOfLine(line);
      if (RECORD_FRAMING_BYTES + (key?.length ?? 0) + line.length > maxRecordBytes) {
        counts.tooLarge++;
        continue;
      }
      if (key === null) counts.withoutKey++;
      batch.push({ key, value: Buffer.from(line) });
      if (batch.length >= LINES_PER_APPEND) await flush(bytesRead);
    }
    await flush(lastBytesRead);
  } finally {
    progress.stop();
  }
  return counts;
}
