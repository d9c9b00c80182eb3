import {
  createDestination,
  Destination,
  deliveryStatusOf,
  destinationBacklog,
  recentAttempts,
  destinationQueueName,
  findDestination,
  replayDestinationFrom,
  startDestination,
  stopDestination,
  UnknownFilterApplication,
  eventKindName,
  withoutNul,
} from '@argus/shared';
import { ValidationError, type ActionContext, type ActionRequest, type ActionResponse, type BaseRecord, type ResourceWithOptions } from 'adminjs';
import { z } from 'zod';
import { messagesIn, queueFigures, withConfirmChannel, type DatabaseAndBroker } from '../broker.js';
import type { AdminComponents } from '../components.js';
import { confirmedAction } from './confirmed-action.js';
import { errorNotice } from './notices.js';
import { applicationReference, pageSection, readableTimes } from './readable.js';
import { eventCount } from './replay-actions.js';
import { RepositoryResource } from './repository-resource.js';

export const destinationsNavigation = { name: 'Destinations', icon: 'Send' };

const optionalText = z.string().trim().transform((text) => (text === '' ? null : text));
/** What an operator may change after creation, checked as the api checks it. */
const editForm = z.object({
  name: withoutNul(z.string().trim().min(1, 'a name is needed').max(200)),
  url: withoutNul(z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2000)),
});
/** The create form's fields, checked as the api checks them; empty filter fields mean "any". */
const createForm = editForm.extend({
  applicationId: optionalText.pipe(z.uuid().nullable()),
  category: optionalText.pipe(eventKindName().nullable()),
  eventName: optionalText.pipe(eventKindName().nullable()),
});
const replayForm = z.object({ from: z.iso.datetime({ offset: true, error: 'an ISO 8601 time such as 2023-01-01T00:00:00Z' }) });

const problemsOf = (error: z.ZodError) => error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
const formError = (error: z.ZodError) => errorNotice(problemsOf(error));

/**
 * AdminJS's edit form posts back every field of the record it showed: stale counters, a stale state
 * (which would start a stopped destination again), the filter. Only the name and the URL go through.
 */
async function keepEditableFields(request: ActionRequest): Promise<ActionRequest> {
  if (request.method !== 'post') return request;
  const form = editForm.safeParse(request.payload ?? {});
  if (!form.success) {
    const byField = Object.fromEntries(form.error.issues.map((issue) => [issue.path.join('.'), { type: issue.code, message: issue.message }]));
    throw new ValidationError(byField, { type: 'invalid', message: problemsOf(form.error) });
  }
  return { ...request, payload: form.data };
}

/**
 * A destination's page also shows its backlog, as `GET /destinations/{id}` reports it (the queue's
 * depth, sessions and events held back, dead letters), and the oldest event held back.
 */
class DestinationsResource extends RepositoryResource {
  constructor(private readonly deps: DatabaseAndBroker) {
    super(deps.db, Destination);
  }

  override async findOne(id: string): Promise<BaseRecord | null> {
    const record = await super.findOne(id);
    const destination = await this.deps.db.getRepository(Destination).findOneBy({ id });
    if (!record || !destination) return record;
    const queue = destinationQueueName(this.deps.topology, id);
    const [backlog, attempts] = await Promise.all([
      destinationBacklog(this.deps.db, destination, async () => messagesIn(await queueFigures(this.deps.amqpUrls, [queue]), queue)),
      recentAttempts(this.deps.db, id, 20),
    ]);
    Object.assign(record.params, {
      delivery: deliveryStatusOf(destination, new Date()).description,
      queueDepth: backlog.queueDepth,
      heldSessions: backlog.heldSessions,
      heldEvents: backlog.heldEvents,
      deadLetters: backlog.deadLetters,
      oldestWaitingAt: backlog.oldestWaitingAt?.toISOString() ?? null,
      // as text: AdminJS flattens nested params
      recentAttempts: JSON.stringify(attempts),
    });
    return record;
  }
}

/**
 * Webhook destinations: created here with the secret shown once, started, stopped, replayed from a
 * time. Creating and starting declare the destination's queue, like the api does.
 */
export function destinationsResource(deps: DatabaseAndBroker, components: AdminComponents): ResourceWithOptions {
  const recordOf = async (context: ActionContext, id: string) => (await context.resource.findOne(id))!.toJSON(context.currentAdmin);
  return {
    resource: new DestinationsResource(deps),
    options: {
      id: 'destinations',
      navigation: destinationsNavigation,
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: ['name', 'url', 'state', 'deliveredCount', 'failedAttemptCount', 'deadLetterCount', 'lastSuccessAt', 'lastFailureAt'],
      showProperties: [
        'id', 'name', 'url', 'state', 'pausedReason', 'backlog', 'recentAttempts', 'filterApplicationId', 'filterCategory', 'filterName', 'deliveredCount',
        'failedAttemptCount', 'deadLetterCount', 'lastSuccessAt', 'failingSince', 'lastFailureAt', 'lastFailureStatus', 'lastFailureError', 'createdAt',
      ],
      properties: {
        ...readableTimes(components, ['lastSuccessAt', 'failingSince', 'lastFailureAt', 'createdAt']),
        filterApplicationId: applicationReference,
        backlog: pageSection(components.DestinationBacklog),
        recentAttempts: pageSection(components.RecentAttempts),
      },
      // the filter decides the queue's binding, so it is chosen once, at creation
      editProperties: ['name', 'url'],
      filterProperties: ['name', 'state'],
      actions: {
        new: { isAccessible: false },
        delete: { isAccessible: false },
        bulkDelete: { isAccessible: false },
        edit: { before: keepEditableFields },
        create: {
          actionType: 'resource',
          icon: 'Plus',
          component: components.CreateDestination,
          // the page asks with GET to show the form; only a POST creates
          handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
            if (request.method !== 'post') return {};
            const form = createForm.safeParse(request.payload ?? {});
            if (!form.success) return formError(form.error);
            const { name, url, applicationId, category, eventName } = form.data;
            let created: Awaited<ReturnType<typeof createDestination>>;
            try {
              created = await withConfirmChannel(deps.amqpUrls, (channel) =>
                createDestination(deps.db, channel, deps.topology, { name, url, filter: { applicationId, category, name: eventName } }),
              );
            } catch (error) {
              // a well-formed id of no application: the operator's typo, checked before anything is created
              if (error instanceof UnknownFilterApplication) return errorNotice(`applicationId: ${error.message}`);
              throw error;
            }
            const { destination, signingSecret } = created;
            return {
              record: await recordOf(context, destination.id),
              signingSecret,
              notice: { message: 'Destination created: copy its signing secret now, it is not shown again', type: 'success' },
            };
          },
        },
        start: confirmedAction(components, {
          actionType: 'record',
          icon: 'Play',
          confirm: 'Deliver to this destination again, from where it stopped?',
          button: 'Start',
          isAccessible: ({ record }: ActionContext) => record?.param('state') !== 'running',
          perform: async (_request, context) => {
            const id = String(context.record!.id());
            await withConfirmChannel(deps.amqpUrls, (channel) => startDestination(deps.db, channel, deps.topology, id));
            return { record: await recordOf(context, id), notice: { message: 'Destination started', type: 'success' } };
          },
        }),
        stop: confirmedAction(components, {
          actionType: 'record',
          icon: 'Pause',
          confirm: 'Stop delivering? Events keep collecting in its queue until it is started again.',
          button: 'Stop',
          isAccessible: ({ record }: ActionContext) => record?.param('state') === 'running',
          perform: async (_request, context) => {
            const id = String(context.record!.id());
            await stopDestination(deps.db, id);
            return { record: await recordOf(context, id), notice: { message: 'Destination stopped', type: 'success' } };
          },
        }),
        replay: {
          actionType: 'record',
          icon: 'RotateCcw',
          component: components.ReplayDestination,
          handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
            const id = String(context.record!.id());
            const record = await recordOf(context, id);
            if (request.method !== 'post') return { record };
            const form = replayForm.safeParse(request.payload ?? {});
            if (!form.success) return { record, ...formError(form.error) };
            const destination = (await findDestination(deps.db, id))!;
            const published = await withConfirmChannel(deps.amqpUrls, (channel) => replayDestinationFrom(deps.db, channel, deps.topology, destination, form.data.from));
            return { record, published, notice: { message: `${eventCount(published)} sent to the destination again`, type: 'success' } };
          },
        },
      },
    },
  };
}
