// Builds dist/ once before the suites that run the CLI and the cdk/cdktf apps as processes,
// so `npx jest` alone never tests stale JavaScript. swc compiles the tree in well under a second.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  const root = path.join(__dirname, '..');
  execFileSync(
    process.execPath,
    [
      require.resolve('@swc/cli/bin/swc.js'),
      'api',
      'lib',
      'bin',
      'constructs',
      'stacks',
      '-d',
      'dist',
      '--quiet',
      '--config-file',
      '.swcrc',
    ],
    { cwd: root, stdio: 'inherit' },
  );
};
