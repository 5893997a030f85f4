import { Testing } from 'cdktf';
import { AzureComputeGroup, cpuThresholds, MAX_AUTOSCALE_PROFILES } from '../../../constructs/azure/compute-group';
import { AzureLoadBalancer } from '../../../constructs/azure/load-balancer';
import { AzureNetwork } from '../../../constructs/azure/network';
import { AzureSecrets } from '../../../constructs/azure/secrets';
import { ENV_CONTRACT, type EnvContractName } from '../../../lib/constants';
import type { ResolvedSpec } from '../../../lib/resolve';
import { resolved } from '../../fixtures';

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped
type Json = Record<string, any>;

const all = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});
const ENV = Object.fromEntries(ENV_CONTRACT.map((n) => [n, `value-of-${n.toLowerCase()}`])) as Record<
  EnvContractName,
  string
>;

function build(spec: ResolvedSpec) {
  let group: AzureComputeGroup | undefined;
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      const network = new AzureNetwork(scope, 'Network', { spec });
      const secrets = new AzureSecrets(scope, 'Secrets', { spec, network });
      const loadBalancer = new AzureLoadBalancer(scope, 'LoadBalancer', { spec, network });
      const db = secrets.addSecret('Database', '-database', 'pw', 'application/json');
      const cache = secrets.addSecret('Cache', '-cache', 'key', 'application/json');
      group = new AzureComputeGroup(scope, 'Compute', {
        spec,
        network,
        loadBalancer,
        secrets,
        readableSecrets: { database: db, cache },
        environment: ENV,
      });
    }),
  ) as Json;
  return { json, group: group as AzureComputeGroup };
}
const sets = (json: Json) => all(json, 'azurerm_linux_virtual_machine_scale_set');
const onDemand = (json: Json) => sets(json).find((s) => s.priority !== 'Spot') as Json;
const spot = (json: Json) => sets(json).find((s) => s.priority === 'Spot');
const autoscale = (json: Json, suffix: string) =>
  all(json, 'azurerm_monitor_autoscale_setting').find((a) => a.name === `shop-api-prd${suffix}`) as Json;

describe('AzureComputeGroup', () => {
  const { json: prod, group } = build(resolved('prod'));

  test('GIVEN app env values with Terraform template syntax WHEN synthesized THEN custom data carries them escaped once', () => {
    const { json } = build(resolved('prod', { compute: { app: { env: { FMT: `a \${level} %{x} "q"` } } } }));
    const customData = onDemand(json).custom_data as string;
    expect(customData).toMatch(/^\$\{base64encode\("#cloud-config/);
    expect(customData).toContain('FMT=a $${level} %%{x} \\"q\\"');
  });

  test('GIVEN prod (no spot) WHEN synthesized THEN one scale set across the zones with the size table SKU and Ubuntu 24.04', () => {
    expect(sets(prod)).toHaveLength(1);
    expect(onDemand(prod)).toMatchObject({
      name: 'shop-api-prd-vmss',
      sku: 'Standard_D2s_v5',
      zones: ['1', '2', '3'],
      source_image_reference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' },
    });
    expect(group.spot).toBeUndefined();
  });

  test('GIVEN the autoscaler owns capacity WHEN synthesized THEN instances starts at min and Terraform ignores its drift', () => {
    expect(onDemand(prod).instances).toBe(2);
    expect(onDemand(prod).lifecycle.ignore_changes).toEqual(['instances']);
  });

  test('GIVEN secure defaults WHEN synthesized THEN SSH keys only, encryption at host, Trusted Launch, no public IP', () => {
    const s = onDemand(prod);
    expect(s).toMatchObject({
      disable_password_authentication: true,
      encryption_at_host_enabled: true,
      secure_boot_enabled: true,
      vtpm_enabled: true,
    });
    expect(s.admin_password).toBeUndefined();
    expect(s.admin_ssh_key[0].public_key).toMatch(/tls_private_key\.Compute_SshKey_[0-9A-F]+\.public_key_openssh/);
    expect(s.network_interface[0].ip_configuration[0].public_ip_address).toBeUndefined();
    expect(s.network_interface[0].ip_configuration[0].subnet_id).toMatch(/Network_AppSubnet_/);
  });

  test('GIVEN an SSH key in the spec WHEN synthesized THEN it is used and no key is generated', () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBlueprintTestKey ops@example.com';
    const { json } = build(resolved('prod', { compute: { sshPublicKey: key } }));
    expect(onDemand(json).admin_ssh_key[0].public_key).toBe(key);
    expect(all(json, 'tls_private_key')).toHaveLength(0);
  });

  test('GIVEN a generated key WHEN synthesized THEN its private half goes to Key Vault', () => {
    const secret = all(prod, 'azurerm_key_vault_secret').find((s) => s.name === 'shop-api-prd-vmss-ssh-key');
    expect(secret?.value).toMatch(/private_key_openssh/);
  });

  test('GIVEN health checks WHEN synthesized THEN the health extension drives automatic repairs and rolling upgrades', () => {
    const s = onDemand(prod);
    const ext = s.extension.find((e: Json) => e.type === 'ApplicationHealthLinux');
    expect(JSON.parse(ext.settings)).toMatchObject({ protocol: 'http', port: 8080, requestPath: '/healthz' });
    // Binary Health States: a plain HTTP 200 is healthy. 2.0 (Rich) would mark it Unknown and
    // automatic repairs would replace every VM in a loop.
    expect(ext.type_handler_version).toBe('1.0');
    expect(JSON.parse(ext.settings).gracePeriod).toBeUndefined();
    expect(s.automatic_instance_repair).toEqual({ enabled: true, grace_period: 'PT10M', action: 'Replace' });
    expect(s.upgrade_mode).toBe('Rolling');
    expect(s.rolling_upgrade_policy).toMatchObject({
      max_batch_instance_percent: 20,
      maximum_surge_instances_enabled: true,
    });
  });

  test('GIVEN the gateway WHEN synthesized THEN the scale set joins its backend pool', () => {
    const pool =
      onDemand(prod).network_interface[0].ip_configuration[0].application_gateway_backend_address_pool_ids[0];
    expect(pool).toMatch(
      /^\$\{azurerm_application_gateway\.LoadBalancer_Gateway_[0-9A-F]+\.id\}\/backendAddressPools\/vmss$/,
    );
  });

  test('GIVEN the environment contract WHEN synthesized THEN custom data runs the container with every name and no secret value', () => {
    const data = onDemand(prod).custom_data as string;
    expect(data.startsWith('${base64encode("#cloud-config')).toBe(true);
    for (const name of ENV_CONTRACT) expect(data).toContain(`      ${name}=value-of-${name.toLowerCase()}`);
    expect(data).toContain('AZURE_CLIENT_ID=${azurerm_user_assigned_identity.Compute_Identity_');
    expect(data).toContain('docker run --detach --name app --restart always');
    expect(data).not.toMatch(/random_password|primary_access_key|private_key/);
    expect(group.userData).toContain('apt-get install -y docker.io');
    expect(group.userData).toContain("permissions: '0600'");
  });

  test('GIVEN readable secrets WHEN synthesized THEN the VM identity reads exactly those secrets, granted before VMs start', () => {
    const grants = all(prod, 'azurerm_role_assignment').filter((r) =>
      String(r.principal_id).includes('Compute_Identity_'),
    );
    expect(grants.map((g) => g.role_definition_name)).toEqual(['Key Vault Secrets User', 'Key Vault Secrets User']);
    expect(grants.map((g) => g.scope).sort()).toEqual([
      expect.stringMatching(/Secrets_Cache_.*resource_versionless_id/),
      expect.stringMatching(/Secrets_Database_.*resource_versionless_id/),
    ]);
    expect(onDemand(prod).depends_on).toHaveLength(2);
  });

  test('GIVEN a CPU target WHEN synthesized THEN out above target+15 and in below target-30 over a longer window', () => {
    const rules = autoscale(prod, '-autoscale').profile[0].rule as Json[];
    const cpu = rules.filter((r) => r.metric_trigger.metric_name === 'Percentage CPU');
    expect(cpu.map((r) => [r.metric_trigger.operator, r.metric_trigger.threshold, r.scale_action.direction])).toEqual([
      ['GreaterThan', 75, 'Increase'],
      ['LessThan', 30, 'Decrease'],
    ]);
    expect(cpu[1].metric_trigger.time_window).toBe('PT10M');
    expect(cpuThresholds(90)).toEqual({ out: 95, in: 60 });
  });

  test('GIVEN base bounds WHEN synthesized THEN the default profile holds min/max/default', () => {
    expect(autoscale(prod, '-autoscale').profile[0]).toMatchObject({
      name: 'default',
      capacity: { minimum: 2, maximum: 10, default: 2 },
    });
    expect(autoscale(prod, '-autoscale').target_resource_id).toMatch(/Compute_ScaleSet_/);
  });

  describe('GIVEN the example spec (spot 25%, request target, business-hours schedule)', () => {
    const { json } = build(resolved('example'));
    const ex = (suffix: string) =>
      all(json, 'azurerm_monitor_autoscale_setting').find((a) => a.name === `shop-api-prd${suffix}`) as Json;

    test('WHEN synthesized THEN a Spot set (Delete, max price -1) joins the same pool with its own bounds', () => {
      const s = spot(json) as Json;
      expect(s).toMatchObject({ name: 'shop-api-prd-vmss-spot', eviction_policy: 'Delete', max_bid_price: -1 });
      expect(s.network_interface[0].ip_configuration[0].application_gateway_backend_address_pool_ids).toEqual(
        onDemand(json).network_interface[0].ip_configuration[0].application_gateway_backend_address_pool_ids,
      );
      const split = resolved('example').compute.spot;
      expect(ex('-autoscale').profile[0].capacity).toMatchObject({
        minimum: split.onDemand.min,
        maximum: split.onDemand.max,
      });
      expect(ex('-autoscale-spot').profile[0].capacity).toMatchObject({
        minimum: split.spot?.min,
        maximum: split.spot?.max,
      });
      expect(s.lifecycle.ignore_changes).toEqual(['instances']);
    });

    test('WHEN synthesized THEN the Spot set scales on the on-demand set CPU, a signal that exists while it is empty', () => {
      // Spot starts at 0 outside the window: its own CPU has no samples then, so nothing would
      // ever scale it out.
      expect(ex('-autoscale-spot').profile[0].capacity.minimum).toBe(0);
      for (const profile of ex('-autoscale-spot').profile as Json[]) {
        const cpu = (profile.rule as Json[]).filter((r) => r.metric_trigger.metric_name === 'Percentage CPU');
        expect(cpu).toHaveLength(2);
        for (const r of cpu)
          expect(r.metric_trigger.metric_resource_id).toMatch(
            /^\$\{azurerm_linux_virtual_machine_scale_set\.Compute_ScaleSet_[0-9A-F]+\.id\}$/,
          );
      }
      expect(ex('-autoscale-spot').target_resource_id).toMatch(/Compute_SpotScaleSet_/);
      const onDemandCpu = (ex('-autoscale').profile[0].rule as Json[]).find(
        (r) => r.metric_trigger.metric_name === 'Percentage CPU',
      );
      expect(onDemandCpu?.metric_trigger.metric_resource_id).toMatch(/Compute_ScaleSet_/);
    });

    test('WHEN synthesized THEN requests per healthy host scale out at the per-minute target', () => {
      const rules = ex('-autoscale').profile[0].rule as Json[];
      const req = rules.filter((r) => r.metric_trigger.metric_name === 'AvgRequestCountPerHealthyHost');
      expect(req.map((r) => [r.metric_trigger.operator, r.metric_trigger.threshold])).toEqual([
        ['GreaterThan', 400 * 60],
        ['LessThan', 200 * 60],
      ]);
      expect(req[0].metric_trigger.metric_resource_id).toMatch(/LoadBalancer_Gateway_/);
    });

    test('WHEN synthesized THEN the schedule becomes a start profile with window bounds and an end profile with base bounds', () => {
      const profiles = ex('-autoscale').profile as Json[];
      expect(profiles.map((p) => p.name)).toEqual(['default', 'business-hours', 'business-hours-end']);
      expect(profiles[1]?.recurrence).toEqual({
        timezone: 'Eastern Standard Time',
        days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
        hours: [8],
        minutes: [0],
      });
      expect(profiles[2]?.recurrence).toMatchObject({ hours: [19], minutes: [0] });
      expect(profiles[2]?.capacity).toEqual(profiles[0]?.capacity);
      // The window (min 4) splits 3 on-demand + 1 Spot; outside it the Spot set may drop to 0.
      const spotProfiles = ex('-autoscale-spot').profile as Json[];
      expect(spotProfiles[1]?.capacity.minimum).toBe(1);
      expect(spotProfiles[0]?.capacity.minimum).toBe(0);
    });
  });

  test('GIVEN more schedules than Azure profiles allow WHEN built THEN it fails naming the limit', () => {
    const schedules = Array.from({ length: 10 }, (_, i) => ({
      name: `w${i}`,
      cron: `0 ${i} * * 1`,
      minInstances: 2,
      maxInstances: 4,
    }));
    expect(() => build(resolved('prod', { compute: { scaling: { schedules } } }))).toThrow(
      new RegExp(`at most ${MAX_AUTOSCALE_PROFILES} profiles`),
    );
  });
});
