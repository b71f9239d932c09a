// The workflow histories committed under test/workflows/histories/: scripts/record-histories.ts writes them,
// test/workflows/replay.unit.test.ts replays them against the current workflow code.
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

export interface RecordedHistory {
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

/** Every committed history, in file-name order. */
export function loadRecordedHistories(): RecordedHistory[] {
  return readdirSync(historiesDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const text = readFileSync(historiesDir + file, 'utf8');
      const history = historyFromFileText(text);
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      return {
        name: file.replace(/\.json$/, ''),
        // Replay needs only a label; the workflow type names the run well enough.
        workflowId: `${started?.workflowType?.name ?? 'unknown'}:${file}`,
        history,
        text,
      };
    });
}
