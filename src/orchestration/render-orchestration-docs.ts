import { existsSync, readFileSync } from 'node:fs';
import { loadConfig } from '../config/index.js';
import { builtinGraph } from './assets/builtin-assets.js';
import { describeSchedule } from './jobs-overview.js';

export const ORCHESTRATION_DOC = 'docs/orchestration.md';
const BEGIN = '<!-- generated:assets:begin (npm run docs:generate) -->';
const END = '<!-- generated:assets:end -->';

/** The generated part: the asset table and graph of the default configuration. */
function renderAssets(): string {
  const graph = builtinGraph(loadConfig());
  const lines = [
    '| asset | kind | partitions | schedule | catch-up | retries | pool | upstream | owner | description |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const a of graph.all()) {
    const m = a.kind === 'materialised' ? a : null;
    lines.push(
      `| \`${a.key}\` | ${a.kind} | ${a.partitioning} | ${a.kind === 'source' ? `observed every ${a.observeEveryMs} ms` : describeSchedule(a.schedule)} | ${m?.catchUp ?? '-'} | ${m === null ? '-' : `${m.retry.maxAttempts} attempts, backoff ${m.retry.backoffBaseMs} ms x2, jitter ${m.retry.jitter * 100}%`} | ${m?.pool === undefined ? '-' : `\`${m.pool}\``} | ${a.upstream.map((u) => `\`${u}\``).join(', ') || '-'} | ${a.owner} | ${a.description.replaceAll('|', '\\|')} |`,
    );
  }
  const edges = graph.all().flatMap((a) => a.upstream.map((u) => `  ${u} --> ${a.key}`));
  return [
    '',
    '## Assets (generated from `src/orchestration/assets/builtin-assets.ts`, default configuration)',
    '',
    ...lines,
    '',
    '```mermaid',
    'graph LR',
    ...graph
      .all()
      .filter((a) => a.upstream.length === 0 && graph.downstreamOf(a.key).length === 0)
      .map((a) => `  ${a.key}`),
    ...edges,
    '```',
    '',
  ].join('\n');
}

/**
 * docs/orchestration.md: the hand-written guide around a generated asset section (between the
 * markers); rendering keeps the guide and replaces the section.
 */
export function renderOrchestrationDocs(): string {
  const current = existsSync(ORCHESTRATION_DOC)
    ? readFileSync(ORCHESTRATION_DOC, 'utf8')
    : `# Orchestration\n\n${BEGIN}\n${END}\n`;
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  if (start === -1 || end === -1) return `${current.trimEnd()}\n\n${BEGIN}\n${renderAssets()}${END}\n`;
  return `${current.slice(0, start + BEGIN.length)}\n${renderAssets()}${current.slice(end)}`;
}
