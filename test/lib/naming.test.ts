import { CLOUDS, ENVIRONMENTS } from '../../lib/constants';
import { cacheRevisionSuffix, NAME_RULES, type NameKind, Names, nameProblems, stackName } from '../../lib/naming';

describe('naming', () => {
  it('derives names from name + environment short code', () => {
    const names = new Names('shop-api', 'prod');
    expect(names.base).toBe('shop-api-prd');
    expect(names.of('awsLoadBalancer')).toBe('shop-api-prd-alb');
    expect(names.of('gcpSql', '-s1-r2')).toBe('shop-api-prd-pg-s1-r2');
    expect(names.of('azureKeyVault')).toMatch(/^kv-shop-api-prd-[0-9a-f]{6}$/);
  });

  it('the unique suffix is stable for a name + environment and differs across environments', () => {
    expect(new Names('shop-api', 'prod').parts.unique).toBe(new Names('shop-api', 'prod').parts.unique);
    expect(new Names('shop-api', 'prod').parts.unique).not.toBe(new Names('shop-api', 'dev').parts.unique);
  });

  it('a 22-character name fits every rule on every cloud in every environment', () => {
    for (const env of ENVIRONMENTS) expect(nameProblems('abcdefghij-klmnopqrstu', env, CLOUDS)).toEqual([]);
  });

  it('a 23-character name breaks the GCP service account id limit, named as GCP', () => {
    const problems = nameProblems('abcdefghij-klmnopqrstuv', 'prod', CLOUDS);
    expect(problems.map((p) => `${p.cloud}:${p.kind}`)).toEqual(['gcp:gcpServiceAccount']);
    expect(problems[0]?.message).toContain('GCP allows 6-30');
  });

  it('only the selected clouds are checked', () => {
    expect(nameProblems('abcdefghij-klmnopqrstuv', 'prod', ['aws', 'azure'])).toEqual([]);
  });

  it('Key Vault names are cut to 24 characters without a trailing dash', () => {
    const name = new Names('abcdefghij-klmnopqrstu', 'staging').of('azureKeyVault');
    expect(name.length).toBeLessThanOrEqual(24);
    expect(name).not.toMatch(/--/);
  });

  it('every rule documents its limits', () => {
    for (const kind of Object.keys(NAME_RULES) as NameKind[]) {
      const rule = NAME_RULES[kind];
      expect(rule.max).toBeGreaterThanOrEqual(rule.min);
      expect(rule.allowed.length).toBeGreaterThan(5);
    }
  });

  it('Names.of throws when a derived name breaks its rule (a bug, never user input)', () => {
    const names = new Names('abcdefghij-klmnopqrstuvwxyz', 'prod');
    expect(() => names.of('gcpServiceAccount')).toThrow(/GCP allows 6-30/);
  });

  it('stack names follow the CLI contract', () => {
    expect(stackName('shop-api', 'prod', 'aws')).toBe('shop-api-prod');
    expect(stackName('shop-api', 'prod', 'gcp')).toBe('shop-api-prod-gcp');
    expect(stackName('shop-api', 'dev', 'azure')).toBe('shop-api-dev-azure');
  });
});

describe('cache revisions', () => {
  it('GIVEN revision 0 THEN no suffix (existing caches keep their names); later revisions -r<n>', () => {
    expect(cacheRevisionSuffix(0)).toBe('');
    expect(cacheRevisionSuffix(1)).toBe('-r1');
    expect(cacheRevisionSuffix(99)).toBe('-r99');
  });
});
