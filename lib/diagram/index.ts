import type { Cloud } from '../constants';
import type { Diagram } from './model';
import { AWS_DRAWN_TYPES, type CfnTemplate, readAws } from './read-aws';
import { AZURE_DRAWN_TYPES, readAzure } from './read-azure';
import { GCP_DRAWN_TYPES, readGcp } from './read-gcp';
import type { TfJson } from './terraform';

/** The resource types each cloud's reader draws; every other type is left out of the picture. */
export const DRAWN_TYPES: Record<Cloud, readonly string[]> = {
  aws: AWS_DRAWN_TYPES,
  gcp: GCP_DRAWN_TYPES,
  azure: AZURE_DRAWN_TYPES,
};

/** The diagram of one synthesized stack file (a CloudFormation template or a cdk.tf.json). */
export function readDiagram(cloud: Cloud, synthesized: unknown, title: string): Diagram {
  if (cloud === 'aws') return readAws(synthesized as CfnTemplate, title);
  return cloud === 'gcp' ? readGcp(synthesized as TfJson, title) : readAzure(synthesized as TfJson, title);
}

export { toDot } from './dot';
export { toMermaid } from './mermaid';
export type { Diagram } from './model';
