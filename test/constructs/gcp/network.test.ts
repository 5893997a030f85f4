import { TerraformOutput } from 'cdktf';
import { GcpNetwork, type GcpNetworkProps } from '../../../constructs/gcp/network';
import { resolved } from '../../fixtures';
import { type Json, only, resources, synth } from './helpers';

function network(props: Partial<GcpNetworkProps> = {}, spec = resolved('example')): Json {
  return synth((scope) => new GcpNetwork(scope, 'network', { spec, ...props }));
}

describe('GcpNetwork', () => {
  it('GIVEN the example spec WHEN synthesized THEN the VPC is custom-mode and regional', () => {
    const vpc = only(network(), 'google_compute_network');
    expect(vpc.name).toBe('shop-api-prd-vpc');
    expect(vpc.auto_create_subnetworks).toBe(false);
    expect(vpc.routing_mode).toBe('REGIONAL');
  });

  it('GIVEN the address plan WHEN synthesized THEN one subnet uses the first private block, with PGA and flow logs', () => {
    const spec = resolved('example');
    const subnet = only(network({}, spec), 'google_compute_subnetwork');
    expect(subnet.ip_cidr_range).toBe(spec.network.subnets.private[0]);
    expect(subnet.ip_cidr_range).toBe('10.20.48.0/20');
    expect(subnet.region).toBe('us-central1');
    expect(subnet.private_ip_google_access).toBe(true);
    expect(subnet.log_config).toEqual({
      aggregation_interval: 'INTERVAL_10_MIN',
      flow_sampling: 0.5,
      metadata: 'INCLUDE_ALL_METADATA',
    });
  });

  it('GIVEN any spec WHEN synthesized THEN Cloud NAT covers all subnets and logs errors', () => {
    const tf = network();
    const nat = only(tf, 'google_compute_router_nat');
    expect(nat.source_subnetwork_ip_ranges_to_nat).toBe('ALL_SUBNETWORKS_ALL_IP_RANGES');
    expect(nat.nat_ip_allocate_option).toBe('AUTO_ONLY');
    expect(nat.log_config).toEqual({ enable: true, filter: 'ERRORS_ONLY' });
    expect(nat.router).toMatch(/^\$\{google_compute_router\.network_router_[0-9A-F]+\.name\}$/);
  });

  it('GIVEN the services range of the plan WHEN synthesized THEN private service access peers it and abandons on destroy', () => {
    const spec = resolved('example');
    const tf = network({}, spec);
    const range = only(tf, 'google_compute_global_address');
    expect(`${range.address}/${range.prefix_length}`).toBe(spec.network.subnets.services);
    expect(range.purpose).toBe('VPC_PEERING');
    expect(range.address_type).toBe('INTERNAL');
    const connection = only(tf, 'google_service_networking_connection');
    expect(connection.service).toBe('servicenetworking.googleapis.com');
    expect(connection.reserved_peering_ranges).toEqual([
      expect.stringMatching(/google_compute_global_address\.network_services-range_[0-9A-F]+\.name/),
    ]);
    expect(connection.deletion_policy).toBe('ABANDON');
  });

  it('GIVEN port 9000 WHEN synthesized THEN only Google LB / health-check ranges reach it, on that port only', () => {
    const spec = resolved('prod', { compute: { port: 9000 } });
    const rules = resources(network({}, spec), 'google_compute_firewall');
    const allows = rules.filter((r) => r.allow);
    const app = allows.find((r) => r.name === 'shop-api-prd-allow-health-checks');
    expect(app.source_ranges).toEqual(['35.191.0.0/16', '130.211.0.0/22']);
    expect(app.allow).toEqual([{ protocol: 'tcp', ports: ['9000'] }]);
    expect(app.target_tags).toEqual(['shop-api-prd-app']);
    // Nothing is allowed from the internet at large.
    for (const rule of allows) expect(rule.source_ranges).not.toContain('0.0.0.0/0');
  });

  it('GIVEN the default WHEN synthesized THEN SSH is allowed only from the IAP range', () => {
    const rules = resources(network(), 'google_compute_firewall');
    const ssh = rules.filter((r) => r.allow?.some((a: Json) => a.ports?.includes('22')));
    expect(ssh).toHaveLength(1);
    expect(ssh[0].source_ranges).toEqual(['35.235.240.0/20']);
  });

  it('GIVEN iapSsh false WHEN synthesized THEN no rule opens port 22', () => {
    const rules = resources(network({ iapSsh: false }), 'google_compute_firewall');
    expect(rules).toHaveLength(2);
    expect(rules.some((r) => r.allow?.some((a: Json) => a.ports?.includes('22')))).toBe(false);
  });

  it('GIVEN any spec WHEN synthesized THEN a logged deny-all ingress rule sits just above the implied rule', () => {
    const deny = resources(network(), 'google_compute_firewall').find((r) => r.deny);
    expect(deny.priority).toBe(65534);
    expect(deny.direction).toBe('INGRESS');
    expect(deny.source_ranges).toEqual(['0.0.0.0/0']);
    expect(deny.deny).toEqual([{ protocol: 'all' }]);
    expect(deny.log_config).toEqual({ metadata: 'INCLUDE_ALL_METADATA' });
  });

  it('GIVEN overrides WHEN synthesized THEN they apply last', () => {
    const tf = network({
      overrides: {
        subnet: (p) => ({ ...p, logConfig: { ...p.logConfig, flowSampling: 1 } }),
        nat: (p) => ({ ...p, minPortsPerVm: 128 }),
      },
    });
    expect(only(tf, 'google_compute_subnetwork').log_config.flow_sampling).toBe(1);
    expect(only(tf, 'google_compute_router_nat').min_ports_per_vm).toBe(128);
  });

  it('GIVEN the construct WHEN used as a network reference THEN it exposes the ids the data tier needs', () => {
    let ref: GcpNetwork | undefined;
    const tf = synth((scope) => {
      const net = new GcpNetwork(scope, 'network', { spec: resolved('dev') });
      ref = net;
      new TerraformOutput(scope, 'vpc', { value: net.vpcId });
      new TerraformOutput(scope, 'subnet', { value: net.subnetId });
      new TerraformOutput(scope, 'range', { value: net.servicesRangeName });
    });
    expect(ref?.appTag).toBe('shop-api-dev-app');
    expect(ref?.privateServiceAccess).toEqual([ref?.servicesConnection]);
    expect(tf.output.vpc.value).toMatch(/^\$\{google_compute_network\.network_vpc_[0-9A-F]+\.id\}$/);
    expect(tf.output.subnet.value).toMatch(/^\$\{google_compute_subnetwork\.network_subnet_[0-9A-F]+\.id\}$/);
    expect(tf.output.range.value).toMatch(
      /^\$\{google_compute_global_address\.network_services-range_[0-9A-F]+\.name\}$/,
    );
  });
});
