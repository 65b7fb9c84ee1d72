/** Entry point of `npm run docs:contract`: rewrites docs/contract.schema.json from event-schema.ts. */
import { writeFileSync } from 'node:fs';
import { CONTRACT_SCHEMA_PATH, renderContractSchema } from './event-schema.js';

writeFileSync(CONTRACT_SCHEMA_PATH, renderContractSchema());
process.stdout.write(`wrote ${CONTRACT_SCHEMA_PATH}\n`);
