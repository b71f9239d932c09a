import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  deleteMember,
  findMember,
  hasOtherAdmin,
  insertMember,
  listMembers,
  updateMember,
} from '../../db/members-repository';
import { roles } from '../../db/schema/members';
import type { AppDeps } from '../app';
import { audit } from '../audit';
import { accountOf } from '../auth';
import { ApiError, invalidRequest, notFound } from '../errors';
import { memberView } from '../people-views';
import { apiKeyBody, issueApiKey } from './api-keys';
import { idParams } from './integrations';

const name = z.string({ error: 'expected a string' }).trim().min(1).max(200);
const role = z.enum(roles).describe('admin, sync_manager ("Manage Sync Settings") or viewer');
export const memberBody = z.strictObject({ name, role });
export const memberPatch = z.strictObject({ name: name.optional(), role: role.optional() });

const lastAdmin = () =>
  new ApiError('last_admin', 'An account keeps at least one admin; make someone else admin first.');

/** The account's people and their roles: admins only (api/permissions.ts). */
export const memberRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get('/members', async (request) => ({
    items: (await listMembers(deps.db, accountOf(request).id)).map(memberView),
  }));

  // A member cannot sign in without a key, so adding one also creates their first key, shown once.
  app.post('/members', async (request, reply) => {
    const body = memberBody.safeParse(request.body ?? {});
    if (!body.success) throw invalidRequest(body.error, 'body');
    const member = await insertMember(deps.db, { accountId: accountOf(request).id, ...body.data });
    await audit(request, 'member.added', { memberId: member.id, name: member.name, role: member.role });
    const apiKey = await issueApiKey(deps, request, member.id, { name: 'First key' });
    return reply.code(201).send({ member: memberView(member), apiKey });
  });

  app.patch('/members/:id', async (request) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) throw notFound('Member');
    const body = memberPatch.safeParse(request.body ?? {});
    if (!body.success) throw invalidRequest(body.error, 'body');
    const accountId = accountOf(request).id;
    const { before, after } = await deps.db.transaction(async (tx) => {
      const current = await findMember(tx, accountId, params.data.id);
      if (!current) throw notFound('Member');
      const demoted = current.role === 'admin' && body.data.role !== undefined && body.data.role !== 'admin';
      if (demoted && !(await hasOtherAdmin(tx, accountId, current.id))) throw lastAdmin();
      const patch = Object.fromEntries(Object.entries(body.data).filter(([, v]) => v !== undefined));
      const updated = await updateMember(tx, accountId, current.id, patch);
      if (!updated) throw notFound('Member');
      return { before: current, after: updated };
    });
    const changes = Object.fromEntries(
      (['name', 'role'] as const)
        .filter((field) => before[field] !== after[field])
        .map((field) => [field, { from: before[field], to: after[field] }]),
    );
    if (Object.keys(changes).length > 0)
      await audit(request, 'member.updated', { memberId: after.id, changes });
    return memberView(after);
  });

  // Their keys go with them (ON DELETE CASCADE), so they stop working at the next request.
  app.delete('/members/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) throw notFound('Member');
    const accountId = accountOf(request).id;
    const removed = await deps.db.transaction(async (tx) => {
      const current = await findMember(tx, accountId, params.data.id);
      if (!current) throw notFound('Member');
      if (current.role === 'admin' && !(await hasOtherAdmin(tx, accountId, current.id))) throw lastAdmin();
      await deleteMember(tx, accountId, current.id);
      return current;
    });
    await audit(request, 'member.removed', { memberId: removed.id, name: removed.name, role: removed.role });
    return reply.code(204).send();
  });

  app.post('/members/:id/api-keys', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    const member = params.success ? await findMember(deps.db, accountOf(request).id, params.data.id) : null;
    if (!member) throw notFound('Member');
    const body = apiKeyBody.safeParse(request.body ?? {});
    if (!body.success) throw invalidRequest(body.error, 'body');
    return reply.code(201).send(await issueApiKey(deps, request, member.id, body.data));
  });
};
