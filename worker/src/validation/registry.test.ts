import { z } from 'zod';
import { createValidatorRegistry, registerBuiltInValidators } from './registry.js';
import { requireData } from './require-data.js';
import type { KindFields } from './types.js';

const event = (category: string, name: string, data: Record<string, unknown>): KindFields => ({ category, name, data });
const paths = (problems: { path: string }[]) => problems.map((problem) => problem.path).sort();

describe('the validator registry', () => {
  const registry = registerBuiltInValidators(createValidatorRegistry());

  it('accepts the sample kinds when their data is complete', () => {
    expect(registry.validate(event('page interaction', 'pageview', { host: 'example.com', path: '/' }))).toEqual([]);
    expect(registry.validate(event('page interaction', 'cta click', { host: 'example.com', path: '/', element: 'chat bubble' }))).toEqual([]);
    expect(registry.validate(event('form interaction', 'submit', { host: 'example.com', path: '/', form: { first_name: 'John' } }))).toEqual([]);
  });

  it("applies the category's rules and then the kind's", () => {
    expect(paths(registry.validate(event('page interaction', 'pageview', {})))).toEqual(['data.host', 'data.path']);
    expect(paths(registry.validate(event('page interaction', 'cta click', { host: 'example.com', path: '/' })))).toEqual(['data.element']);
    expect(paths(registry.validate(event('form interaction', 'submit', { host: 'example.com', path: '/', form: 'x' })))).toEqual(['data.form']);
  });

  it('lets unknown kinds through with no rules beyond the envelope', () => {
    expect(registry.validate(event('activity', 'deploy', { anything: true }))).toEqual([]);
  });

  it('registers a new kind with one factory', () => {
    const custom = createValidatorRegistry();
    custom.register({ category: 'activity', name: 'deploy' }, () => requireData({ environment: z.enum(['staging', 'production']) }));
    expect(paths(custom.validate(event('activity', 'deploy', { environment: 'moon' })))).toEqual(['data.environment']);
    expect(custom.validate(event('activity', 'login', {}))).toEqual([]);
  });
});
