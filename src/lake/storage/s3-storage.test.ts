import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { isShopError } from '../../errors/index.js';
import { parseS3Url, S3LakeStorage, type S3LakeStorageOptions } from './s3-storage.js';
import { describeDeltaConcurrency } from '../delta/testing/delta-concurrency-suite.js';
import { describeLakeStorageConformance } from './storage-conformance.js';

/**
 * The S3 adapter against a real S3 server: SHOPSTREAM_TEST_S3_ENDPOINT (`bash scripts/moto.sh start`
 * prints one). Unset: a failure in CI, a skip elsewhere. Each test gets its own random bucket.
 */
const endpoint = process.env['SHOPSTREAM_TEST_S3_ENDPOINT'] ?? '';
const MIB = 1024 * 1024;
const CONNECTION = {
  endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'shopstream-test', secretAccessKey: 'shopstream-test' },
} as const;

describe('parseS3Url', () => {
  test('splits bucket and prefix, without the slashes around the prefix', () => {
    assert.deepEqual(parseS3Url('s3://lake-bucket'), { bucket: 'lake-bucket', prefix: '' });
    assert.deepEqual(parseS3Url('s3://lake-bucket/'), { bucket: 'lake-bucket', prefix: '' });
    assert.deepEqual(parseS3Url('s3://lake.bucket/prod/lake/'), {
      bucket: 'lake.bucket',
      prefix: 'prod/lake',
    });
  });

  test('rejects what is not an s3:// URL with a valid bucket name (SHOP_CONFIG_INVALID)', () => {
    for (const url of [
      '',
      'http://b/x',
      's3://',
      's3:///x',
      's3://Upper/x',
      's3://a/x',
      'file:///tmp/lake',
    ]) {
      assert.throws(
        () => parseS3Url(url),
        (err: unknown) => isShopError(err, 'SHOP_CONFIG_INVALID'),
        url,
      );
    }
  });
});

test('S3LakeStorage: url is s3://bucket/prefix; parts below 5 MiB are SHOP_CONFIG_INVALID', () => {
  const options = { ...CONNECTION, endpoint: 'http://127.0.0.1:9', bucket: 'b-1' };
  assert.equal(new S3LakeStorage({ ...options, prefix: '/a/b/' }).url, 's3://b-1/a/b');
  assert.equal(new S3LakeStorage(options).url, 's3://b-1');
  assert.throws(
    () => new S3LakeStorage({ ...options, partSizeBytes: 4 * MIB }),
    (err: unknown) => isShopError(err, 'SHOP_CONFIG_INVALID'),
  );
});

type FakeS3Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

/** An HTTP server that answers S3 requests with `handler`: the cases a real server rarely produces. */
async function withFakeS3(
  handler: FakeS3Handler,
  body: (storage: S3LakeStorage) => Promise<void>,
): Promise<void> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const storage = new S3LakeStorage({ ...CONNECTION, endpoint: `http://127.0.0.1:${port}`, bucket: 'fake' });
  try {
    await body(storage);
  } finally {
    await storage.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

function s3Error(res: ServerResponse, status: number, code: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
  );
}

/** The request body without aws-chunked framing: the SDK may send a trailing checksum. */
const payloadOf = (req: IncomingMessage, body: Buffer): Buffer => {
  if (!String(req.headers['content-encoding'] ?? '').includes('aws-chunked')) return body;
  const text = body.toString('latin1');
  const size = parseInt(text.slice(0, text.indexOf('\r\n')), 16);
  const start = text.indexOf('\r\n') + 2;
  return body.subarray(start, start + size);
};

describe('s3 storage: cases a real server rarely shows, or slowly', () => {
  test('delete sends at most 1,000 keys per DeleteObjects call', async () => {
    const perCall: number[] = [];
    await withFakeS3(
      (_req, body, res) => {
        perCall.push(body.toString().split('<Key>').length - 1);
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><DeleteResult></DeleteResult>');
      },
      async (storage) => {
        await storage.delete(Array.from({ length: 2_500 }, (_, i) => `many/${i}`));
        await storage.delete([]);
      },
    );
    assert.deepEqual(perCall, [1000, 1000, 500]);
  });

  test('a key DeleteObjects could not delete is SHOP_LAKE_STORAGE_FAILED with that key', async () => {
    await withFakeS3(
      (_req, _body, res) => {
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?><DeleteResult><Error><Key>b</Key><Code>AccessDenied</Code><Message>no</Message></Error></DeleteResult>',
        );
      },
      async (storage) => {
        await assert.rejects(storage.delete(['a', 'b']), (err: unknown) => {
          assert.ok(isShopError(err, 'SHOP_LAKE_STORAGE_FAILED'), String(err));
          assert.equal(err.details['key'], 'b');
          assert.match(err.message, /AccessDenied/);
          return true;
        });
      },
    );
  });

  test('a 412 after a lost response (SDK retry) is our own write when the stored bytes are ours', async () => {
    let stored: Buffer | undefined;
    await withFakeS3(
      (req, body, res) => {
        if (req.method === 'PUT' && stored === undefined) {
          stored = payloadOf(req, body);
          return s3Error(res, 500, 'InternalError');
        }
        if (req.method === 'PUT') return s3Error(res, 412, 'PreconditionFailed');
        res.writeHead(200, { 'content-length': stored!.length, 'last-modified': new Date().toUTCString() });
        res.end(stored);
      },
      async (storage) => {
        assert.equal(await storage.putIfAbsent('log/1.json', new TextEncoder().encode('mine')), true);
        assert.equal(stored?.toString(), 'mine');
      },
    );
  });

  test('409 ConditionalRequestConflict is retried, then an existing key answers false', async () => {
    const seen: string[] = [];
    await withFakeS3(
      (req, _body, res) => {
        seen.push(req.method ?? '');
        if (req.method === 'PUT') return s3Error(res, 409, 'ConditionalRequestConflict');
        res.writeHead(200, { 'content-length': 0, 'last-modified': new Date().toUTCString() });
        res.end();
      },
      async (storage) => {
        assert.equal(await storage.putIfAbsent('log/1.json', new Uint8Array([1])), false);
        assert.deepEqual(seen, ['PUT', 'PUT', 'PUT', 'PUT', 'HEAD']);
      },
    );
  });
});

/** A new bucket on the test server; cleanup() empties and removes it. */
async function testBucket(): Promise<{ bucket: string; client: S3Client; cleanup(): Promise<void> }> {
  const client = new S3Client(CONNECTION);
  const bucket = `shopstream-test-${randomBytes(6).toString('hex')}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const cleanup = async (): Promise<void> => {
    for (;;) {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      const objects = (page.Contents ?? []).map(({ Key }) => ({ Key }));
      if (objects.length === 0) break;
      await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
    }
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    client.destroy();
  };
  return { bucket, client, cleanup };
}

function openStorage(bucket: string, extra: Partial<S3LakeStorageOptions> = {}): S3LakeStorage {
  return new S3LakeStorage({
    ...CONNECTION,
    bucket,
    prefix: 'lake/prod',
    multipartThresholdBytes: 5 * MIB,
    partSizeBytes: 5 * MIB,
    ...extra,
  });
}

if (endpoint === '') {
  const why =
    'SHOPSTREAM_TEST_S3_ENDPOINT is unset: start an S3 server with `bash scripts/moto.sh start` and export SHOPSTREAM_TEST_S3_ENDPOINT=$(bash scripts/moto.sh url)';
  if (process.env['CI'] !== undefined && process.env['CI'] !== '') {
    test('s3 storage conformance', () => assert.fail(`CI must run the S3 storage tests: ${why}`));
  } else {
    test('s3 storage conformance', { skip: why }, () => {});
  }
} else {
  describeLakeStorageConformance(`s3 (${endpoint})`, async () => {
    const bucket = await testBucket();
    const storage = openStorage(bucket.bucket);
    return { storage, cleanup: async () => (await storage.close(), await bucket.cleanup()) };
  });

  describeDeltaConcurrency(`s3 (${endpoint})`, async () => {
    const bucket = await testBucket();
    const storage = openStorage(bucket.bucket);
    return { storage, cleanup: async () => (await storage.close(), await bucket.cleanup()) };
  });

  describe('s3 storage: adapter specifics', () => {
    test('writeFile above the threshold is a multipart upload (ETag "<md5>-<parts>"), below one PUT', async () => {
      const bucket = await testBucket();
      const storage = openStorage(bucket.bucket, { multipartThresholdBytes: 6 * MIB });
      try {
        // The conformance suite checks the bytes; here only the ETag's shape tells the two paths apart.
        const dir = await mkdtemp(join(tmpdir(), 'shopstream-s3-'));
        try {
          await writeFile(join(dir, 'big'), randomBytes(11 * MIB));
          await writeFile(join(dir, 'small'), randomBytes(6 * MIB));
          await storage.writeFile('t/big', join(dir, 'big'));
          await storage.writeFile('t/small', join(dir, 'small'));
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
        const etag = async (key: string): Promise<string> =>
          (await bucket.client.send(new HeadObjectCommand({ Bucket: bucket.bucket, Key: key }))).ETag ?? '';
        assert.match(await etag('lake/prod/t/big'), /-3"$/);
        assert.doesNotMatch(await etag('lake/prod/t/small'), /-\d+"$/);
      } finally {
        await storage.close();
        await bucket.cleanup();
      }
    });

    test('the prefix is a folder: lake/prod does not see lake/prod2, keys are stored below it', async () => {
      const bucket = await testBucket();
      const prod = openStorage(bucket.bucket, { prefix: 'lake/prod' });
      const prod2 = openStorage(bucket.bucket, { prefix: 'lake/prod2/' });
      const root = openStorage(bucket.bucket, { prefix: '' });
      try {
        await prod.write('a.json', new Uint8Array([1]));
        await prod2.write('b.json', new Uint8Array([2]));
        assert.deepEqual(
          (await prod.list('')).map((o) => o.key),
          ['a.json'],
        );
        assert.deepEqual(
          (await prod2.list('')).map((o) => o.key),
          ['b.json'],
        );
        assert.deepEqual(
          (await root.list('')).map((o) => o.key),
          ['lake/prod/a.json', 'lake/prod2/b.json'],
        );
        assert.equal(prod.localPath('a.json'), null);
      } finally {
        await Promise.all([prod.close(), prod2.close(), root.close()]);
        await bucket.cleanup();
      }
    });

    test('a missing bucket is SHOP_LAKE_STORAGE_FAILED with the key, not a null read', async () => {
      const storage = openStorage(`shopstream-missing-${randomBytes(6).toString('hex')}`);
      try {
        const calls = [
          () => storage.read('x.json'),
          () => storage.write('x.json', new Uint8Array([1])),
          () => storage.list(''),
        ];
        for (const call of calls) {
          await assert.rejects(call(), (err: unknown) => {
            assert.ok(isShopError(err, 'SHOP_LAKE_STORAGE_FAILED'), String(err));
            assert.ok(['x.json', ''].includes(String(err.details['key'])));
            return true;
          });
        }
      } finally {
        await storage.close();
      }
    });
  });
}
