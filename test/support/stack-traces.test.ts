import * as vm from 'node:vm';

/* test/support/stack-traces.js: creation stacks skip jest's source mapping, errors keep it. */

function here(): Error {
  return new Error('mapped');
}

describe('stack traces under jest', () => {
  const MainError = vm.runInThisContext('Error') as ErrorConstructor;

  test('GIVEN an error WHEN its stack is read THEN its frames point at this TypeScript file', () => {
    expect(here().stack).toMatch(/stack-traces\.test\.ts:6:\d+\)/);
  });

  test('GIVEN a plain object capture (a construct or token creation stack) WHEN read THEN V8 frames without jest, errors with it', () => {
    const formatter = MainError.prepareStackTrace;
    const spy = jest.fn(formatter);
    MainError.prepareStackTrace = spy;
    try {
      const target: { stack?: string } = {};
      Error.captureStackTrace(target);
      const lines = (target.stack ?? '').split('\n');
      expect(lines[0]).toBe('Error');
      expect(lines.length).toBeGreaterThan(1);
      expect(lines.slice(1).every((l) => l.startsWith('    at '))).toBe(true);
      expect(spy).not.toHaveBeenCalled();
      expect(new Error('failing test').stack).toContain('failing test');
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      MainError.prepareStackTrace = formatter;
    }
  });
});
