/*
 * JSON paths shared by the CloudFormation and Terraform sides of the model: dotted paths without
 * list indices (`settings.ip_configuration.private_network`), the way provider schemas name
 * attributes and the way users read them.
 */

export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const join = (prefix: string, key: string) => (prefix === '' ? key : `${prefix}.${key}`);

/** `settings[0].disk_size` / `tags["a"]` (HCL, lifecycle lists) → `settings.disk_size` / `tags.a`. */
export function normalizePath(path: string): string {
  return path
    .replace(/\[\d+\]/g, '')
    .replace(/\["([^"]+)"\]/g, '.$1')
    .replace(/^\./, '');
}

/** Does `path` lie at or under `prefix`? */
export const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}.`);

/** Options of {@link changedPaths}. */
export interface DiffOptions {
  /** Paths whose list value is a set (order does not matter). */
  readonly isSet?: (path: string) => boolean;
  /** Top-level keys that are not arguments (metadata, meta-arguments). */
  readonly skipTop?: ReadonlySet<string>;
}

const sameMultiset = (a: unknown[], b: unknown[]) => {
  const key = (v: unknown) => JSON.stringify(v);
  return a.length === b.length && JSON.stringify(a.map(key).sort()) === JSON.stringify(b.map(key).sort());
};

/** The paths (deepest that differ) where two JSON values differ; '' is the value itself. */
export function changedPaths(a: unknown, b: unknown, options: DiffOptions = {}, prefix = ''): string[] {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
      (k) => prefix !== '' || !options.skipTop?.has(k),
    );
    return dedupe(keys.flatMap((k) => changedPaths(a[k], b[k], options, join(prefix, k))));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (options.isSet?.(prefix)) return sameMultiset(a, b) ? [] : [prefix];
    if (a.length === b.length && a.every(isObject) && b.every(isObject)) {
      return dedupe(a.flatMap((x, i) => changedPaths(x, b[i], options, prefix)));
    }
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix];
}

const dedupe = (paths: string[]) => [...new Set(paths)];

/** The value at a dotted path, taking the first element of lists on the way (single blocks). */
export function valueAt(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split('.')) {
    if (Array.isArray(v)) v = v[0];
    if (!isObject(v)) return undefined;
    v = v[key];
  }
  return v;
}

/** Every string leaf with its normalized path. */
export function stringLeaves(value: unknown, prefix = ''): Array<{ path: string; value: string }> {
  if (typeof value === 'string') return [{ path: prefix, value }];
  if (Array.isArray(value)) return value.flatMap((v) => stringLeaves(v, prefix));
  if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, join(prefix, k)));
  return [];
}
