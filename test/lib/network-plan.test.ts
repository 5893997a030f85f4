import { cidrSizeProblem, isValidCidr, planSubnets } from '../../lib/network-plan';

describe('network plan', () => {
  it.each([
    ['10.0.0.0/16', true],
    ['172.20.0.0/16', true],
    ['192.168.0.0/20', true],
    ['10.0.1.0/16', false],
    ['8.8.0.0/16', false],
    ['172.32.0.0/16', false],
    ['10.0.0.256/16', false],
    ['10.0.0.0', false],
  ])('isValidCidr(%s) = %s', (cidr, ok) => expect(isValidCidr(cidr)).toBe(ok));

  it('refuses networks too small or too large for the 16-block plan', () => {
    expect(cidrSizeProblem('10.0.0.0/21')).toContain('/16 to /20');
    expect(cidrSizeProblem('10.0.0.0/12')).toContain('/16 to /20');
    expect(cidrSizeProblem('10.0.0.0/18')).toBeUndefined();
  });

  it('GIVEN a /16 and 3 zones THEN subnets are /20 blocks in fixed positions', () => {
    const plan = planSubnets('10.0.0.0/16', 3);
    expect(plan.public).toEqual(['10.0.0.0/20', '10.0.16.0/20', '10.0.32.0/20']);
    expect(plan.private).toEqual(['10.0.48.0/20', '10.0.64.0/20', '10.0.80.0/20']);
    expect(plan.isolated).toEqual(['10.0.96.0/20', '10.0.112.0/20', '10.0.128.0/20']);
    expect(plan.endpoints).toBe('10.0.144.0/20');
    expect(plan.jobs).toBe('10.0.160.0/20');
    expect(plan.services).toBe('10.0.192.0/18');
  });

  it('growing from 2 to 3 zones only adds subnets; existing ones keep their ranges', () => {
    const two = planSubnets('10.1.0.0/20', 2);
    const three = planSubnets('10.1.0.0/20', 3);
    for (const tier of ['public', 'private', 'isolated'] as const) {
      expect(three[tier].slice(0, 2)).toEqual(two[tier]);
      expect(three[tier]).toHaveLength(3);
    }
    expect(three.endpoints).toBe(two.endpoints);
    expect(three.jobs).toBe(two.jobs);
    expect(two.private[0]).toBe('10.1.3.0/24');
  });
});
