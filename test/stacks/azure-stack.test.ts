import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, LocalBackend, Testing } from 'cdktf';
import { OUTPUT_NAMES } from '../../lib/constants';
import { stackName } from '../../lib/naming';
import type { ResolvedSpec } from '../../lib/resolve';
import { AZURE_RESOURCE_PROVIDERS, AzureBlueprintStack } from '../../stacks/azure-stack';
import { AZURE_CERT, resolved } from '../fixtures';

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped
type Json = Record<string, any>;

function synth(spec: ResolvedSpec, props: Partial<ConstructorParameters<typeof AzureBlueprintStack>[2]> = {}): Json {
  const app = Testing.app();
  const stack = new AzureBlueprintStack(app, stackName(spec.name, spec.environment, 'azure'), { spec, ...props });
  return JSON.parse(Testing.synth(stack));
}
/** `type.logicalId` of every resource, the Terraform addresses state is keyed by. */
function addresses(json: Json): string[] {
  return Object.entries(json.resource as Record<string, object>).flatMap(([type, byId]) =>
    Object.keys(byId).map((id) => `${type}.${id}`),
  );
}
const nameOf = (json: Json, address: string): string | undefined => {
  const [type, id] = address.split('.') as [string, string];
  return json.resource[type]?.[id]?.name;
};

describe('AzureBlueprintStack', () => {
  describe.each(['dev', 'staging', 'prod'] as const)('GIVEN the %s preset', (env) => {
    const json = synth(resolved(env));

    test('WHEN synthesized THEN it matches the reviewed snapshot', () => {
      expect(json).toMatchSnapshot();
    });

    test('WHEN synthesized THEN the outputs are exactly the contract names plus the URL', () => {
      expect(Object.keys(json.output).sort()).toEqual([...OUTPUT_NAMES].sort());
    });
  });

  const prod = synth(resolved('prod'));

  test('GIVEN the provider WHEN synthesized THEN Key Vault purge stays off, soft-deleted items are recovered', () => {
    const provider = json1(prod.provider.azurerm);
    expect(provider.features[0].key_vault[0]).toEqual({
      purge_soft_delete_on_destroy: false,
      purge_soft_deleted_secrets_on_destroy: false,
      recover_soft_deleted_key_vaults: true,
      recover_soft_deleted_secrets: true,
    });
    expect(provider.resource_provider_registrations).toBe('none');
    expect(provider.resource_providers_to_register).toEqual(AZURE_RESOURCE_PROVIDERS);
    expect(provider.subscription_id).toBeUndefined();
    expect(Object.keys(prod.provider).sort()).toEqual(['azurerm', 'random', 'tls']);
    expect(AZURE_RESOURCE_PROVIDERS).toContain('Microsoft.ContainerInstance');
  });

  test('GIVEN no remote state in the spec WHEN synthesized THEN state is a local file at a relative path, never an absolute one', () => {
    const path = prod.terraform.backend.local.path as string;
    expect(path).toMatch(/(^|\/)terraform\.shop-api-prod-azure\.tfstate$/);
    expect(path.startsWith('/')).toBe(false);
  });

  test('GIVEN terraform.state.azure in the spec WHEN synthesized THEN the azurerm backend with Entra ID auth keeps the state', () => {
    const json = synth(resolved('example'));
    expect(json.terraform.backend).toEqual({
      azurerm: {
        resource_group_name: 'rg-shop-tfstate',
        storage_account_name: 'shoptfstate',
        container_name: 'tfstate',
        key: 'shop-api-prod-azure.tfstate',
        use_azuread_auth: true,
      },
    });
  });

  test('GIVEN a backend prop WHEN synthesized THEN it wins over the spec', () => {
    const json = synth(resolved('example'), {
      backend: (stack) => new LocalBackend(stack, { path: 'state/azure.tfstate' }),
    });
    expect(json.terraform.backend).toEqual({ local: { path: 'state/azure.tfstate' } });
  });

  describe('first deploy inputs', () => {
    const open = resolved('prod', { terraform: { privateRunner: false } });
    const https = {
      loadBalancer: { https: { domain: 'api.example.com', certificate: { azure: AZURE_CERT.azure } } },
      terraform: { runnerCidrs: ['203.0.113.4/32'] },
    };

    test('GIVEN neither runner CIDRs nor a private runner WHEN built THEN one error names what to set', () => {
      expect(() => synth(open)).toThrow(
        /^Azure stack: the Key Vault must admit the machine running Terraform: set terraform\.runnerCidrs \(or BLUEPRINT_AZURE_KEYVAULT_ALLOWED_IPS, or the keyVaultAllowedIpRanges prop\), or terraform\.privateRunner: true/,
      );
    });

    test('GIVEN HTTPS without the certificate vault and no runner WHEN built THEN one error names both', () => {
      const spec = resolved('prod', { ...https, terraform: { privateRunner: false, runnerCidrs: [] } });
      expect(() => synth(spec)).toThrow(
        /terraform\.runnerCidrs.*; the gateway must be granted its certificate: set loadBalancer\.https\.certificate\.azureKeyVaultId/,
      );
    });

    test('GIVEN runner CIDRs in the spec and the props WHEN synthesized THEN the Key Vault admits both', () => {
      const json = synth(resolved('prod', { terraform: { privateRunner: false, runnerCidrs: ['203.0.113.4/32'] } }), {
        keyVaultAllowedIpRanges: ['198.51.100.0/28', '203.0.113.4/32'],
      });
      const vault = Object.values(json.resource.azurerm_key_vault)[0] as Json;
      expect(vault.public_network_access_enabled).toBe(true);
      expect(vault.network_acls.ip_rules).toEqual(['203.0.113.4/32', '198.51.100.0/28']);
      expect(() => synth(open, { keyVaultAllowedIpRanges: ['198.51.100.0/28'] })).not.toThrow();
    });

    test('GIVEN the certificate vault in the spec WHEN synthesized THEN the gateway is granted the certificate; the prop wins over the spec', () => {
      const spec = resolved('prod', {
        ...https,
        loadBalancer: { https: { domain: 'api.example.com', certificate: AZURE_CERT } },
      });
      const grant = (json: Json) =>
        (Object.values(json.resource.azurerm_role_assignment) as Json[]).find((r) =>
          String(r.scope).includes('/secrets/api'),
        )?.scope;
      expect(grant(synth(spec))).toBe(`${AZURE_CERT.azureKeyVaultId}/secrets/api`);
      const other = AZURE_CERT.azureKeyVaultId.replace('rg-certs', 'rg-other');
      expect(grant(synth(spec, { certificateKeyVaultId: other }))).toBe(`${other}/secrets/api`);
    });
  });

  test('GIVEN an Azure subscription in the spec WHEN synthesized THEN the provider targets it', () => {
    const json = synth(resolved('prod', { accounts: { azure: '3f2b1c4d-5e6f-4a1b-8c2d-9e0f1a2b3c4d' } }));
    expect(json1(json.provider.azurerm).subscription_id).toBe('3f2b1c4d-5e6f-4a1b-8c2d-9e0f1a2b3c4d');
  });

  test('GIVEN prod WHEN synthesized THEN outputs name the stable endpoints, the app secret and the cache, and the URL is the gateway', () => {
    const out = (n: string) => prod.output[n].value as string;
    expect(out('DATABASE_WRITER_HOST')).toBe('writer.db.shop-api-prd.internal');
    expect(out('DATABASE_READER_HOSTS').split(',')).toEqual(
      [1, 2, 3, 4, 5].map((i) => `reader-${i}.db.shop-api-prd.internal`),
    );
    expect(out('DATABASE_SECRET')).toMatch(
      /^\$\{azurerm_key_vault_secret\.Secrets_DatabaseApp_[0-9A-F]+\.versionless_id\}$/,
    );
    expect(JSON.parse(out('DATABASE_SHARD_MAP'))).toHaveLength(1);
    expect(out('CACHE_HOST')).toMatch(/azurerm_managed_redis\.Cache_Redis_[0-9A-F]+\.hostname/);
    expect(out('CACHE_PORT')).toMatch(/default_database\[0\]\.port/);
    expect(out('LOAD_BALANCER_URL')).toMatch(
      /^http:\/\/\$\{azurerm_public_ip\.LoadBalancer_PublicIp_[0-9A-F]+\.fqdn\}$/,
    );
  });

  test('GIVEN the example (https + cdn + waf) WHEN synthesized THEN the URL is the domain and the WAF admits only our Front Door', () => {
    const json = synth(resolved('example'));
    expect(json.output.LOAD_BALANCER_URL.value).toBe('https://api.shop.example.com');
    const policy = Object.values(json.resource.azurerm_web_application_firewall_policy)[0] as Json;
    const fd = policy.custom_rules.find((r: Json) => r.name === 'OnlyOurFrontDoor');
    expect(fd.match_conditions[0].match_values).toEqual([
      expect.stringMatching(/^\$\{azurerm_cdn_frontdoor_profile\.Cdn_Profile_[0-9A-F]+\.resource_guid\}$/),
    ]);
  });

  test('GIVEN the CDN just turned on (origin not locked) WHEN synthesized THEN the WAF neither checks X-Azure-FDID nor is forced on', () => {
    const json = synth(resolved('prod', { cdn: { enabled: true }, loadBalancer: { waf: false } }));
    expect(json.resource.azurerm_web_application_firewall_policy).toBeUndefined();
    const gateway = Object.values(json.resource.azurerm_application_gateway)[0] as Json;
    expect(gateway.sku.name).toBe('Standard_v2');
    const waf = synth(resolved('prod', { cdn: { enabled: true } }));
    const policy = Object.values(waf.resource.azurerm_web_application_firewall_policy)[0] as Json;
    expect(policy.custom_rules.map((r: Json) => r.name)).toEqual(['RateLimitPerClient']);
  });

  test('GIVEN the CDN without https WHEN synthesized THEN the URL is the Front Door endpoint', () => {
    const json = synth(resolved('prod', { cdn: { enabled: true } }));
    expect(json.output.LOAD_BALANCER_URL.value).toMatch(/^https:\/\/\$\{azurerm_cdn_frontdoor_endpoint\.Cdn_Endpoint_/);
  });

  /*
   * Stateful identity: these addresses are what Terraform state is keyed by. A change here
   * means existing deployments would destroy and re-create the resource: never update this
   * list to make a test pass.
   */
  const PINNED = [
    'azurerm_resource_group.Network_ResourceGroup_17855938',
    'azurerm_virtual_network.Network_VirtualNetwork_F0072DD6',
    'azurerm_subnet.Network_AppSubnet_E3464DE5',
    'azurerm_subnet.Network_GatewaySubnet_B81B9939',
    'azurerm_subnet.Network_DatabaseSubnet_6FD5537E',
    'azurerm_subnet.Network_EndpointsSubnet_27BCC467',
    'azurerm_network_security_group.Network_AppSecurityGroup_71E39BD7',
    'azurerm_network_security_group.Network_GatewaySecurityGroup_D4261464',
    'azurerm_network_security_group.Network_DatabaseSecurityGroup_71BCF34D',
    'azurerm_network_security_group.Network_EndpointsSecurityGroup_72B9B4F5',
    'azurerm_nat_gateway.Network_NatGateway_3E2F903D',
    'azurerm_public_ip.Network_NatPublicIp_352C5608',
    'azurerm_public_ip.LoadBalancer_PublicIp_321401DE',
    'azurerm_private_dns_zone.Network_PostgresDnsZone_2C1D3892',
    'azurerm_private_dns_zone.Network_KeyVaultDnsZone_1C394D8E',
    'azurerm_private_dns_zone.Network_RedisDnsZone_CA0A75A3',
    'azurerm_key_vault.Secrets_KeyVault_DB97CCDA',
    'azurerm_private_endpoint.Secrets_PrivateEndpoint_16B3F6AF',
    'azurerm_key_vault_secret.Secrets_Database_9228CA3F',
    'azurerm_key_vault_secret.Secrets_Cache_2E6833DD',
    'azurerm_key_vault_secret.Secrets_SshPrivateKey_9048AABF',
    'azurerm_managed_redis.Cache_Redis_3AE797EA',
    'azurerm_private_endpoint.Cache_PrivateEndpoint_A7692E93',
    'random_password.Database_Password_6A86E5CA',
    'azurerm_postgresql_flexible_server.Database_Server_6BB2D314',
    'azurerm_postgresql_flexible_server_database.Database_3B28CBDB',
    'azurerm_postgresql_flexible_server.Database_Replica-r1_07A48EAA',
    'azurerm_postgresql_flexible_server.Database_Replica-r2_AFE035A8',
    'azurerm_subnet.Network_JobsSubnet_DB7FA637',
    'azurerm_network_security_group.Network_JobsSecurityGroup_85B4F4AC',
    'azurerm_private_dns_zone.Network_DatabaseEndpointsDnsZone_2C1A9C05',
    'azurerm_key_vault_secret.Secrets_DatabaseApp_35EAD899',
    'random_password.Database_AppPassword_34820676',
    'random_password.Database_AppClonePassword_8076D50B',
  ];

  test('GIVEN prod WHEN synthesized THEN every stateful resource sits at its pinned address', () => {
    expect(addresses(prod)).toEqual(expect.arrayContaining(PINNED));
  });

  test('GIVEN a grown spec WHEN synthesized THEN every pinned address and name survives and the growth only adds', () => {
    const grown = synth(
      resolved('prod', {
        database: { readReplicas: 4, shards: 3, size: 'large', storageGiB: 500 },
        compute: { minInstances: 4, maxInstances: 30, spotPercent: 30, size: 'large' },
        cdn: { enabled: true, lockOrigin: true, originDomain: 'origin.api.example.com' },
        loadBalancer: { waf: true, https: { domain: 'api.example.com', certificate: AZURE_CERT } },
      }),
    );
    const after = addresses(grown);
    expect(after).toEqual(expect.arrayContaining(PINNED));
    for (const a of PINNED) expect(nameOf(grown, a)).toBe(nameOf(prod, a));
    expect(after).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^azurerm_postgresql_flexible_server\.Database_Replica-r4_/),
        expect.stringMatching(/^azurerm_postgresql_flexible_server\.Database_Server-s2_/),
        expect.stringMatching(/^azurerm_key_vault_secret\.Secrets_Database-s2_/),
        expect.stringMatching(/^azurerm_linux_virtual_machine_scale_set\.Compute_SpotScaleSet_/),
      ]),
    );
  });

  test('GIVEN more replicas WHEN synthesized THEN existing replicas keep their address (replica r stays r)', () => {
    const two = addresses(synth(resolved('prod', { database: { readReplicas: 2 } }))).filter((a) =>
      a.startsWith('azurerm_postgresql_flexible_server.'),
    );
    const five = addresses(synth(resolved('prod', { database: { readReplicas: 5 } }))).filter((a) =>
      a.startsWith('azurerm_postgresql_flexible_server.'),
    );
    expect(five).toEqual(expect.arrayContaining(two));
    expect(five).toHaveLength(6); // the primary and five replicas
  });

  const customDataCache = new Map<number, unknown[]>();
  /** Custom data of every scale set for the example with `replicas` read replicas (synthesized once per count). */
  const customData = (replicas: number): unknown[] => {
    const cached = customDataCache.get(replicas);
    if (cached) return cached;
    const json = synth(resolved('example', { database: { readReplicas: replicas } }));
    const data = (Object.values(json.resource.azurerm_linux_virtual_machine_scale_set) as Json[]).map(
      (s) => s.custom_data,
    );
    customDataCache.set(replicas, data);
    return data;
  };

  test.each([
    [1, 3],
    [3, 1],
  ])(
    'GIVEN %i read replicas WHEN they become %i THEN no VM custom data changes (the fleet does not roll)',
    (from, to) => {
      expect(customData(to)).toEqual(customData(from));
    },
  );

  test('GIVEN the app secrets WHEN synthesized THEN the VMs may read them and the cache secret, never the admin secret', () => {
    const sharded = synth(resolved('prod', { database: { shards: 2 } }));
    const grants = (Object.values(sharded.resource.azurerm_role_assignment) as Json[]).filter((r) =>
      String(r.principal_id).includes('Compute_Identity_'),
    );
    expect(
      grants
        .map((g) =>
          String(g.scope).replace(
            /^\$\{azurerm_key_vault_secret\.([\w-]+?)_[0-9A-F]+\.resource_versionless_id\}$/,
            '$1',
          ),
        )
        .sort(),
    ).toEqual(['Secrets_Cache', 'Secrets_DatabaseApp', 'Secrets_DatabaseApp-s1'].sort());
    const map = JSON.parse(sharded.output.DATABASE_SHARD_MAP.value);
    expect(map.map((s: Json) => s.secret)).toEqual([
      expect.stringMatching(/Secrets_DatabaseApp_/),
      expect.stringMatching(/Secrets_DatabaseApp-s1_/),
    ]);
    expect(map[1]).toMatchObject({ writer: 'writer-s1.db.shop-api-prd.internal' });
  });

  test('GIVEN prod with 3 shards WHEN shards drop to 2 THEN prevent_destroy leaves with shard 2 and the deployed-servers guard fails the plan instead', () => {
    const three = synth(resolved('prod', { database: { shards: 3 } }));
    const twoJson = synth(resolved('prod', { database: { shards: 2 } }));
    const two = addresses(twoJson);
    const removed = addresses(three).filter((a) => !two.includes(a));
    // prevent_destroy lives on the removed blocks: it refuses nothing once they are gone.
    expect(removed).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^azurerm_postgresql_flexible_server\.Database_Server-s2_/),
        expect.stringMatching(/^azurerm_postgresql_flexible_server_database\.Database_Database-s2_/),
      ]),
    );
    const primaries = (Object.values(twoJson.resource.azurerm_postgresql_flexible_server) as Json[])
      .filter((s) => s.create_mode !== 'Replica')
      .map((s) => s.name as string)
      .sort();
    expect(primaries).toHaveLength(2);
    const [guard] = Object.values(twoJson.data.azurerm_resources) as Json[];
    // Subscription-wide (no resource_group_name): the stack's group does not exist before the first plan.
    expect(guard).toMatchObject({ type: 'Microsoft.DBforPostgreSQL/flexibleServers' });
    expect(guard?.resource_group_name).toBeUndefined();
    expect(guard?.depends_on).toBeUndefined();
    const [check] = (guard as Json).lifecycle.postcondition as Json[];
    const base = primaries.find((n) => !/-s\d+$/.test(n)) as string;
    expect(check?.condition).toBe(
      `\${length(setsubtract([for i in self.resources : i.name if can(regex("^${base}(-s[0-9]+)?$", i.name))], ${JSON.stringify(primaries)})) == 0}`,
    );
    expect(check?.error_message).toMatch(
      /^database\.shards: the spec drops shard primaries \$\{join\(", ", sort\(setsubtract\(.*move its keys to other shards, apply once with database\.deletionProtection: false .*then lower database\.shards.*turn deletionProtection back on/,
    );
    // Outside deletion protection lowering shards deletes the shard: no shard guard, nothing read
    // when there are no replicas either.
    const dev = synth(resolved('dev', { database: { shards: 3 } }));
    expect(dev.data?.azurerm_resources).toBeUndefined();
    const staging = synth(resolved('staging', { database: { shards: 3 } }));
    const [listing] = Object.values(staging.data.azurerm_resources) as Json[];
    expect(listing?.lifecycle).toBeUndefined();
  });

  test('GIVEN a deploy WHEN synthesized THEN no scale set pins a count the autoscaler would lose', () => {
    const json = synth(resolved('example'));
    for (const s of Object.values(json.resource.azurerm_linux_virtual_machine_scale_set) as Json[]) {
      expect(s.lifecycle.ignore_changes).toContain('instances');
    }
  });

  test('GIVEN a real app WHEN synthesized to disk THEN cdk.tf.json lands under stacks/<name>', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'azure-stack-'));
    try {
      const app = new App({ outdir });
      const spec = resolved('prod');
      new AzureBlueprintStack(app, stackName(spec.name, spec.environment, 'azure'), { spec });
      app.synth();
      expect(fs.existsSync(path.join(outdir, 'stacks', 'shop-api-prod-azure', 'cdk.tf.json'))).toBe(true);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

/** Provider blocks synthesize as a one-element list. */
function json1(v: Json | Json[]): Json {
  return Array.isArray(v) ? (v[0] as Json) : v;
}
