#!/usr/bin/env node
/*
 * Installs the pinned third-party scanners (scan/tools.json) of `npm run scan`, each into its own
 * venv under .tools/, both at once (the installs wait on the network and the disk). A scanner
 * already there at its pinned version is left alone. Plain Node.js with no dependencies, so
 * .ci/run can start it in the background before `npm ci`.
 *
 *   node scripts/install-scanners.js
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
/** Pinned: a new version brings new checks; upgrading is a deliberate change with a baseline review. */
const TOOLS = JSON.parse(fs.readFileSync(path.join(root, 'scan', 'tools.json'), 'utf8'));

const binary = (tool) => path.join(root, '.tools', tool, 'bin', tool);

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`)),
    );
  });
}

async function ensure(tool) {
  const version = TOOLS[tool];
  const bin = binary(tool);
  const printed = fs.existsSync(bin) ? spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout : '';
  if (printed.includes(version)) return;
  const venv = path.dirname(path.dirname(bin));
  console.log(`installing ${tool} ${version} into ${path.relative(root, venv)}`);
  await run('python3', ['-m', 'venv', venv]);
  await run(path.join(venv, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    `${tool}==${version}`,
  ]);
}

Promise.all(Object.keys(TOOLS).map(ensure)).catch((error) => {
  console.error(`install-scanners: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
