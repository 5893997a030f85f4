/*
 * Reading a synthesized cdk.tf.json without an engine: resources by type, references between
 * them ("${type.name.attribute}"), and CDKTF's habit of writing single blocks as objects or as
 * one-element lists.
 */

export interface TfJson {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
}

export function tfOfType(tf: TfJson, type: string): Array<[string, Record<string, unknown>]> {
  return Object.entries(tf.resource[type] ?? {});
}

/** `type.name` of the first reference in an interpolation, e.g. "${google_x.y.id}" → "google_x.y". */
export function tfRef(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)/.exec(value);
  return m ? `${m[1]}.${m[2]}` : undefined;
}

/** A nested attribute through blocks written as objects or one-element lists. */
export function tfAttr(resource: Record<string, unknown> | undefined, ...path: string[]): unknown {
  let v: unknown = resource;
  for (const key of path) {
    if (Array.isArray(v)) v = v[0];
    v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  }
  return v;
}
