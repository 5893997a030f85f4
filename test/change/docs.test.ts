import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../lib/change/rules';
import { FRAMEWORK_SCHEMAS } from '../../lib/change/terraform-facts';
import { TERRAFORM_SCHEMAS } from '../../lib/change/terraform-schema';

/*
 * docs/diff.md carries the rules table and the provider facts list rendered from lib/change, so
 * the documentation cannot drift from the model. Regenerate: BLUEPRINT_WRITE_DOCS=1 npx jest test/change/docs.test.ts
 */

const DOC = path.join(__dirname, '..', '..', 'docs', 'diff.md');
const START = '<!-- rules:start (generated from lib/change; do not edit) -->';
const END = '<!-- rules:end -->';

function rendered(): string {
  const rules = Object.entries(RULES).map(
    ([id, r]) =>
      `| \`${id}\` | ${r.clouds.join(', ')} | ${r.level} | ${r.what.replace(/\|/g, '\\|')} | ${r.source.replace(/\|/g, '\\|')} |`,
  );
  const facts = Object.entries({ ...TERRAFORM_SCHEMAS, ...FRAMEWORK_SCHEMAS }).map(
    ([type, s]) =>
      `| \`${type}\` | ${s.provider} ${s.version} | \`${s.source}\` | ${Object.values(s.attributes).filter((f) => f.includes('F')).length} |`,
  );
  return [
    '| rule | clouds | reads | what | source |',
    '|---|---|---|---|---|',
    ...rules,
    '',
    'Terraform types modelled (force-new count = attribute paths marked ForceNew in the schema):',
    '',
    '| type | provider | source file | force-new paths |',
    '|---|---|---|---|',
    ...facts,
  ].join('\n');
}

test('docs/diff.md carries the current rules table and provider facts', () => {
  const text = fs.readFileSync(DOC, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  expect(start).toBeGreaterThan(-1);
  const section = `${START}\n\n${rendered()}\n\n`;
  if (process.env.BLUEPRINT_WRITE_DOCS === '1')
    fs.writeFileSync(DOC, `${text.slice(0, start)}${section}${text.slice(end)}`);
  else expect(text.slice(start, end)).toBe(section);
});
