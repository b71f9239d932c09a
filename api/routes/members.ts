import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
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
import type { AppDeps } from '../deps';
import { audit } from '../audit';
import { accountOf } from '../auth';
import { ApiError, notFound } from '../errors';
import { memberSchema, memberView, newKeySchema } from '../people-views';
import { errorResponse, idParams as idOf, noBody } from '../route-schemas';
import { apiKeyBody, issueApiKey } from './api-keys';

const idParams = idOf('Member');
const tags = ['People and audit'];
const lastAdminError = { 409: errorResponse('last_admin: the account would be left without an admin') };

const name = z.string({ error: 'expected a string' }).trim().min(1).max(200);
const role = z.enum(roles).describe('admin, sync_manager ("Manage Sync Settings") or viewer');
export const memberBody = z.strictObject({ name, role });
export const memberPatch = z.strictObject({ name: name.optional(), role: role.optional() });

const lastAdmin = () =>
  new ApiError('last_admin', 'An account keeps at least one admin; make someone else admin first.');

/** The account's people and their roles: admins only (api/permissions.ts). */
export const memberRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const getMembersSchema = {
    tags,
    summary: "The account's members and their roles",
    response: { 200: z.object({ items: z.array(memberSchema) }).describe('All of them') },
  };
  app.get('/members', { schema: getMembersSchema }, async (request) => ({
    items: (await listMembers(deps.db, accountOf(request).id)).map(memberView),
  }));

  // A member cannot sign in without a key, so adding one also creates their first key, shown once.
  const postMembersSchema = {
    tags,
    summary: 'Add a member with a role; answers their first API key, once',
    body: memberBody,
    response: { 201: z.object({ member: memberSchema, apiKey: newKeySchema }).describe('Added') },
  };
  app.post('/members', { schema: postMembersSchema }, async (request, reply) => {
    const member = await insertMember(deps.db, { accountId: accountOf(request).id, ...request.body });
    await audit(request, 'member.added', { memberId: member.id, name: member.name, role: member.role });
    const apiKey = await issueApiKey(deps, request, member.id, { name: 'First key' });
    return reply.code(201).send({ member: memberView(member), apiKey });
  });

  const patchMembersIdSchema = {
    tags,
    summary: "Change a member's name or role",
    params: idParams,
    body: memberPatch,
    response: { 200: memberSchema.describe('The member now'), ...lastAdminError },
  };
  app.patch('/members/:id', { schema: patchMembersIdSchema }, async (request) => {
    const { id } = request.params;
    const body = request.body;
    const accountId = accountOf(request).id;
    const { before, after } = await deps.db.transaction(async (tx) => {
      const current = await findMember(tx, accountId, id);
      if (!current) throw notFound('Member');
      const demoted = current.role === 'admin' && body.role !== undefined && body.role !== 'admin';
      if (demoted && !(await hasOtherAdmin(tx, accountId, current.id))) throw lastAdmin();
      const patch = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
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
  const deleteMembersIdSchema = {
    tags,
    summary: 'Remove a member; their keys stop working at once',
    params: idParams,
    response: { 204: noBody('Removed'), ...lastAdminError },
  };
  app.delete('/members/:id', { schema: deleteMembersIdSchema }, async (request, reply) => {
    const { id } = request.params;
    const accountId = accountOf(request).id;
    const removed = await deps.db.transaction(async (tx) => {
      const current = await findMember(tx, accountId, id);
      if (!current) throw notFound('Member');
      if (current.role === 'admin' && !(await hasOtherAdmin(tx, accountId, current.id))) throw lastAdmin();
      await deleteMember(tx, accountId, current.id);
      return current;
    });
    await audit(request, 'member.removed', {
      memberId: removed.id,
      name: removed.name,
      role: removed.role,
    });
    return reply.code(204).send();
  });

  const postMembersIdApiKeysSchema = {
    tags,
    summary: 'Create an API key for a member (shown once)',
    params: idParams,
    body: apiKeyBody,
    response: { 201: newKeySchema.describe('The new key') },
  };
  app.post('/members/:id/api-keys', { schema: postMembersIdApiKeysSchema }, async (request, reply) => {
    const member = await findMember(deps.db, accountOf(request).id, request.params.id);
    if (!member) throw notFound('Member');
    return reply.code(201).send(await issueApiKey(deps, request, member.id, request.body));
  });
};
