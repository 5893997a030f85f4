import type { Change } from '../../lib/change/types';
import { CLOUD_LABEL, CLOUDS, type Cloud } from '../../lib/constants';
import { COMPONENT_OF, type Component, EXPECTED } from './expectations';
import type { ScenarioResult } from './run';
import type { Scenario } from './scenarios';

/*
 * Markdown for the README section: what a size change does on each cloud, and what each growth
 * step needs attention for. Rendered from the change model's report (the one `blueprint diff`
 * prints) and the documented expectations, so it cannot drift from what the suite checks.
 */

const COMPONENTS: ReadonlyArray<[Component, string]> = [
  ['compute', 'Compute size'],
  ['cache', 'Cache size'],
  ['database', 'Database size'],
];

/** One cell: each distinct (type, action, risk) of a component's changes, with the model's reason. */
function cell(changes: readonly Change[], component: Component): string {
  const seen = new Map<string, Change>();
  for (const c of changes) {
    if (COMPONENT_OF[c.type] !== component) continue;
    const key = `${c.type} ${c.action} ${c.risk}`;
    if (!seen.has(key)) seen.set(key, c);
  }
  if (seen.size === 0) return 'nothing changes';
  return [...seen.values()]
    .map(
      (c) =>
        `**${c.action}**${c.risk === 'none' ? '' : ` (${c.risk})`}: \`${c.type}\` — ${c.reason.replace(/\|/g, '\\|')}`,
    )
    .join('<br>');
}

/** The size-change table: component × cloud, from the model's report of the size-up step. */
export function sizeChangeTable(sizeUp: ScenarioResult): string {
  const changes = (cloud: Cloud) => sizeUp.report.clouds[cloud]?.changes ?? [];
  return [
    `| size up | ${CLOUDS.map((c) => CLOUD_LABEL[c]).join(' | ')} |`,
    `|---|${CLOUDS.map(() => '---').join('|')}|`,
    ...COMPONENTS.map(
      ([component, label]) => `| ${label} | ${CLOUDS.map((c) => cell(changes(c), component)).join(' | ')} |`,
    ),
  ].join('\n');
}

/** The growth steps and what each needs attention for, per cloud (EXPECTED). */
export function attentionList(scenarioList: readonly Scenario[]): string {
  const lines: string[] = [];
  for (const s of scenarioList) {
    const expected = EXPECTED[s.id] ?? [];
    if (expected.length === 0) {
      lines.push(`- **${s.id}** (${s.description}): every change is safe on every cloud.`);
      continue;
    }
    lines.push(`- **${s.id}** (${s.description}):`);
    for (const e of expected) {
      const bug = e.bug ? ` **Defect (${e.bug}).**` : '';
      lines.push(`  - ${CLOUD_LABEL[e.cloud]}: \`${e.type}\` ${e.action} (${e.risk}) — ${e.reason}.${bug}`);
    }
  }
  return lines.join('\n');
}

/** The safety part of the README section. */
export function readmeSafety(results: readonly ScenarioResult[]): string {
  const sizeUp = results.find((r) => r.scenario.id === 'size-up');
  if (!sizeUp) throw new Error('the size-up scenario is missing');
  return [
    '## What a spec change does',
    '',
    `\`blueprint diff --from OLD --spec NEW\` reports it before a deploy; the stateful safety suite (\`test/safety/\`) runs the same model (\`lib/change\`) on the growth steps below. On the \`size-up\` step (${sizeUp.scenario.description}):`,
    '',
    sizeChangeTable(sizeUp),
    '',
    'Growth steps checked, and every change on them that needs attention (risk other than none) or replaces, deletes or fails a stateful resource:',
    '',
    attentionList(results.map((r) => r.scenario)),
  ].join('\n');
}
