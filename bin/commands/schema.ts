import type { Command } from 'commander';
import { specJsonSchema } from '../../lib/spec';
import { out } from '../cli';

export function registerSchema(cli: Command): void {
  cli
    .command('schema')
    .description('print the JSON Schema of the spec')
    .action(() => {
      out(JSON.stringify(specJsonSchema(), null, 2));
    });
}
