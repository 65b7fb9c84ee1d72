import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GENERATED_DOCS } from './docs-command.js';

for (const [path, render] of Object.entries(GENERATED_DOCS)) {
  test(`${path} is in sync with the code (run npm run docs:generate)`, () => {
    assert.equal(readFileSync(path, 'utf8'), render());
  });
}
