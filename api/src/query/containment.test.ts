import { candidateValues, containmentConditions, nestAt } from './containment.js';

describe('data filters as jsonb containment', () => {
  it('reads a query value as the string, and also as the number or boolean it spells', () => {
    expect(candidateValues('ade@gmail.com')).toEqual(['ade@gmail.com']);
    expect(candidateValues('42')).toEqual(['42', 42]);
    expect(candidateValues('-1.5')).toEqual(['-1.5', -1.5]);
    expect(candidateValues('true')).toEqual(['true', true]);
    // leading zeros and exponents are text: 007 is an id, not the number 7
    expect(candidateValues('007')).toEqual(['007']);
    expect(candidateValues('1e3')).toEqual(['1e3']);
  });

  it('nests the value under its dotted path', () => {
    expect(nestAt(['user', 'plan'], 'pro')).toEqual({ user: { plan: 'pro' } });
    expect(nestAt(['count'], 3)).toEqual({ count: 3 });
  });

  it('ANDs one condition per filter and ORs the readings of one value, every value a parameter', () => {
    const values: unknown[] = [];
    const bind = (value: unknown) => `$${values.push(value)}`;
    const conditions = containmentConditions('raw', [{ path: ['email'], value: 'a@b.c' }, { path: ['n'], value: '3' }], ['data'], bind);
    expect(conditions).toEqual(['raw @> $1::jsonb', '(raw @> $2::jsonb OR raw @> $3::jsonb)']);
    expect(values).toEqual(['{"data":{"email":"a@b.c"}}', '{"data":{"n":"3"}}', '{"data":{"n":3}}']);
  });
});
