// The worker's log: the Temporal Runtime logger (SDK, workflow and activity logs, and Core's own logs
// forwarded) written as JSON lines, each scrubbed of anything that looks like a secret.
import { hostname } from 'node:os';
import { DefaultLogger, type LogEntry, type Logger, type LogLevel } from '@temporalio/worker';
import { loggableError, logFields, scrubSecrets } from '../config/logging';
import type { Env } from '../config/env';

const levels: Record<Env['LOG_LEVEL'], LogLevel | null> = {
  fatal: 'ERROR',
  error: 'ERROR',
  warn: 'WARN',
  info: 'INFO',
  debug: 'DEBUG',
  trace: 'TRACE',
  silent: null,
};

const syncWorkflowId = /^halo-sync-([0-9a-f-]{36})$/;
const host = hostname();

/** Errors, bigints and buffers as JSON can hold them. */
function jsonValue(_key: string, value: unknown): unknown {
  if (value instanceof Error) return loggableError(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  return value;
}

/** One log entry as the JSON line written; the integration id is lifted out of a sync's workflow id. */
export function formatLogLine(entry: LogEntry): string {
  const meta: Record<string, unknown> = { ...entry.meta };
  const workflowId = typeof meta['workflowId'] === 'string' ? meta['workflowId'] : undefined;
  const integrationId = workflowId ? syncWorkflowId.exec(workflowId)?.[1] : undefined;
  // The shape config/logging.ts describes, field for field as the API writes it.
  const line = {
    level: entry.level.toLowerCase(),
    time: new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString(),
    pid: process.pid,
    hostname: host,
    msg: entry.message,
    ...(integrationId ? { [logFields.integrationId]: integrationId } : {}),
    ...meta,
  };
  let text: string;
  try {
    text = JSON.stringify(line, jsonValue);
  } catch {
    text = JSON.stringify({ level: line.level, time: line.time, msg: entry.message, meta: 'unserialisable' });
  }
  return scrubSecrets(text);
}

/** The Runtime's logger for LOG_LEVEL; writes to stdout unless given somewhere else. */
export function createWorkerLogger(
  level: Env['LOG_LEVEL'],
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Logger {
  const minimum = levels[level];
  if (minimum === null) return new DefaultLogger('ERROR', () => {});
  return new DefaultLogger(minimum, (entry) => write(formatLogLine(entry)));
}
