import { type Command, Option } from 'commander';
import { CLOUDS, type Cloud } from '../../lib/constants';
import { assertWritable, Exit, load, out, specOption, writeOutput } from '../cli';

type DiagramOptions = { spec?: string; cloud: Cloud; format: 'svg' | 'mermaid'; out?: string };

const EXTENSIONS: Record<DiagramOptions['format'], readonly string[]> = { svg: ['.svg'], mermaid: ['.mmd', '.md'] };

export function registerDiagram(cli: Command): void {
  cli
    .command('diagram')
    .description('draw the architecture one cloud deploys, from its synthesized resources')
    .addOption(specOption())
    .addOption(new Option('--cloud <cloud>', 'cloud to draw').choices(CLOUDS).makeOptionMandatory())
    .addOption(
      new Option('--format <format>', 'svg (rendered in-process) or mermaid (for Markdown)')
        .choices(['svg', 'mermaid'])
        .default('svg'),
    )
    .addOption(new Option('--out <file>', 'write to a file instead of stdout'))
    .action((opts: DiagramOptions) => {
      const { spec, file } = load(opts.spec);
      if (!spec.clouds.includes(opts.cloud)) {
        throw new Exit(
          1,
          `--cloud ${opts.cloud}: not in the spec's clouds (${spec.clouds.join(', ')}); add it to "clouds" in ${file}`,
        );
      }
      const ext = opts.out?.slice(opts.out.lastIndexOf('.')).toLowerCase();
      if (opts.out !== undefined && !EXTENSIONS[opts.format].includes(ext ?? '')) {
        throw new Exit(
          1,
          `--out ${opts.out}: a ${opts.format} diagram goes to a ${EXTENSIONS[opts.format].join(' or ')} file`,
        );
      }
      if (opts.out !== undefined) assertWritable('--out', opts.out);
      const { synthesizedDiagram } = require('../../stacks/diagram') as typeof import('../../stacks/diagram');
      const { toDot, toMermaid } = require('../../lib/diagram') as typeof import('../../lib/diagram');
      const diagram = synthesizedDiagram(spec, opts.cloud);
      const text =
        opts.format === 'mermaid'
          ? toMermaid(diagram)
          : (require('../../lib/diagram/svg') as typeof import('../../lib/diagram/svg')).renderSvg(toDot(diagram));
      if (opts.out === undefined) {
        out(text);
        return;
      }
      writeOutput('--out', opts.out, text);
    });
}
