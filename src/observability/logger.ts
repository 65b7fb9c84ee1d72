import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stderr (stdout belongs to command output). One logger per process,
 * created by the CLI and passed down; `component` names the role (processor, api, ...).
 */
export function createLogger(component: string, level: string = 'info'): Logger {
  return pino({ level, base: { component, pid: process.pid } }, pino.destination({ fd: 2, sync: false }));
}
