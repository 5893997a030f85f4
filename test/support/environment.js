/*
 * jest's node environment (jest.config.js `testEnvironment`), with the worker's own realm set up
 * for the installed packages that run there (test/support/jest-runtime.js) while a test file runs.
 *
 * Console: the worker's `console` is the test file's, so a package's warning (aws-cdk-lib's
 * annotations, cdktf's notices) is reported under its test as jest reports the file's own.
 *
 * Stack traces: jest installs its source-map formatter in the worker's realm before each file, and
 * a test file's realm falls back to it (Node uses the main realm's Error.prepareStackTrace when a
 * context has none). Mapping every frame of every construct and token creation stack that
 * aws-cdk-lib and cdktf record (cdktf with no frame limit) cost the suite ~18 s of CPU; those are
 * plain objects no test reads. Here they get V8's own frame format, innermost frames only; real
 * errors, which a failing test prints, still go to jest's formatter and keep their TypeScript
 * positions.
 */
const { TestEnvironment } = require('jest-environment-node');

/**
 * Frames kept in a creation stack: V8's default Error.stackTraceLimit. cdktf asks for every frame
 * of every token it makes (~32 on average here, 659 tokens per GCP stack) and formats them at once;
 * the innermost frames are the ones that say where a token or construct was made.
 */
const CREATION_STACK_FRAMES = 10;

/** Marks a formatter made by creationStackFormat (jest replaces it with its own before each file). */
const WRAPPED = Symbol.for('scaling-blueprint.creationStackFormat');

function isError(target) {
  return target instanceof Error || Object.prototype.toString.call(target) === '[object Error]';
}

/**
 * An Error.prepareStackTrace that gives plain-object captures (Error.captureStackTrace on an
 * object) V8's frame format, innermost CREATION_STACK_FRAMES frames, and hands real errors, of
 * any realm, with all their frames, to `errorFormatter`.
 */
function creationStackFormat(errorFormatter) {
  const format = (target, frames) => {
    if (isError(target) && typeof errorFormatter === 'function') return errorFormatter(target, frames);
    const kept = isError(target) ? frames : frames.slice(0, CREATION_STACK_FRAMES);
    return `${isError(target) ? String(target) : 'Error'}${kept.map((frame) => `\n    at ${frame}`).join('')}`;
  };
  format[WRAPPED] = errorFormatter;
  return format;
}

class BlueprintEnvironment extends TestEnvironment {
  async setup() {
    await super.setup();
    this.workerConsole = globalThis.console;
    globalThis.console = this.global.console;
    // jest-runner installed its formatter for this file just before setup().
    const installed = Error.prepareStackTrace;
    if (!(typeof installed === 'function' && WRAPPED in installed))
      Error.prepareStackTrace = creationStackFormat(installed);
  }

  async teardown() {
    if (this.workerConsole) globalThis.console = this.workerConsole;
    await super.teardown();
  }
}

module.exports = BlueprintEnvironment;
module.exports.TestEnvironment = BlueprintEnvironment;
module.exports.creationStackFormat = creationStackFormat;
module.exports.WRAPPED = WRAPPED;
module.exports.CREATION_STACK_FRAMES = CREATION_STACK_FRAMES;
