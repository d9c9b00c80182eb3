import { Application, ApiToken, issueToken, revokeToken, tokenScopeList } from '@argus/shared';
import type { ActionContext, ActionRequest, ActionResponse, ResourceWithOptions } from 'adminjs';
import type { DataSource } from 'typeorm';
import type { AdminComponents } from '../components.js';
import { originsFromLines } from '../allowed-origins.js';
import { confirmedAction, freshRecord } from './confirmed-action.js';
import { errorNotice } from './notices.js';
import { applicationReference, readableTimes } from './readable.js';
import { RepositoryResource } from './repository-resource.js';

const navigation = { name: 'Access', icon: 'Key' };

/**
 * Marks the application disabled and revokes every token it holds, in one transaction; the api
 * refuses them within its revocation refresh interval. Answers how many tokens were revoked.
 */
export async function disableApplication(db: DataSource, applicationId: string): Promise<number> {
  return db.transaction(async (manager) => {
    await manager.query(`UPDATE applications SET disabled_at = now() WHERE id = $1 AND disabled_at IS NULL`, [applicationId]);
    const [, revoked] = await manager.query(`UPDATE api_tokens SET revoked_at = now() WHERE application_id = $1 AND revoked_at IS NULL`, [applicationId]);
    return revoked as number;
  });
}

/** The origins whose pages may send with the application's keys (null: any); the api reads them within its refresh interval. */
export async function setAllowedOrigins(db: DataSource, applicationId: string, allowedOrigins: string[] | null): Promise<void> {
  await db.getRepository(Application).update({ id: applicationId }, { allowedOrigins });
}

const origins = (count: number) => `${count} origin${count === 1 ? '' : 's'}`;
const tokens = (count: number) => `${count} token${count === 1 ? '' : 's'}`;

/**
 * Applications can be created here (landing on the new application's page, where a token is
 * issued and shown once) and disabled, which revokes all their tokens at once.
 */
export function applicationsResource(deps: { db: DataSource; jwtSecret: string }, components: AdminComponents): ResourceWithOptions {
  const isEnabled = ({ record }: ActionContext) => !record?.param('disabledAt');
  return {
    resource: new RepositoryResource(deps.db, Application),
    options: {
      navigation,
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: ['name', 'email', 'createdAt', 'disabledAt'],
      showProperties: ['id', 'name', 'email', 'allowedOrigins', 'createdAt', 'disabledAt'],
      editProperties: ['name', 'email'],
      filterProperties: ['name', 'email', 'createdAt', 'disabledAt'],
      properties: {
        ...readableTimes(components, ['createdAt', 'disabledAt']),
        allowedOrigins: { isSortable: false, components: { show: components.OriginList } },
      },
      actions: {
        delete: { isAccessible: false },
        bulkDelete: { isAccessible: false },
        new: {
          // to the new application's page, where its first token is issued, rather than back to the list
          after: async (response: ActionResponse, request: ActionRequest, context: ActionContext) => {
            const id = response.record?.id;
            if (request.method !== 'post' || !id || Object.keys(response.record?.errors ?? {}).length > 0) return response;
            return { ...response, redirectUrl: context.h.recordActionUrl({ resourceId: context.resource.id(), recordId: id, actionName: 'show' }) };
          },
        },
        issueToken: {
          actionType: 'record',
          icon: 'Key',
          component: components.IssueToken,
          isAccessible: isEnabled, // a disabled application gets no new tokens
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
        allowedOrigins: {
          actionType: 'record',
          icon: 'Globe',
          component: components.AllowedOrigins,
          // the page asks with GET to show the form; only a POST saves
          handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
            const record = context.record!;
            if (request.method !== 'post') return { record: record.toJSON(context.currentAdmin) };
            const typed = request.payload?.allowedOrigins;
            const parsed = originsFromLines(typeof typed === 'string' ? typed : '');
            if (!parsed.ok) return { record: record.toJSON(context.currentAdmin), ...errorNotice(parsed.message) };
            await setAllowedOrigins(deps.db, String(record.id()), parsed.origins);
            const message = parsed.origins === null ? 'Saved: any origin may send' : `Saved: ${origins(parsed.origins.length)} may send`;
            return { record: await freshRecord(context), notice: { message, type: 'success' } };
          },
        },
        disable: confirmedAction(components, {
          actionType: 'record',
          icon: 'Slash',
          confirm: 'Disable this application? Every token it holds is revoked at once (the api refuses them within seconds) and it gets no new ones.',
          button: 'Disable and revoke its tokens',
          variant: 'danger',
          isAccessible: isEnabled,
          perform: async (_request, context) => {
            const revoked = await disableApplication(deps.db, String(context.record!.id()));
            return { record: await freshRecord(context), notice: { message: `Application disabled: ${tokens(revoked)} revoked`, type: 'success' } };
          },
        }),
      },
    },
  };
}

/** Issued tokens (never the token itself); revoking one reaches the api within its refresh interval. */
export function apiTokensResource(db: DataSource, components: AdminComponents): ResourceWithOptions {
  return {
    resource: new RepositoryResource(db, ApiToken),
    options: {
      id: 'api_tokens',
      navigation,
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: ['id', 'applicationId', 'scopes', 'createdAt', 'expiresAt', 'revokedAt'],
      filterProperties: ['applicationId', 'revokedAt'],
      properties: {
        ...readableTimes(components, ['createdAt', 'expiresAt', 'revokedAt']),
        applicationId: applicationReference,
        scopes: { components: { list: components.Scopes, show: components.Scopes } },
      },
      actions: {
        new: { isAccessible: false },
        edit: { isAccessible: false },
        delete: { isAccessible: false },
        bulkDelete: { isAccessible: false },
        revoke: confirmedAction(components, {
          actionType: 'record',
          icon: 'Slash',
          confirm: 'Revoke this token? Applications using it are refused within seconds.',
          button: 'Revoke',
          variant: 'danger',
          isAccessible: ({ record }: ActionContext) => !record?.param('revokedAt'),
          perform: async (_request, context) => {
            const revoked = await revokeToken(db, String(context.record!.id()));
            return {
              record: await freshRecord(context),
              notice: revoked ? { message: 'Token revoked', type: 'success' } : { message: 'The token was already revoked', type: 'info' },
            };
          },
        }),
      },
    },
  };
}
