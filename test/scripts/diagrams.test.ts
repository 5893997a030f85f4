import * as fs from 'node:fs';
import * as path from 'node:path';
import { generatedFiles, ROOT } from '../../scripts/diagrams';

/*
 * The committed pictures and README sections are what `npm run diagrams` makes from the example
 * spec today: a change to the stacks, the readers or the planner that alters them fails here
 * until they are regenerated.
 */
describe('npm run diagrams', () => {
  let files: Record<string, string>;
  beforeAll(() => {
    files = generatedFiles();
  }, 120_000);

  it('GIVEN the example spec WHEN the diagrams and README sections are regenerated THEN the committed files are identical', () => {
    const stale = Object.entries(files)
      .filter(([file, content]) => {
        const p = path.join(ROOT, file);
        return !fs.existsSync(p) || fs.readFileSync(p, 'utf8') !== content;
      })
      .map(([file]) => file);
    expect(stale).toEqual([]);
  });

  it('GIVEN the generated set WHEN listed THEN it holds an SVG and a Mermaid file per cloud and the README', () => {
    expect(Object.keys(files).sort()).toEqual([
      'README.md',
      'docs/diagrams/aws.mmd',
      'docs/diagrams/aws.svg',
      'docs/diagrams/azure.mmd',
      'docs/diagrams/azure.svg',
      'docs/diagrams/gcp.mmd',
      'docs/diagrams/gcp.svg',
    ]);
    for (const cloud of ['aws', 'gcp', 'azure'])
      expect(files[`docs/diagrams/${cloud}.svg`]).toMatch(/^<\?xml[\s\S]*<\/svg>\n?$/);
  });
});
