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
