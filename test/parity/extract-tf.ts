import { renderTfTemplate, type TerraformJson } from '../support/outputs';
import { gapMarker } from './gaps';

/*
 * Reading Terraform JSON written by CDKTF: resources by type and the references between them
 * ("${type.name.attribute}").
 */

export type Resource = Record<string, unknown>;

/** The resource a "${type.name.attr}" reference points at: `type.name`, or undefined. */
export function refAddress(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^\$\{([a-z0-9_]+)\.([^.}]+)\.[^}]*\}$/.exec(v);
  return m ? `${m[1]}.${m[2]}` : undefined;
}

/** Resources of one type as [address, config]. */
export function resources(t: TerraformJson, type: string): Array<[string, Resource]> {
  return Object.entries(t.resource[type] ?? {}).map(([name, r]) => [`${type}.${name}`, r]);
}

/** One resource by address. */
export function byAddress(t: TerraformJson, address: string | undefined): Resource | undefined {
  if (address === undefined) return undefined;
  const dot = address.indexOf('.');
  return t.resource[address.slice(0, dot)]?.[address.slice(dot + 1)];
}

/** Outputs rendered as text (interpolations replaced by the placeholder). */
export function tfOutputs(t: TerraformJson): Record<string, string> {
  return Object.fromEntries(
    Object.entries(t.output ?? {}).map(([k, o]) => [k, renderTfTemplate(typeof o.value === 'string' ? o.value : '')]),
  );
}

/** Terraform lifecycle of a resource. */
export function lifecycle(r: Resource | undefined): { ignore_changes?: unknown; prevent_destroy?: unknown } {
  return (r?.lifecycle ?? {}) as { ignore_changes?: unknown; prevent_destroy?: unknown };
}

/** Instance bounds of one group, as an autoscaler or autoscale setting states them. */
export interface GroupBounds {
  readonly min: number;
  readonly max: number;
}

/**
 * The compute part of a summary for clouds that run Spot as a second group (GCP, Azure):
 * totals over every group, the on-demand floor, and both groups' bounds.
 */
export function twoGroupCompute(
  cloud: 'gcp' | 'azure',
  onDemand: readonly GroupBounds[],
  spot: readonly GroupBounds[],
) {
  const sum = (bs: readonly GroupBounds[], k: 'min' | 'max') => bs.reduce((n, b) => n + b[k], 0);
  return {
    min: sum(onDemand, 'min') + sum(spot, 'min'),
    max: sum(onDemand, 'max') + sum(spot, 'max'),
    onDemandMin: sum(onDemand, 'min'),
    spot: {
      percent: gapMarker(cloud, 'compute.spot.percent'),
      groups:
        spot.length === 0
          ? null
          : {
              onDemand: { min: sum(onDemand, 'min'), max: sum(onDemand, 'max') },
              spot: { min: sum(spot, 'min'), max: sum(spot, 'max') },
            },
    },
  };
}
