#!/usr/bin/env node
/*
 * The `blueprint` CLI (DESIGN.md "CLI contract"):
 *   blueprint synth    [--spec FILE] [--out DIR] [--cloud aws|gcp|azure]...
 *   blueprint validate --spec FILE
 *   blueprint plan     [--spec FILE]
 *   blueprint schema
 * Exit codes: 0 success, 1 invalid spec / usage / synth failure, 2 internal error. No command
 * prints a stack trace unless BLUEPRINT_DEBUG=1.
 */
import * as path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { CLOUDS, type Cloud } from '../lib/constants';
import { EXAMPLE_SPEC_PATH, type LoadResult, loadSpec } from '../lib/load';
import { renderPlan } from '../lib/plan';
import { specJsonSchema } from '../lib/spec';

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const err = (text: string) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);

/** Thrown to stop with a message and an exit code, without a stack trace. */
class Exit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function load(file: string | undefined): Extract<LoadResult, { ok: true }> {
  const result = loadSpec(file ?? EXAMPLE_SPEC_PATH);
  if (!result.ok) {
    const n = result.problems.length;
    throw new Exit(
      1,
      `${result.file}: invalid spec (${n} problem${n === 1 ? '' : 's'})\n${result.problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return result;
}

function program(): Command {
  const cli = new Command('blueprint')
    .description('One cloud-neutral spec, the same scalable backend on AWS, GCP and Azure.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err });

  const specOption = () =>
    new Option('--spec <file>', 'spec file (.yaml, .yml or .json)').default(undefined, 'the example spec');

  cli
    .command('validate')
    .description('check a spec; exit 0 when valid, 1 with every problem listed')
    .addOption(specOption().makeOptionMandatory())
    .action((opts: { spec: string }) => {
      const { spec, file } = load(opts.spec);
      out(`${file}: valid (${spec.name}, ${spec.environment}, clouds: ${spec.clouds.join(', ')})`);
    });

  cli
    .command('plan')
    .description('print resolved sizes and counts per cloud')
    .addOption(specOption())
    .action((opts: { spec?: string }) => {
      out(renderPlan(load(opts.spec).spec));
    });

  cli
    .command('schema')
    .description('print the JSON Schema of the spec')
    .action(() => {
      out(JSON.stringify(specJsonSchema(), null, 2));
    });

  cli
    .command('synth')
    .description('synthesize <out>/aws (CDK assembly) and <out>/terraform/stacks/<stack>/cdk.tf.json')
    .addOption(specOption())
    .addOption(new Option('--out <dir>', 'output directory').default('out'))
    .addOption(new Option('--cloud <cloud...>', 'clouds to synthesize (repeatable)').choices(CLOUDS))
    .action((opts: { spec?: string; out: string; cloud?: Cloud[] }) => {
      const { spec, file } = load(opts.spec);
      const wanted = opts.cloud ? [...new Set(opts.cloud)] : [...spec.clouds];
      const missing = wanted.filter((c) => !spec.clouds.includes(c));
      if (missing.length > 0) {
        throw new Exit(
          1,
          `--cloud ${missing.join(', ')}: not in the spec's clouds (${spec.clouds.join(', ')}); add it to "clouds" in ${file}`,
        );
      }
      const { synthesize } = require('../stacks/synth') as typeof import('../stacks/synth');
      const started = Date.now();
      const results = synthesize(spec, path.resolve(opts.out), wanted);
      for (const r of results) out(`${r.cloud.padEnd(5)} ${r.stackName}  ${path.relative(process.cwd(), r.file)}`);
      out(
        `synthesized ${results.length} stack(s) from ${path.relative(process.cwd(), file)} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    });

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
    return message.includes('Validation failed') || message.includes('policy') ? 1 : 2;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
