import { Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { AzureNetwork } from '../../../constructs/azure/network';
import {
  AzureSecrets,
  grantSecretRead,
  SECRETS_OFFICER_ROLE,
  SECRETS_USER_ROLE,
  SOFT_DELETE_DAYS,
} from '../../../constructs/azure/secrets';
import type { ResolvedSpec } from '../../../lib/resolve';
import { resolved } from '../../fixtures';

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped
type Json = Record<string, any>;

const all = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});

function synth(
  spec: ResolvedSpec,
  extra: (scope: Construct, secrets: AzureSecrets) => void = () => {},
  ips?: string[],
) {
  return JSON.parse(
    Testing.synthScope((scope) => {
      const network = new AzureNetwork(scope, 'Network', { spec });
      const secrets = new AzureSecrets(scope, 'Secrets', { spec, network, ...(ips ? { allowedIpRanges: ips } : {}) });
      extra(scope, secrets);
    }),
  ) as Json;
}

describe('AzureSecrets', () => {
  const json = synth(resolved('prod'));
  const vault = () => all(json, 'azurerm_key_vault')[0] as Json;

  test('GIVEN defaults WHEN synthesized THEN the vault uses RBAC, purge protection and the maximum soft delete', () => {
    expect(vault()).toMatchObject({
      name: expect.stringMatching(/^kv-shop-api-prd-[0-9a-f]{6}$/),
      rbac_authorization_enabled: true,
      purge_protection_enabled: true,
      soft_delete_retention_days: SOFT_DELETE_DAYS.other,
      sku_name: 'standard',
    });
    expect(vault().access_policy).toBeUndefined();
  });

  test('GIVEN dev WHEN synthesized THEN soft delete keeps the 7-day minimum', () => {
    const dev = synth(resolved('dev'));
    expect(all(dev, 'azurerm_key_vault')[0]?.soft_delete_retention_days).toBe(7);
  });

  test('GIVEN no allowed ranges WHEN synthesized THEN the vault has no public endpoint and a deny-by-default firewall', () => {
    expect(vault().public_network_access_enabled).toBe(false);
    expect(vault().network_acls).toMatchObject({ default_action: 'Deny', bypass: 'AzureServices', ip_rules: [] });
  });

  test('GIVEN allowed ranges WHEN synthesized THEN only those ranges pass the public firewall', () => {
    const open = synth(resolved('prod'), undefined, ['203.0.113.0/28']);
    const v = all(open, 'azurerm_key_vault')[0] as Json;
    expect(v.public_network_access_enabled).toBe(true);
    expect(v.network_acls).toMatchObject({ default_action: 'Deny', ip_rules: ['203.0.113.0/28'] });
  });

  test('GIVEN the vault WHEN synthesized THEN a private endpoint in the endpoints subnet serves it with private DNS', () => {
    const [pe] = all(json, 'azurerm_private_endpoint');
    expect(pe?.private_service_connection.subresource_names).toEqual(['vault']);
    expect(pe?.subnet_id).toMatch(/azurerm_subnet\.Network_EndpointsSubnet_/);
    expect(pe?.private_dns_zone_group.private_dns_zone_ids[0]).toMatch(/Network_KeyVaultDnsZone_/);
  });

  test('GIVEN the deploying identity WHEN synthesized THEN it gets Secrets Officer on this vault only', () => {
    const [ra] = all(json, 'azurerm_role_assignment');
    expect(ra).toMatchObject({ role_definition_name: SECRETS_OFFICER_ROLE });
    expect(ra?.scope).toMatch(/^\$\{azurerm_key_vault\.Secrets_KeyVault_[0-9A-F]+\.id\}$/);
    expect(ra?.principal_id).toMatch(/data\.azurerm_client_config\.Secrets_Current_[0-9A-F]+\.object_id/);
  });

  test('GIVEN a secret added and granted WHEN synthesized THEN it waits for access and the grant is scoped to the secret', () => {
    const t = synth(resolved('prod'), (scope, secrets) => {
      const s = secrets.addSecret('Thing', '-thing', 'value', 'text/plain');
      grantSecretRead(scope, 'Reader', 'principal-1', s);
    });
    const [secret] = all(t, 'azurerm_key_vault_secret');
    expect(secret?.name).toBe('shop-api-prd-thing');
    expect(secret?.depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^azurerm_role_assignment\.Secrets_DeployerAccess_/),
        expect.stringMatching(/^azurerm_private_endpoint\.Secrets_PrivateEndpoint_/),
      ]),
    );
    const reader = all(t, 'azurerm_role_assignment').find((r) => r.principal_id === 'principal-1');
    expect(reader?.role_definition_name).toBe(SECRETS_USER_ROLE);
    expect(reader?.scope).toMatch(/azurerm_key_vault_secret\.Secrets_Thing_[0-9A-F]+\.resource_versionless_id/);
  });
});
