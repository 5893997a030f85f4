import * as path from 'node:path';
import { formatPath } from './validate';

/*
 * Layered specs: `extends: ./base.yaml` lets per-environment specs share a base (a company base
 * with tags and alert routing, a service base with its sizes). The base is read with the same
 * checks as any spec file, then the extending document is merged over it: mappings merge key by
 * key, anything else (lists, scalars) in the extending file replaces the base's value. Only
 * relative paths (resolved from the extending file's directory), at most MAX_EXTENDS_DEPTH
 * levels, no cycles. Every value remembers the file it came from, so a problem can name it.
 */

/** How many `extends` a chain may follow (a spec, its base, the base's base, ...). */
export const MAX_EXTENDS_DEPTH = 4;

/** A document with the file each of its values came from. */
export interface Layered {
  readonly data: unknown;
  /** Field path (`a.b[0]`) → file that gave the value; `''` maps to the extending (leaf) file. */
  readonly origins: ReadonlyMap<string, string>;
}

export type LayerResult =
  | { readonly ok: true; readonly layered: Layered }
  | { readonly ok: false; readonly problems: string[] };

type Reader = (file: string) => { ok: true; data: unknown } | { ok: false; problems: readonly string[] };

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Records `file` as the origin of `value` and of everything below it. */
function claim(value: unknown, at: readonly (string | number)[], file: string, origins: Map<string, string>): void {
  origins.set(formatPath(at), file);
  const children: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : isMapping(value)
      ? Object.entries(value)
      : [];
  for (const [key, child] of children) claim(child, [...at, key], file, origins);
}

/** Merges `over` onto `base`, recording where each value of the result came from. */
function mergeLayer(
  base: unknown,
  over: unknown,
  at: readonly (string | number)[],
  file: string,
  origins: Map<string, string>,
): unknown {
  if (!isMapping(base) || !isMapping(over)) {
    claim(over, at, file, origins);
    return over;
  }
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeLayer(base[k], v, [...at, k], file, origins) : v;
  for (const [k, v] of Object.entries(over)) if (!(k in base)) claim(v, [...at, k], file, origins);
  return out;
}

/** Reads `file` and every spec it extends, merged, with each value's origin. */
export function readLayers(file: string, read: Reader, chain: readonly string[] = []): LayerResult {
  const absolute = path.resolve(file);
  const result = read(file);
  if (!result.ok) return { ok: false, problems: [...result.problems] };
  const data = result.data;
  if (!isMapping(data) || data.extends === undefined) {
    const origins = new Map<string, string>();
    claim(data, [], file, origins);
    return { ok: true, layered: { data, origins } };
  }
  const { extends: ref, ...own } = data;
  const problem = (message: string) => ({ ok: false as const, problems: [`${file}: extends: ${message}`] });
  if (typeof ref !== 'string' || ref.trim() === '') {
    return problem('must be the relative path of the spec this one builds on, such as ./base.yaml');
  }
  if (path.isAbsolute(ref))
    return problem(`must be a relative path (from ${path.dirname(file)}), not ${JSON.stringify(ref)}`);
  const basePath = path.join(path.dirname(file), ref);
  const seen = [...chain, absolute];
  if (seen.includes(path.resolve(basePath))) {
    return problem(
      `${JSON.stringify(ref)} would extend itself (${[...seen, path.resolve(basePath)].map((f) => path.basename(f)).join(' → ')})`,
    );
  }
  if (seen.length > MAX_EXTENDS_DEPTH) {
    return problem(
      `at most ${MAX_EXTENDS_DEPTH} levels of extends are followed (${seen.map((f) => path.basename(f)).join(' → ')} → ...)`,
    );
  }
  const base = readLayers(basePath, read, seen);
  if (!base.ok) return base;
  const origins = new Map(base.layered.origins);
  origins.set('', file);
  const merged = mergeLayer(base.layered.data, own, [], file, origins);
  return { ok: true, layered: { data: merged, origins } };
}

/** The file that gave the value at a problem's path: its own origin, else the nearest parent's. */
export function originOf(layered: Layered, problemPath: string): string {
  let p = problemPath;
  for (;;) {
    const found = layered.origins.get(p);
    if (found !== undefined) return found;
    if (p === '') return layered.origins.get('') ?? '';
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut <= 0 ? '' : p.slice(0, cut);
  }
}
