import { Type, type TSchema } from '@sinclair/typebox';
import { ConfigSchema } from './schema.js';

/** Where the Helm chart lives; Helm validates every `helm install|upgrade|template` against it. */
export const HELM_VALUES_SCHEMA_PATH = 'deploy/helm/shopstream/values.schema.json';

/**
 * The configuration schema as Helm values: every key optional (shopstream applies its defaults),
 * no defaults in the schema, unknown keys and wrong types rejected. A typo in `config.*` fails
 * `helm template`, not a pod at start.
 */
function asValues(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(asValues);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'default' || key === 'required') continue;
    out[key] = key === 'properties' ? mapValues(value as Record<string, unknown>, asValues) : asValues(value);
  }
  return out;
}

function mapValues(o: Record<string, unknown>, f: (v: unknown) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

const strict = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Partial(Type.Object(properties), {
    additionalProperties: false,
    ...(description === undefined ? {} : { description }),
  });

const Quantities = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]));
const KubernetesObject = Type.Object({}, { additionalProperties: true });
const StringMap = Type.Record(Type.String(), Type.String());

const SecretEnv = Type.Record(Type.String({ pattern: '^(SHOPSTREAM|AWS)_[A-Z0-9_]+$' }), Type.String(), {
  additionalProperties: false,
});

const Resources = strict({ requests: Quantities, limits: Quantities }, 'Container resources.');

const podSettings = {
  enabled: Type.Boolean(),
  replicas: Type.Integer({ minimum: 0 }),
  resources: Resources,
  podAnnotations: StringMap,
  nodeSelector: StringMap,
  tolerations: Type.Array(KubernetesObject),
  affinity: KubernetesObject,
  secretEnv: Type.Record(Type.String({ pattern: '^(SHOPSTREAM|AWS)_[A-Z0-9_]+$' }), Type.String(), {
    additionalProperties: false,
    description:
      "The role's own credentials (a Secret the chart creates, mounted after secret.*, so its keys win): e.g. SHOPSTREAM_STORE_URL with the role's database login.",
  }),
  existingSecret: Type.String({
    description: "An existing Secret mounted after the role's own (its keys win over both).",
  }),
};

const Service = strict({
  type: Type.Union([Type.Literal('ClusterIP'), Type.Literal('NodePort'), Type.Literal('LoadBalancer')]),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
});

const ValuesSchema = strict({
  nameOverride: Type.String(),
  fullnameOverride: Type.String(),
  image: strict({
    repository: Type.String({ minLength: 1 }),
    tag: Type.String(),
    pullPolicy: Type.Union([Type.Literal('Always'), Type.Literal('IfNotPresent'), Type.Literal('Never')]),
  }),
  imagePullSecrets: Type.Array(strict({ name: Type.String() })),
  config: Type.Unsafe(asValues(ConfigSchema) as TSchema),
  secret: strict(
    {
      create: Type.Boolean(),
      name: Type.String(),
      env: SecretEnv,
    },
    'Credentials as environment variables (SHOPSTREAM_STORE_URL, SHOPSTREAM_KAFKA_SASL_PASSWORD, SHOPSTREAM_API_ADMIN_KEYS, AWS_*): a Secret the chart creates from env, or an existing one by name.',
  ),
  caBundle: Type.String({ description: 'PEM certificates mounted as /etc/shopstream/ca.crt.' }),
  opsPort: Type.Integer({ minimum: 1, maximum: 65535 }),
  roles: strict({
    collector: strict({ ...podSettings, service: Service }),
    processor: strict(podSettings),
    api: strict({ ...podSettings, service: Service }),
    detector: strict(podSettings),
    scheduler: strict(podSettings),
  }),
  migrations: strict({ enabled: Type.Boolean(), resources: Resources, secretEnv: SecretEnv }),
  podDisruptionBudget: strict({
    enabled: Type.Boolean(),
    maxUnavailable: Type.Union([Type.Integer({ minimum: 0 }), Type.String()]),
  }),
  serviceMonitor: strict({
    enabled: Type.Boolean(),
    interval: Type.String(),
    labels: StringMap,
  }),
  podSecurityContext: KubernetesObject,
  securityContext: KubernetesObject,
  tmpSizeLimit: Type.String(),
  dataSizeLimit: Type.String(),
});

/** `deploy/helm/shopstream/values.schema.json`, generated (`npm run docs:generate`; a test keeps it in sync). */
export function renderHelmValuesSchema(): string {
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'shopstream Helm chart values (generated from src/config/render-helm-values-schema.ts)',
    ...(JSON.parse(JSON.stringify(ValuesSchema)) as Record<string, unknown>),
  };
  return JSON.stringify(schema, null, 2) + '\n';
}
