import type { CustomerRecord, HardwareRecord, SoftwareRecord } from '../../halo/records';

export function hardware(haloId: number, overrides: Partial<HardwareRecord> = {}): HardwareRecord {
  return {
    haloId,
    inventoryNumber: `INV-${haloId}`,
    keyField: `host-${haloId}`,
    keyField2: `SN${haloId}`,
    keyField3: 'Latitude 5440',
    customerHaloId: 12,
    customerName: 'Acme',
    siteId: 3,
    siteName: 'HQ',
    assetTypeId: 7,
    assetTypeName: 'Laptop',
    statusId: 1,
    statusName: 'Active',
    inactive: false,
    username: 'alice',
    warrantyStart: new Date('2024-01-01T00:00:00Z'),
    warrantyEnd: new Date('2027-01-01T00:00:00Z'),
    purchaseDate: null,
    parentId: null,
    raw: { id: haloId, inventory_number: `INV-${haloId}`, key_field: `host-${haloId}` },
    ...overrides,
  };
}

export function software(haloId: number, overrides: Partial<SoftwareRecord> = {}): SoftwareRecord {
  return {
    haloId,
    name: `Office ${haloId}`,
    type: 'Subscription',
    manufacturer: 'Microsoft',
    vendor: 'Reseller Ltd',
    customerHaloId: 12,
    siteId: null,
    licenceCount: 25,
    licencesInUse: 20,
    productSku: 'O365-E3',
    status: 'Active',
    inactive: false,
    startDate: new Date('2025-01-01T00:00:00Z'),
    endDate: null,
    raw: { id: haloId, name: `Office ${haloId}` },
    ...overrides,
  };
}

export function customer(haloId: number, overrides: Partial<CustomerRecord> = {}): CustomerRecord {
  return {
    haloId,
    name: `Customer ${haloId}`,
    toplevelId: 1,
    toplevelName: 'All',
    inactive: false,
    raw: { id: haloId, name: `Customer ${haloId}` },
    ...overrides,
  };
}
