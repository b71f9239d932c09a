import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { describe, it } from 'node:test';
import { HaloUnreachableError, HaloUrlRejectedError } from '../../halo/errors';
import { privateAddressReason } from '../../halo/private-address';
import { assertHostAllowed, guardedLookup, urlRejectedCode } from '../../halo/url-guard';

const resolvesTo =
  (...addresses: string[]) =>
  (): Promise<LookupAddress[]> =>
    Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

describe('the URL guard', () => {
  it('lets a host through when every address it resolves to is public', async () => {
    await assertHostAllowed(new URL('https://acme.haloitsm.com/api'), {
      allowPrivate: false,
      lookup: resolvesTo('93.184.216.34', '2606:2800:220:1::1'),
    });
  });

  it('refuses a host when any address it resolves to is private', async () => {
    const error = await assertHostAllowed(new URL('https://rebind.example/api'), {
      allowPrivate: false,
      lookup: resolvesTo('93.184.216.34', '10.1.2.3'),
    }).catch((e: unknown) => e);
    assert.ok(error instanceof HaloUrlRejectedError);
    assert.equal(error.host, 'rebind.example');
    assert.match(error.message, /resolves to 10\.1\.2\.3, a private address/);
  });

  it('refuses localhost and plain http without asking DNS', async () => {
    const noDns = () => Promise.reject(new Error('DNS must not be asked'));
    for (const url of ['https://localhost/api', 'http://acme.haloitsm.com/api']) {
      const error = await assertHostAllowed(new URL(url), { allowPrivate: false, lookup: noDns }).catch(
        (e: unknown) => e,
      );
      assert.ok(error instanceof HaloUrlRejectedError, url);
    }
  });

  it('reports a name that does not resolve as unreachable', async () => {
    const notFound = () =>
      Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    const error = await assertHostAllowed(new URL('https://nowhere.invalid/api'), {
      allowPrivate: false,
      lookup: notFound,
    }).catch((e: unknown) => e);
    assert.ok(error instanceof HaloUnreachableError);
    assert.match(error.message, /Could not resolve the Halo host nowhere\.invalid \(ENOTFOUND\)/);
  });

  it('refuses at connect time too, so a name cannot change its address after the check', async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      guardedLookup('localhost', {}, (err) => resolve(err));
    });
    assert.equal(error?.code, urlRejectedCode);
    assert.match(error?.message ?? '', /localhost resolves to .*loopback/);
  });

  it('does nothing when private addresses are allowed', async () => {
    await assertHostAllowed(new URL('http://127.0.0.1:1/api'), { allowPrivate: true });
  });
});

describe('private addresses', () => {
  const privateOnes = [
    '127.0.0.1',
    '10.255.0.1',
    '172.20.1.1',
    '192.168.0.1',
    '169.254.169.254',
    '100.127.255.254',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fc00::1',
    'fdff::1',
    'fe80::1%eth0',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:192.168.1.1',
    '64:ff9b::10.0.0.1',
    '2002:c0a8:0101::1',
    '[::1]',
    // Found by review: each of these used to pass.
    '::ffff:0:7f00:1', // IPv4-translated (RFC 6145) loopback
    '::ffff:0:a00:1', // IPv4-translated 10.0.0.1
    '64:ff9b:1::a00:1', // local-use NAT64 (RFC 8215)
    '64:ff9b:1::808:808', // local-use NAT64 even towards a public address: the operator's own translator
    '2001:0:a00:1::1', // Teredo whose server is 10.0.0.1
    '2001:0:4136:e378:8000:63bf:80ff:fffe', // Teredo whose client is 127.0.0.1
    '168.63.129.16', // Azure's wire server
    '::ffff:168.63.129.16',
    // Special-purpose ranges a hand list missed.
    '192.0.2.1',
    '198.51.100.7',
    '203.0.113.9',
    '192.88.99.1',
    '2001:db8::1',
    '100::1',
    '::10.0.0.1',
    '::8.8.8.8',
  ];
  const publicOnes = [
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '2a00:1450:4009:80b::200e',
    '20.50.2.1',
    '64:ff9b::808:808', // well-known NAT64 towards 8.8.8.8
    '2002:808:808::1', // 6to4 of 8.8.8.8
    '2001:0:4136:e378:8000:63bf:f7f7:f7f7', // Teredo, public server and client 8.8.8.8
  ];

  it('are recognised in every form', () => {
    for (const ip of privateOnes) assert.ok(privateAddressReason(ip), ip);
  });

  it('name what they are', () => {
    assert.equal(privateAddressReason('10.0.0.1'), 'a private address');
    assert.equal(privateAddressReason('::ffff:0:7f00:1'), 'a loopback address');
    assert.match(privateAddressReason('168.63.129.16') ?? '', /Azure/);
    assert.equal(privateAddressReason('64:ff9b:1::808:808'), 'a local-use NAT64 address');
  });

  it('are refused by the guard when a name resolves to one of the newly found forms', async () => {
    for (const address of ['::ffff:0:a00:1', '64:ff9b:1::a00:1', '2001:0:a00:1::1', '168.63.129.16']) {
      const error = await assertHostAllowed(new URL('https://sneaky.example/api'), {
        allowPrivate: false,
        lookup: resolvesTo(address),
      }).catch((e: unknown) => e);
      assert.ok(error instanceof HaloUrlRejectedError, address);
    }
  });

  it('do not include public addresses', () => {
    for (const ip of publicOnes) assert.equal(privateAddressReason(ip), undefined, ip);
  });
});
