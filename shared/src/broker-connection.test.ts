import { brokerUrlsSchema, NodeRotation, reconnectDelayMs } from './broker-connection.js';

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

describe('the node to connect to', () => {
  it('reads each field of the current node as amqplib asks for them, and moves on to the next, round the list', () => {
    const nodes = new NodeRotation(['amqp://ops%40x:p%3Aw@rabbit-1:5673/shop%2Fa?heartbeat=10', 'amqps://rabbit-2', 'amqp://[::1]'], () => 0);
    // the vhost as written: amqplib unescapes it
    expect(fields(nodes)).toEqual({ protocol: 'amqp', hostname: 'rabbit-1', port: 5673, username: 'ops@x', password: 'p:w', vhost: 'shop%2Fa', heartbeat: 10 });
    nodes.next();
    expect(fields(nodes)).toEqual({ protocol: 'amqps', hostname: 'rabbit-2', port: 5671, username: 'guest', password: 'guest', vhost: '/', heartbeat: 5 });
    nodes.next();
    expect(fields(nodes)).toMatchObject({ hostname: '::1', port: 5672 });
    nodes.next();
    expect(fields(nodes)).toMatchObject({ hostname: 'rabbit-1' });
  });

  it('starts at a random node of the list', () => {
    expect(fields(new NodeRotation(['amqp://a', 'amqp://b', 'amqp://c'], () => 0.7)).hostname).toBe('c');
  });
});

const fields = (node: NodeRotation) => ({
  protocol: node.protocol,
  hostname: node.hostname,
  port: node.port,
  username: node.username,
  password: node.password,
  vhost: node.vhost,
  heartbeat: node.heartbeat,
});
