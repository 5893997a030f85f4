import { CLOUD_LABEL, type Cloud } from '../constants';
import { exitCodeOf, summaryLine } from './report';
import type { Change, ChangeReport, Format } from './types';

export { FORMATS, type Format } from './types';

const entries = (r: ChangeReport) =>
  Object.entries(r.clouds) as Array<[Cloud, NonNullable<ChangeReport['clouds'][Cloud]>]>;

const attrs = (c: Change) => (c.attributes.length > 0 ? c.attributes.join(', ') : '-');

function textOf(r: ChangeReport): string {
  const lines: string[] = [];
  for (const [cloud, cc] of entries(r)) {
    lines.push(summaryLine(cloud, cc));
    for (const c of cc.changes) {
      lines.push(`  ${c.action.padEnd(8)} ${c.risk.padEnd(9)} ${c.resource} (${c.type})  ${attrs(c)}`);
      if (c.risk !== 'none' || c.action === 'fails' || c.action === 'restart' || c.action === 'rolling') {
        lines.push(`  ${''.padEnd(19)}${c.reason}`);
        if (c.advice) lines.push(`  ${''.padEnd(19)}advice: ${c.advice}`);
      }
    }
    for (const n of cc.notes) lines.push(`  note: ${n}`);
    lines.push('');
  }
  lines.push(exitCodeOf(r) === 0 ? 'every change is safe' : 'some changes need attention (exit 3)');
  return lines.join('\n');
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function markdownOf(r: ChangeReport): string {
  const lines = ['### blueprint diff', ''];
  for (const [cloud, cc] of entries(r)) lines.push(`- **${summaryLine(cloud, cc)}**`);
  for (const [cloud, cc] of entries(r)) {
    if (cc.changes.length === 0 && cc.notes.length === 0) continue;
    lines.push('', `#### ${CLOUD_LABEL[cloud]}`, '');
    if (cc.changes.length > 0) {
      lines.push('| action | risk | resource | type | attributes | reason | advice |', '|---|---|---|---|---|---|---|');
      for (const c of cc.changes) {
        const risk = c.risk === 'none' ? 'none' : `**${c.risk}**`;
        lines.push(
          `| ${c.action} | ${risk} | \`${cell(c.resource)}\` | \`${c.type}\` | ${cell(attrs(c))} | ${cell(c.reason)} | ${cell(c.advice)} |`,
        );
      }
    }
    for (const n of cc.notes) lines.push('', `> ${n}`);
  }
  return lines.join('\n');
}

function jsonOf(r: ChangeReport): string {
  return JSON.stringify({ ...r, exitCode: exitCodeOf(r) }, null, 2);
}

export function renderReport(r: ChangeReport, format: Format): string {
  return format === 'json' ? jsonOf(r) : format === 'markdown' ? markdownOf(r) : textOf(r);
}
