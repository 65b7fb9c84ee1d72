/**
 * A fresh bucket per test on a real S3 server (moto): SHOPSTREAM_TEST_S3_ENDPOINT, or, when that
 * is unset, the one `scripts/moto.sh start` starts (installs it first). Tests never skip for lack of
 * a server: a missing server is a failure.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { CreateBucketCommand, DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { S3LakeStorage } from '../../src/lake/index.js';

const run = promisify(execFile);
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'shopstream-test', secretAccessKey: 'shopstream-test' };

export interface TestBucket {
  /** `s3://<bucket>/lake`: the lake.url of a lake in the bucket. */
  readonly url: string;
  readonly endpoint: string;
  /** Environment of a shopstream process whose lake lives in the bucket. */
  readonly lakeEnv: Readonly<Record<string, string>>;
  /** delta-rs (object_store) options reaching the bucket. */
  readonly deltaRsOptions: Readonly<Record<string, string>>;
  /** A storage adapter on the lake's prefix (the caller's lake closes it). */
  storage(): S3LakeStorage;
  /** Deletes every object and the bucket. */
  drop(): Promise<void>;
}

export async function testS3Endpoint(): Promise<string> {
  const fromEnv = process.env['SHOPSTREAM_TEST_S3_ENDPOINT'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  await run('bash', ['scripts/moto.sh', 'start'], { timeout: 600_000 });
  const { stdout } = await run('bash', ['scripts/moto.sh', 'url']);
  return stdout.trim();
}

export async function createTestBucket(label: string): Promise<TestBucket> {
  const endpoint = await testS3Endpoint();
  const bucket = `shopstream-${label}-${randomBytes(4).toString('hex')}`;
  const client = new S3Client({ region: REGION, endpoint, forcePathStyle: true, credentials: CREDENTIALS });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const storage = () =>
    new S3LakeStorage({
      bucket,
      prefix: 'lake',
      region: REGION,
      endpoint,
      forcePathStyle: true,
      credentials: CREDENTIALS,
    });
  return {
    url: `s3://${bucket}/lake`,
    endpoint,
    lakeEnv: {
      SHOPSTREAM_LAKE_URL: `s3://${bucket}/lake`,
      SHOPSTREAM_LAKE_S3_ENDPOINT: endpoint,
      SHOPSTREAM_LAKE_S3_REGION: REGION,
      SHOPSTREAM_LAKE_S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    },
    deltaRsOptions: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ALLOW_HTTP: 'true',
      AWS_VIRTUAL_HOSTED_STYLE_REQUEST: 'false',
    },
    storage,
    async drop() {
      const all = new S3LakeStorage({
        bucket,
        region: REGION,
        endpoint,
        forcePathStyle: true,
        credentials: CREDENTIALS,
      });
      try {
        await all.delete((await all.list('')).map((o) => o.key));
        await client.send(new DeleteBucketCommand({ Bucket: bucket }));
      } finally {
        await all.close();
        client.destroy();
      }
    },
  };
}
