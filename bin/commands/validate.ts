import type { Command } from 'commander';
import { load, out, specOption } from '../cli';

export function registerValidate(cli: Command): void {
  cli
    .command('validate')
    .description('check a spec; exit 0 when valid, 1 with every problem listed')
    .addOption(specOption())
    .action((opts: { spec?: string }) => {
      const { spec, file } = load(opts.spec);
      out(`${file}: valid (${spec.name}, ${spec.environment}, clouds: ${spec.clouds.join(', ')})`);
    });
}
