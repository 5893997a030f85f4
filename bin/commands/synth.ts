import * as path from 'node:path';
import { type Command, Option } from 'commander';
import { CLOUDS, type Cloud } from '../../lib/constants';
import { Exit, load, out, specOption } from '../cli';

export function registerSynth(cli: Command): void {
  cli
    .command('synth')
    .description('synthesize <out>/aws (CDK assembly) and <out>/terraform/stacks/<stack>/cdk.tf.json')
    .addOption(specOption())
    .addOption(new Option('--out <dir>', 'output directory').default('out'))
    .addOption(new Option('--cloud <cloud...>', 'clouds to synthesize (repeatable)').choices(CLOUDS))
    .addOption(
      new Option(
        '--no-checks',
        'skip the AWS policy gates (built-in validation, cdk-nag, Control Tower rules); the templates are the same',
      ),
    )
    .action((opts: { spec?: string; out: string; cloud?: Cloud[]; checks: boolean }) => {
      const { spec, file } = load(opts.spec);
      const wanted = opts.cloud ? [...new Set(opts.cloud)] : [...spec.clouds];
      const missing = wanted.filter((c) => !spec.clouds.includes(c));
      if (missing.length > 0) {
        throw new Exit(
          1,
          `--cloud ${missing.join(', ')}: not in the spec's clouds (${spec.clouds.join(', ')}); add it to "clouds" in ${file}`,
        );
      }
      const { synthesize } = require('../../stacks/synth') as typeof import('../../stacks/synth');
      const started = Date.now();
      const results = synthesize(spec, path.resolve(opts.out), wanted, { checks: opts.checks });
      for (const r of results) out(`${r.cloud.padEnd(5)} ${r.stackName}  ${path.relative(process.cwd(), r.file)}`);
      out(
        `synthesized ${results.length} stack(s) from ${path.relative(process.cwd(), file)} in ${((Date.now() - started) / 1000).toFixed(1)} s${opts.checks ? '' : ' (policy gates skipped: --no-checks)'}`,
      );
    });
}
