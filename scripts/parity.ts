/*
 * `npm run parity`: synthesizes the parity matrix and the growth scenarios on AWS, GCP and
 * Azure, prints the parity matrix as a markdown table, and writes docs/parity.md and
 * docs/parity-readme-section.md. The parity and safety suites fail when either file is stale.
 *
 * The extractors live with the tests (test/parity, test/safety) so there is one copy; the
 * build compiles lib/bin/constructs/stacks/scripts only, so this script compiles those test
 * helpers into dist/test first (swc, ~0.3 s) and loads them from there.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

interface Generated {
  readonly files: Record<string, string>;
}

function compileHelpers(): void {
  execFileSync(
    process.execPath,
    [
      require.resolve('@swc/cli/bin/swc.js'),
      'test/parity',
      'test/safety',
      'test/support',
      'test/fixtures.ts',
      '-d',
      'dist',
      '--quiet',
      '--config-file',
      '.swcrc',
      '--ignore',
      '**/*.test.ts',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
}

function main(): void {
  const started = Date.now();
  compileHelpers();
  const { generate } = require(path.join(ROOT, 'dist', 'test', 'parity', 'generate.js')) as {
    generate: () => Generated;
  };
  const { matrixTable } = require(path.join(ROOT, 'dist', 'test', 'parity', 'report.js')) as {
    matrixTable: (results: unknown) => string;
  };
  const generated = generate() as Generated & { matrix: unknown };
  console.log(matrixTable(generated.matrix));
  for (const [file, text] of Object.entries(generated.files)) {
    fs.writeFileSync(path.join(ROOT, file), text);
    console.log(`\nwrote ${file}`);
  }
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

main();
