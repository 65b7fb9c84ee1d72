/**
 * The Helm chart (deploy/helm/shopstream) rendered by a pinned Helm (`scripts/helm.sh install`,
 * built from source through the Go module proxy, run here when missing) and checked against the
 * product:
 * - `helm lint` passes; the default values refuse to render (no shared log, lake or DB);
 * - the production-like values (ci/production-values.yaml) give one Deployment per role running
 *   `run --role <role>` with probes on the operations endpoint, resources, a non-root read-only
 *   container, the config mounted; Services, PodDisruptionBudgets and the ServiceMonitor select
 *   those pods; the migration Job runs `db migrate` as the migration login;
 * - every container's effective configuration (the rendered config.json + its env + the rendered
 *   Secret) loads with the real config loader, and the CLI itself starts on it (`config print`);
 * - a wrong key or type in config.*, a misspelt role, too many processors and an unknown
 *   SHOPSTREAM_* variable in the Secret each fail: the first three in `helm template` (the
 *   generated values.schema.json and the chart's checks), the last in the config check here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { loadConfig, type Config } from '../../src/config/index.js';
import { runCliOk, tempDataDir } from '../helpers/cli.js';

const run = promisify(execFile);
const CHART = 'deploy/helm/shopstream';
const PRODUCTION = `${CHART}/ci/production-values.yaml`;
const ROLES = ['api', 'collector', 'detector', 'processor', 'scheduler'];

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered Kubernetes objects, checked field by field */
type K8s = any;

let helmPath: Promise<string> | undefined;

/** The pinned Helm: `scripts/helm.sh install` builds it when missing (a no-op once it is there). */
function helmBin(): Promise<string> {
  helmPath ??= (async () => {
    await run('bash', ['scripts/helm.sh', 'install'], { timeout: 900_000 });
    const { stdout } = await run('bash', ['scripts/helm.sh', 'path']);
    return stdout.trim();
  })();
  return helmPath;
}

async function helm(args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout } = await run(await helmBin(), args, { maxBuffer: 32 * 1024 * 1024 });
    return { ok: true, out: stdout };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, out: `${e.stderr ?? ''}${e.stdout ?? ''}${e.message}` };
  }
}

async function render(...extra: string[]): Promise<K8s[]> {
  const r = await helm(['template', 'rel', CHART, '-f', PRODUCTION, ...extra]);
  assert.ok(r.ok, r.out);
  return parseAllDocuments(r.out)
    .map((d) => d.toJS() as K8s)
    .filter((o) => o !== null);
}

const ofKind = (objects: K8s[], kind: string) => objects.filter((o) => o.kind === kind);
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Secrets the operator created outside the chart (`roles.<role>.existingSecret` in ci/production-values.yaml). */
const EXISTING_SECRETS: Record<string, Record<string, string>> = {
  'shopstream-worker-login': {
    SHOPSTREAM_STORE_URL: 'postgres://ss_worker:from-vault@postgres.db:5432/shopstream',
  },
};

/**
 * The configuration a container of `pod` starts with: its config.json, env and Secret env (later
 * envFrom sources win, as in Kubernetes; explicit env wins over all).
 */
async function effectiveConfig(objects: K8s[], pod: K8s, dir: string): Promise<Readonly<Config>> {
  const container = pod.containers[0];
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const name: string = source.secretRef.name;
    const secret = ofKind(objects, 'Secret').find((s) => s.metadata.name === name);
    assert.ok(secret ?? EXISTING_SECRETS[name], `Secret ${name} is rendered or one the operator made`);
    Object.assign(env, secret?.stringData ?? EXISTING_SECRETS[name]);
  }
  for (const e of container.env ?? []) env[e.name] = String(e.value);
  const file = join(dir, `${container.name}.json`);
  await writeFile(file, configJson(objects, pod));
  return loadConfig({ file, env });
}

function configJson(objects: K8s[], pod: K8s): string {
  const volume = pod.volumes.find((v: K8s) => v.name === 'config');
  const map = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name === volume.configMap.name);
  assert.ok(map, 'the config volume is a rendered ConfigMap');
  return map.data['config.json'];
}

test('helm lint passes; the default values refuse to render without a shared log, lake and DB', async () => {
  const lint = await helm(['lint', CHART, '-f', PRODUCTION, '--strict']);
  assert.ok(lint.ok, lint.out);
  const defaults = await helm(['template', 'rel', CHART]);
  assert.equal(defaults.ok, false);
  assert.match(defaults.out, /config\.log\.brokers/);
  const noLake = await helm(['template', 'rel', CHART, '--set', 'config.log.brokers=k:9092']);
  assert.match(noLake.out, /config\.lake\.url/);
  const noDb = await helm([
    'template',
    'rel',
    CHART,
    '--set',
    'config.log.brokers=k:9092',
    '--set',
    'config.lake.url=s3://b/p',
  ]);
  assert.match(noDb.out, /SHOPSTREAM_STORE_URL/);
});

test('production values: one Deployment per role, probed, non-root, with a configuration that loads', async () => {
  const objects = await render();
  const deployments = ofKind(objects, 'Deployment');
  assert.deepEqual(
    deployments.map((d) => d.spec.template.metadata.labels['app.kubernetes.io/component']).sort(),
    ROLES,
  );
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-helm-'));
  try {
    for (const d of deployments) {
      const role = d.spec.template.metadata.labels['app.kubernetes.io/component'];
      const pod = d.spec.template.spec;
      const c = pod.containers[0];
      assert.deepEqual(c.args, ['--config', '/etc/shopstream/config.json', 'run', '--role', role]);
      assert.equal(c.image, 'registry.example.com/shopstream:0.1.0');
      assert.ok(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels), role);
      // Probes on the operations endpoint, which every role serves with ops.enabled.
      const ops = c.ports.find((p: K8s) => p.name === 'ops');
      assert.equal(ops.containerPort, 9464);
      assert.deepEqual(c.livenessProbe.httpGet, { path: '/health', port: 'ops' });
      assert.deepEqual(c.readinessProbe.httpGet, { path: '/ready', port: 'ops' });
      assert.deepEqual(c.startupProbe.httpGet, { path: '/health', port: 'ops' });
      assert.ok(c.resources.requests.memory && c.resources.limits.memory, `${role} memory request and limit`);
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.equal(c.securityContext.readOnlyRootFilesystem, true);
      assert.equal(c.securityContext.allowPrivilegeEscalation, false);
      assert.deepEqual(
        c.volumeMounts.map((m: K8s) => m.mountPath).sort(),
        ['/data', '/etc/shopstream', '/tmp'],
        `${role}: config, data and tmp are the only writable or mounted paths`,
      );
      const config = await effectiveConfig(objects, pod, dir);
      assert.equal(config.ops.enabled, true, role);
      assert.equal(config.ops.host, '0.0.0.0');
      assert.equal(config.ops.port, 9464);
      assert.equal(config.log.brokers, 'kafka-0.kafka:9093,kafka-1.kafka:9093');
      assert.equal(config.lake.url, 's3://analytics-lake/shopstream');
      // Each role's own login (docs/deploy.md): its Secret overrides the shared one's URL.
      const login = {
        api: 'ss_api:change-me',
        detector: 'ss_worker:change-me',
        scheduler: 'ss_worker:from-vault',
      };
      assert.ok(
        config.store.url.startsWith(
          `postgres://${login[role as keyof typeof login] ?? 'ss_processor:change-me'}@`,
        ),
        `${role} logs in as its own role: ${config.store.url}`,
      );
      assert.equal(config.store.migrations, 'verify');
      assert.equal(config.kafka.saslPassword, 'change-me', 'credentials come from the Secret');
      assert.equal(config.processor.membership, 'on');
      const http = c.ports.find((p: K8s) => p.name === 'http');
      if (role === 'api') {
        assert.equal(config.api.host, '0.0.0.0');
        assert.equal(http.containerPort, config.api.port);
      } else if (role === 'collector') {
        assert.equal(config.collector.host, '0.0.0.0');
        assert.equal(http.containerPort, config.collector.port);
      } else assert.equal(http, undefined, `${role} has no HTTP port besides ops`);
      if (role === 'processor') {
        assert.equal(d.spec.replicas, 4, 'processor replicas = group members');
        assert.ok(d.spec.replicas <= config.log.partitions);
      }
      assert.doesNotMatch(configJson(objects, pod), /change-me/, 'no credential in the ConfigMap');
    }

    // The CLI starts on the rendered configuration and environment of the processor.
    const processor = deployments.find((d) => d.metadata.name === 'rel-shopstream-processor').spec.template
      .spec;
    const file = join(dir, 'cli.json');
    await writeFile(file, configJson(objects, processor));
    const env: Record<string, string> = {};
    for (const e of processor.containers[0].env) env[e.name] = String(e.value);
    Object.assign(
      env,
      ofKind(objects, 'Secret').find((s) => s.metadata.name === 'rel-shopstream').stringData,
    );
    const data = await tempDataDir('helm-cli');
    try {
      const printed = JSON.parse(
        await runCliOk(['--config', file, 'config', 'print'], { dataDir: data.dir, env }),
      ) as Config;
      assert.equal(printed.processor.maxBatchRecords, 5000);
      assert.equal(printed.kafka.saslMechanism, 'SCRAM-SHA-512');
    } finally {
      await data.cleanup();
    }

    // The migration Job: `db migrate` as the migration login (its own Secret overrides the shared one).
    const [job] = ofKind(objects, 'Job');
    assert.deepEqual(job.spec.template.spec.containers[0].args, [
      '--config',
      '/etc/shopstream/config.json',
      'db',
      'migrate',
    ]);
    // Per-role Secrets: rendered for the roles with secretEnv only, with their labels.
    const roleSecrets = ofKind(objects, 'Secret')
      .filter((s) => s.metadata.labels['app.kubernetes.io/component'] !== undefined)
      .map((s) => s.metadata.name)
      .sort();
    assert.deepEqual(roleSecrets, ['rel-shopstream-api', 'rel-shopstream-detector']);
    const migrate = await effectiveConfig(objects, job.spec.template.spec, dir);
    assert.match(migrate.store.url, /^postgres:\/\/ss_migrate:/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // Services, PDBs and the ServiceMonitor select the role pods.
  const podLabels = (role: string) =>
    deployments.find((d) => d.metadata.name === `rel-shopstream-${role}`).spec.template.metadata.labels;
  const services = ofKind(objects, 'Service');
  assert.equal(services.length, ROLES.length);
  for (const s of services) {
    const role = s.metadata.labels['app.kubernetes.io/component'];
    assert.ok(matches(s.spec.selector, podLabels(role)), `Service of ${role} selects its pods`);
    assert.ok(s.spec.ports.some((p: K8s) => p.name === 'ops' && p.targetPort === 'ops'));
  }
  const api = services.find((s) => s.metadata.name === 'rel-shopstream-api');
  assert.deepEqual(api.spec.ports[0], { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' });
  const pdbs = ofKind(objects, 'PodDisruptionBudget');
  assert.deepEqual(
    pdbs.map((p) => p.metadata.labels['app.kubernetes.io/component']).sort(),
    ['api', 'collector', 'processor', 'scheduler'],
    'a PDB for each role with more than one replica (the detector runs one)',
  );
  for (const p of pdbs) {
    const role = p.metadata.labels['app.kubernetes.io/component'];
    assert.ok(matches(p.spec.selector.matchLabels, podLabels(role)));
  }
  const [monitor] = ofKind(objects, 'ServiceMonitor');
  assert.equal(monitor.metadata.labels.release, 'prometheus');
  assert.deepEqual(monitor.spec.endpoints, [{ port: 'ops', path: '/metrics', interval: '30s' }]);
  for (const s of services) assert.ok(matches(monitor.spec.selector.matchLabels, s.metadata.labels));
});

test('a wrong key fails: config.* and chart values in helm template, Secret variables in the config check', async () => {
  const refused: Array<[string[], RegExp]> = [
    [['--set', 'config.lake.bogus=1'], /additional properties 'bogus' not allowed/],
    [['--set', 'config.processor.maxBatchRecords=0'], /maxBatchRecords/],
    [['--set', 'config.log.fsync=sometimes'], /fsync/],
    [['--set', 'roles.procesor.replicas=1'], /additional properties 'procesor' not allowed/],
    [
      ['--set', 'roles.processor.replicas=9'],
      /roles\.processor\.replicas \(9\) > config\.log\.partitions \(8\)/,
    ],
    [['--set', 'secret.env.store_url=x'], /store_url/],
    [['--set', 'roles.api.secretEnv.PGPASSWORD=x'], /PGPASSWORD/],
  ];
  for (const [args, message] of refused) {
    const r = await helm(['template', 'rel', CHART, '-f', PRODUCTION, ...args]);
    assert.equal(r.ok, false, `${args.join(' ')} renders`);
    assert.match(r.out, message, args.join(' '));
  }
  const objects = await render('--set', 'secret.env.SHOPSTREAM_STORE_URLL=postgres://x');
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-helm-'));
  try {
    const pod = ofKind(objects, 'Deployment')[0].spec.template.spec;
    await assert.rejects(effectiveConfig(objects, pod, dir), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'SHOP_CONFIG_UNKNOWN_KEY');
      assert.match(err.message, /SHOPSTREAM_STORE_URLL/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
