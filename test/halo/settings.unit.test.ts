import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { haloSettingsInputSchema, haloSettingsSchema } from '../../halo/settings';

const valid = {
  resourceServerUrl: 'https://acme.haloitsm.com/api',
  authServerUrl: 'https://acme.haloitsm.com/auth',
  tenant: 'acme',
  clientId: '2b7c4d1e-0f3a-4b5c-9d8e-7f6a5b4c3d2e',
  clientSecret: '6e5d4c3b-2a19-4807-b6a5-948372615a0b-1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
};

const publicSchema = haloSettingsSchema({ allowPrivate: false });
const trialSchema = haloSettingsSchema({ allowPrivate: true });

/** The messages zod reports for one field, or [] when it accepted the input. */
function problemsWith(field: keyof typeof valid, value: unknown, schema = publicSchema): string[] {
  const result = schema.safeParse({ ...valid, [field]: value });
  if (result.success) return [];
  return result.error.issues.filter((i) => i.path[0] === field).map((i) => i.message);
}

function normalised(field: keyof typeof valid, value: string): string | undefined {
  const result = publicSchema.safeParse({ ...valid, [field]: value });
  return result.success ? result.data[field] : undefined;
}

describe('Halo settings', () => {
  it('accept the five values as Halo shows them', () => {
    assert.deepEqual(publicSchema.parse(valid), valid);
  });

  it('trim spaces and drop trailing slashes', () => {
    assert.equal(
      normalised('resourceServerUrl', '  https://acme.haloitsm.com/api/  '),
      'https://acme.haloitsm.com/api',
    );
    assert.equal(
      normalised('authServerUrl', 'https://acme.haloitsm.com/auth//'),
      'https://acme.haloitsm.com/auth',
    );
    assert.equal(normalised('clientId', `  ${valid.clientId}\n`), valid.clientId);
    assert.equal(normalised('tenant', ' acme '), 'acme');
  });

  it('add /api to a bare resource host but keep a bare authorisation host as entered', () => {
    assert.equal(
      normalised('resourceServerUrl', 'https://acme.haloitsm.com'),
      'https://acme.haloitsm.com/api',
    );
    assert.equal(
      normalised('resourceServerUrl', 'https://acme.haloitsm.com/'),
      'https://acme.haloitsm.com/api',
    );
    // Hosted auth endpoints can be a bare host whose token URL is /token; adding /auth would break them.
    assert.equal(
      normalised('authServerUrl', 'https://AUTH.haloservicedesk.com'),
      'https://auth.haloservicedesk.com',
    );
    assert.equal(
      normalised('authServerUrl', 'https://uk-trial.halopsa.com/'),
      'https://uk-trial.halopsa.com',
    );
    assert.equal(
      normalised('authServerUrl', 'https://uk-trial.halopsa.com/token'),
      'https://uk-trial.halopsa.com',
    );
    assert.equal(
      normalised('authServerUrl', 'https://acme.haloitsm.com/auth'),
      'https://acme.haloitsm.com/auth',
    );
  });

  it('keep other paths, as on-premises installs have them', () => {
    assert.equal(
      normalised('resourceServerUrl', 'https://halo.example.com/HaloAPI/api'),
      'https://halo.example.com/HaloAPI/api',
    );
    assert.equal(
      normalised('resourceServerUrl', 'https://halo.example.com:8443/api'),
      'https://halo.example.com:8443/api',
    );
  });

  it('drop a pasted /token from the authorisation URL', () => {
    assert.equal(
      normalised('authServerUrl', 'https://acme.haloitsm.com/auth/token'),
      'https://acme.haloitsm.com/auth',
    );
  });

  it('treat a missing or empty tenant as none', () => {
    const { tenant: _tenant, ...withoutTenant } = valid;
    assert.equal(publicSchema.parse(withoutTenant).tenant, '');
    assert.equal(publicSchema.parse({ ...valid, tenant: '' }).tenant, '');
    assert.equal(publicSchema.parse({ ...valid, tenant: null }).tenant, '');
  });

  it('refuse things that are not URLs, saying which URL was expected', () => {
    const [message] = problemsWith('resourceServerUrl', 'acme.haloitsm.com/api');
    assert.match(message ?? '', /expected the Resource Server URL, like https:\/\/acme\.haloitsm\.com\/api/);
    assert.match(
      problemsWith('authServerUrl', 'not a url').join(),
      /expected the Authorisation Server URL, like https:\/\/acme\.haloitsm\.com\/auth/,
    );
    assert.match(problemsWith('authServerUrl', '').join(), /Enter the Authorisation Server URL/);
    assert.match(problemsWith('resourceServerUrl', 42).join(), /string/);
  });

  it('refuse credentials, queries, fragments and other schemes', () => {
    assert.match(
      problemsWith('resourceServerUrl', 'https://me:pw@acme.haloitsm.com/api').join(),
      /user name or password/,
    );
    assert.match(
      problemsWith('resourceServerUrl', 'https://acme.haloitsm.com/api?tenant=acme').join(),
      /query/,
    );
    assert.match(problemsWith('resourceServerUrl', 'https://acme.haloitsm.com/api#top').join(), /fragment/);
    assert.match(problemsWith('resourceServerUrl', 'https://acme.haloitsm.com/api?').join(), /query/);
    assert.match(
      problemsWith('resourceServerUrl', 'ftp://acme.haloitsm.com/api').join(),
      /ftp: is not supported/,
    );
    assert.match(
      problemsWith('resourceServerUrl', `https://acme.haloitsm.com/${'a'.repeat(2050)}`).join(),
      /2048/,
    );
  });

  it('notice when the two URLs are swapped', () => {
    assert.match(
      problemsWith('resourceServerUrl', 'https://acme.haloitsm.com/auth').join(),
      /looks like the Authorisation Server URL/,
    );
    assert.match(
      problemsWith('authServerUrl', 'https://acme.haloitsm.com/api').join(),
      /looks like the Resource Server URL/,
    );
  });

  it('check the client id, secret and tenant', () => {
    assert.match(problemsWith('clientId', '').join(), /Enter the Client ID/);
    assert.match(problemsWith('clientId', 'abc def').join(), /spaces, invisible or control characters/);
    assert.match(problemsWith('clientId', 'abc\u200bdef').join(), /invisible/);
    assert.match(problemsWith('clientId', 'x'.repeat(201)).join(), /longer than 200/);
    assert.deepEqual(problemsWith('clientId', 'not-a-guid-but-fine'), []);
    assert.match(problemsWith('clientSecret', '   ').join(), /Enter the Client Secret/);
    assert.match(problemsWith('clientSecret', 'abc\u0000def').join(), /control characters/);
    assert.match(problemsWith('clientSecret', 'x'.repeat(501)).join(), /longer than 500/);
    assert.deepEqual(problemsWith('clientSecret', 'has inner spaces ok'), []);
    assert.match(
      problemsWith('tenant', 'acme/evil').join(),
      /letters, digits, dots, hyphens and underscores/,
    );
    assert.match(problemsWith('tenant', 't'.repeat(101)).join(), /longer than 100/);
  });

  it('refuse unknown keys', () => {
    const result = publicSchema.safeParse({ ...valid, password: 'x' });
    assert.equal(result.success, false);
  });

  it('report each problem on its own field', () => {
    const result = publicSchema.safeParse({ ...valid, resourceServerUrl: 'nope', clientId: '' });
    assert.equal(result.success, false);
    const fields = result.error?.issues.map((i) => i.path.join('.')).sort();
    assert.deepEqual(fields, ['clientId', 'resourceServerUrl']);
  });
});

describe('Halo settings on a public deployment', () => {
  const privateHosts = [
    'http://acme.haloitsm.com/api',
    'https://localhost/api',
    'https://app.localhost/api',
    'https://127.0.0.1/api',
    'https://127.1.2.3/api',
    'https://10.0.0.8/api',
    'https://172.16.0.1/api',
    'https://172.31.255.255/api',
    'https://192.168.1.10/api',
    'https://169.254.169.254/api',
    'https://100.64.0.1/api',
    'https://0.0.0.0/api',
    'https://2130706433/api',
    'https://0x7f000001/api',
    'https://[::1]/api',
    'https://[::]/api',
    'https://[fc00::1]/api',
    'https://[fd12:3456::1]/api',
    'https://[fe80::1]/api',
    'https://[::ffff:127.0.0.1]/api',
    'https://[::ffff:a00:1]/api',
  ];
  for (const url of privateHosts) {
    it(`refuse ${url}`, () => {
      assert.notDeepEqual(problemsWith('resourceServerUrl', url), []);
    });
  }

  it('say why a private host is refused', () => {
    assert.match(
      problemsWith('authServerUrl', 'https://169.254.169.254/auth').join(),
      /link-local or cloud metadata address/,
    );
    assert.match(problemsWith('authServerUrl', 'http://acme.haloitsm.com/auth').join(), /must use https/);
  });

  it('accept public hosts, including public IP addresses', () => {
    assert.deepEqual(problemsWith('resourceServerUrl', 'https://172.32.0.1/api'), []);
    assert.deepEqual(problemsWith('resourceServerUrl', 'https://[2606:4700::1111]/api'), []);
  });

  it('allow http on 127.0.0.1 for trials', () => {
    assert.deepEqual(problemsWith('resourceServerUrl', 'http://127.0.0.1:8484/api', trialSchema), []);
    assert.equal(
      haloSettingsInputSchema.parse({ ...valid, authServerUrl: 'http://localhost:8484' }).authServerUrl,
      'http://localhost:8484',
    );
  });
});
