/*
 * Naive baseline for `npm run bench` (not part of the package): the GCP and Azure stacks started
 * the way `cdktf init --template=typescript` projects start them, `ts-node main.ts` with type
 * checking, the providers imported from their package roots as template code does. The same
 * app as bin/terraform.ts.
 */
import * as azurerm from '@cdktf/provider-azurerm';
import * as google from '@cdktf/provider-google';
import * as random from '@cdktf/provider-random';
import * as tls from '@cdktf/provider-tls';
import { loadSpec, specPathFromEnv } from '../../lib/load';
import { synthTerraform } from '../../stacks/terraform-app';

// Template code names its resources through the root namespaces.
const providers = [google.provider.GoogleProvider, azurerm.provider.AzurermProvider, random.provider.RandomProvider, tls.provider.TlsProvider];
if (providers.some((p) => typeof p !== 'function')) throw new Error('a provider package did not load');
const loaded = loadSpec(specPathFromEnv());
if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
synthTerraform(loaded.spec, process.env.CDKTF_OUTDIR ?? 'cdktf.out', ['gcp', 'azure']);
