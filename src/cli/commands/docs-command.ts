import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { renderConfigDocs } from '../../config/render-config-docs.js';
import { HELM_VALUES_SCHEMA_PATH, renderHelmValuesSchema } from '../../config/render-helm-values-schema.js';
import { CONTRACT_SCHEMA_PATH, renderContractSchema } from '../../contract/event-schema.js';
import { renderErrorDocs } from '../../errors/render-error-docs.js';
import { ORCHESTRATION_DOC, renderOrchestrationDocs } from '../../orchestration/render-orchestration-docs.js';
import type { CliContext } from '../cli-context.js';

/** The documents generated from code, by path relative to the repository root. */
export const GENERATED_DOCS: Record<string, () => string> = {
  'docs/configuration.md': renderConfigDocs,
  'docs/errors.md': renderErrorDocs,
  [CONTRACT_SCHEMA_PATH]: renderContractSchema,
  [ORCHESTRATION_DOC]: renderOrchestrationDocs,
  [HELM_VALUES_SCHEMA_PATH]: renderHelmValuesSchema,
};

export function registerDocsCommand(program: Command, ctx: CliContext): void {
  program
    .command('docs')
    .description('Documentation generated from code')
    .command('generate')
    .description(
      'Rewrite docs/configuration.md, docs/errors.md, docs/contract.schema.json, the asset section of docs/orchestration.md and the values.schema.json of the Helm chart from the code',
    )
    .action(() => {
      for (const [path, render] of Object.entries(GENERATED_DOCS)) {
        writeFileSync(path, render());
        ctx.stdout.write(`wrote ${path}\n`);
      }
    });
}
