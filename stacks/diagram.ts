import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Cloud } from '../lib/constants';
import { type Diagram, readDiagram } from '../lib/diagram';
import type { ResolvedSpec } from '../lib/resolve';
import { synthesize } from './synth';

/**
 * The diagram of one cloud of a spec, drawn from what synthesis writes (not from the spec), so
 * the picture shows exactly the resources a deploy would create. Synthesizes into a temporary
 * directory that is removed afterwards.
 */
export function synthesizedDiagram(spec: ResolvedSpec, cloud: Cloud): Diagram {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-diagram-'));
  try {
    // A picture of the resources: the policy gates would not change them.
    const [result] = synthesize(spec, dir, [cloud], { checks: false });
    if (!result) throw new Error(`synthesis wrote no ${cloud} stack`);
    const title = `${result.stackName} (${cloud === 'aws' ? 'AWS' : cloud === 'gcp' ? 'GCP' : 'Azure'}, ${spec.regions[cloud]})`;
    return readDiagram(cloud, JSON.parse(fs.readFileSync(result.file, 'utf8')), title);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
