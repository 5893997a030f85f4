import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import {
  type App,
  CloudFormationValidatePlugin,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  Validations,
} from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { CUSTOM_NAMES } from '../lib/change/aws';
import { useBaselineWasmCompiler, useOneShotSynthSettings, useSerialGcMarking } from '../lib/one-shot';
import { GuardResultCache, guardCacheDir } from './aws-guard-cache';
import { backend } from './backend';
import { SyncWorker } from './sync-worker';

/*
 * The AWS policy gates (docs/aws.md "Policy gates"), on every real synth:
 *  - aws-cdk-lib's built-in CloudFormation validation (registered explicitly, so it runs
 *    whatever the App's builtinCloudFormationValidation prop or CDK_VALIDATION say);
 *  - cdk-nag AwsSolutions (3.x validation plugin);
 *  - the AWS Control Tower proactive controls of @cdklabs/cdk-validator-cfnguard.
 * The CDK framework fails synth only on findings it classes as errors, and passes a Guard
 * report as soon as any acknowledgement exists; so after synth, assertPolicyClean() reads the
 * validation report and refuses every finding, warning or error, that nobody acknowledged.
 *
 * Speed: cfn-guard evaluates every rule file against the whole data file it is given (its cost
 * is rule files x resources), and the built-in validation spends ~2 s building its engine before
 * it reads a template. So:
 *  - the Guard gate runs the library's own CfnGuardValidator once per service's rule files
 *    (ct-rds-*, ct-ec2-*, ...) on a copy of each template that keeps only the resource types
 *    those files mention, without CDK metadata; rule files about types the template lacks are
 *    not run (they can only SKIP); all of it in a worker thread, except the groups whose verdict
 *    for the same rules and copy is kept (stacks/aws-guard-cache.ts);
 *  - the built-in validation is aws-cdk-lib's own CloudFormationValidatePlugin, run in a worker
 *    thread that builds the engine as soon as the gates are added (while the stack is built);
 *  - both are started before cdk-nag runs on this thread and collected after it.
 */

/** Plugin names as they appear in the validation report (and in acknowledgement ids). */
export const POLICY_PLUGINS = {
  cfnValidate: CloudFormationValidatePlugin.PLUGIN_NAME,
  nag: 'AwsSolutions',
  guard: 'cdk-validator-cfnguard',
  annotations: 'Construct Annotations',
} as const;

/** The validation report aws-cdk-lib writes into the cloud assembly. */
export const VALIDATION_REPORT_FILE = 'validation-report.json';

const GUARD_PACKAGE = '@cdklabs/cdk-validator-cfnguard';

/** One Control Tower rule file and the resource types it is about. */
interface GuardRuleFile {
  readonly file: string;
  /** Types from the rule's "Reports on" header; undefined when the header is missing (always run). */
  readonly reportsOn?: ReadonlySet<string>;
  /** Every resource type the rule text mentions (what the template copy must keep). */
  readonly mentions: ReadonlySet<string>;
  /** The rule's text (part of a cached verdict's key). */
  readonly text: string;
}

const TYPE_PATTERN = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;
let guardIndex: GuardRuleFile[] | undefined;

/** The bundled Control Tower rule files, indexed once per process. */
export function controlTowerRules(): readonly GuardRuleFile[] {
  if (!guardIndex) {
    const root = path.join(
      path.dirname(require.resolve(`${GUARD_PACKAGE}/package.json`)),
      'rules',
      'control-tower',
      'cfn-guard',
    );
    const files = fs
      .readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.guard'))
      .sort();
    guardIndex = files.map((f) => {
      const file = path.join(root, f);
      const text = fs.readFileSync(file, 'utf8');
      const header = /# Reports on:([\s\S]*?)# Evaluates:/.exec(text)?.[1];
      return {
        file,
        ...(header ? { reportsOn: new Set(header.match(TYPE_PATTERN) ?? []) } : {}),
        mentions: new Set(text.match(TYPE_PATTERN) ?? []),
        text,
      };
    });
  }
  return guardIndex;
}

interface Template {
  Resources?: Record<string, { Type: string; Metadata?: unknown }>;
  [key: string]: unknown;
}

/** Rule files that can apply to templates with these resource types. */
export function applicableGuardRules(types: ReadonlySet<string>): readonly GuardRuleFile[] {
  return controlTowerRules().filter((r) => !r.reportsOn || [...r.reportsOn].some((t) => types.has(t)));
}

interface GuardMessage {
  /** One report per group, in order. */
  readonly reports?: PolicyValidationPluginReport[];
  readonly error?: string;
}

/** cfn-guard through the library's own validator, one run per rule group, in a worker so it overlaps other plugins. */
const GUARD_WORKER = `
const { workerData } = require('node:worker_threads');
let message;
try {
  const { CfnGuardValidator } = require(workerData.plugin);
  const reports = workerData.groups.map((group) =>
    new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: group.rules, maxBuffer: 256 * 1024 * 1024 })
      .validate({ templatePaths: group.templates }),
  );
  message = { reports };
} catch (e) {
  message = { error: e instanceof Error ? e.message : String(e) };
}
workerData.port.postMessage(message);
const flag = new Int32Array(workerData.flag);
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
`;

/** One cfn-guard run: rule files and the template copies made for them. */
interface GuardGroup {
  readonly rules: readonly string[];
  readonly templates: readonly string[];
  /** Its verdict's key in the cache; undefined when the cache is off. */
  readonly key?: string;
}

/** A rule group of one Guard evaluation: its verdict from the cache, or the run to make. */
type GuardSlot = { readonly cached: PolicyValidationPluginReport } | { readonly group: GuardGroup };

/** One Guard evaluation: cached verdicts, and the other groups in flight on a worker thread. */
class GuardRun {
  private readonly flag = new SharedArrayBuffer(4);
  private readonly port?: MessagePort;
  private readonly worker?: Worker;

  constructor(
    private readonly dir: string,
    private readonly originals: ReadonlyMap<string, string>,
    /** Every group, in rule order (the report keeps it, whatever came from the cache). */
    readonly slots: readonly GuardSlot[],
    private readonly cache?: GuardResultCache,
  ) {
    const groups = slots.flatMap((slot) => ('group' in slot ? [slot.group] : []));
    if (groups.length === 0) return;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(GUARD_WORKER, {
      eval: true,
      workerData: {
        plugin: require.resolve(GUARD_PACKAGE),
        groups: groups.map(({ rules, templates }) => ({ rules, templates })),
        flag: this.flag,
        port: port2,
      },
      transferList: [port2],
    });
    this.worker.unref();
  }

  /** Blocks until cfn-guard is done; the report points at the real templates. */
  collect(timeoutMs = 300_000): PolicyValidationPluginReport {
    try {
      const fresh = this.port ? this.wait(this.port, timeoutMs) : [];
      let next = 0;
      const reports = this.slots.map((slot) => {
        if ('cached' in slot) return slot.cached;
        const report = fresh[next++];
        if (!report) throw new Error('cfn-guard worker sent fewer reports than groups');
        if (slot.group.key) this.cache?.write(slot.group.key, report, slot.group.templates);
        return this.onOriginals(report);
      });
      return { success: reports.every((r) => r.success), violations: reports.flatMap((r) => r.violations) };
    } finally {
      void this.worker?.terminate();
      this.port?.close();
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private wait(port: MessagePort, timeoutMs: number): PolicyValidationPluginReport[] {
    if (Atomics.wait(new Int32Array(this.flag), 0, 0, timeoutMs) === 'timed-out') {
      throw new Error(`cfn-guard did not finish within ${timeoutMs / 1000} s`);
    }
    const message = receiveMessageOnPort(port)?.message as GuardMessage | undefined;
    if (!message?.reports) throw new Error(message?.error ?? 'cfn-guard worker sent no report');
    return message.reports;
  }

  private onOriginals(report: PolicyValidationPluginReport): PolicyValidationPluginReport {
    for (const violation of report.violations) {
      for (const resource of violation.violatingResources) {
        const original = resource.templatePath ? this.originals.get(resource.templatePath) : undefined;
        if (original) (resource as { templatePath?: string }).templatePath = original;
      }
    }
    return report;
  }
}

/**
 * The Control Tower gate as two plugins around the built-in validation: `start` prepares the
 * template copies and starts cfn-guard, `collect` (named like the library's plugin, so
 * acknowledgements read `cdk-validator-cfnguard::<rule>`) returns its findings.
 */
export class ControlTowerGuard {
  /** Rule files evaluated by the last run. */
  public lastRuleCount = 0;
  /** Rule groups of the last run whose verdict came from the cache (cfn-guard did not run them). */
  public lastCachedGroups = 0;
  private run?: GuardRun;
  /** The validator package's version (it bundles cfn-guard). */
  private readonly version: string;
  public readonly start: IPolicyValidationPlugin;
  public readonly collect: IPolicyValidationPlugin;

  constructor() {
    const version = (
      JSON.parse(fs.readFileSync(require.resolve(`${GUARD_PACKAGE}/package.json`), 'utf8')) as {
        version: string;
      }
    ).version;
    this.version = version;
    this.start = {
      name: `${POLICY_PLUGINS.guard}-start`,
      version,
      validate: (context: IPolicyValidationContext) => {
        this.run = this.begin(context.templatePaths);
        return { success: true, violations: [] };
      },
    };
    this.collect = {
      name: POLICY_PLUGINS.guard,
      version,
      ruleIds: controlTowerRules().map((r) => path.basename(r.file, '.guard')),
      validate: (context: IPolicyValidationContext) => {
        const run = this.run ?? this.begin(context.templatePaths);
        this.run = undefined;
        return run.collect();
      },
    };
  }

  private begin(templatePaths: readonly string[]): GuardRun {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-guard-'));
    const originals = new Map<string, string>();
    const types = new Set<string>();
    const templates = templatePaths.map((file) => {
      const template = JSON.parse(fs.readFileSync(file, 'utf8')) as Template;
      for (const r of Object.values(template.Resources ?? {})) types.add(r.Type);
      return { file, template };
    });
    const rules = applicableGuardRules(types);
    const cache = this.cache();
    const slots = guardGroups(rules).map((group, g): GuardSlot => {
      const kept = new Set(group.flatMap((r) => [...r.mentions]));
      // Same file name as the original: the framework maps findings back by it.
      const copies = templates.map(({ file, template }) => ({
        name: path.basename(file),
        text: JSON.stringify(guardCopy(template, kept)),
      }));
      const key = cache?.key(group, copies);
      const cached = key ? cache?.read(key, templatePaths) : undefined;
      if (cached) return { cached };
      const files = copies.map(({ name, text }, i) => {
        const copyDir = path.join(dir, `${g}-${i}`);
        fs.mkdirSync(copyDir);
        const copy = path.join(copyDir, name);
        fs.writeFileSync(copy, text);
        originals.set(copy, templatePaths[i] as string);
        return copy;
      });
      return { group: { rules: group.map((r) => r.file), templates: files, ...(key ? { key } : {}) } };
    });
    this.lastRuleCount = rules.length;
    this.lastCachedGroups = slots.filter((slot) => 'cached' in slot).length;
    return new GuardRun(dir, originals, slots, cache);
  }

  /** The verdict cache (stacks/aws-guard-cache.ts), unless BLUEPRINT_GUARD_CACHE is off. */
  private cache(): GuardResultCache | undefined {
    const dir = guardCacheDir();
    return dir ? new GuardResultCache(dir, this.version) : undefined;
  }
}

/** A template as one rule group sees it: only the resource types its rules mention, no CDK metadata. */
function guardCopy(template: Template, kept: ReadonlySet<string>): Template {
  const resources = Object.fromEntries(
    Object.entries(template.Resources ?? {})
      .filter(([, r]) => kept.has(r.Type))
      .map(([id, { Metadata: _metadata, ...rest }]) => [id, rest]),
  );
  const { Metadata: _m, Outputs: _o, Rules: _r, ...head } = template;
  return { ...head, Resources: resources };
}

/**
 * Rule files grouped by service (the `ct-<service>-` prefix of the Control Tower files), in file
 * order: one cfn-guard run per group reads only that service's resources.
 */
export function guardGroups(rules: readonly GuardRuleFile[]): GuardRuleFile[][] {
  const groups = new Map<string, GuardRuleFile[]>();
  for (const rule of rules) {
    const name = path.basename(rule.file, '.guard');
    const key = /^(ct-[a-z0-9]+)-/.exec(name)?.[1] ?? name;
    groups.set(key, [...(groups.get(key) ?? []), rule]);
  }
  return [...groups.values()];
}

/** The built-in validation in a worker: aws-cdk-lib's own plugin, its engine built at start-up. */
const CFN_VALIDATE_WORKER = `
let plugin;
init(() => {
  const { CloudFormationValidatePlugin } = require(__wd.cdk);
  plugin = new CloudFormationValidatePlugin();
  // The engine holds the rules of the resource types it was built for and is rebuilt for a
  // template with a type outside them: built now, before any template exists, for every type the
  // stacks can emit, so a synth never rebuilds it (rules of absent types find nothing).
  if (typeof plugin.initializeEngine === 'function') plugin.initializeEngine(new Set(__wd.types));
});
serve((context) => ({ report: plugin.validate(context), version: plugin.version }));
`;

/** How long an idle validation worker keeps its engine (a process that synthesizes again reuses it). */
const VALIDATION_IDLE_MS = 10_000;

let validationWorker: SyncWorker | undefined;
let validationIdle: NodeJS.Timeout | undefined;

/** The process's validation worker, started on first use; it stops after VALIDATION_IDLE_MS unused. */
function cfnValidationWorker(): SyncWorker {
  if (validationIdle) clearTimeout(validationIdle);
  validationWorker ??= new SyncWorker(CFN_VALIDATE_WORKER, {
    cdk: require.resolve('aws-cdk-lib'),
    types: Object.keys(CUSTOM_NAMES),
  });
  validationIdle = setTimeout(() => {
    validationWorker?.terminate();
    validationWorker = undefined;
  }, VALIDATION_IDLE_MS);
  validationIdle.unref();
  return validationWorker;
}

/**
 * Starts building the built-in validation's engine on another thread now (about 2 s of CPU),
 * so it is ready when the first gated synth of this process reaches it.
 */
export function prewarmCloudFormationValidation(): void {
  cfnValidationWorker();
}

/**
 * aws-cdk-lib's built-in CloudFormation validation, run by the library's own plugin in a worker
 * thread. A subclass, so the framework treats it as the registered built-in plugin (it adds no
 * second one, and reports and acknowledgements keep its name); `start` sends the templates, the
 * plugin itself collects the findings.
 */
class ThreadedCloudFormationValidate extends CloudFormationValidatePlugin {
  private pending?: () => { report: PolicyValidationPluginReport; version: string };
  private engineVersion?: string;
  public readonly start: IPolicyValidationPlugin = {
    name: `${CloudFormationValidatePlugin.PLUGIN_NAME}-start`,
    validate: (context: IPolicyValidationContext) => {
      this.pending = this.send(context);
      return { success: true, violations: [] };
    },
  };

  private send(context: IPolicyValidationContext) {
    const request = { templatePaths: context.templatePaths, stackTemplates: context.stackTemplates };
    return cfnValidationWorker().send<{ report: PolicyValidationPluginReport; version: string }>(request);
  }

  public override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const pending = this.pending ?? this.send(context);
    this.pending = undefined;
    const { report, version } = pending();
    this.engineVersion = version;
    return report;
  }

  /** The engine's version, as the library reports it (read in the worker: no engine loads here). */
  public override get version(): string {
    this.engineVersion ??= cfnValidationWorker().call<{ version: string }>({ stackTemplates: [] }).version;
    return this.engineVersion;
  }

  public override get ruleIds(): string[] {
    return [this.version];
  }
}

/** Apps whose gates are registered (addAwsPolicyGates), so synthWithPolicyGates adds them once. */
const gated = new WeakSet<App>();

// The process-wide V8 settings of one-shot synth processes live beside the code cache, which
// needs the same flags in every process that shares it; exported here as before.
export { useBaselineWasmCompiler, useOneShotSynthSettings, useSerialGcMarking };

/**
 * Registers the three gates on the app (see the comment at the top of this file). Touches no
 * process-wide setting; a one-shot synth process may call useOneShotSynthSettings() first.
 */
export function addAwsPolicyGates(app: App): ControlTowerGuard {
  gated.add(app);
  // cdk-nag and the Guard validator are optional peers: loaded here, so importing the package's
  // AWS entry works without them and a missing one is named when the gates are asked for.
  const { AwsSolutionsChecks } = backend('aws', () => require('cdk-nag') as typeof import('cdk-nag'));
  backend('aws', () => require.resolve(`${GUARD_PACKAGE}/package.json`));
  const builtin = new ThreadedCloudFormationValidate();
  const guard = new ControlTowerGuard();
  // Guard and the built-in validation start first and run on other threads while cdk-nag runs here.
  Validations.of(app).addPlugins(guard.start, builtin.start, new AwsSolutionsChecks(app), builtin, guard.collect);
  return guard;
}

interface ReportViolationShape {
  readonly ruleName: string;
  readonly description?: string;
  readonly severity?: string;
  readonly violatingConstructs?: ReadonlyArray<{ readonly constructPath?: string }>;
}
interface Report {
  readonly pluginReports?: ReadonlyArray<{
    readonly pluginName: string;
    readonly violations?: readonly ReportViolationShape[];
    readonly suppressedViolations?: readonly ReportViolationShape[];
  }>;
}

function readReport(assemblyDir: string): Report | undefined {
  const file = path.join(assemblyDir, VALIDATION_REPORT_FILE);
  // No report: no plugin had anything to say.
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Report;
}

/** One unacknowledged finding. */
export interface PolicyFinding {
  readonly plugin: string;
  readonly rule: string;
  readonly severity: string;
  readonly description: string;
  readonly constructPath: string;
}

/** Every finding of the last synth into `assemblyDir` that nobody acknowledged. */
export function policyFindings(assemblyDir: string): PolicyFinding[] {
  const report = readReport(assemblyDir);
  return (report?.pluginReports ?? []).flatMap((plugin) =>
    (plugin.violations ?? []).flatMap((v) =>
      (v.violatingConstructs?.length ? v.violatingConstructs : [{ constructPath: '(template)' }]).map((c) => ({
        plugin: plugin.pluginName,
        rule: v.ruleName,
        severity: v.severity ?? 'error',
        description: v.description ?? '',
        constructPath: c.constructPath ?? '(unknown)',
      })),
    ),
  );
}

/** Findings the framework matched to an acknowledgement (Guard and built-in validation), per plugin. */
export function suppressedFindings(assemblyDir: string): Record<string, number> {
  const report = readReport(assemblyDir);
  const counts: Record<string, number> = {};
  for (const plugin of report?.pluginReports ?? []) {
    const n = (plugin.suppressedViolations ?? []).reduce((sum, v) => sum + (v.violatingConstructs?.length ?? 1), 0);
    if (n > 0) counts[plugin.pluginName] = n;
  }
  return counts;
}

/** Acknowledgements recorded in the construct tree, by rule id (each names a rule and a reason). */
export function acknowledgements(root: IConstruct): Array<{ id: string; path: string; reason: string }> {
  const found: Array<{ id: string; path: string; reason: string }> = [];
  const visit = (node: IConstruct) => {
    for (const entry of node.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data) {
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          found.push({ id: id.replace(/^annotation::/i, ''), path: node.node.path, reason });
        }
      }
    }
    for (const child of node.node.children) visit(child);
  };
  visit(root);
  return found;
}

/** One line per finding, for error messages. */
export function formatFindings(findings: readonly PolicyFinding[]): string[] {
  return findings.map((f) => `[${f.plugin}] ${f.rule} (${f.severity}) at ${f.constructPath}: ${f.description}`);
}

/** Throws, listing every finding, when the last synth into `assemblyDir` left any unacknowledged. */
export function assertPolicyClean(assemblyDir: string): void {
  const findings = policyFindings(assemblyDir);
  if (findings.length > 0) {
    throw new Error([`${findings.length} unacknowledged policy finding(s):`, ...formatFindings(findings)].join('\n'));
  }
}

/** Options of {@link synthWithPolicyGates}. */
export interface PolicyGateOptions {
  /**
   * Set V8's process-wide `--liftoff-only` flag first (see useBaselineWasmCompiler): faster gated
   * synths, but every WebAssembly module the process compiles later stays unoptimized.
   * @default false - a library call never changes process-wide settings unasked
   */
  readonly baselineWasmCompiler?: boolean;
  /**
   * Set V8's process-wide `--no-concurrent-marking` flag first (see useSerialGcMarking): faster
   * gated synths on few cores, but every heap of the process marks on its own thread.
   * @default false - a library call never changes process-wide settings unasked
   */
  readonly serialGcMarking?: boolean;
}

/**
 * The policy gates on a library user's app, in one call, in place of `app.synth()`: registers
 * the three gates (built-in CloudFormation validation, cdk-nag AwsSolutions, Control Tower
 * Guard rules) unless addAwsPolicyGates already did, synthesizes, and throws listing every
 * finding, warning or error, that no acknowledgement covers: the user's own resources are
 * checked like the blueprint's. While a context lookup is pending (the CDK CLI performs it and
 * runs the app again) the template holds placeholders and is returned unchecked.
 */
export function synthWithPolicyGates(app: App, options: PolicyGateOptions = {}): ReturnType<App['synth']> {
  if (options.baselineWasmCompiler) useBaselineWasmCompiler();
  if (options.serialGcMarking) useSerialGcMarking();
  if (!gated.has(app)) addAwsPolicyGates(app);
  const assembly = app.synth();
  if ((assembly.manifest.missing ?? []).length === 0) assertPolicyClean(assembly.directory);
  return assembly;
}
