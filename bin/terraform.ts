#!/usr/bin/env node
/*
 * The cdktf.json app: `npx cdktf synth` / `cdktf deploy` run this. It reads the spec from
 * BLUEPRINT_SPEC (default: the example spec) and builds the GCP and Azure stacks the spec asks
 * for into CDKTF_OUTDIR (set by the cdktf CLI; cdktf.out otherwise).
 */
// First: the process-wide V8 flags and the code cache cover every module loaded after it.
import './one-shot';
import { loadSpec, specPathFromEnv } from '../lib/load';
import { synthTerraform } from '../stacks/terraform-app';

const loaded = loadSpec(specPathFromEnv());
if (!loaded.ok) {
  process.stderr.write(`${loaded.file}: invalid spec\n${loaded.problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
synthTerraform(loaded.spec, outdir, loaded.spec.clouds);
