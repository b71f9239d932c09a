import type { Database } from '../../db/client';
import { createAccount } from '../../db/accounts-repository';
import { createApiKey } from '../../db/api-keys-repository';
import { insertMember } from '../../db/members-repository';
import type { Role } from '../../db/schema/index';

export interface TeamMember {
  id: string;
  name: string;
  key: string;
}

/** An account with one member of each role, each holding a key, as an admin would have set them up. */
export async function createTeam(db: Database, name = 'Team MSP') {
  const account = await createAccount(db, name, 'Ada Admin');
  const add = async (memberName: string, role: Role): Promise<TeamMember> => {
    const member = await insertMember(db, { accountId: account.accountId, name: memberName, role });
    const { key } = await createApiKey(db, {
      accountId: account.accountId,
      memberId: member.id,
      name: `${memberName}'s key`,
    });
    return { id: member.id, name: memberName, key };
  };
  const admin: TeamMember = { id: account.memberId, name: 'Ada Admin', key: account.apiKey };
  return {
    accountId: account.accountId,
    admin,
    sync_manager: await add('Sam Syncer', 'sync_manager'),
    viewer: await add('Vic Viewer', 'viewer'),
  };
}
