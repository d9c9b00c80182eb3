import { brokerUrlsSchema, reconnectDelayMs } from './broker.js';

describe('AMQP_URL', () => {
  it('takes one URL or a comma-separated list of nodes', () => {
    expect(brokerUrlsSchema.parse('amqp://a:5672')).toEqual(['amqp://a:5672']);
    expect(brokerUrlsSchema.parse(' amqp://a:5672, amqps://b:5671/vh ,amqp://c ')).toEqual(['amqp://a:5672', 'amqps://b:5671/vh', 'amqp://c']);
  });

  it('names the entry that is not an amqp URL', () => {
    const result = brokerUrlsSchema.safeParse('amqp://a,http://b');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([[1]]);
    expect(brokerUrlsSchema.safeParse(' , ').success).toBe(false);
  });
});

describe('the reconnection schedule', () => {
  const middle = () => 0.5;

  it('tries every node of the list quickly before backing off', () => {
    expect([1, 2, 3].map((attempt) => reconnectDelayMs(attempt, 3, middle))).toEqual([100, 100, 100]);
    expect([4, 7, 10].map((attempt) => reconnectDelayMs(attempt, 3, middle))).toEqual([200, 400, 800]);
  });

  it('backs off to 5 s, jittered by half either way', () => {
    expect(reconnectDelayMs(100, 3, middle)).toBe(5000);
    expect(reconnectDelayMs(100, 3, () => 0)).toBe(2500);
    expect(reconnectDelayMs(100, 3, () => 0.999)).toBe(7495);
  });
});
