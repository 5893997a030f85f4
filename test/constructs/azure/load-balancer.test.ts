import { Testing } from 'cdktf';
import {
  AzureLoadBalancer,
  certificateScope,
  gatewayCapacity,
  RATE_LIMIT_PER_5_MIN,
  SSL_POLICY,
  wafSizeLimits,
} from '../../../constructs/azure/load-balancer';
import { AzureNetwork } from '../../../constructs/azure/network';
import type { ResolvedSpec } from '../../../lib/resolve';
import { resolved } from '../../fixtures';

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped
type Json = Record<string, any>;

const all = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});
const CERT = 'https://kv-certs.vault.azure.net/secrets/api-example-com';
const HTTPS = { loadBalancer: { https: { domain: 'api.example.com', certificate: { azure: CERT } } } };

function synth(spec: ResolvedSpec, extra: { certificateKeyVaultId?: string; frontDoorId?: string } = {}): Json {
  return JSON.parse(
    Testing.synthScope((scope) => {
      const network = new AzureNetwork(scope, 'Network', { spec });
      new AzureLoadBalancer(scope, 'LoadBalancer', { spec, network, ...extra });
    }),
  );
}
const gateway = (json: Json) => all(json, 'azurerm_application_gateway')[0] as Json;

describe('AzureLoadBalancer', () => {
  const prod = synth(resolved('prod'));

  test('GIVEN WAF on WHEN synthesized THEN a WAF_v2 gateway across the zones with autoscale and the policy attached', () => {
    const g = gateway(prod);
    expect(g.sku).toEqual({ name: 'WAF_v2', tier: 'WAF_v2' });
    expect(g.zones).toEqual(['1', '2', '3']);
    expect(g.autoscale_configuration).toEqual({ min_capacity: 2, max_capacity: 10 });
    expect(g.firewall_policy_id).toMatch(/azurerm_web_application_firewall_policy\.LoadBalancer_WafPolicy_/);
    expect(g.gateway_ip_configuration[0].subnet_id).toMatch(/Network_GatewaySubnet_/);
  });

  test('GIVEN WAF on WHEN synthesized THEN OWASP 3.2 in Prevention mode with a per-client rate limit', () => {
    const [p] = all(prod, 'azurerm_web_application_firewall_policy');
    expect(p?.policy_settings).toMatchObject({ enabled: true, mode: 'Prevention', request_body_check: true });
    expect(p?.managed_rules.managed_rule_set).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'OWASP', version: '3.2' })]),
    );
    const rate = p?.custom_rules.find((r: Json) => r.rule_type === 'RateLimitRule');
    expect(rate).toMatchObject({
      action: 'Block',
      rate_limit_threshold: RATE_LIMIT_PER_5_MIN,
      rate_limit_duration: 'FiveMins',
      group_rate_limit_by: 'ClientAddr',
    });
  });

  test('GIVEN a zone change later WHEN synthesized THEN the gateway keeps the zones it was created with (zones is ForceNew)', () => {
    expect(gateway(synth(resolved('dev'))).zones).toEqual(['1', '2']);
    expect(gateway(prod).lifecycle).toEqual({ ignore_changes: ['zones'] });
  });

  test('GIVEN WAF off WHEN synthesized THEN Standard_v2 and no policy', () => {
    const json = synth(resolved('dev', { loadBalancer: { waf: false } }));
    expect(gateway(json).sku.name).toBe('Standard_v2');
    expect(gateway(json).firewall_policy_id).toBeUndefined();
    expect(all(json, 'azurerm_web_application_firewall_policy')).toHaveLength(0);
    const { minCapacity, maxCapacity } = gatewayCapacity(resolved('dev'));
    expect(gateway(json).autoscale_configuration).toEqual({ min_capacity: minCapacity, max_capacity: maxCapacity });
    expect(minCapacity).toBe(1);
  });

  test('GIVEN the app health path WHEN synthesized THEN the probe and backend settings use it, the port and the idle timeout', () => {
    const g = gateway(
      synth(
        resolved('prod', {
          compute: { healthCheckPath: '/ready', port: 9000 },
          loadBalancer: { idleTimeoutSeconds: 120 },
        }),
      ),
    );
    expect(g.probe[0]).toMatchObject({ path: '/ready', port: 9000, protocol: 'Http' });
    expect(g.backend_http_settings[0]).toMatchObject({ port: 9000, request_timeout: 120, probe_name: 'app-health' });
    expect(g.backend_http_settings[0].connection_draining).toEqual({ enabled: true, drain_timeout_sec: 60 });
  });

  test('GIVEN no HTTPS WHEN synthesized THEN one HTTP listener forwards to the pool and the URL is the gateway DNS name', () => {
    const g = gateway(prod);
    expect(g.http_listener.map((l: Json) => l.protocol)).toEqual(['Http']);
    expect(g.request_routing_rule).toHaveLength(1);
    expect(g.request_routing_rule[0].backend_address_pool_name).toBe('vmss');
    expect(g.ssl_policy).toEqual({ policy_type: 'Predefined', policy_name: SSL_POLICY });
    const [ip] = all(prod, 'azurerm_public_ip');
    expect(ip?.domain_name_label).toMatch(/^shop-api-prd-[0-9a-f]{6}$/);
  });

  test('GIVEN HTTPS WHEN synthesized THEN a TLS 1.2+ listener with the Key Vault certificate and an HTTP redirect', () => {
    const g = gateway(synth(resolved('prod', HTTPS)));
    expect(g.ssl_certificate).toEqual([{ name: 'tls', key_vault_secret_id: CERT }]);
    expect(g.identity.type).toBe('UserAssigned');
    expect(g.http_listener.find((l: Json) => l.protocol === 'Https')).toMatchObject({ ssl_certificate_name: 'tls' });
    expect(g.redirect_configuration[0]).toMatchObject({ redirect_type: 'Permanent', target_listener_name: 'https' });
    const httpRule = g.request_routing_rule.find((r: Json) => r.http_listener_name === 'http');
    expect(httpRule.redirect_configuration_name).toBe('http-to-https');
    expect(httpRule.backend_address_pool_name).toBeUndefined();
  });

  test('GIVEN the certificate vault id WHEN synthesized THEN the gateway identity is granted before the gateway is created', () => {
    const vaultId = '/subscriptions/0000/resourceGroups/certs/providers/Microsoft.KeyVault/vaults/kv-certs';
    const json = synth(resolved('prod', HTTPS), { certificateKeyVaultId: vaultId });
    const [ra] = all(json, 'azurerm_role_assignment');
    // Scoped to the certificate's secret: the gateway must not read the user's other secrets.
    expect(ra).toMatchObject({
      scope: `${vaultId}/secrets/api-example-com`,
      role_definition_name: 'Key Vault Secrets User',
    });
    expect(gateway(json).depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/LoadBalancer_CertificateAccess_/)]),
    );
  });

  test('GIVEN the gateway subnet NSG WHEN synthesized THEN the gateway waits for the NSG to be attached with its rules', () => {
    // Otherwise Azure may see the NSG without the GatewayManager rule and reject the gateway
    // (ApplicationGatewaySubnetInboundTrafficBlockedByNetworkSecurityGroup).
    expect(gateway(prod).depends_on).toEqual([
      expect.stringMatching(
        /^azurerm_subnet_network_security_group_association\.Network_GatewaySecurityGroupAssociation_/,
      ),
    ]);
  });

  test('GIVEN the default request body limit WHEN synthesized THEN JSON bodies and uploads up to 1 MiB pass, larger ones are refused', () => {
    const [p] = all(prod, 'azurerm_web_application_firewall_policy');
    expect(p?.policy_settings).toMatchObject({
      request_body_check: true,
      request_body_enforcement: true,
      max_request_body_size_in_kb: 1024,
      file_upload_enforcement: true,
      file_upload_limit_in_mb: 1,
      request_body_inspect_limit_in_kb: 128,
    });
  });

  test('GIVEN the largest request body limit WHEN synthesized THEN the WAF takes the CRS 3.2 maximum and uploads round up to 2 MB', () => {
    const json = synth(resolved('prod', { loadBalancer: { maxRequestBodyKiB: 2000 } }));
    const [p] = all(json, 'azurerm_web_application_firewall_policy');
    expect(p?.policy_settings).toMatchObject({ max_request_body_size_in_kb: 2000, file_upload_limit_in_mb: 2 });
    expect(wafSizeLimits(8)).toEqual({
      maxRequestBodySizeInKb: 8,
      fileUploadLimitInMb: 1,
      requestBodyInspectLimitInKb: 8,
    });
  });

  test('GIVEN a certificate in another vault than certificateKeyVaultId WHEN built THEN it fails naming both vaults', () => {
    const vaultId = '/subscriptions/0000/resourceGroups/certs/providers/Microsoft.KeyVault/vaults/kv-other';
    expect(() => synth(resolved('prod', HTTPS), { certificateKeyVaultId: vaultId })).toThrow(/kv-other/);
    expect(certificateScope(`${vaultId}/`, 'https://KV-OTHER.vault.azure.net/secrets/tls/0123')).toBe(
      `${vaultId}/secrets/tls`,
    );
  });

  test('GIVEN a Front Door id WHEN synthesized THEN the WAF blocks requests without it and counts clients by X-Forwarded-For', () => {
    const json = synth(resolved('prod', { cdn: { enabled: true } }), { frontDoorId: 'fd-guid' });
    const [p] = all(json, 'azurerm_web_application_firewall_policy');
    const fd = p?.custom_rules.find((r: Json) => r.name === 'OnlyOurFrontDoor');
    expect(fd.match_conditions[0]).toMatchObject({ negation_condition: true, match_values: ['fd-guid'] });
    expect(fd.match_conditions[0].match_variables[0]).toEqual({
      variable_name: 'RequestHeaders',
      selector: 'X-Azure-FDID',
    });
    expect(p?.custom_rules.find((r: Json) => r.rule_type === 'RateLimitRule').group_rate_limit_by).toBe(
      'ClientAddrXFFHeader',
    );
  });

  test('GIVEN HTTPS without an Azure certificate WHEN built THEN it fails with a clear message', () => {
    const spec = resolved('prod', { loadBalancer: { https: { domain: 'api.example.com', certificate: {} } } });
    expect(() => synth(spec)).toThrow(/certificate\.azure/);
  });
});
