import { destinationBindingKey, matchesDestinationFilter } from './filter.js';

const event = { application_id: '0b6a1f55-5a0e-4a8c-9a51-1d1c5b0c2a10', category: 'page interaction', name: 'cta click' };
const none = { applicationId: null, category: null, name: null };

describe('destination filter', () => {
  it('binds by category and name words, never by application name', () => {
    expect(destinationBindingKey(none)).toBe('*.*.*');
    expect(destinationBindingKey({ ...none, applicationId: event.application_id, category: 'Page Interaction' })).toBe('*.page_interaction.*');
    expect(destinationBindingKey({ ...none, name: 'a.b#*' })).toBe('*.*.a_b__');
  });

  it('matches exact values only, so routing words that collide do not leak events', () => {
    expect(matchesDestinationFilter(none, event)).toBe(true);
    expect(matchesDestinationFilter({ ...none, category: 'page interaction', name: 'cta click' }, event)).toBe(true);
    expect(matchesDestinationFilter({ ...none, category: 'page_interaction' }, event)).toBe(false);
    expect(matchesDestinationFilter({ ...none, applicationId: '1b6a1f55-5a0e-4a8c-9a51-1d1c5b0c2a10' }, event)).toBe(false);
  });
});
