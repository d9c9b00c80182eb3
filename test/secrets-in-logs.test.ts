import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger, revokeToken, signToken } from '@argus/shared';
import { eventually, testSecret } from '@argus/shared/testing';
import { sampleEvent, startStack, type TestStack } from './support/stack.js';

/** Logs go to places tokens must not: whatever a request carries, its token and the signing secret never reach a log line. */
describe('logs', () => {
  let output = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      output += String(chunk);
      done();
    },
  });
  let stack: TestStack;

  beforeAll(async () => {
    // the api and a worker log at debug level, as verbose as they get, into `output`
    stack = await startStack({ REVOCATION_REFRESH_MS: '100' }, { log: createLogger({ name: 'test', level: 'debug', destination: sink }) });
    await stack.startWorker();
  });
  afterAll(() => stack.stop());

  it('never hold a token, valid, revoked or garbled, nor the JWT secret', async () => {
    const { token: valid, applicationId } = await stack.tokenFor('shop', ['read', 'write']);
    const { token: revoked, tokenId } = await stack.tokenFor('gone');
    await revokeToken(stack.database.db, tokenId);
    await eventually(async () => ((await stack.post(sampleEvent(), { token: revoked })).status === 401 ? true : undefined), 5000, 'the revocation');
    const garbled = `${valid.slice(0, -5)}xxxxx`;
    const foreign = signToken('another-secret-another-secret-another-secret', { applicationId, tokenId: applicationId, scopes: ['write'] });
    const tokens = { valid, revoked, garbled, foreign, notAJwt: 'not-a-jwt-but-a-secret-all-the-same' };

    const requestId = 'request-whose-lines-we-look-for';
    const accepted = await stack.post(sampleEvent({ session_id: randomUUID() }), { token: valid, headers: { 'X-Request-Id': requestId } });
    expect(accepted.status).toBe(202);
    const { ids } = (await accepted.json()) as { ids: string[] };
    for (const token of Object.values(tokens)) {
      await stack.post(sampleEvent(), { token });
      await stack.post('{"truncated', { token });
      await fetch(`${stack.baseUrl}/events?limit=nope&token=${token}`, { headers: { Authorization: `Bearer ${token}` } });
      await fetch(`${stack.baseUrl}/no-such-route`, { headers: { Authorization: `Bearer ${token}` } });
    }
    await stack.waitUntilStored(ids);
    // a 5xx is logged with its request: one while the ingest queue is missing
    await stack.deleteIngestQueue();
    expect((await stack.post(sampleEvent(), { token: valid })).status).toBe(503);

    // the worker's line about the stored message names the request: logging did happen
    await eventually(async () => (output.includes(requestId) ? true : undefined), 5000, 'the worker to log the stored request');
    expect(output).toContain('broker_unroutable');
    for (const [kind, token] of Object.entries(tokens)) {
      expect({ kind, found: output.includes(token) }).toEqual({ kind, found: false });
      // a JWT's signature alone would do as much harm in the wrong hands
      expect({ kind, found: output.includes(token.split('.').at(-1)!) }).toEqual({ kind, found: false });
    }
    expect(output.includes(testSecret)).toBe(false);
  });
});
