import assert from 'node:assert/strict';
import type { Sql } from 'postgres';
import type { HaloStandin } from '../../standin';

const tableOf = { customers: 'customers', hardware: 'hardware_assets', software: 'software_assets' } as const;
const dataOf = { customers: 'customers', hardware: 'assets', software: 'licences' } as const;

/** The database holds exactly the stand-in tenant's records: same ids, same content, nothing else live. */
export async function assertMatchesStandin(
  sql: Sql,
  integrationId: string,
  standin: HaloStandin,
  kinds: (keyof typeof tableOf)[] = ['customers', 'hardware', 'software'],
): Promise<void> {
  for (const kind of kinds) {
    const rows = await sql<{ halo_id: number; raw: Record<string, unknown> }[]>`
      select halo_id, raw from ${sql(tableOf[kind])}
      where integration_id = ${integrationId} and deleted_at is null order by halo_id`;
    const expected = [...(standin.data[dataOf[kind]] as { id: number }[])].sort((a, b) => a.id - b.id);
    assert.equal(rows.length, expected.length, `${kind}: row count`);
    for (let i = 0; i < expected.length; i++) {
      assert.equal(rows[i]!.halo_id, expected[i]!.id, `${kind}: id at position ${i}`);
      assert.deepStrictEqual(
        rows[i]!.raw,
        JSON.parse(JSON.stringify(expected[i])),
        `${kind} ${expected[i]!.id}: content`,
      );
    }
  }
}
