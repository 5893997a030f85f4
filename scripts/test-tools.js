#!/usr/bin/env node
/*
 * `npm test` runs every check it has: the boot-document suite needs shellcheck and cloud-init
 * (Debian packages). This runs before jest: it installs them where it can (root with apt-get,
 * as on a fresh CI machine) and otherwise stops with one line saying how, instead of letting
 * the suite skip checks silently.
 */
const { spawnSync } = require('node:child_process');

const TOOLS = ['shellcheck', 'cloud-init'];
const has = (tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
const missing = () => TOOLS.filter((t) => !has(t));

let absent = missing();
if (absent.length > 0 && process.getuid?.() === 0 && has('apt-get')) {
  console.error(`npm test: installing ${absent.join(' and ')} (Debian packages) for the boot-document checks`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (update.status === 0) {
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...absent], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env,
    });
  }
  absent = missing();
}
if (absent.length > 0) {
  console.error(
    `npm test: the boot-document checks need ${absent.join(' and ')}; install ${absent.length > 1 ? 'them' : 'it'} (Debian/Ubuntu: sudo apt-get install ${absent.join(' ')}) and run npm test again`,
  );
  process.exit(1);
}
