/*
 * Text that reaches Terraform through CDKTF is read by Terraform's template language: `${` and
 * `%{` start template sequences, and inside a function call's string argument quotes and
 * backslashes need escaping too. Values users write (app.env) must arrive verbatim on every
 * Terraform cloud, so both CDKTF back ends escape literal text here, once. Pure string logic:
 * no engine import. Unresolved CDKTF tokens embedded in the string stay references.
 */

/** How CDKTF renders an unresolved token inside a string. */
const TOKEN = /(\$\{TfToken\[[^\]]+\]\})/;

/** Applies `transform` to the literal parts of `value`, leaving embedded tokens alone. */
function mapLiterals(value: string, transform: (literal: string) => string): string {
  return value
    .split(TOKEN)
    .map((part, i) => (i % 2 === 1 ? part : transform(part)))
    .join('');
}

/** For a plain string attribute (e.g. instance metadata): `${` → `$${`, `%{` → `%%{`. */
export function terraformAttributeText(value: string): string {
  return mapLiterals(value, (p) => p.replace(/\$\{/g, '$$$${').replace(/%\{/g, '%%{'));
}

/**
 * For a string argument of a Terraform function (e.g. `Fn.base64encode`). CDKTF already
 * escapes newlines and `${` there, but not backslashes, quotes or `%{`.
 */
export function terraformFunctionArgument(value: string): string {
  return mapLiterals(value, (p) => p.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%\{/g, '%%{'));
}

/**
 * HCL for the `name`s of the objects in `list` that match `pattern` and are missing from `kept`:
 * the plan-time "a deployed server is dropped" check of the shard guards. lib/change/conditions.ts
 * evaluates `length(<this>) == 0` with `list` = `self.instances` or `self.resources`.
 */
export function droppedNames(list: string, pattern: string, kept: readonly string[]): string {
  return `setsubtract([for i in ${list} : i.name if can(regex(${JSON.stringify(pattern)}, i.name))], ${JSON.stringify(kept)})`;
}
