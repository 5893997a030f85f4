import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PolicyValidationPluginReport } from 'aws-cdk-lib';
import { defaultCompileCacheDir } from '../lib/compile-cache';
import { removeStaleTemporaries } from '../lib/compile-cache-pack';

/*
 * cfn-guard's verdicts, kept by what decides them. A Guard run is a pure function of the
 * cfn-guard build, the rule files' text and the data file; the gates run it once per service
 * group on a pruned template copy (stacks/aws-policy.ts), and most of those copies repeat: a
 * synth of an unchanged spec repeats all of them, and the example with compute.maxInstances
 * changed repeats 12 of its 14. A run costs ~65 ms of CPU (~0.9 s a synth).
 *
 * An entry is used only when its key matches: the key hashes the validator package's version,
 * the platform, each rule file's name and text, and each template copy's file name and text, so
 * a change to any rule, template or the validator is a miss and cfn-guard runs. Entries are
 * written to a temporary file and renamed (a reader never sees half of one); an unreadable entry
 * is a miss. The directory sits beside the installed packages, as trusted as the code in them.
 */

/** Set to `off` to turn the cache off, or to a directory to keep it there. */
export const GUARD_CACHE_ENV = 'BLUEPRINT_GUARD_CACHE';
/** Entries unused this long are removed (once per process and directory, on its first write). */
const MAX_AGE_MS = 30 * 24 * 3600_000;
/** Bumped when the entry format changes. */
const FORMAT = 1;
/** How an entry names the template a violation is in: its index in the run's template list. */
const TEMPLATE_REF = /^#(\d+)$/;

/** One rule file as the key sees it. */
export interface GuardRuleText {
  readonly file: string;
  readonly text: string;
}

/** A template copy as cfn-guard reads it. */
export interface GuardCopy {
  /** The copy's file name (the report names it). */
  readonly name: string;
  readonly text: string;
}

/** The cache directory in use: BLUEPRINT_GUARD_CACHE, else beside the code cache; undefined when off. */
export function guardCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = env[GUARD_CACHE_ENV];
  if (setting === 'off') return undefined;
  return setting || path.join(path.dirname(defaultCompileCacheDir()), 'guard');
}

/** Directories pruned by this process. */
const pruned = new Set<string>();

/** cfn-guard verdicts by input, in one directory. */
export class GuardResultCache {
  /**
   * @param dir where entries are kept
   * @param validator the validator package's version (it bundles the cfn-guard binary)
   */
  constructor(
    readonly dir: string,
    private readonly validator: string,
  ) {}

  /** The key of one Guard run: the validator, the platform, the rule files and the copies. */
  key(rules: readonly GuardRuleText[], copies: readonly GuardCopy[]): string {
    const hash = createHash('sha256').update(JSON.stringify([FORMAT, this.validator, process.platform, process.arch]));
    for (const rule of rules) hash.update(`\0rule\0${path.basename(rule.file)}\0`).update(rule.text);
    for (const copy of copies) hash.update(`\0copy\0${copy.name}\0`).update(copy.text);
    return hash.digest('hex');
  }

  /** The stored report of `key`, its violations pointing at `templates` (the run's originals, in order). */
  read(key: string, templates: readonly string[]): PolicyValidationPluginReport | undefined {
    const file = this.file(key);
    let report: PolicyValidationPluginReport;
    try {
      report = JSON.parse(fs.readFileSync(file, 'utf8')) as PolicyValidationPluginReport;
    } catch {
      return undefined;
    }
    for (const violation of report.violations) {
      for (const resource of violation.violatingResources) {
        const index = TEMPLATE_REF.exec(resource.templatePath ?? '')?.[1];
        const template = index === undefined ? undefined : templates[Number(index)];
        if (template === undefined) return undefined;
        (resource as { templatePath: string }).templatePath = template;
      }
    }
    try {
      const now = new Date();
      fs.utimesSync(file, now, now);
    } catch {
      // A read-only cache still serves.
    }
    return report;
  }

  /** Stores the report of `key`; `copies` are the template paths cfn-guard read, in the run's order. */
  write(key: string, report: PolicyValidationPluginReport, copies: readonly string[]): void {
    const refs = report.violations.flatMap((v) =>
      v.violatingResources.map((r) => copies.indexOf(r.templatePath ?? '')),
    );
    // A report naming a file it was not given is passed on as it is, and not kept.
    if (refs.some((i) => i < 0)) return;
    const stored = {
      success: report.success,
      violations: report.violations.map((violation) => ({
        ...violation,
        violatingResources: violation.violatingResources.map((resource) => ({
          ...resource,
          templatePath: `#${copies.indexOf(resource.templatePath ?? '')}`,
        })),
      })),
    };
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      this.prune();
      const tmp = `${this.file(key)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(stored));
      fs.renameSync(tmp, this.file(key));
    } catch {
      // A cache that cannot be written only costs the next run its Guard time.
    }
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  /** Removes entries unused for MAX_AGE_MS and temporaries left by a killed process, once per process. */
  private prune(): void {
    if (pruned.has(this.dir)) return;
    pruned.add(this.dir);
    removeStaleTemporaries(this.dir);
    for (const name of fs.readdirSync(this.dir)) {
      if (!name.endsWith('.json')) continue;
      const file = path.join(this.dir, name);
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      if (stat && Date.now() - stat.mtimeMs > MAX_AGE_MS) fs.rmSync(file, { force: true });
    }
  }
}
