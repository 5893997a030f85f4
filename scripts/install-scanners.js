#!/usr/bin/env node
/*
 * Installs the pinned third-party scanners of `npm run scan` (scan/tools.json), each into its own
 * venv under .tools/, with uv (pinned there too, installed by the machine's pip into .tools/uv):
 * uv resolves, downloads and byte-compiles checkov's hundred-odd packages in ~5 s where pip
 * takes ~30 s of CPU. A scanner already there at its pinned version is left alone. Plain Node.js
 * with no dependencies, so .ci/run can start it in the background before `npm ci`.
 *
 *   node scripts/install-scanners.js
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const tools = path.join(root, '.tools');
/** Pinned: a new scanner version brings new checks; upgrading is a deliberate change with a baseline review. */
const PINS = JSON.parse(fs.readFileSync(path.join(root, 'scan', 'tools.json'), 'utf8'));

const binary = (tool) => path.join(tools, tool, 'bin', tool);

/**
 * The version of `dist` installed in `dir` (a site-packages or --target directory), read from its
 * .dist-info METADATA as pip does: asking the tool itself costs checkov ~4 s of CPU on each
 * `npm run scan`. '' when it is not there.
 */
function installedVersion(dir, dist) {
  const prefix = `${dist.replace(/[-_.]+/g, '_').toLowerCase()}-`;
  const info = (fs.existsSync(dir) ? fs.readdirSync(dir) : []).filter(
    (f) => f.toLowerCase().startsWith(prefix) && f.endsWith('.dist-info'),
  );
  if (info.length !== 1) return '';
  const metadata = path.join(dir, info[0], 'METADATA');
  const line = fs.existsSync(metadata) ? /^Version: (.+)$/m.exec(fs.readFileSync(metadata, 'utf8')) : null;
  return line ? line[1].trim() : '';
}

/** A scanner's venv site-packages (the one python3.X directory uv made). */
function sitePackages(tool) {
  const lib = path.join(tools, tool, 'lib');
  const python = (fs.existsSync(lib) ? fs.readdirSync(lib) : []).filter((d) => d.startsWith('python'));
  return python.length === 1 ? path.join(lib, python[0], 'site-packages') : '';
}

/** Whether `tool` is installed at its pin: its entry point and its package metadata. */
const scannerReady = (tool) =>
  fs.existsSync(binary(tool)) && installedVersion(sitePackages(tool), tool) === PINS.scanners[tool];

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    // CI runs as root: pip's warning about it is noise here (everything goes under .tools/).
    const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`)),
    );
  });
}

/** uv itself, as a plain package directory (no venv, no ensurepip): .tools/uv/bin/uv. */
async function ensureUv() {
  const dir = path.join(tools, 'uv');
  const uv = path.join(dir, 'bin', 'uv');
  if (fs.existsSync(uv) && installedVersion(dir, 'uv') === PINS.uv) return uv;
  fs.rmSync(dir, { recursive: true, force: true });
  await run('python3', [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--target',
    dir,
    `uv==${PINS.uv}`,
  ]);
  return uv;
}

/** A fresh venv for one scanner, filled by uv. */
async function install(uv, tool) {
  const version = PINS.scanners[tool];
  const venv = path.join(tools, tool);
  console.log(`installing ${tool} ${version} into ${path.relative(root, venv)}`);
  fs.rmSync(venv, { recursive: true, force: true });
  await run('python3', ['-m', 'venv', '--without-pip', venv]);
  // Byte-compiled at install: every scan imports checkov anew, and this machine's Python
  // writes no .pyc files at run time (PYTHONDONTWRITEBYTECODE).
  await run(uv, [
    'pip',
    'install',
    '--quiet',
    '--compile-bytecode',
    '--python',
    path.join(venv, 'bin', 'python'),
    `${tool}==${version}`,
  ]);
}

async function main() {
  const pending = Object.keys(PINS.scanners).filter((t) => !scannerReady(t));
  if (pending.length === 0) return;
  const uv = await ensureUv();
  await Promise.all(pending.map((tool) => install(uv, tool)));
}

main().catch((error) => {
  console.error(`install-scanners: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
