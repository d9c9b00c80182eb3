import { inexactNumbers } from './json-numbers.js';

describe('numbers a double cannot keep as written', () => {
  it.each(['1e400', '-1e400', '1e-400', '9007199254740993', '-9007199254740993', '3.14159265358979323846', '123456789012345678901234567890'])(
    'finds %s',
    (literal) => {
      expect(inexactNumbers(`{"data":{"n":${literal}}}`)).toEqual([literal]);
    },
  );

  it.each(['0', '-0', '-0.0', '0.1', '1.5e3', '1e21', '9007199254740992', '-9007199254740991', '1.7976931348623157e308', '5e-324', '123.456000', '1E2', '0.30000000000000004'])(
    'lets %s through',
    (literal) => {
      expect(inexactNumbers(`[${literal}]`)).toEqual([]);
    },
  );

  it('never reads digits inside strings, escaped quotes included', () => {
    expect(inexactNumbers('{"a":"1e400","b":"x\\"9007199254740993\\"","c":1}')).toEqual([]);
  });

  it('stops at the limit', () => {
    expect(inexactNumbers(`[${Array(10).fill('1e999').join(',')}]`, 3)).toHaveLength(3);
  });
});
