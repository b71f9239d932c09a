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
  ];
  const publicOnes = [
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '2001:db8::1',
  ];

  it('are recognised in every form', () => {
    for (const ip of privateOnes) assert.ok(privateAddressReason(ip), ip);
  });

  it('do not include public addresses', () => {
    for (const ip of publicOnes) assert.equal(privateAddressReason(ip), undefined, ip);
  });
});
