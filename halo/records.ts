// Typed shapes of the three Halo record kinds we keep. Each keeps the whole Halo record in `raw`
// because Halo adds fields over time and people want to see them.

export type HaloKind = 'customers' | 'hardware' | 'software';

export type RawHaloRecord = { id: number } & Record<string, unknown>;

export interface CustomerRecord {
  haloId: number;
  name: string;
  toplevelId: number | null;
  toplevelName: string | null;
  inactive: boolean;
  raw: RawHaloRecord;
}

export interface HardwareRecord {
  haloId: number;
  inventoryNumber: string | null;
  keyField: string | null;
  keyField2: string | null;
  keyField3: string | null;
  customerHaloId: number | null;
  customerName: string | null;
  siteId: number | null;
  siteName: string | null;
  assetTypeId: number | null;
  assetTypeName: string | null;
  statusId: number | null;
  statusName: string | null;
  inactive: boolean;
  username: string | null;
  /** UTC instants; Halo's "no date" values (1900-01-01, anything up to 1980) become null. */
  warrantyStart: Date | null;
  warrantyEnd: Date | null;
  purchaseDate: Date | null;
  /** The parent asset's Halo id for a child asset; null for a top-level one (Halo sends 0). */
  parentId: number | null;
  raw: RawHaloRecord;
}

export interface SoftwareRecord {
  haloId: number;
  name: string | null;
  type: string | null;
  manufacturer: string | null;
  vendor: string | null;
  customerHaloId: number | null;
  siteId: number | null;
  licenceCount: number | null;
  licencesInUse: number | null;
  productSku: string | null;
  status: string | null;
  inactive: boolean;
  startDate: Date | null;
  endDate: Date | null;
  raw: RawHaloRecord;
}

export interface RecordOfKind {
  customers: CustomerRecord;
  hardware: HardwareRecord;
  software: SoftwareRecord;
}
