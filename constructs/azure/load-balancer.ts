import {
  ApplicationGateway,
  type ApplicationGatewayConfig,
  type ApplicationGatewayHttpListener,
  type ApplicationGatewayRequestRoutingRule,
} from '@cdktf/provider-azurerm/lib/application-gateway';
import { PublicIp, type PublicIpConfig } from '@cdktf/provider-azurerm/lib/public-ip';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import {
  WebApplicationFirewallPolicy,
  type WebApplicationFirewallPolicyConfig,
  type WebApplicationFirewallPolicyCustomRules,
} from '@cdktf/provider-azurerm/lib/web-application-firewall-policy';
import { Construct } from 'constructs';
import { DRAIN_SECONDS, LB_HEALTH_CHECK, WAF_RATE_LIMIT } from '../../lib/operations';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';
import { type AzureNetwork, ZONE_REDUNDANT, zoneIds } from './network';
import { SECRETS_USER_ROLE } from './secrets';

/** TLS 1.2+ (and 1.3) with the strict cipher list: ECDHE + AES-GCM only, no CBC suites. */
export const SSL_POLICY = 'AppGwSslPolicy20220101S';
/** Requests one client may send in 5 minutes (lib/operations.ts) before the WAF blocks it (counted per gateway instance). */
export const RATE_LIMIT_PER_5_MIN = WAF_RATE_LIMIT.requests;
/** How deep the WAF inspects a body (KiB): the CRS 3.2 default; bodies beyond it pass uninspected. */
export const BODY_INSPECT_KIB = 128;

/**
 * WAF size limits for `maxRequestBodyKiB`. Application Gateway (CRS 3.2+) sizes bodies without
 * files in KB (8-2000) and multipart file uploads separately in MB (1-4000): both enforce the one
 * spec limit, so an upload is not let through where a JSON body of the same size is blocked.
 */
export function wafSizeLimits(maxRequestBodyKiB: number): {
  maxRequestBodySizeInKb: number;
  fileUploadLimitInMb: number;
  requestBodyInspectLimitInKb: number;
} {
  return {
    maxRequestBodySizeInKb: maxRequestBodyKiB,
    fileUploadLimitInMb: Math.max(1, Math.ceil(maxRequestBodyKiB / 1024)),
    requestBodyInspectLimitInKb: Math.min(BODY_INSPECT_KIB, maxRequestBodyKiB),
  };
}
/** Names of the gateway's child elements; the VM scale sets join BACKEND_POOL. */
export const BACKEND_POOL = 'vmss';
const BACKEND_SETTINGS = 'app';
const PROBE = 'app-health';
const FRONTEND_IP = 'public';

export interface AzureLoadBalancerProps {
  /** The resolved spec (`spec.loadBalancer`, compute port and health check). */
  readonly spec: ResolvedSpec;
  /** Network with the dedicated gateway subnet. */
  readonly network: AzureNetwork;
  /**
   * Resource id of the Key Vault holding `certificate.azure` (the user's vault). When given, the
   * gateway identity gets Key Vault Secrets User on that certificate's secret (not the whole
   * vault) before the gateway is created; without it the user grants that role to `identity`
   * before the first deploy with HTTPS.
   * @default undefined (grant by hand)
   */
  readonly certificateKeyVaultId?: string;
  /**
   * X-Azure-FDID of the Front Door profile in front of the gateway: the WAF then blocks requests
   * that did not come through that profile (the NSG only narrows sources to Front Door as a whole).
   * Give it only once the origin is locked (cdn.lockOrigin): it cuts off every client that still
   * reaches the gateway directly.
   * @default undefined (no Front Door check)
   */
  readonly frontDoorId?: string;
  /** Per-resource overrides, applied last. @default none */
  readonly overrides?: {
    readonly publicIp?: Override<PublicIpConfig>;
    readonly wafPolicy?: Override<WebApplicationFirewallPolicyConfig>;
    readonly gateway?: Override<ApplicationGatewayConfig>;
  };
}

/**
 * Role-assignment scope of the listener certificate: the one secret inside the user's vault,
 * not the whole vault (the gateway identity must not read the user's other secrets). Fails when
 * `certificateId` (https://<vault>.vault.azure.net/secrets/<name>[/<version>]) names another
 * vault than `vaultId`, which would otherwise grant access to the wrong vault and leave the
 * gateway unable to read its certificate.
 */
export function certificateScope(vaultId: string, certificateId: string): string {
  const cert = /^https:\/\/([^.]+)\.vault\.azure\.net\/secrets\/([^/]+)/i.exec(certificateId);
  const vault = /\/vaults\/([^/]+)\/?$/i.exec(vaultId);
  if (!cert || !vault) {
    throw new Error(
      `certificateKeyVaultId must be a Key Vault resource id and certificate.azure a Key Vault secret id; got ${vaultId} and ${certificateId}`,
    );
  }
  if ((cert[1] as string).toLowerCase() !== (vault[1] as string).toLowerCase()) {
    throw new Error(`certificate.azure is in vault "${cert[1]}" but certificateKeyVaultId names vault "${vault[1]}"`);
  }
  return `${vaultId.replace(/\/$/, '')}/secrets/${cert[2]}`;
}

/** Instance bounds of the gateway's own autoscaling (v2 units are instances, 0-125). */
export function gatewayCapacity(spec: ResolvedSpec): { minCapacity: number; maxCapacity: number } {
  // Two instances keep a zone-redundant gateway serving through a zone loss in prod.
  return spec.isProd ? { minCapacity: 2, maxCapacity: 10 } : { minCapacity: 1, maxCapacity: 3 };
}

/**
 * Application Gateway v2 across the spec's zones with autoscaling, a health probe on the app's
 * health path, and a zone-redundant static IP. With `waf`: WAF_v2 and a WAF policy (OWASP CRS
 * 3.2 and bot rules in Prevention mode, per-client rate limit). With `https`: a TLS 1.2+
 * listener whose certificate comes from Key Vault through a user-assigned identity, and an
 * HTTP listener that only redirects to HTTPS.
 */
export class AzureLoadBalancer extends Construct {
  public readonly publicIp: PublicIp;
  public readonly gateway: ApplicationGateway;
  /** Present when `spec.loadBalancer.waf`. */
  public readonly wafPolicy?: WebApplicationFirewallPolicy;
  /** Identity the gateway reads its certificate with; present with HTTPS. */
  public readonly identity?: UserAssignedIdentity;
  /** Secrets User on the certificate's secret in `certificateKeyVaultId`; present when that prop is given with HTTPS. */
  public readonly certificateAccess?: RoleAssignment;
  /** Id of the backend pool the scale sets join. */
  public readonly backendPoolId: string;
  /** The public URL: https://<domain> with HTTPS, else http://<gateway DNS name>. */
  public readonly url: string;
  /** DNS name of the gateway's public IP (the CDN's origin). */
  public readonly hostName: string;

  constructor(scope: Construct, id: string, props: AzureLoadBalancerProps) {
    super(scope, id);
    const { spec, network } = props;
    const o = props.overrides ?? {};
    const tags = { ...spec.tags };
    const { resourceGroupName, location } = network.where;
    const lb = spec.loadBalancer;
    const https = lb.https;

    this.publicIp = new PublicIp(
      this,
      'PublicIp',
      applyOverride(
        {
          name: spec.names.of('azureResource', '-pip-agw'),
          resourceGroupName,
          location,
          sku: 'Standard',
          allocationMethod: 'Static',
          zones: ZONE_REDUNDANT,
          domainNameLabel: spec.names.of('azureDnsLabel'),
          tags,
        },
        o.publicIp,
      ),
    );
    this.hostName = this.publicIp.fqdn;

    // The only way an Application Gateway can refuse requests that did not come through OUR
    // Front Door is a WAF custom rule on X-Azure-FDID (the NSG service tag admits every Front
    // Door). So with the CDN on, the gateway runs the WAF even when loadBalancer.waf is off:
    // otherwise anyone could bypass the CDN. Documented as an Azure parity difference.
    const wafOn = lb.waf || props.frontDoorId !== undefined;
    if (wafOn) {
      const customRules: WebApplicationFirewallPolicyCustomRules[] = [
        {
          name: 'RateLimitPerClient',
          priority: 10,
          ruleType: 'RateLimitRule',
          action: 'Block',
          rateLimitDuration: 'FiveMins',
          rateLimitThreshold: RATE_LIMIT_PER_5_MIN,
          // Behind Front Door every connection comes from a Front Door edge: count the client in X-Forwarded-For.
          groupRateLimitBy: spec.cdn.enabled ? 'ClientAddrXFFHeader' : 'ClientAddr',
          // Matches every request (no address is outside 0.0.0.0/0's complement of one host).
          matchConditions: [
            {
              matchVariables: [{ variableName: 'RemoteAddr' }],
              operator: 'IPMatch',
              negationCondition: true,
              matchValues: ['255.255.255.255/32'],
            },
          ],
        },
      ];
      if (props.frontDoorId) {
        customRules.unshift({
          name: 'OnlyOurFrontDoor',
          priority: 5,
          ruleType: 'MatchRule',
          action: 'Block',
          matchConditions: [
            {
              matchVariables: [{ variableName: 'RequestHeaders', selector: 'X-Azure-FDID' }],
              operator: 'Equal',
              negationCondition: true,
              matchValues: [props.frontDoorId],
            },
          ],
        });
      }
      this.wafPolicy = new WebApplicationFirewallPolicy(
        this,
        'WafPolicy',
        applyOverride(
          {
            name: spec.names.of('azureResource', '-waf'),
            resourceGroupName,
            location,
            policySettings: {
              enabled: true,
              mode: 'Prevention',
              requestBodyCheck: true,
              requestBodyEnforcement: true,
              fileUploadEnforcement: true,
              ...wafSizeLimits(lb.maxRequestBodyKiB),
            },
            managedRules: {
              managedRuleSet: [
                { type: 'OWASP', version: '3.2' },
                { type: 'Microsoft_BotManagerRuleSet', version: '1.0' },
              ],
            },
            customRules,
            tags,
          },
          o.wafPolicy,
        ),
      );
    }

    const certificate = https?.certificate.azure;
    if (https && !certificate) {
      // Validation requires certificate.azure with https on Azure; this guards direct construct use.
      throw new Error('loadBalancer.https needs certificate.azure (a Key Vault secret id) on Azure');
    }
    if (https && certificate) {
      this.identity = new UserAssignedIdentity(this, 'Identity', {
        name: spec.names.of('azureResource', '-id-agw'),
        resourceGroupName,
        location,
        tags,
      });
      if (props.certificateKeyVaultId) {
        this.certificateAccess = new RoleAssignment(this, 'CertificateAccess', {
          scope: certificateScope(props.certificateKeyVaultId, certificate),
          roleDefinitionName: SECRETS_USER_ROLE,
          principalId: this.identity.principalId,
          principalType: 'ServicePrincipal',
        });
      }
    }

    const sku = wafOn ? 'WAF_v2' : 'Standard_v2';
    const listeners: ApplicationGatewayHttpListener[] = [
      { name: 'http', frontendIpConfigurationName: FRONTEND_IP, frontendPortName: 'http', protocol: 'Http' },
    ];
    const routes: ApplicationGatewayRequestRoutingRule[] = [];
    const forward = { backendAddressPoolName: BACKEND_POOL, backendHttpSettingsName: BACKEND_SETTINGS };
    if (https) {
      listeners.push({
        name: 'https',
        frontendIpConfigurationName: FRONTEND_IP,
        frontendPortName: 'https',
        protocol: 'Https',
        sslCertificateName: 'tls',
      });
      routes.push(
        { name: 'https', ruleType: 'Basic', httpListenerName: 'https', priority: 100, ...forward },
        {
          name: 'http-to-https',
          ruleType: 'Basic',
          httpListenerName: 'http',
          priority: 110,
          redirectConfigurationName: 'http-to-https',
        },
      );
    } else {
      routes.push({ name: 'http', ruleType: 'Basic', httpListenerName: 'http', priority: 100, ...forward });
    }

    this.gateway = new ApplicationGateway(
      this,
      'Gateway',
      applyOverride<ApplicationGatewayConfig>(
        {
          name: spec.names.of('azureResource', '-agw'),
          resourceGroupName,
          location,
          sku: { name: sku, tier: sku },
          autoscaleConfiguration: gatewayCapacity(spec),
          // Zones are fixed when the gateway is created: `zones` is ForceNew, so a later
          // network.zones change would re-create the gateway (minutes without a load balancer).
          // The scale sets do follow the spec (in place); docs/azure.md has the runbook to move the
          // gateway too.
          zones: zoneIds(spec.network.zones),
          lifecycle: { ignoreChanges: ['zones'] },
          enableHttp2: true,
          gatewayIpConfiguration: [{ name: 'gateway', subnetId: network.gatewaySubnet.id }],
          frontendIpConfiguration: [{ name: FRONTEND_IP, publicIpAddressId: this.publicIp.id }],
          frontendPort: [{ name: 'http', port: 80 }, ...(https ? [{ name: 'https', port: 443 }] : [])],
          backendAddressPool: [{ name: BACKEND_POOL }],
          probe: [
            {
              name: PROBE,
              protocol: 'Http',
              host: '127.0.0.1',
              path: spec.compute.healthCheckPath,
              port: spec.compute.port,
              interval: LB_HEALTH_CHECK.intervalSeconds,
              timeout: LB_HEALTH_CHECK.timeoutSeconds,
              unhealthyThreshold: LB_HEALTH_CHECK.unhealthyThreshold,
              match: { statusCode: ['200-399'] },
            },
          ],
          backendHttpSettings: [
            {
              name: BACKEND_SETTINGS,
              port: spec.compute.port,
              protocol: 'Http',
              cookieBasedAffinity: 'Disabled',
              requestTimeout: lb.idleTimeoutSeconds,
              probeName: PROBE,
              // Instances leaving the pool (scale-in, rolling upgrade) finish their requests first.
              connectionDraining: { enabled: true, drainTimeoutSec: DRAIN_SECONDS },
            },
          ],
          httpListener: listeners,
          requestRoutingRule: routes,
          sslPolicy: { policyType: 'Predefined', policyName: SSL_POLICY },
          ...(https && certificate && this.identity
            ? {
                sslCertificate: [{ name: 'tls', keyVaultSecretId: certificate }],
                identity: { type: 'UserAssigned', identityIds: [this.identity.id] },
                redirectConfiguration: [
                  {
                    name: 'http-to-https',
                    redirectType: 'Permanent',
                    targetListenerName: 'https',
                    includePath: true,
                    includeQueryString: true,
                  },
                ],
              }
            : {}),
          ...(this.wafPolicy ? { firewallPolicyId: this.wafPolicy.id, forceFirewallPolicyAssociation: true } : {}),
          // Azure rejects a gateway whose subnet NSG blocks GatewayManager: wait for the NSG to be
          // attached with its rules (hashicorp/terraform-provider-azurerm#14434).
          dependsOn: [
            network.securityGroupAssociations.Gateway,
            ...(this.certificateAccess ? [this.certificateAccess] : []),
          ],
          tags,
        },
        o.gateway,
      ),
    );
    this.backendPoolId = `${this.gateway.id}/backendAddressPools/${BACKEND_POOL}`;
    this.url = https ? `https://${https.domain}` : `http://${this.hostName}`;
  }
}
