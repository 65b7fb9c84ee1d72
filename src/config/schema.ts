import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * The one configuration schema. Every field has a type, a default, a unit in its name where it has
 * one, and a description; `docs/configuration.md` is generated from this file (`npm run docs:config`)
 * and a test keeps it in sync. Loaded only by `config/load-config.ts`.
 */

const str = (def: string, description: string) => Type.String({ default: def, description });
const int = (def: number, description: string, min = 0) =>
  Type.Integer({ default: def, minimum: min, description });
const num = (def: number, description: string, min = 0) => Type.Number({ default: def, minimum: min, description });

const section = <T extends Record<string, TSchema>>(description: string, fields: T) =>
  Type.Object(fields, { additionalProperties: false, default: {}, description });

export const ConfigSchema = Type.Object(
  {
    dataDir: str('./data', 'Folder for the embedded log, the embedded serving DB and the local lake.'),
    log: section('The event log (embedded file log, or Kafka when `log.brokers` is set).', {
      brokers: str('', 'Comma-separated Kafka bootstrap servers; empty = the embedded log under dataDir/log.'),
      partitions: int(4, 'Partitions of the raw topic when shopstream creates it.', 1),
      replicationFactor: int(1, 'Replication factor of topics shopstream creates (Kafka only).', 1),
      fsync: Type.Union([Type.Literal('always'), Type.Literal('interval'), Type.Literal('never')], {
        default: 'always',
        description:
          'Embedded log durability: `always` fsyncs before an append is acknowledged; `interval` every fsyncIntervalMs; `never` leaves it to the OS.',
      }),
      fsyncIntervalMs: int(200, 'With fsync=interval: the longest time an acknowledged append may sit unsynced.', 1),
      segmentBytes: int(64 * 1024 * 1024, 'Embedded log: roll to a new segment file past this size.', 1024),
      retentionMs: int(7 * 24 * 3600 * 1000, 'Delete whole segments older than this (0 = keep forever).'),
      retentionBytes: int(0, 'Keep at most about this many bytes per partition (0 = no limit).'),
      maxRecordBytes: int(1024 * 1024, 'Largest record the log accepts.', 1),
    }),
    simulator: section('The traffic simulator used by `generate` and `start`.', {
      ratePerSec: int(200, 'Events per second of simulated traffic in `start` (0 = as fast as possible).'),
      seed: int(42, 'Seed of the deterministic generator.'),
      products: int(2000, 'Catalog size.', 1),
      customers: int(50000, 'Customer population.', 1),
      invalidPct: num(0.5, 'Share of invalid events, in percent.'),
      duplicatePct: num(0.5, 'Share of duplicated events (same event_id re-sent), in percent.'),
      latePct: num(0.2, 'Share of late events, in percent.'),
      lateMaxMs: int(10 * 60 * 1000, 'How late a late event may be, in milliseconds.'),
    }),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
