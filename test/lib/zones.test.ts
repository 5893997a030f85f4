import { AWS_ZONE_LETTERS, awsZoneSource, tableZones } from '../../lib/zones';
import { resolved } from '../fixtures';

describe('AWS zones', () => {
  it('GIVEN a region every account has a/b/c in THEN the table gives them in order', () => {
    expect(tableZones('us-east-1', 3)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
  });

  it('GIVEN ap-northeast-1 THEN only the two letters every account has are offered', () => {
    expect(AWS_ZONE_LETTERS['ap-northeast-1']).toEqual(['a', 'c']);
    expect(tableZones('ap-northeast-1', 2)).toEqual(['ap-northeast-1a', 'ap-northeast-1c']);
    expect(tableZones('ap-northeast-1', 3)).toBeUndefined();
  });

  it('GIVEN a region the table does not know THEN it gives nothing', () => {
    expect(tableZones('us-west-1', 2)).toBeUndefined();
  });

  it('GIVEN spec names THEN they win over an account and the table', () => {
    const spec = resolved('prod', {
      accounts: { aws: '123456789012' },
      network: { zoneNames: { aws: ['us-east-1d', 'us-east-1e', 'us-east-1f'] } },
    });
    expect(awsZoneSource(spec)).toEqual({
      kind: 'names',
      names: ['us-east-1d', 'us-east-1e', 'us-east-1f'],
      from: 'spec',
    });
  });

  it('GIVEN an account and no names THEN the zones are looked up', () => {
    expect(awsZoneSource(resolved('prod', { accounts: { aws: '123456789012' } }))).toEqual({
      kind: 'lookup',
      count: 3,
    });
  });

  it('GIVEN neither THEN the table, or unknown where the table cannot tell', () => {
    expect(awsZoneSource(resolved('dev'))).toEqual({
      kind: 'names',
      names: ['us-east-1a', 'us-east-1b'],
      from: 'table',
    });
    expect(awsZoneSource(resolved('prod', { regions: { aws: 'us-west-1' } }))).toEqual({ kind: 'unknown', count: 3 });
  });
});
