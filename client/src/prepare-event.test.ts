import { prepareEvent } from './prepare-event.js';

describe('an event prepared for sending', () => {
  const event = { sessionId: 'e2085be5-9137-4e4e-80b5-f1ffddc25423', category: 'purchase', name: 'checkout', data: { price: 3 } };

  it("names the schema version in the server's field name when one is chosen, and leaves it out otherwise", () => {
    expect(JSON.parse(prepareEvent({ ...event, schemaVersion: 2 }, 1, 32 * 1024).json)).toMatchObject({ category: 'purchase', schema_version: 2 });
    expect(JSON.parse(prepareEvent(event, 2, 32 * 1024).json)).not.toHaveProperty('schema_version');
  });
});
