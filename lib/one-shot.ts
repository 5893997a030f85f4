import { setFlagsFromString } from 'node:v8';
import { enableCompileCache } from './compile-cache';

/*
 * The process-wide settings of a one-shot CLI process (`blueprint`, the cdk and cdktf apps):
 * two V8 flags that make the gated synth cheaper, and the code cache (lib/compile-cache.ts).
 * They go together: V8 rejects code cached under other flags, so every process sharing the
 * cache sets the same flags, and sets them before it compiles anything. A library import sets
 * none of them; the functions are exported for processes of users' own that synthesize once.
 */

/**
 * Makes V8 compile WebAssembly with its baseline compiler (Liftoff) only. The built-in
 * validation is a 9 MB WebAssembly module run once per synth: Liftoff alone builds it faster,
 * with ~45% less CPU and ~170 MB less memory than baseline + optimizing tiers.
 *
 * The flag is PROCESS-WIDE (every WebAssembly module compiled afterwards, whoever loads it,
 * stays unoptimized), so only short-lived synth processes should set it: every entry point
 * (`blueprint`, `bin/aws.ts`, `bin/terraform.ts`: startOneShotProcess) and `synthAws` call it;
 * addAwsPolicyGates does not. Call it before the first gated
 * synth of the process (the engine is compiled then); later calls change nothing.
 */
export function useBaselineWasmCompiler(): void {
  setFlagsFromString('--liftoff-only');
}

/**
 * Makes V8 mark the heap on the thread that collects instead of on helper threads. The
 * validation engine grows its WebAssembly memory in many small steps, and V8 answers each step
 * with a full collection of a heap of a few megabytes: ~370 per gated synth. With concurrent
 * marking each one starts helper tasks and waits for them, which on two cores competes with
 * the synth itself. Marking on the thread: ~50 collections, 60 ms instead of ~1 s of GC, and
 * the gated synth of the example on three clouds 3.9 s -> 2.8 s wall, 5.8 s -> 3.9 s CPU
 * (`blueprint synth`, 5 runs each, interleaved with the tree before it); the templates are
 * byte-identical. An ungated synth gains nothing: no WebAssembly runs there.
 *
 * PROCESS-WIDE like useBaselineWasmCompiler, and for the same processes only: the entry points
 * and `synthAws` set it; addAwsPolicyGates does not. Call it before the first gated synth
 * (the validation worker's heap is set up then).
 */
export function useSerialGcMarking(): void {
  setFlagsFromString('--no-concurrent-marking');
}

/** Both process-wide settings of a one-shot synth process (useBaselineWasmCompiler, useSerialGcMarking). */
export function useOneShotSynthSettings(): void {
  useBaselineWasmCompiler();
  useSerialGcMarking();
}

/**
 * Starts a one-shot CLI process: the V8 flags first, then the code cache. Each entry point calls
 * it before it loads anything else (bin/one-shot.ts is its first import).
 */
export function startOneShotProcess(): void {
  useOneShotSynthSettings();
  enableCompileCache();
}
