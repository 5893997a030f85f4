/**
 * A per-resource override hook: receives the props the construct computed (library defaults,
 * then spec values) and returns the props to use. Typed with the engine's own props type, so
 * a platform team can change anything the engine allows and the compiler checks it.
 */
export type Override<P> = (props: P) => P;

/** Applies an optional override last, after defaults and spec values. */
export function applyOverride<P>(props: P, override?: Override<P>): P {
  return override ? override(props) : props;
}

/**
 * A hook for one of several instances of the same kind (a database writer, reader, primary or
 * replica): it also receives which instance it is, so it can change one and leave the others.
 */
export type InstanceOverride<P, C> = (props: P, instance: C) => P;

/** Which database instance a hook is called for. */
export interface DatabaseInstanceContext {
  /** 0-based shard number. */
  readonly shard: number;
  /** 1-based replica (reader) number; absent for the primary (writer). */
  readonly replica?: number;
}

/**
 * Applies instance hooks in order (the hook for every instance first, then the one for this
 * role), each over the result of the previous.
 */
export function applyInstanceOverrides<P, C>(
  props: P,
  instance: C,
  ...overrides: ReadonlyArray<InstanceOverride<P, C> | undefined>
): P {
  return overrides.reduce<P>((acc, override) => (override ? override(acc, instance) : acc), props);
}
