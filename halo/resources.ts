// Halo's names for what the service reads, in one table: the client asks for them, the page parser reads
// the envelopes by them, and the stand-in answers with them (docs/halo-api.md §3–5).
import type { HaloKind } from './records';

export interface HaloResource {
  /** The path that lists the kind: GET {Resource Server URL}/Asset. */
  path: string;
  /** The list's key in a page's envelope: {"record_count": 12, "assets": [...]}. */
  envelopeKey: string;
  /** What the resource holds, in words, for messages. */
  label: string;
  /** The application permission Halo checks before answering. */
  permission: 'read:customers' | 'read:assets' | 'read:software';
  /** Said beside the permission where Halo's documentation leaves it unclear. */
  permissionNote?: string;
}

export const haloResources = {
  customers: { path: 'Client', envelopeKey: 'clients', label: 'customers', permission: 'read:customers' },
  hardware: { path: 'Asset', envelopeKey: 'assets', label: 'assets', permission: 'read:assets' },
  software: {
    path: 'SoftwareLicence',
    envelopeKey: 'licences',
    label: 'software licences',
    permission: 'read:software',
    // Halo does not document which of its software permissions this endpoint needs (docs/halo-api.md §5).
    permissionNote: 'software licensing',
  },
} as const satisfies Record<HaloKind, HaloResource>;

/** The paging parameters and the envelope's total, spelled as Halo spells them (`pageinate` included). */
export const haloPaging = {
  paginate: 'pageinate',
  pageSize: 'page_size',
  pageNo: 'page_no',
  recordCount: 'record_count',
} as const;
