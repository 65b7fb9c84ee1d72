import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import {
  errorData,
  type PgliteReady,
  type PgliteRequest,
  type PgliteResponse,
  type PgliteWorkerData,
} from './pglite-worker-protocol.js';
import { PGLITE_PARSERS } from './type-parsers.js';

/**
 * The thread that owns the embedded database (see `PgliteStore`): PostgreSQL's work (planning,
 * executing, WAL and file writes, all in WebAssembly) runs here, so the caller's thread keeps
 * transforming batches and answering HTTP requests meanwhile. PGlite is one connection: a
 * transaction holds it from `begin` to `end`, and other requests wait for it in PGlite's queue.
 */
const port = parentPort;
if (port === null) throw new Error('pglite-worker.ts runs as a worker thread only');
const { pgdata, sharedBuffersMb } = workerData as PgliteWorkerData;

/** The open transactions: their PGlite handle and how to end them. */
const transactions = new Map<
  number,
  { readonly tx: Transaction; readonly end: (requestId: number, commit: boolean) => void }
>();
let nextTransaction = 1;
/** Thrown inside PGlite's transaction callback to make it roll back. */
const ROLLBACK = Symbol('rollback');

const reply = (message: PgliteResponse): void => port.postMessage(message);
const fail = (id: number, err: unknown): void => reply({ id, ok: false, error: errorData(err) });

let db: PGlite;
try {
  db = await PGlite.create(pgdata, {
    parsers: PGLITE_PARSERS,
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffersMb}MB`],
  });
  await db.exec(`SET TIME ZONE 'UTC'`);
  port.postMessage({ ready: true } satisfies PgliteReady);
} catch (err) {
  port.postMessage({ ready: false, error: errorData(err) } satisfies PgliteReady);
  process.exit(1);
}

port.on('message', (request: PgliteRequest) => {
  switch (request.op) {
    case 'query':
      void runQuery(request.id, request.sql, request.params, request.tx);
      return;
    case 'begin':
      begin(request.id);
      return;
    case 'end': {
      const open = transactions.get(request.tx);
      if (open === undefined) fail(request.id, new Error(`no open transaction ${request.tx}`));
      else open.end(request.id, request.commit);
      return;
    }
    case 'memory': {
      const m = process.memoryUsage();
      reply({
        id: request.id,
        ok: true,
        rows: [{ heapTotalBytes: m.heapTotal, heapUsedBytes: m.heapUsed, externalBytes: m.external }],
      });
      return;
    }
    case 'close':
      void db.close().then(
        () => reply({ id: request.id, ok: true }),
        (err: unknown) => fail(request.id, err),
      );
      return;
  }
});

async function runQuery(id: number, sql: string, params: unknown[] | undefined, tx: number | undefined) {
  try {
    const target = tx === undefined ? db : transactions.get(tx)?.tx;
    if (target === undefined) throw new Error(`no open transaction ${tx}`);
    const result = await target.query(sql, params);
    reply({ id, ok: true, rows: result.rows });
  } catch (err) {
    fail(id, err);
  }
}

/**
 * Opens a transaction: replies with its id once PGlite has begun it, then holds it until the `end`
 * request, whose reply comes after COMMIT or ROLLBACK completed.
 */
function begin(id: number): void {
  const txId = nextTransaction++;
  let endId: number | undefined;
  const done = db.transaction(
    (tx) =>
      new Promise<void>((resolve, reject) => {
        transactions.set(txId, {
          tx,
          end: (requestId, commit) => {
            endId = requestId;
            if (commit) resolve();
            else reject(ROLLBACK);
          },
        });
        reply({ id, ok: true, tx: txId });
      }),
  );
  done.then(
    () => {
      transactions.delete(txId);
      reply({ id: endId ?? id, ok: true });
    },
    (err: unknown) => {
      transactions.delete(txId);
      if (endId === undefined) fail(id, err);
      else if (err === ROLLBACK) reply({ id: endId, ok: true });
      else fail(endId, err);
    },
  );
}
