import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { date, toCustomerRecord, toHardwareRecord, toRecord, toSoftwareRecord } from '../../halo/parse';
import type { RawHaloRecord } from '../../halo/records';

describe('Halo dates', () => {
  it('are read as UTC when they carry no offset', () => {
    assert.equal(date('2026-02-10T00:00:00')?.toISOString(), '2026-02-10T00:00:00.000Z');
    assert.equal(date('2026-02-10T13:45:30.123')?.toISOString(), '2026-02-10T13:45:30.123Z');
    assert.equal(date('2026-02-10')?.toISOString(), '2026-02-10T00:00:00.000Z');
  });

  it('respect an offset when there is one', () => {
    assert.equal(date('2026-02-10T10:00:00+02:00')?.toISOString(), '2026-02-10T08:00:00.000Z');
    assert.equal(date('2026-02-10T10:00:00Z')?.toISOString(), '2026-02-10T10:00:00.000Z');
  });

  it('mean "no date" when they are 1900-01-01 or anything before 1981', () => {
    assert.equal(date('1900-01-01T00:00:00'), null);
    assert.equal(date('0001-01-01T00:00:00'), null);
    assert.equal(date('1980-12-31T23:59:59'), null);
    assert.equal(date('1981-01-01T00:00:00')?.toISOString(), '1981-01-01T00:00:00.000Z');
  });

  it('become null when they cannot be read', () => {
    for (const odd of [
      '',
      'soon',
      '2024-02-31T00:00:00',
      '2024-13-01',
      '2024-01-01T25:00:00',
      20240101,
      null,
      undefined,
      {},
    ]) {
      assert.equal(date(odd), null, JSON.stringify(odd));
    }
  });
});

describe('a hardware record', () => {
  const raw: RawHaloRecord = {
    id: 42,
    inventory_number: '  INV-42 ',
    key_field: 'Büro-PC Zürich',
    key_field2: '',
    key_field3: 'Latitude 7440',
    client_id: 0,
    client_name: '',
    site_id: '12.0',
    site_name: 'Head Office',
    assettype_id: 3,
    assettype_name: 'Server',
    status_id: -1,
    status_name: 'Active',
    inactive: true,
    username: null,
    warranty_start: '2021-03-04T00:00:00',
    warranty_end: '1900-01-01T00:00:00',
    supplier_purchasedate: 'not a date',
    fields: [{ id: 11, name: 'CFOperatingSystem', value: 'Windows 11 Pro' }],
  };
  const record = toHardwareRecord(raw);

  it('keeps its id and the whole raw record', () => {
    assert.equal(record.haloId, 42);
    assert.equal(record.raw, raw);
  });

  it('trims text and turns empty text into null', () => {
    assert.equal(record.inventoryNumber, 'INV-42');
    assert.equal(record.keyField, 'Büro-PC Zürich');
    assert.equal(record.keyField2, null);
    assert.equal(record.customerName, null);
    assert.equal(record.username, null);
  });

  it('turns 0 and negative relations into null and reads numbers written as text', () => {
    assert.equal(record.customerHaloId, null);
    assert.equal(record.statusId, null);
    assert.equal(record.siteId, 12);
    assert.equal(record.assetTypeId, 3);
  });

  it('reads dates, with 1900 and nonsense as null', () => {
    assert.equal(record.warrantyStart?.toISOString(), '2021-03-04T00:00:00.000Z');
    assert.equal(record.warrantyEnd, null);
    assert.equal(record.purchaseDate, null);
  });

  it('takes inactive from the inactive flag', () => {
    assert.equal(record.inactive, true);
    assert.equal(toHardwareRecord({ id: 1 }).inactive, false);
  });

  it('survives a record that has nothing but an id', () => {
    const bare = toHardwareRecord({ id: 7, client_id: 'abc', warranty_end: 5, key_field: { nested: true } });
    assert.equal(bare.haloId, 7);
    assert.equal(bare.customerHaloId, null);
    assert.equal(bare.warrantyEnd, null);
    assert.equal(bare.keyField, null);
  });

  it('cannot exist without an integer id', () => {
    assert.throws(() => toHardwareRecord({ id: Number.NaN }), /no usable id/);
  });
});

describe('a customer record', () => {
  it('reads name, top level and inactive', () => {
    const record = toCustomerRecord({
      id: 5,
      name: ' Café Müller ',
      toplevel_id: 0,
      toplevel_name: '',
      inactive: false,
    });
    assert.deepEqual(
      { ...record, raw: undefined },
      {
        haloId: 5,
        name: 'Café Müller',
        toplevelId: null,
        toplevelName: null,
        inactive: false,
        raw: undefined,
      },
    );
  });

  it('gets an empty name rather than failing when Halo sends none', () => {
    assert.equal(toCustomerRecord({ id: 6 }).name, '');
  });
});

describe('a software record', () => {
  it('reads the licence fields, counts written as text included', () => {
    const record = toSoftwareRecord({
      id: 9,
      type: 1,
      name: 'Microsoft 365',
      count: '25',
      licences_in_use: 12.0,
      client_id: 14,
      site_id: 0,
      manufacturer: 'Microsoft',
      vendor: '',
      product_sku: 'CFQ7TTC0LCHC',
      status: 1,
      is_active: true,
      deleted: false,
      start_date: '2024-01-01T00:00:00',
      end_date: '1900-01-01T00:00:00',
    });
    assert.equal(record.type, '1');
    assert.equal(record.licenceCount, 25);
    assert.equal(record.licencesInUse, 12);
    assert.equal(record.customerHaloId, 14);
    assert.equal(record.siteId, null);
    assert.equal(record.vendor, null);
    assert.equal(record.status, '1');
    assert.equal(record.inactive, false);
    assert.equal(record.startDate?.toISOString(), '2024-01-01T00:00:00.000Z');
    assert.equal(record.endDate, null);
  });

  it('may have no name', () => {
    assert.equal(toSoftwareRecord({ id: 10, name: '   ' }).name, null);
  });

  it('is inactive when it is not active or is deleted', () => {
    assert.equal(toSoftwareRecord({ id: 1, is_active: false }).inactive, true);
    assert.equal(toSoftwareRecord({ id: 1, deleted: true }).inactive, true);
    assert.equal(toSoftwareRecord({ id: 1, is_active: true, deleted: false }).inactive, false);
    assert.equal(toSoftwareRecord({ id: 1 }).inactive, false);
  });
});

describe('toRecord', () => {
  it('picks the parser for the kind', () => {
    assert.equal(toRecord('customers', { id: 1, name: 'A' }).name, 'A');
    assert.equal(toRecord('hardware', { id: 2, key_field: 'H' }).keyField, 'H');
    assert.equal(toRecord('software', { id: 3, product_sku: 'S' }).productSku, 'S');
  });
});
