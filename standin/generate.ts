// A deterministic Halo tenant from a seed: the same seed gives the same records, byte for byte, so tests
// and benchmarks can compare runs. Field names and oddities follow docs/halo-api.md §3–5 and §8: ids with gaps,
// `0` for empty relations, 1900-01-01 for "no date", names with stray spaces and non-ASCII characters.
// Strings that repeat (names, dates, models) come from small pools so a million assets stay affordable.
import type { RawHaloRecord } from '../halo/records';
import { lastModifiedKey } from './store';

export interface GenerateOptions {
  seed: number;
  customers: number;
  assets: number;
  licences: number;
}

export interface GeneratedTenant {
  customers: RawHaloRecord[];
  assets: RawHaloRecord[];
  licences: RawHaloRecord[];
}

/** mulberry32: tiny, fast and good enough for test data. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const noDate = '1900-01-01T00:00:00';
const companyStems = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Hooli',
  'Vandelay',
  'Soylent',
  'Tyrell',
];
const companyOdd = [
  'Café Müller & Söhne',
  '  Brückner Bau GmbH  ',
  '東京データ株式会社',
  "O'Brien <Lab> & Co",
  'Zoë’s Bäckerei',
];
const suffixes = ['Ltd', 'GmbH', 'Inc', 'BV', 'SARL', 'Pty Ltd'];
const toplevels = [
  { id: 1, name: 'Managed Services' },
  { id: 2, name: 'Projects' },
  { id: 3, name: 'Internal' },
];
const siteNames = ['Head Office', 'Warehouse', 'Zürich Büro', 'Remote Workers', 'Data Centre'];
const assetTypes = [
  { id: 1, name: 'Laptop', code: 'LT', models: ['Latitude 7440', 'ThinkPad T14 Gen 4', 'MacBook Pro 14"'] },
  { id: 2, name: 'Desktop', code: 'PC', models: ['OptiPlex 7010', 'ThinkCentre M70q', 'iMac 24"'] },
  { id: 3, name: 'Server', code: 'SRV', models: ['PowerEdge R650', 'ProLiant DL380 Gen10'] },
  { id: 4, name: 'Printer', code: 'PRN', models: ['LaserJet M507', 'ECOSYS P3145dn'] },
  { id: 5, name: 'Firewall', code: 'FW', models: ['FortiGate 60F', 'SonicWall TZ370'] },
  { id: 7, name: 'Mobile Phone', code: 'MOB', models: ['iPhone 15', 'Galaxy S24'] },
];
const statuses = [
  { id: 1, name: 'Active' },
  { id: 2, name: 'In Storage' },
  { id: 4, name: 'In Repair' },
];
const retired = { id: 3, name: 'Retired' };
const oddHostnames = ['Büro-PC Zürich', 'Kasse 🖥️ 3', '  RECEPTION-PC  ', '東京-サーバー-01', 'naïve—host'];
const operatingSystems = [
  'Windows 11 Pro',
  'Windows 10 Pro',
  'Windows Server 2022',
  'macOS 14',
  'iOS 17',
  '',
];
const users = ['', 'jane.doe@acme.example', 'j.smith', 'Renée Lefèvre', 'admin'];
const products = [
  { name: 'Microsoft 365 Business Premium', manufacturer: 'Microsoft', sku: 'CFQ7TTC0LCHC' },
  { name: 'Adobe Acrobat Pro', manufacturer: 'Adobe', sku: '65324059BA01A12' },
  { name: 'Sophos Intercept X', manufacturer: 'Sophos', sku: 'CIXA1CSAA' },
  { name: 'AutoCAD LT', manufacturer: 'Autodesk', sku: '057P1-WW3740-L562' },
  { name: '  Veeam Backup — Essentials ', manufacturer: 'Veeam', sku: '' },
  { name: '', manufacturer: '', sku: '' },
];
const vendors = ['Pax8', 'Ingram Micro', 'TD SYNNEX', ''];

/** Offset-less ISO date-times, as Halo writes them, for every 7th day from 2015 on. */
const datePool = Array.from({ length: 600 }, (_, i) =>
  new Date(Date.UTC(2015, 0, 1) + i * 7 * 86_400_000).toISOString().slice(0, 19),
);
const ramSizes = [8, 16, 32, 64].map((gb) => ({ value: String(gb), display: `${gb} GB` }));

/** Ten upper-case letters and digits from two draws; a per-character loop costs seconds at a million assets. */
function serialOf(random: () => number): string {
  const part = (): string =>
    Math.floor(random() * 36 ** 5)
      .toString(36)
      .padStart(5, '0');
  return (part() + part()).toUpperCase();
}

export function generateTenant(opts: GenerateOptions): GeneratedTenant {
  const random = createRandom(opts.seed);
  const int = (n: number): number => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const nextId = (prev: number): number => prev + 1 + (random() < 0.15 ? 1 + int(6) : 0);

  const customers: RawHaloRecord[] = [];
  const sitesOf: { id: number; name: string }[][] = [];
  let id = 1 + int(5);
  let siteId = 100;
  for (let i = 0; i < opts.customers; i++) {
    const toplevel = random() < 0.05 ? { id: 0, name: '' } : pick(toplevels);
    const stem = random() < 0.04 ? pick(companyOdd) : `${pick(companyStems)} ${pick(suffixes)}`;
    const created = int(datePool.length - 100);
    customers.push({
      id,
      name: `${stem} ${i + 1}`,
      toplevel_id: toplevel.id,
      toplevel_name: toplevel.name,
      inactive: random() < 0.06,
      datecreated: datePool[created],
      alastupdate: datePool[created + int(100)],
      customfields: random() < 0.3 ? [{ id: 201, name: 'CFAccountManager', value: pick(users) }] : [],
    });
    sitesOf.push(
      Array.from({ length: 1 + int(3) }, (_, k) => ({ id: siteId++, name: siteNames[k] ?? 'Site' })),
    );
    id = nextId(id);
  }

  const assets: RawHaloRecord[] = new Array<RawHaloRecord>(opts.assets);
  const now = Date.now();
  id = 1 + int(10);
  for (let i = 0; i < opts.assets; i++) {
    const c = customers.length > 0 && random() >= 0.02 ? int(customers.length) : -1;
    const customer = customers[c];
    const site = c >= 0 ? pick(sitesOf[c]!) : { id: 0, name: '' };
    const type = pick(assetTypes);
    const inactive = random() < 0.07;
    const status = inactive ? retired : pick(statuses);
    const start = int(datePool.length - 160);
    const serial = serialOf(random);
    const os = pick(operatingSystems);
    const ram = pick(ramSizes);
    const hasIntune = random() < 0.3;
    assets[i] = {
      id,
      inventory_number: random() < 0.1 ? '' : `INV-${String(i + 1).padStart(7, '0')}`,
      key_field: random() < 0.01 ? pick(oddHostnames) : `${type.code}-${String(i + 1).padStart(6, '0')}`,
      key_field2: serial,
      key_field3: pick(type.models),
      client_id: customer ? customer.id : 0,
      client_name: customer ? customer['name'] : '',
      site_id: site.id,
      site_name: site.name,
      assettype_id: type.id,
      assettype_name: type.name,
      status_id: status.id,
      status_name: status.name,
      inactive,
      username: pick(users),
      warranty_start: random() < 0.1 ? noDate : datePool[start],
      warranty_end: random() < 0.12 ? noDate : datePool[start + 156],
      supplier_purchasedate: random() < 0.15 ? noDate : datePool[start],
      device_number: i + 1,
      parent_id: 0,
      supplier_id: random() < 0.5 ? 0 : 1 + int(5),
      contract_id: 0,
      fields: [
        { id: 11, name: 'CFOperatingSystem', value: os, display: os },
        { id: 12, name: 'CFRamGb', value: ram.value, display: ram.display },
      ],
      intune_id: hasIntune ? `${serial.toLowerCase()}-0000-4000-8000-${String(id).padStart(12, '0')}` : '',
      ninjarmm_id: random() < 0.4 ? 10_000 + i : 0,
      // Hidden from JSON: only the detail endpoint and the lastupdatefromdate filter read it.
      [lastModifiedKey]: now - int(400) * 86_400_000 - int(86_400_000),
    };
    // Every 20th asset is a child of the one before (a monitor on a desktop, a disk in a server): Halo
    // lists it only when asked with includechildren=true. Derived, not drawn, so the random sequence and
    // every other record stay as they were.
    const parent = i % 20 === 19 ? assets[i - 1] : undefined;
    if (parent) {
      Object.assign(assets[i]!, {
        parent_id: parent.id,
        client_id: parent['client_id'],
        client_name: parent['client_name'],
        site_id: parent['site_id'],
        site_name: parent['site_name'],
      });
    }
    id = nextId(id);
  }

  const licences: RawHaloRecord[] = [];
  id = 1 + int(3);
  for (let i = 0; i < opts.licences; i++) {
    const product = pick(products);
    const c = random() < 0.05 ? -1 : int(customers.length);
    const customer = customers[c];
    const count = 5 + int(200);
    const inUse = int(count + 1);
    const start = int(datePool.length - 60);
    licences.push({
      id,
      type: random() < 0.4 ? 1 : 0,
      name: product.name,
      // Some tenants hand back numbers as strings.
      count: random() < 0.05 ? String(count) : count,
      client_id: customer ? customer.id : 0,
      site_id: sitesOf[c]?.[0]?.id ?? 0,
      manufacturer: product.manufacturer,
      vendor: pick(vendors),
      start_date: random() < 0.1 ? noDate : datePool[start],
      end_date: random() < 0.2 ? noDate : datePool[start + 52],
      status: random() < 0.9 ? 1 : 2,
      is_active: random() >= 0.1,
      deleted: random() < 0.03,
      licences_in_use: inUse,
      licences_available: count - inUse,
      product_sku: product.sku,
      billing_cycle: pick(['Monthly', 'Annual', '']),
    });
    id = nextId(id);
  }
  return { customers, assets, licences };
}
