/*
 * The `blueprint` program: its commands (bin/commands/) and the mapping of every outcome to an
 * exit code. No process-wide setting is touched here, so a test can run a command inside its
 * jest worker; bin/blueprint.ts, the entry point, sets them before it loads this.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { Exit, err, out } from './cli';
import { registerDiagram } from './commands/diagram';
import { registerDiff } from './commands/diff';
import { registerPlan } from './commands/plan';
import { registerSchema } from './commands/schema';
import { registerSynth } from './commands/synth';
import { registerValidate } from './commands/validate';

/** The package version, read from the package.json next to the source or dist/ tree. */
export function packageVersion(): string {
  for (const up of ['..', path.join('..', '..')]) {
    const file = path.resolve(__dirname, up, 'package.json');
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

function program(): Command {
  const cli = new Command('blueprint')
    .description('One cloud-neutral spec, the same scalable backend on AWS, GCP and Azure.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err });
  registerValidate(cli);
  registerPlan(cli);
  registerSchema(cli);
  registerSynth(cli);
  registerDiagram(cli);
  registerDiff(cli);
  return cli;
}

export function main(argv: readonly string[]): number {
  try {
    program().parse([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed its message; help and version are successes.
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
        ? 0
        : 1;
    }
    if (error instanceof Exit) {
      err(error.message);
      return error.code;
    }
    const message = error instanceof Error ? error.message : String(error);
    // Engine errors (policy gates, CDK validation) are multi-line reports worth showing whole;
    // module "Require stack" noise is not.
    err(`blueprint: ${message.split('\nRequire stack:')[0]}`);
    if (process.env.BLUEPRINT_DEBUG === '1' && error instanceof Error && error.stack) err(error.stack);
    // InputError: a back end needs something the spec or the environment must supply (one line).
    const input = error instanceof Error && error.name === 'InputError';
    return input || message.includes('Validation failed') || message.includes('policy') ? 1 : 2;
  }
}
