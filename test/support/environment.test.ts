import * as vm from 'node:vm';

/*
 * test/support/environment.js: while a test file runs, the worker's realm (where installed packages
 * run) has the file's console; creation stacks in either realm skip jest's source mapping, errors keep it.
 */
const { creationStackFormat, CREATION_STACK_FRAMES, WRAPPED } = require('./environment') as {
  creationStackFormat: (errorFormatter: unknown) => (target: object, frames: NodeJS.CallSite[]) => string;
  CREATION_STACK_FRAMES: number;
  WRAPPED: symbol;
};

type Formatter = (target: object, frames: NodeJS.CallSite[]) => string;

function here(): Error {
  return new Error('mapped');
}

const MainError = vm.runInThisContext('Error') as ErrorConstructor & { prepareStackTrace?: Formatter };
/** A stack captured on a plain object in the worker's realm, as aws-cdk-lib and cdktf record creation stacks. */
const workerCapture = vm.runInThisContext(
  '(() => { const t = {}; Error.captureStackTrace(t); return t.stack; })',
) as () => string;

/** Lines of a creation stack in V8's format: `Error`, then frames. */
function expectV8Frames(stack: string | undefined): void {
  const lines = (stack ?? '').split('\n');
  expect(lines[0]).toBe('Error');
  expect(lines.length).toBeGreaterThan(1);
  expect(lines.slice(1).every((l) => l.startsWith('    at '))).toBe(true);
}

describe('test environment', () => {
  test('GIVEN an error WHEN its stack is read THEN its frames point at this TypeScript file', () => {
    expect(here().stack).toMatch(/environment\.test\.ts:16:\d+\)/);
  });

  test("GIVEN a test file WHEN it runs THEN the worker realm's formatter is the creation-stack rule around jest's, and this file's realm falls back to it", () => {
    const installed = MainError.prepareStackTrace as Formatter & Record<symbol, unknown>;
    expect(typeof installed).toBe('function');
    expect(typeof installed[WRAPPED]).toBe('function');
    expect(Error.prepareStackTrace).toBeUndefined();
  });

  test('GIVEN a plain-object capture in either realm WHEN read THEN V8 frames without the error formatter; an error of either realm goes to it', () => {
    const installed = MainError.prepareStackTrace;
    const jestFormatter = (installed as unknown as Record<symbol, Formatter>)[WRAPPED];
    const errors = jest.fn(jestFormatter);
    MainError.prepareStackTrace = creationStackFormat(errors);
    try {
      const target: { stack?: string } = {};
      Error.captureStackTrace(target);
      expectV8Frames(target.stack);
      expectV8Frames(workerCapture());
      expect(errors).not.toHaveBeenCalled();
      expect(new Error('failing test').stack).toContain('failing test');
      expect((vm.runInThisContext('new Error("failing package")') as Error).stack).toContain('failing package');
      expect(errors).toHaveBeenCalledTimes(2);
    } finally {
      MainError.prepareStackTrace = installed;
    }
  });

  test('GIVEN a deep plain-object capture (cdktf asks for every frame) WHEN read THEN its innermost frames only; an error keeps all of them', () => {
    const deep = (n: number, capture: () => string): string => (n === 0 ? capture() : deep(n - 1, capture));
    const plain = deep(40, () => {
      const previous = Error.stackTraceLimit;
      const target: { stack?: string } = {};
      try {
        Error.stackTraceLimit = Number.MAX_SAFE_INTEGER;
        Error.captureStackTrace(target);
      } finally {
        Error.stackTraceLimit = previous;
      }
      return target.stack ?? '';
    });
    expectV8Frames(plain);
    expect(plain.split('\n')).toHaveLength(1 + CREATION_STACK_FRAMES);
    expect(plain.split('\n')[1]).toMatch(/environment\.test\.ts:\d+:\d+\)?$/);
    const format = creationStackFormat(undefined);
    const frames = Array.from({ length: 30 }, (_, i) => ({ toString: () => `f${i} (x.js:1:2)` }) as NodeJS.CallSite);
    expect(format(new Error('deep'), frames).split('\n')).toHaveLength(31);
  });

  test("GIVEN no error formatter WHEN an error's stack is read THEN it is V8's message and frames", () => {
    const format = creationStackFormat(undefined);
    const stack = format(new TypeError('plain'), [{ toString: () => 'f (x.js:1:2)' } as NodeJS.CallSite]);
    expect(stack).toBe('TypeError: plain\n    at f (x.js:1:2)');
  });

  test("GIVEN a test file WHEN it runs THEN the worker realm's console is this file's (a package's warning is reported under its test)", () => {
    expect(vm.runInThisContext('console')).toBe(console);
  });
});
