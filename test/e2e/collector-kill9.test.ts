import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { eventIdsInLog, startCollectorProcess, stopProcess } from './helpers/collector-process.js';

const CLIENTS = 6;
const BATCH_EVENTS = 50;

function ndjsonBatch(): { ids: string[]; body: string } {
  const t = new Date().toISOString();
  const ids = Array.from({ length: BATCH_EVENTS }, () => randomUUID());
  const body = ids
    .map((id, i) =>
      JSON.stringify({
        event_id: id,
        event_version: 1,
        event_type: 'click',
        event_time: t,
        ingest_time: t,
        user_id: `u${i % 17}`,
        session_id: 's',
        product_id: 'p',
        quantity: null,
        price: null,
        currency: null,
        order_id: null,
        source: 'kill9',
      }),
    )
    .join('\n');
  return { ids, body };
}

async function send(baseUrl: string, body: string): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body,
    });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

test(
  'kill -9 under load: every event acknowledged with 200 is in the log; only retried ids appear twice',
  { timeout: 120_000 },
  async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'shopstream-collector-kill9-'));
    try {
      const first = await startCollectorProcess(dataDir);
      const acked = new Set<string>();
      const unacked: Array<{ ids: string[]; body: string }> = [];
      let ackedRequests = 0;
      let stop = false;
      const client = async () => {
        while (!stop) {
          const batch = ndjsonBatch();
          if (await send(first.baseUrl, batch.body)) {
            batch.ids.forEach((id) => acked.add(id));
            ackedRequests++;
          } else {
            unacked.push(batch);
            return; // the collector is gone
          }
        }
      };
      const load = Promise.all(Array.from({ length: CLIENTS }, client));
      while (ackedRequests < 60) await new Promise((r) => setTimeout(r, 20));
      await stopProcess(first.child, 'SIGKILL');
      stop = true;
      await load;
      assert.ok(unacked.length > 0, 'some requests were in flight when the process died');

      // Clients retry what was not acknowledged, with the same ids, against a restarted collector.
      const second = await startCollectorProcess(dataDir);
      for (const batch of unacked) assert.ok(await send(second.baseUrl, batch.body), 'retry accepted');
      await stopProcess(second.child);

      const counts = new Map<string, number>();
      for (const id of await eventIdsInLog(dataDir)) counts.set(id, (counts.get(id) ?? 0) + 1);
      for (const id of acked)
        assert.equal(counts.get(id), 1, `acknowledged ${id} is in the log exactly once`);
      const retried = new Set(unacked.flatMap((b) => b.ids));
      for (const [id, n] of counts) {
        if (n > 1) assert.ok(retried.has(id) && n === 2, `${id} appears ${n} times without a retry`);
      }
      for (const id of retried) assert.ok((counts.get(id) ?? 0) >= 1, 'every retried event is in the log');
      assert.equal(counts.size, acked.size + retried.size);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  },
);
