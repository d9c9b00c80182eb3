import { Application, ApiToken, issueToken, revokeToken, tokenScopeList } from '@argus/shared';
import type { ActionContext, ActionRequest, ActionResponse, ResourceWithOptions } from 'adminjs';
import type { DataSource } from 'typeorm';
import type { AdminComponents } from '../components.js';
import { errorNotice } from './notices.js';
import { RepositoryResource } from './repository-resource.js';

const navigation = { name: 'Access', icon: 'Key' };

/** Applications can be created here; a token is issued from the application's page and shown once. */
export function applicationsResource(deps: { db: DataSource; jwtSecret: string }, components: AdminComponents): ResourceWithOptions {
  return {
    resource: new RepositoryResource(deps.db, Application),
    options: {
      navigation,
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: ['name', 'email', 'createdAt'],
      editProperties: ['name', 'email'],
      actions: {
        delete: { isAccessible: false },
        bulkDelete: { isAccessible: false },
        issueToken: {
          actionType: 'record',
          icon: 'Key',
          component: components.IssueToken,
          // the page asks with GET to show the form; only a POST issues a token
          handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
            const record = context.record!;
            if (request.method !== 'post') return { record: record.toJSON(context.currentAdmin) };
            const scopes = tokenScopeList.safeParse(request.payload?.scopes);
            if (!scopes.success) return { record: record.toJSON(context.currentAdmin), ...errorNotice(scopes.error.issues.map((issue) => issue.message).join('; ')) };
            const { token, record: issued } = await issueToken(deps.db, deps.jwtSecret, { applicationId: String(record.id()), scopes: scopes.data });
            return {
              record: record.toJSON(context.currentAdmin),
              token,
              tokenId: issued.id,
              notice: { message: 'Token issued: copy it now, it is not shown again', type: 'success' },
            };
          },
        },
      },
    },
  };
}

/** Issued tokens (never the token itself); revoking one reaches the api within its refresh interval. */
export function apiTokensResource(db: DataSource): ResourceWithOptions {
  return {
    resource: new RepositoryResource(db, ApiToken),
    options: {
      id: 'api_tokens',
      navigation,
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: ['id', 'applicationId', 'scopes', 'createdAt', 'expiresAt', 'revokedAt'],
      filterProperties: ['applicationId', 'revokedAt'],
      actions: {
        new: { isAccessible: false },
        edit: { isAccessible: false },
        delete: { isAccessible: false },
        bulkDelete: { isAccessible: false },
        revoke: {
          actionType: 'record',
          icon: 'Slash',
          component: false,
          guard: 'Revoke this token? Applications using it are refused within seconds.',
          isAccessible: ({ record }: ActionContext) => !record?.param('revokedAt'),
          handler: async (_request: unknown, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
            const record = context.record!;
            const revoked = await revokeToken(db, String(record.id()));
            const refreshed = (await context.resource.findOne(String(record.id()))) ?? record;
            return {
              record: refreshed.toJSON(context.currentAdmin),
              notice: revoked ? { message: 'Token revoked', type: 'success' } : { message: 'The token was already revoked', type: 'info' },
            };
          },
        },
      },
    },
  };
}
