#!/usr/bin/env node
/*
 * Consumer tests (issue 11): the package as a user gets it. Packs the repository (npm pack runs
 * the package build), checks what the tarball holds, then installs it into scratch projects made
 * from the templates' own files (test/consumers/<name>/: `cdk init app --language typescript`
 * and `cdktf init --template=typescript`, minimal files committed), each with only the engines it
 * declares, and runs its `npm test` (compile with the template's tsconfig, synthesize, assert).
 *
 *   node scripts/consumer-tests.js [name...]                 pack, then every consumer (or the named ones)
 *   node scripts/consumer-tests.js --pack-only DIR           pack into DIR and check the tarball
 *   node scripts/consumer-tests.js --tarball FILE|DIR [name...]  the consumers on a tarball packed before
 *
 * Packing rebuilds dist/ from scratch; the consumers then only read the tarball. So CI packs
 * first and runs the consumers beside the other steps (.ci/run).
 *
 * Engines and @types come at the repository's exact dev pins, TypeScript at the consumer's own
 * version; engines already installed in the repository at that pin are hardlinked in first
 * (linkEngines), everything else installs from the npm cache when it can (--prefer-offline). Env:
 * BLUEPRINT_CONSUMER_AWS_CDK_LIB=<version> installs that aws-cdk-lib instead (range checks).
 * Prints install size and time per consumer and the total time.
 */
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const consumers = path.join(root, 'test', 'consumers');
const repo = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const started = Date.now();
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);

function run(cmd, args, cwd, env = {}) {
  const result = spawnSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${path.basename(cwd)}: ${cmd} ${args.join(' ')} exited ${result.status}`);
}

/** Runs a command, its output kept in `log` (printed once the consumer ends, so parallel runs stay readable). */
function runLogged(cmd, args, cwd, log, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env } });
    child.stdout.on('data', (d) => log.push(String(d)));
    child.stderr.on('data', (d) => log.push(String(d)));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(cwd)}: ${cmd} ${args.join(' ')} exited ${code}`)),
    );
  });
}

/** Paths a published package must not carry: tests, snapshots, scripts, docs beyond the three. */
const FORBIDDEN = [
  /(^|\/)test\//,
  /__snapshots__/,
  /\.snap$/,
  /\.test\.[jt]s$/,
  /^scripts\//,
  /^dist\/scripts\//,
  /^docs\//,
  /^scan\//,
  /\.ts$/,
];
const ALLOWED_DTS = /\.d\.ts$/;

function checkTarball(tarball) {
  const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
  const bad = files.filter((f) => !ALLOWED_DTS.test(f) && FORBIDDEN.some((re) => re.test(f)));
  if (bad.length > 0) throw new Error(`the tarball carries files it must not:\n  ${bad.join('\n  ')}`);
  for (const needed of [
    'dist/api/aws.js',
    'dist/api/aws.d.ts',
    'dist/esm/aws.mjs',
    'dist/lib/index.d.ts',
    'examples/shop-api.yaml',
    'cdk.json',
    'LICENSE',
    'CHANGELOG.md',
  ]) {
    if (!files.includes(needed)) throw new Error(`the tarball lacks ${needed}`);
  }
  const kib = Math.round(fs.statSync(tarball).size / 1024);
  console.log(`tarball: ${files.length} files, ${kib} KiB, no tests, snapshots, scripts or sources`);
}

function duMiB(dir) {
  const out = execFileSync('du', ['-sm', dir], { encoding: 'utf8' });
  return Number(out.split('\t')[0]);
}

/**
 * Hardlinks into the consumer's node_modules the engines it pins whose installed version in the
 * repository is exactly that pin, before its npm install. npm keeps a package it finds in place
 * at the wanted version, so it extracts only the tarball and the rest: the two provider packages
 * and aws-cdk-lib are ~750 MiB, which every consumer extracted again (the all-clouds install took
 * 34 s alone and 169 s beside the test suite). The files are the bytes npm ci put in the repository
 * from the same registry at the same version; the consumer still resolves its own tree, so a peer
 * range the tarball gets wrong still fails its install. Returns the names linked. Another version
 * (BLUEPRINT_CONSUMER_AWS_CDK_LIB) or another filesystem (no hardlinks) installs as before.
 */
function linkEngines(dir, dependencies) {
  const linked = [];
  for (const [name, version] of dependencies) {
    const from = path.join(root, 'node_modules', name);
    let installed;
    try {
      installed = JSON.parse(fs.readFileSync(path.join(from, 'package.json'), 'utf8')).version;
    } catch {
      continue;
    }
    if (installed !== version) continue;
    const to = path.join(dir, 'node_modules', name);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    if (spawnSync('cp', ['-al', from, to]).status !== 0) {
      fs.rmSync(to, { recursive: true, force: true });
      break;
    }
    linked.push(name);
  }
  return linked;
}

/** One consumer app: install, check what is (not) installed, then its own `npm test`. */
async function consumer(name, tarball, work, log) {
  const dir = path.join(work, name);
  fs.cpSync(path.join(consumers, name), dir, { recursive: true });
  const pkgFile = path.join(dir, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
  const spec = pkg.blueprintConsumer;
  const pin = (dep) => {
    if (dep === 'aws-cdk-lib' && process.env.BLUEPRINT_CONSUMER_AWS_CDK_LIB)
      return process.env.BLUEPRINT_CONSUMER_AWS_CDK_LIB;
    const version = repo.devDependencies[dep];
    if (!version) throw new Error(`${name}: ${dep} is not pinned in the repository's devDependencies`);
    return version;
  };
  pkg.dependencies = Object.fromEntries([
    ['scaling-blueprint', `file:${tarball}`],
    ...spec.dependencies.map((d) => [d, pin(d)]),
  ]);
  pkg.devDependencies = Object.fromEntries([
    ['typescript', spec.typescript],
    ...(spec.devDependencies ?? []).map((d) => [d, pin(d)]),
  ]);
  fs.writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);

  const installStart = Date.now();
  const linked = linkEngines(dir, Object.entries(pkg.dependencies));
  await runLogged('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir, log);
  const installSeconds = seconds(installStart);
  const mib = duMiB(path.join(dir, 'node_modules'));
  for (const absent of spec.absent ?? []) {
    if (fs.existsSync(path.join(dir, 'node_modules', absent))) throw new Error(`${name}: ${absent} was installed`);
  }
  if (fs.existsSync(path.join(dir, 'node_modules', 'scaling-blueprint', 'node_modules'))) {
    throw new Error(`${name}: scaling-blueprint got nested dependencies of its own (a second engine copy?)`);
  }
  const testStart = Date.now();
  await runLogged('npm', ['test', '--silent'], dir, log, { CHECKPOINT_DISABLE: '1' });
  log.push(
    `consumer ${name}: install ${installSeconds} s (${linked.length} of ${spec.dependencies.length} engines linked from the repository's node_modules), node_modules ${mib} MiB (none of ${(spec.absent ?? []).join(', ') || '-'}), compile + synth ${seconds(testStart)} s`,
  );
}

/** How many consumers install and build at once: installs wait on the disk, so two overlap well on two cores. */
const PARALLEL = 2;

/** npm pack into `dir` (prepack runs the package build: swc, declarations, ESM entries), checked. */
function pack(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  run('npm', ['pack', '--silent', '--pack-destination', dir], root);
  const tarball = path.join(dir, `${repo.name}-${repo.version}.tgz`);
  checkTarball(tarball);
  return tarball;
}

/** The command line: `--pack-only DIR`, `--tarball FILE`, then consumer names. */
function parseArgs(argv) {
  const args = { names: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--pack-only' || arg === '--tarball') {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      args[arg === '--pack-only' ? 'packOnly' : 'tarball'] = path.resolve(value);
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else args.names.push(arg);
  }
  if (args.tarball && !fs.existsSync(args.tarball)) throw new Error(`--tarball ${args.tarball}: no such file`);
  if (args.tarball && fs.statSync(args.tarball).isDirectory()) {
    // A --pack-only directory: the one tarball in it.
    const found = fs.readdirSync(args.tarball).filter((f) => f.endsWith('.tgz'));
    if (found.length !== 1) throw new Error(`--tarball ${args.tarball}: expected one .tgz, found ${found.length}`);
    args.tarball = path.join(args.tarball, found[0]);
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.packOnly) {
    console.log(`packed ${pack(args.packOnly)} (${seconds(started)} s)`);
    return;
  }
  const names =
    args.names.length > 0
      ? args.names
      : fs
          .readdirSync(consumers)
          .filter((d) => fs.existsSync(path.join(consumers, d, 'package.json')))
          .sort();
  if (names.length === 0) throw new Error('no consumer apps found in test/consumers/');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-consumers-'));
  try {
    const tarball = args.tarball ?? pack(work);
    const queue = [...names];
    const failures = [];
    const worker = async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        const log = [];
        try {
          await consumer(name, tarball, work, log);
        } catch (error) {
          failures.push(name);
          log.push(`consumer ${name} FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
        }
        process.stdout.write(log.map((l) => (l.endsWith('\n') ? l : `${l}\n`)).join(''));
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, names.length) }, worker));
    console.log(`consumer tests (${seconds(started)} s):`);
    console.log(`consumers: ${names.length - failures.length} passed, ${failures.length} failed`);
    if (failures.length > 0) throw new Error(`failed: ${failures.join(', ')}`);
  } finally {
    if (process.env.BLUEPRINT_KEEP_CONSUMERS === '1') console.log(`kept ${work}`);
    // Over a gigabyte of node_modules: removed in the background, so the run does not wait on the disk.
    else spawn('rm', ['-rf', work], { detached: true, stdio: 'ignore' }).unref();
  }
}

main().catch((error) => {
  console.error(`consumer tests: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
