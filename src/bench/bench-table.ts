import type { BenchReport } from './bench-report.js';

/** The human-readable result: the machine line, then one row per figure (or the skip reason). */
export function renderBenchTable(report: BenchReport): string {
  const m = report.machine;
  const header =
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.totalMemoryMiB} MiB, ${m.platform}, Node ${m.nodeVersion}, ` +
    `load ${m.loadAverage.join(' ')} -> ${report.loadAverageAtEnd.join(' ')}\n` +
    `commit: ${report.git.commit ?? 'unknown'}${report.git.dirty === true ? ' (with uncommitted changes)' : ''}\n`;
  const rows: string[][] = [['scenario', 'figure', 'value', 'unit', 'x ceiling']];
  for (const r of report.scenarios) {
    if (r.status !== 'ok') {
      rows.push([r.scenario, r.status, r.reason, '', '']);
      continue;
    }
    for (const f of r.figures) {
      rows.push([
        r.scenario,
        f.name,
        formatValue(f.value),
        f.unit,
        f.ratioToCeiling == null ? '' : f.ratioToCeiling.toFixed(3),
      ]);
    }
  }
  return header + '\n' + alignColumns(rows) + `\ntotal ${(report.elapsedMs / 1000).toFixed(1)} s\n`;
}

function formatValue(value: number): string {
  return Number.isInteger(value)
    ? value.toLocaleString('en-US')
    : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

function alignColumns(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, col) =>
    Math.max(
      ...rows.map((r) =>
        (col === 2 && r[1] === 'skipped') || (col === 2 && r[1] === 'failed') ? 0 : (r[col] ?? '').length,
      ),
    ),
  );
  return rows
    .map((r) =>
      r
        .map((cell, col) =>
          col === 2 && /^[\d,.-]+$/.test(cell) ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
