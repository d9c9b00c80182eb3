import { incomingEventSchema, isStorableInstant, maxDataDepth, parseTimestamp, timestampGrammar, type EpochMicros, type IngestRequest, type Problem } from '@argus/shared';
import { storabilityProblems, storableCopy } from '../validation/json-safety.js';
import { problemsFromZod } from '../validation/zod-problems.js';
import { invalid, type EventRef, type Normalised, type Verdict } from './types.js';

export type NormaliseOptions = {
  /** How far ahead of the server a corrected timestamp may be before it counts as "in the future". */
  clockSkewAllowanceMs: number;
};

const eventSchema = incomingEventSchema();

/**
 * Step 2: one event against the event contract. What PostgreSQL cannot hold at all (NUL, lone
 * surrogates, nesting past `maxDataDepth` levels of `data`) ends the event here, kept as a storable
 * copy. Otherwise every problem of the envelope and of its timestamps is collected, and the event
 * goes on, so that the next step adds its kind's problems to them: every problem is reported at once.
 */
export function normalise(ref: EventRef, options: NormaliseOptions): Verdict<Normalised> {
  // the event is level 0 and its data level 1, so data's 32 levels end at depth 32
  const unstorable = storabilityProblems(ref.raw, maxDataDepth);
  if (unstorable.length > 0) return invalid(ref, unstorable, storableCopy(ref.raw, maxDataDepth));

  const parsed = eventSchema.safeParse(ref.raw);
  const problems = parsed.success ? [] : problemsFromZod(parsed.error);
  // fields as sent, not as zod rebuilt them: a rebuilt object loses an own "__proto__" key
  const raw = (typeof ref.raw === 'object' && ref.raw !== null && !Array.isArray(ref.raw) ? ref.raw : {}) as Record<string, unknown>;
  const isValid = (field: keyof typeof eventSchema.shape) => parsed.success || eventSchema.shape[field].safeParse(raw[field]).success;
  const times = timesOf(raw, ref.request, options, problems);
  return {
    ref,
    ok: true,
    value: {
      problems,
      kind: isValid('category') && isValid('name') && isValid('data') ? { category: raw.category as string, name: raw.name as string, data: raw.data as Record<string, unknown> } : undefined,
      schemaVersion: isValid('schema_version') ? (raw.schema_version as number | undefined) : undefined,
      sessionId: isValid('session_id') ? (raw.session_id as string).toLowerCase() : undefined,
      times,
      actor: {
        userId: (raw.user_id as string | undefined) ?? null,
        anonymousId: (raw.anonymous_id as string | undefined) ?? null,
        context: (raw.context as Record<string, unknown> | undefined) ?? null,
        integrations: (raw.integrations as Record<string, unknown> | undefined) ?? null,
      },
    },
  };
}

/**
 * The event's timestamps, corrected for the client's clock when it said when it sent the event:
 * stored timestamp = received_at − (sent_at − timestamp). Problems of their own join `problems`;
 * text that is not a timestamp was reported by the contract already.
 */
function timesOf(raw: Record<string, unknown>, request: IngestRequest, options: NormaliseOptions, problems: Problem[]): Normalised['times'] {
  const clientTimestamp = readTimestamp(raw.timestamp);
  if (clientTimestamp === undefined) return undefined;
  let sentAt: EpochMicros | undefined;
  if (raw.sent_at !== undefined) {
    sentAt = readTimestamp(raw.sent_at);
    if (sentAt === undefined) return undefined;
  } else if (request.sent_at !== undefined) {
    sentAt = readTimestamp(request.sent_at);
    if (sentAt === undefined) {
      problems.push({ path: 'sent_at', message: `the batch's sent_at must be ${timestampGrammar}` });
      return undefined;
    }
  }
  const receivedAt = parseTimestamp(request.received_at)!;
  const timestamp = sentAt === undefined ? clientTimestamp : receivedAt - (sentAt - clientTimestamp);
  if (!isStorableInstant(timestamp)) {
    problems.push({ path: 'timestamp', message: 'corrected for the clock of the client (received_at − (sent_at − timestamp)), falls outside the years 1 to 9999' });
  } else if (timestamp > receivedAt + BigInt(options.clockSkewAllowanceMs) * 1000n) {
    const aheadSeconds = Math.round(Number(timestamp - receivedAt) / 1e6);
    problems.push({ path: 'timestamp', message: `is in the future (${aheadSeconds} s after it was received)` });
  }
  return { timestamp, clientTimestamp, sentAt };
}

const readTimestamp = (value: unknown): EpochMicros | undefined => (typeof value === 'string' ? parseTimestamp(value) : undefined);
