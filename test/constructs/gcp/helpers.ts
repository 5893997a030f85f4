import { Testing } from 'cdktf';
import type { Construct } from 'constructs';

/*
 * What every GCP construct test needs: synthesize a scope to Terraform JSON and pick resources
 * out of it. Not a test file (jest runs *.test.ts only).
 */

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped
export type Json = any;

/** Builds constructs in a fresh test stack and returns its synthesized Terraform JSON. */
export const synth = (build: (scope: Construct) => void): Json => JSON.parse(Testing.synthScope(build));

/** Every resource body of one Terraform type (none when the type is absent). */
export const resources = (tf: Json, type: string): Json[] => Object.values(tf.resource?.[type] ?? {});

/** The single resource of a type; fails the test unless there is exactly one. */
export const only = (tf: Json, type: string): Json => {
  const found = resources(tf, type);
  expect(found).toHaveLength(1);
  return found[0];
};
