import type { Change } from '../../lib/change/types';
import { CLOUD_LABEL, CLOUDS, type Cloud } from '../../lib/constants';
import { type Component, componentOf, EXPECTED } from './expectations';
import type { ScenarioResult } from './run';

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

/** One cell: each distinct (type, action, risk) of a component's changes, with the model's reason; safe creates in one line. */
function cell(changes: readonly Change[], component: Component): string {
  const mine = changes.filter((c) => componentOf(c) === component);
  const seen = new Map<string, Change>();
  for (const c of mine) {
    if (c.action === 'create' && c.risk === 'none') continue;
    const key = `${c.type} ${c.action} ${c.risk}`;
    if (!seen.has(key)) seen.set(key, c);
  }
  const lines = [...seen.values()].map(
    (c) =>
      `**${c.action}**${c.risk === 'none' ? '' : ` (${c.risk})`}: \`${c.type}\` — ${c.reason.replace(/\|/g, '\\|')}`,
  );
  const created = mine.filter((c) => c.action === 'create' && c.risk === 'none');
  if (created.length > 0) {
    const types = [...new Set(created.map((c) => `\`${c.type}\``))].join(', ');
    lines.push(`**create**: ${created.length} new resource${created.length === 1 ? '' : 's'} (${types})`);
  }
  return lines.length === 0 ? 'nothing changes' : lines.join('<br>');
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

/** The growth steps and what each needs attention for, per cloud (EXPECTED), with the model's notes. */
export function attentionList(results: readonly ScenarioResult[]): string {
  const lines: string[] = [];
  for (const { scenario: s, report } of results) {
    const expected = EXPECTED[s.id] ?? [];
    lines.push(
      expected.length === 0
        ? `- **${s.id}** (${s.description}): every change is safe on every cloud.`
        : `- **${s.id}** (${s.description}):`,
    );
    for (const e of expected) {
      const bug = e.bug ? ` **Defect (${e.bug}).**` : '';
      lines.push(`  - ${CLOUD_LABEL[e.cloud]}: \`${e.type}\` ${e.action} (${e.risk}) — ${e.reason}.${bug}`);
    }
    for (const cloud of CLOUDS) {
      for (const n of report.clouds[cloud]?.notes ?? []) lines.push(`  - ${CLOUD_LABEL[cloud]}, note: ${n}.`);
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
    attentionList(results),
  ].join('\n');
}
