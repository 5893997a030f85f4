import type { Command } from 'commander';
import { renderPlan } from '../../lib/plan';
import { load, out, specOption } from '../cli';

export function registerPlan(cli: Command): void {
  cli
    .command('plan')
    .description('print resolved sizes and counts per cloud')
    .addOption(specOption())
    .action((opts: { spec?: string }) => {
      out(renderPlan(load(opts.spec).spec));
    });
}
