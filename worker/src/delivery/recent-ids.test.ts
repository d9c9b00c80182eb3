import { recentIds } from './recent-ids.js';

describe('recent ids', () => {
  it('forgets the oldest beyond its capacity, counting an id added again as new', () => {
    const recent = recentIds(3);
    for (const id of ['a', 'b', 'c']) recent.add(id);
    recent.add('a');
    recent.add('d');
    expect(['a', 'b', 'c', 'd'].map((id) => recent.has(id))).toEqual([true, false, true, true]);
  });
});
