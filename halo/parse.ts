// Raw Halo records to the typed shapes in records.ts, following docs/halo-api.md §8. A record only needs its
// integer id: any other odd value becomes null rather than failing a sync over one field.
import { HaloBadResponseError } from './errors';
import type {
  CustomerRecord,
  HaloKind,
  HardwareRecord,
  RawHaloRecord,
  RecordOfKind,
  SoftwareRecord,
} from './records';

// Halo writes 1900-01-01 (and similar) for "no date"; djpsa treats everything up to 1980 that way.
const firstRealDate = Date.UTC(1981, 0, 1);
const isoLike =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

export function toCustomerRecord(raw: RawHaloRecord): CustomerRecord {
  return {
    haloId: idOf(raw, 'customer'),
    name: text(raw['name']) ?? '',
    toplevelId: relation(raw['toplevel_id']),
    toplevelName: text(raw['toplevel_name']),
    inactive: flag(raw['inactive']) ?? false,
    raw,
  };
}

export function toHardwareRecord(raw: RawHaloRecord): HardwareRecord {
  return {
    haloId: idOf(raw, 'asset'),
    inventoryNumber: text(raw['inventory_number']),
    keyField: text(raw['key_field']),
    keyField2: text(raw['key_field2']),
    keyField3: text(raw['key_field3']),
    customerHaloId: relation(raw['client_id']),
    customerName: text(raw['client_name']),
    siteId: relation(raw['site_id']),
    siteName: text(raw['site_name']),
    assetTypeId: relation(raw['assettype_id']),
    assetTypeName: text(raw['assettype_name']),
    statusId: relation(raw['status_id']),
    statusName: text(raw['status_name']),
    inactive: flag(raw['inactive']) ?? false,
    username: text(raw['username']),
    warrantyStart: date(raw['warranty_start']),
    warrantyEnd: date(raw['warranty_end']),
    purchaseDate: date(raw['supplier_purchasedate']),
    parentId: relation(raw['parent_id']),
    raw,
  };
}

export function toSoftwareRecord(raw: RawHaloRecord): SoftwareRecord {
  return {
    haloId: idOf(raw, 'software licence'),
    name: text(raw['name']),
    type: text(raw['type']),
    manufacturer: text(raw['manufacturer']),
    vendor: text(raw['vendor']),
    customerHaloId: relation(raw['client_id']),
    siteId: relation(raw['site_id']),
    licenceCount: integer(raw['count']),
    licencesInUse: integer(raw['licences_in_use']),
    productSku: text(raw['product_sku']),
    status: text(raw['status']),
    inactive: flag(raw['is_active']) === false || flag(raw['deleted']) === true,
    startDate: date(raw['start_date']),
    endDate: date(raw['end_date']),
    raw,
  };
}

const parsers: { [K in HaloKind]: (raw: RawHaloRecord) => RecordOfKind[K] } = {
  customers: toCustomerRecord,
  hardware: toHardwareRecord,
  software: toSoftwareRecord,
};

export function toRecord<K extends HaloKind>(kind: K, raw: RawHaloRecord): RecordOfKind[K] {
  return parsers[kind](raw);
}

function idOf(raw: RawHaloRecord, what: string): number {
  const id = integer(raw.id);
  if (id === null || id < 1) {
    throw new HaloBadResponseError({
      message: `A Halo ${what} record has no usable id (${JSON.stringify(raw.id)})`,
    });
  }
  return id;
}

/** Trimmed text; empty becomes null. Numbers are accepted because Halo types some codes loosely. */
export function text(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** An integer from 12, 12.0 or "12"; anything else is null. */
export function integer(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : null;
}

/** A reference to another record; Halo sends 0 (or -1) for "none". */
export function relation(value: unknown): number | null {
  const id = integer(value);
  return id !== null && id > 0 ? id : null;
}

export function flag(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 'true' || value === 'True' || value === '1') return true;
  if (value === 0 || value === 'false' || value === 'False' || value === '0') return false;
  return null;
}

/** Halo's offset-less ISO dates as UTC instants; "no date" values and nonsense become null. */
export function date(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const m = isoLike.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = m;
  const ms = Math.floor(Number(`0.${frac}`) * 1000);
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(local);
  // Date.UTC rolls 2024-02-31 over into March; such values are not dates.
  if (
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    return null;
  }
  const at = local - offsetMinutes(zone) * 60_000;
  return at < firstRealDate ? null : new Date(at);
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.replace(':', '');
  const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
  return digits.startsWith('-') ? -minutes : minutes;
}
