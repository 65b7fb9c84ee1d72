import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ShopError, isShopError } from '../../errors/index.js';
import { runMigrations } from '../migrate.js';
import { queryFailed } from '../query-error.js';
import type { ServingStore, SqlExecutor, WorkerMemory } from '../serving-store.js';
import { acquirePidLock } from './pid-lock-file.js';
import {
  errorFromData,
  type PgliteReady,
  type PgliteRequest,
  type PgliteResponse,
  type PgliteWorkerData,
} from './pglite-worker-protocol.js';

export interface PgliteStoreOptions {
  /** Folder of the database: `<dataDir>/pgdata` holds PostgreSQL's files, `<dataDir>/shopstream.lock` the owner's pid. */
  readonly dataDir: string;
  /** PostgreSQL's shared_buffers in MiB (store.embeddedSharedBuffersMb); default 32. */
  readonly sharedBuffersMb?: number | undefined;
}

/**
 * The worker's module next to this one: `.js` when built; `.ts` when run from source, where a
 * worker does not inherit tsx's loader (Node 20): a small bootstrap registers it, then imports the
 * module.
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

function startWorker(workerData: PgliteWorkerData): Worker {
  if (!FROM_SOURCE) return new Worker(new URL('./pglite-worker.js', import.meta.url), { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./pglite-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * Opens the embedded serving store. One process at a time owns the folder (SHOP_STORE_LOCKED
 * otherwise; a lock left by a dead process is taken over). The database runs on a worker thread of
 * its own (`pglite-worker.ts`): its CPU work never blocks the caller's event loop. PGlite is a
 * single connection: queries and transactions run one after another, in call order.
 */
export async function openPgliteStore(options: PgliteStoreOptions): Promise<ServingStore> {
  await mkdir(options.dataDir, { recursive: true });
  const release = await acquirePidLock(join(options.dataDir, 'shopstream.lock'));
  try {
    const data: PgliteWorkerData = {
      pgdata: join(options.dataDir, 'pgdata'),
      sharedBuffersMb: options.sharedBuffersMb ?? 32,
    };
    return new PgliteStore(await readyWorker(data), data, release);
  } catch (err) {
    await release();
    if (isShopError(err)) throw err;
    throw new ShopError('SHOP_STORE_UNAVAILABLE', `cannot open PGlite in ${options.dataDir}`, {
      cause: err,
      details: { dataDir: options.dataDir },
    });
  }
}

/** Starts the worker and waits until its PGlite is open. */
async function readyWorker(data: PgliteWorkerData): Promise<Worker> {
  const worker = startWorker(data);
  try {
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the PGlite worker exited with code ${code}`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (ready: PgliteReady) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        if (ready.ready) resolve();
        else reject(errorFromData(ready.error));
      });
    });
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  return worker;
}

interface Pending {
  readonly resolve: (response: PgliteResponse & { ok: true }) => void;
  readonly reject: (err: Error) => void;
}

class PgliteStore implements ServingStore {
  readonly kind = 'pglite' as const;
  private closed = false;
  private failure: Error | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private worker: Worker,
    private readonly workerData: PgliteWorkerData,
    private readonly release: () => Promise<void>,
  ) {
    this.attach(worker);
  }

  private attach(worker: Worker): void {
    // The worker keeps the process alive only while a request is waiting for it (`call`).
    worker.unref();
    worker.on('message', (response: PgliteResponse) => this.settle(response));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`the PGlite worker exited with code ${code}`)));
  }

  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    return this.runQuery<R>(sql, params, undefined);
  }

  async workerMemory(): Promise<WorkerMemory> {
    const response = await this.call({ op: 'memory' });
    return response.rows![0] as WorkerMemory;
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const began = await this.call({ op: 'begin' }).catch((err: unknown) => {
      throw queryFailed(err, 'BEGIN', undefined);
    });
    const tx = began.tx!;
    let result: T;
    try {
      result = await fn({
        query: <R>(sql: string, params?: readonly unknown[]) => this.runQuery<R>(sql, params, tx),
      });
    } catch (err) {
      await this.call({ op: 'end', tx, commit: false }).catch(() => undefined);
      throw err;
    }
    await this.call({ op: 'end', tx, commit: true }).catch((err: unknown) => {
      throw queryFailed(err, 'COMMIT', undefined);
    });
    return result;
  }

  /**
   * Applies missing migrations. When some were applied (a new database: initdb ran too), the
   * worker is replaced by a fresh one: WebAssembly memory only grows, and initdb plus the
   * migrations leave ~500 MB of it touched that a running database never needs again (measured:
   * 830 MB RSS after opening a new folder, 360 MB after reopening it).
   */
  async migrate(): Promise<void> {
    const applied = await runMigrations((fn) => this.transaction(fn));
    if (applied.length > 0) await this.recycleWorker();
  }

  private async recycleWorker(): Promise<void> {
    const old = this.worker;
    await this.call({ op: 'close' }, true);
    old.removeAllListeners();
    await old.terminate();
    const fresh = await readyWorker(this.workerData);
    this.worker = fresh;
    this.attach(fresh);
  }

  /** A closed store or a dead worker already fails every request (`call`) with SHOP_STORE_UNAVAILABLE. */
  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.failure === undefined) await this.call({ op: 'close' }, true);
    } finally {
      await this.worker.terminate();
      await this.release();
    }
  }

  private async runQuery<R>(
    sql: string,
    params: readonly unknown[] | undefined,
    tx: number | undefined,
  ): Promise<R[]> {
    try {
      const response = await this.call({
        op: 'query',
        sql,
        ...(params === undefined ? {} : { params: [...params] }),
        ...(tx === undefined ? {} : { tx }),
      });
      return (response.rows ?? []) as R[];
    } catch (err) {
      if (isShopError(err)) throw err;
      throw queryFailed(err, sql, params);
    }
  }

  /** Sends one request; resolves with its reply. A closed or dead worker fails SHOP_STORE_UNAVAILABLE. */
  private call(
    request: PgliteRequest extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never,
    closing = false,
  ): Promise<PgliteResponse & { ok: true }> {
    if (this.failure !== undefined || (this.closed && !closing))
      return Promise.reject(
        new ShopError('SHOP_STORE_UNAVAILABLE', 'the PGlite store is closed', {
          ...(this.failure === undefined ? {} : { cause: this.failure }),
        }),
      );
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } as PgliteRequest);
    });
  }

  private settle(response: PgliteResponse): void {
    const waiting = this.pending.get(response.id);
    if (waiting === undefined) return;
    this.pending.delete(response.id);
    if (this.pending.size === 0) this.worker.unref();
    if (response.ok) waiting.resolve(response);
    else waiting.reject(errorFromData(response.error));
  }

  /** The worker died: every waiting request fails, and so does every later one. */
  private fail(err: Error): void {
    if (this.closed && this.pending.size === 0) return;
    this.failure ??= err;
    const unavailable = new ShopError('SHOP_STORE_UNAVAILABLE', `the PGlite worker failed: ${err.message}`, {
      cause: err,
    });
    for (const waiting of this.pending.values()) waiting.reject(unavailable);
    this.pending.clear();
  }
}
