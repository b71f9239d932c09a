// How synced rows are shown: typed fields in camelCase, the customer as an object, the raw record on request.
import type { RowOfKind } from '../db/records-repository';

const iso = (d: Date | null) => d?.toISOString() ?? null;
const ref = (id: number | null, name: string | null) =>
  id === null && name === null ? null : { haloId: id, name };

type AnyRow = RowOfKind[keyof RowOfKind];
/** Every kind's first fields: which record of which integration. */
const ids = (row: AnyRow) => ({ haloId: row.haloId, integrationId: row.integrationId });
/** Every kind's last fields: when it last changed here, whether Halo still has it, and Halo's own record. */
const versions = (row: AnyRow, withRaw: boolean) => ({
  updatedAt: iso(row.updatedAt),
  deletedAt: iso(row.deletedAt),
  ...(withRaw ? { raw: row.raw } : {}),
});

export function hardwareView(row: RowOfKind['hardware'], withRaw = false) {
  return {
    kind: 'hardware' as const,
    ...ids(row),
    inventoryNumber: row.inventoryNumber,
    keyField: row.keyField,
    keyField2: row.keyField2,
    keyField3: row.keyField3,
    customer: ref(row.customerHaloId, row.customerName),
    site: ref(row.siteId, row.siteName),
    assetType: ref(row.assetTypeId, row.assetTypeName),
    status: ref(row.statusId, row.statusName),
    inactive: row.inactive,
    username: row.username,
    warrantyStart: iso(row.warrantyStart),
    warrantyEnd: iso(row.warrantyEnd),
    purchaseDate: iso(row.purchaseDate),
    parentId: row.parentId,
    ...versions(row, withRaw),
  };
}

/** A short reference to another hardware asset: its id and the name people know it by. */
export function assetRef(row: RowOfKind['hardware']) {
  return {
    haloId: row.haloId,
    name: row.keyField ?? row.inventoryNumber ?? `Asset ${row.haloId}`,
    deletedAt: iso(row.deletedAt),
  };
}

export function softwareView(row: RowOfKind['software'], withRaw = false) {
  return {
    kind: 'software' as const,
    ...ids(row),
    name: row.name,
    type: row.type,
    manufacturer: row.manufacturer,
    vendor: row.vendor,
    customer: ref(row.customerHaloId, null),
    siteId: row.siteId,
    licenceCount: row.licenceCount,
    licencesInUse: row.licencesInUse,
    productSku: row.productSku,
    status: row.status,
    inactive: row.inactive,
    startDate: iso(row.startDate),
    endDate: iso(row.endDate),
    ...versions(row, withRaw),
  };
}

export function customerView(row: RowOfKind['customers'], withRaw = false) {
  return {
    ...ids(row),
    name: row.name,
    topLevel: ref(row.toplevelId, row.toplevelName),
    inactive: row.inactive,
    ...versions(row, withRaw),
  };
}
