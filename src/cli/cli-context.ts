import type { Config } from '../config/index.js';

/**
 * What every command receives. Composition happens in the commands (and only there): they open
 * the adapters they need from `config()` and close them before returning.
 */
export interface CliContext {
  /** The frozen configuration, built from --config, SHOPSTREAM_* variables and global flags. */
  config(): Readonly<Config>;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  /** True when stderr is a TTY (progress bars are drawn only then). */
  readonly interactive: boolean;
}
