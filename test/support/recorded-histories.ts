// The workflow histories committed under test/workflows/histories/<set>/: scripts/record-histories.ts writes
// one set, recorded by the workflow code of its day; test/workflows/replay.unit.test.ts replays every set
// against the current workflow code. A set is kept while runs it stands for may still be running.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import proto, { type temporal } from '@temporalio/proto';

export const historiesDir = fileURLToPath(new URL('../workflows/histories/', import.meta.url));

/**
 * The stand-in's client secret while recording: a value found nowhere else, so a search of the files for it
 * proves the secret never entered Temporal.
 */
export const recordingClientSecret = 'replay-recording-secret-4c1e9b7d2a6f';

/** What each recording is of; the file names the replay test expects to find. */
export const recordings = {
  'full-sync': 'a FullSync of a tiny tenant, run to the end',
  'incremental-sync': 'an IncrementalSync after that full sync',
  'scheduled-sync': 'a ScheduledSync that chose an incremental sync and waited for it',
  'full-sync-continued-as-new': 'a FullSync that continued as new: one file per run of the chain',
  'full-sync-cancelled': 'a FullSync cancelled while its pages ran',
} as const;

export type RecordingName = keyof typeof recordings;

/** Set names become folder names: lower-case words joined by hyphens, e.g. the patch id they precede. */
export const setNamePattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export interface RecordedHistory {
  /** The set's folder: which workflow code recorded it. */
  set: string;
  /** The file name without `.json`: the recording's name, and `-<n>` for each run of a chain. */
  name: string;
  workflowId: string;
  history: temporal.api.history.v1.IHistory;
  /** The file as committed. */
  text: string;
}

const { History } = proto.temporal.api.history.v1;

/**
 * A history as the JSON of the SDK's own message classes (enums by name, 64-bit numbers and bytes as
 * strings). Not Temporal's canonical history JSON: `historyToJSON`/`historyFromJSON` from
 * @temporalio/common fail here ("type must be a Type"), because @temporalio/common and @temporalio/proto
 * each get their own copy of protobufjs 8 beside the root's protobufjs 7 that gRPC needs.
 */
export function historyFileText(history: temporal.api.history.v1.IHistory): string {
  const message = History.fromObject(history);
  return JSON.stringify(History.toObject(message, { longs: String, enums: String, bytes: String }));
}

/**
 * A history file's text with every payload's data decoded from base64, so a search of it finds what any
 * payload holds (a secret in an activity's input would otherwise hide as base64).
 */
export function decodedPayloads(fileText: string): string {
  const decoded: unknown = JSON.parse(fileText, (key, value: unknown) =>
    key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value,
  );
  return JSON.stringify(decoded);
}

export function historyFromFileText(text: string): temporal.api.history.v1.History {
  return History.fromObject(JSON.parse(text) as Record<string, unknown>);
}

/** The names of the committed sets, in name order. */
export function recordedSets(): string[] {
  return readdirSync(historiesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Every committed history of every set, in set and file-name order. */
export function loadRecordedHistories(): RecordedHistory[] {
  return recordedSets().flatMap((set) =>
    readdirSync(`${historiesDir}${set}`)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => {
        const text = readFileSync(`${historiesDir}${set}/${file}`, 'utf8');
        const history = historyFromFileText(text);
        const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
        return {
          set,
          name: file.replace(/\.json$/, ''),
          // Replay needs only a label; the workflow type and the file name the run well enough.
          workflowId: `${started?.workflowType?.name ?? 'unknown'}:${set}/${file}`,
          history,
          text,
        };
      }),
  );
}
