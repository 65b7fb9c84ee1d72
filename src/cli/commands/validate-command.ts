import type { Command } from 'commander';
import { readNdjsonLines } from '../../contract/ndjson-lines.js';
import { validateBytes, type ReasonCode, type ValidateOptions } from '../../contract/index.js';
import type { CliContext } from '../cli-context.js';

interface ValidateFlags {
  readonly referenceOnly?: boolean;
  readonly summary?: boolean;
}

/** Lines of output buffered before a write (keeps syscalls few on big inputs). */
const OUTPUT_BATCH_LINES = 4096;

/**
 * `shopstream validate`: NDJSON on stdin, one verdict line per input line on stdout:
 * `{"line":n,"valid":true|false,"reasons":[...]}`. Exit status 0 when every line is valid, 1 when
 * at least one is not. Never crashes on input: oversized lines and binary garbage are verdicts.
 */
export function registerValidateCommand(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description(
      'Check NDJSON events on stdin against contract v1; print one {"line","valid","reasons"} line per input line',
    )
    .option('--reference-only', 'apply only the reference contract rules (contract.referenceOnly)')
    .option('--summary', 'print counts per reason to stderr at the end')
    .action(async (flags: ValidateFlags) => {
      const config = ctx.config();
      const options: ValidateOptions = {
        ...config.contract,
        referenceOnly: flags.referenceOnly === true || config.contract.referenceOnly,
        maxRecordBytes: config.log.maxRecordBytes,
      };
      const counts = await validateStream(ctx, options);
      if (flags.summary === true) ctx.stderr.write(JSON.stringify(counts) + '\n');
      process.exitCode = counts.invalid === 0 ? 0 : 1;
    });
}

interface ValidateCounts {
  lines: number;
  valid: number;
  invalid: number;
  reasons: Partial<Record<ReasonCode, number>>;
}

async function validateStream(ctx: CliContext, options: ValidateOptions): Promise<ValidateCounts> {
  const counts: ValidateCounts = { lines: 0, valid: 0, invalid: 0, reasons: {} };
  const maxRecordBytes = options.maxRecordBytes ?? 0;
  let out: string[] = [];
  for await (const batch of readNdjsonLines(ctx.stdin as AsyncIterable<Buffer>, maxRecordBytes)) {
    for (const item of batch) {
      const result = item.bytes === null ? TOO_LARGE : validateBytes(item.bytes, options);
      count(counts, result.valid ? NO_REASONS : result.reasons);
      out.push(verdictLine(item.line, result.valid ? NO_REASONS : result.reasons));
    }
    if (out.length >= OUTPUT_BATCH_LINES) {
      await write(ctx.stdout, out.join(''));
      out = [];
    }
  }
  if (out.length > 0) await write(ctx.stdout, out.join(''));
  return counts;
}

const TOO_LARGE = { valid: false, reasons: ['record_too_large'] } as const;
const NO_REASONS: readonly ReasonCode[] = [];

function count(counts: ValidateCounts, reasons: readonly ReasonCode[]): void {
  counts.lines += 1;
  if (reasons.length === 0) counts.valid += 1;
  else counts.invalid += 1;
  for (const reason of reasons) counts.reasons[reason] = (counts.reasons[reason] ?? 0) + 1;
}

/** One output line; reason codes are plain identifiers, so they need no escaping. */
function verdictLine(line: number, reasons: readonly ReasonCode[]): string {
  const list = reasons.length === 0 ? '' : `"${reasons.join('","')}"`;
  return `{"line":${line},"valid":${reasons.length === 0},"reasons":[${list}]}\n`;
}

/** Writes honouring backpressure: resolves once the stream accepted or drained the chunk. */
function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: unknown): void => reject(err);
    stream.once('error', onError);
    const flushed = stream.write(text, () => stream.removeListener('error', onError));
    if (flushed) resolve();
    else stream.once('drain', () => resolve());
  });
}
