import type { CfnTemplate, Change } from '../../lib/change/types';
import { changeReport } from '../../stacks/change';
import { resolved } from '../fixtures';
import { cfnOfType, synthesizedOutputs } from '../support/outputs';

/*
 * A stack deployed with an earlier version, deployed again with this one. Earlier versions
 * spread each RDS Proxy over every data subnet and named it `<base>-proxy`; this one pins it to
 * the first two zones. The proxy's subnets are replace-only, so with the old name kept the
 * upgrade would fail and roll back (a custom-named resource cannot be replaced).
 */

const spec = resolved('example');
const current = synthesizedOutputs(spec, ['aws']);

/** The current template with each proxy as earlier versions placed and named it. */
function previousProxies(template: CfnTemplate): CfnTemplate {
  const copy = structuredClone(template);
  const subnets = cfnOfType(copy, 'AWS::EC2::Subnet')
    .map(([id]) => id)
    .filter((id) => id.startsWith('NetworkVpcIsolatedSubnet'))
    .map((id) => ({ Ref: id }));
  for (const [, props] of cfnOfType(copy, 'AWS::RDS::DBProxy')) {
    props.DBProxyName = String(props.DBProxyName).replace(/-proxy-az2/, '-proxy');
    props.VpcSubnetIds = subnets;
  }
  return copy;
}

describe('upgrade of a stack deployed with an earlier version', () => {
  const before = { outputs: { aws: previousProxies(current.aws as CfnTemplate) } };
  const changes = changeReport(before, { outputs: current }, ['aws']).clouds.aws?.changes ?? [];
  const proxies = changes.filter((c: Change) => c.type === 'AWS::RDS::DBProxy');

  test('GIVEN the example on three zones with pooling WHEN upgraded THEN the proxy is replaced under its new name, not refused', () => {
    expect(
      cfnOfType(current.aws as CfnTemplate, 'AWS::EC2::Subnet').filter(([id]) => id.includes('Isolated')),
    ).toHaveLength(3);
    expect(proxies).toEqual([
      expect.objectContaining({
        action: 'replace',
        attributes: expect.arrayContaining(['DBProxyName', 'VpcSubnetIds']),
      }),
    ]);
    expect(changes.filter((c) => c.action === 'fails')).toEqual([]);
  });

  test('GIVEN the same upgrade WHEN the old name were kept THEN the model refuses it (why the name changed)', () => {
    const kept = structuredClone(current.aws as CfnTemplate);
    for (const [, props] of cfnOfType(kept, 'AWS::RDS::DBProxy')) {
      props.DBProxyName = String(props.DBProxyName).replace(/-proxy-az2/, '-proxy');
    }
    const failing = changeReport(before, { outputs: { aws: kept } }, ['aws']).clouds.aws?.changes ?? [];
    expect(failing.filter((c) => c.type === 'AWS::RDS::DBProxy')).toEqual([
      expect.objectContaining({ action: 'fails', attributes: ['VpcSubnetIds'] }),
    ]);
  });
});
