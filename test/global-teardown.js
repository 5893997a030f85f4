// Ends the synthesis server global-setup.js started (jest hands set-up globals only to the teardown).
const { stopSynthServer } = require('./support/synth-server');

module.exports = async () => {
  if (globalThis.__blueprintSynthServer) await stopSynthServer(globalThis.__blueprintSynthServer);
};
