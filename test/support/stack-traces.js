/*
 * jest's source-map formatter clones and maps every frame of every captured stack, also the
 * creation stacks that constructs, aws-cdk-lib and cdktf record for each construct and token
 * (cdktf with no frame limit). Those are plain objects, never shown by a test, and mapping them
 * cost the suite ~18 s of CPU. They get V8's own frame format here; real errors (what a failing
 * test prints) still go to jest's formatter and keep their TypeScript positions.
 */
const MainError = require('node:vm').runInThisContext('Error');

function isError(target) {
  return (
    target instanceof Error ||
    target instanceof MainError ||
    Object.prototype.toString.call(target) === '[object Error]'
  );
}

Error.prepareStackTrace = (target, frames) => {
  if (isError(target)) {
    const jest = MainError.prepareStackTrace;
    if (typeof jest === 'function') return jest(target, frames);
  }
  return `Error${frames.map((frame) => `\n    at ${frame}`).join('')}`;
};
