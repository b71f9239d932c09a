// The stand-in's records. Tests get plain arrays they can push to, splice and edit; the server needs them
// sorted by id to slice pages and binary-search single assets. A proxy notices when an array is changed
// and the next request re-sorts it, so serving a page stays O(page size) for a million records.
import type { RawHaloRecord } from '../halo/records';

/** Epoch ms of an asset's last change, kept under a symbol so JSON (and so every list response) skips it. */
export const lastModifiedKey = Symbol('standin.lastModified');

type Stamped = { [lastModifiedKey]?: number };

export interface Collection {
  /** What tests see and change. */
  readonly records: RawHaloRecord[];
  /** The same records, sorted by id; do not keep across requests. */
  sorted(): readonly RawHaloRecord[];
  find(id: number): RawHaloRecord | undefined;
}

export function createCollection(initial: RawHaloRecord[]): Collection {
  const target = initial;
  let dirty = true;
  const markDirty = {
    set(t: RawHaloRecord[], key: string | symbol, value: unknown, receiver: unknown) {
      dirty = true;
      return Reflect.set(t, key, value, receiver);
    },
    deleteProperty(t: RawHaloRecord[], key: string | symbol) {
      dirty = true;
      return Reflect.deleteProperty(t, key);
    },
    defineProperty(t: RawHaloRecord[], key: string | symbol, descriptor: PropertyDescriptor) {
      dirty = true;
      return Reflect.defineProperty(t, key, descriptor);
    },
  } satisfies ProxyHandler<RawHaloRecord[]>;
  const records = new Proxy(target, markDirty);

  function sorted(): readonly RawHaloRecord[] {
    if (!dirty) return target;
    let inOrder = true;
    const seenAt = Date.now();
    for (let i = 0; i < target.length; i++) {
      const record = target[i]!;
      if (i > 0 && target[i - 1]!.id > record.id) inOrder = false;
      // A record a test added without touchAsset changed "now", as far as Halo's filter is concerned.
      const stamped = record as Stamped;
      if (stamped[lastModifiedKey] === undefined) stamped[lastModifiedKey] = seenAt;
    }
    if (!inOrder) target.sort((a, b) => a.id - b.id);
    dirty = false;
    return target;
  }

  function find(id: number): RawHaloRecord | undefined {
    const list = sorted();
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const record = list[mid]!;
      if (record.id === id) return record;
      if (record.id < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  return { records, sorted, find };
}

export function lastModifiedOf(record: RawHaloRecord): number {
  return (record as Stamped)[lastModifiedKey] ?? 0;
}

export function setLastModified(record: RawHaloRecord, at: number): void {
  (record as Stamped)[lastModifiedKey] = at;
}

/** Halo's date format: ISO without an offset, meant as UTC. */
export function haloDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23);
}
