import * as fs from 'node:fs';
import { type Command, Option } from 'commander';
import { FORMATS, type Format, type Side } from '../../lib/change/types';
import { CLOUDS, type Cloud } from '../../lib/constants';
import { Exit, load, out, specOption } from '../cli';

interface DiffOptions {
  from: string;
  spec?: string;
  cloud?: Cloud[];
  format: Format;
}

/** The old side: a spec file (synthesized here) or a `blueprint synth --out` directory (read). */
function oldSide(from: string, newSpec: ReturnType<typeof load>['spec'], clouds: readonly Cloud[]): Side {
  const change = require('../../stacks/change') as typeof import('../../stacks/change');
  if (!fs.existsSync(from)) throw new Exit(1, `--from ${from}: no such file or directory`);
  if (fs.statSync(from).isDirectory()) {
    try {
      return { outputs: change.readSynthDir(from, newSpec, clouds) };
    } catch (error) {
      if (error instanceof change.NotSynthOutput) throw new Exit(1, `--from ${error.message}`);
      throw error;
    }
  }
  const { spec } = load(from);
  return { outputs: change.synthOutputs(spec, clouds), spec };
}

export function registerDiff(cli: Command): void {
  cli
    .command('diff')
    .description('what a spec change does on each cloud; exit 0 safe, 3 needs attention')
    .requiredOption('--from <old>', 'the deployed spec file, or a `blueprint synth --out` directory')
    .addOption(specOption())
    .addOption(
      new Option('--cloud <cloud...>', "clouds to compare (repeatable; default: the new spec's)").choices(CLOUDS),
    )
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .action((opts: DiffOptions) => {
      const { spec, file } = load(opts.spec);
      const clouds = opts.cloud ? [...new Set(opts.cloud)] : [...spec.clouds];
      const missing = clouds.filter((c) => !spec.clouds.includes(c));
      if (missing.length > 0) {
        throw new Exit(
          1,
          `--cloud ${missing.join(', ')}: not in the spec's clouds (${spec.clouds.join(', ')}); add it to "clouds" in ${file}`,
        );
      }
      const old = oldSide(opts.from, spec, clouds);
      // The change model loads on use: `blueprint validate` and the other commands never pay for it.
      const change = require('../../stacks/change') as typeof import('../../stacks/change');
      const { exitCodeOf, needsAttention } =
        require('../../lib/change/report') as typeof import('../../lib/change/report');
      const { renderReport } = require('../../lib/change/render') as typeof import('../../lib/change/render');
      const report = change.changeReport(old, { outputs: change.synthOutputs(spec, clouds), spec }, clouds);
      out(renderReport(report, opts.format));
      if (exitCodeOf(report) === 3) {
        const n = needsAttention(report).length;
        throw new Exit(3, `blueprint diff: ${n} change${n === 1 ? '' : 's'} need${n === 1 ? 's' : ''} attention`);
      }
    });
}
