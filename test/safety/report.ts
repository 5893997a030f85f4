import { CLOUD_LABEL, CLOUDS, type Cloud } from '../../lib/constants';
import type { ResourceChange } from './diff';
import { type Component, EXPECTED_REPLACEMENTS, SIZE_EFFECTS, type SizeEffect } from './expectations';
import type { Scenario } from './scenarios';

/*
 * Markdown for the README section: what a size change replaces or restarts on each cloud, and
 * the growth steps that replace a stateful resource by design. Rendered from the measured
 * diffs and the documented tables, so it cannot drift from what the suite checks.
 */

/** The size-effect entry covering one changed path of a resource, if any. */
export function effectFor(cloud: Cloud, change: ResourceChange, path: string): SizeEffect | undefined {
  return SIZE_EFFECTS.find(
    (e) => e.cloud === cloud && e.type === change.type && e.paths.some((p) => path === p || path.startsWith(`${p}.`)),
  );
}

const COMPONENTS: ReadonlyArray<[Component, string]> = [
  ['compute', 'Compute size'],
  ['cache', 'Cache size'],
  ['database', 'Database size'],
];

/** The size-change table: component × cloud, from the effects a size-up diff actually hit. */
export function sizeChangeTable(changes: Readonly<Record<Cloud, readonly ResourceChange[]>>): string {
  const hit = (cloud: Cloud, component: Component) => {
    const effects = new Set<SizeEffect>();
    for (const change of changes[cloud]) {
      for (const path of change.paths) {
        const e = effectFor(cloud, change, path);
        if (e && e.component === component) effects.add(e);
      }
    }
    const list = SIZE_EFFECTS.filter((e) => effects.has(e));
    if (list.length === 0) return 'nothing changes';
    return list.map((e) => `**${e.kind}**: \`${e.type}\` — ${e.text}`).join('<br>');
  };
  return [
    `| size up | ${CLOUDS.map((c) => CLOUD_LABEL[c]).join(' | ')} |`,
    `|---|${CLOUDS.map(() => '---').join('|')}|`,
    ...COMPONENTS.map(([component, label]) => `| ${label} | ${CLOUDS.map((c) => hit(c, component)).join(' | ')} |`),
  ].join('\n');
}

/** The growth steps that replace a stateful resource by design, per scenario and cloud. */
export function replacementList(scenarioList: readonly Scenario[]): string {
  const lines: string[] = [];
  for (const s of scenarioList) {
    const expected = EXPECTED_REPLACEMENTS[s.id] ?? [];
    if (expected.length === 0) {
      lines.push(`- **${s.id}** (${s.description}): no stateful resource is replaced on any cloud.`);
      continue;
    }
    lines.push(`- **${s.id}** (${s.description}):`);
    for (const r of expected) lines.push(`  - ${CLOUD_LABEL[r.cloud]}: \`${r.type}\` replaced — ${r.reason}`);
  }
  return lines.join('\n');
}

/** The safety part of the README section. */
export function readmeSafety(
  scenarioList: readonly Scenario[],
  sizeChanges: Readonly<Record<Cloud, readonly ResourceChange[]>>,
): string {
  const sizeUp = scenarioList.find((s) => s.id === 'size-up');
  return [
    '## What a size change replaces or restarts',
    '',
    `Measured by the stateful safety suite (\`test/safety/\`) on the \`size-up\` step${sizeUp ? ` (${sizeUp.description})` : ''}:`,
    'AWS impacts come from `@aws-cdk/cloudformation-diff` between the two templates, Terraform ones',
    "from the provider's force-new arguments (`test/safety/stateful.ts`). Every stateful resource",
    '(databases, replicas, caches, secrets, keys, passwords, network, Key Vault) keeps its logical',
    'id / Terraform address on every growth step below; the listed exceptions are replacements by design.',
    '',
    sizeChangeTable(sizeChanges),
    '',
    'Growth steps checked, and the stateful replacements each one causes by design:',
    '',
    replacementList(scenarioList),
  ].join('\n');
}
