/*
 * Imported first by every entry point (`blueprint`, the cdk and cdktf apps): the process-wide V8
 * flags and the code cache (lib/one-shot.ts) are set before any other module of the process loads.
 */
import { startOneShotProcess } from '../lib/one-shot';

startOneShotProcess();
