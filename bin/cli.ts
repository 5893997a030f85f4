/*
 * What every `blueprint` command shares: output helpers, the exit-with-message error, and spec
 * loading that turns an invalid spec into exit 1 with every problem listed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option } from 'commander';
import { EXAMPLE_SPEC_PATH, type LoadResult, loadSpec } from '../lib/load';

export const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
export const err = (text: string) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);

/** Thrown to stop with a message and an exit code, without a stack trace. */
export class Exit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** The lines of a problem list as the CLI prints it. */
export function problemReport(file: string, problems: readonly string[], what = 'invalid spec'): string {
  const n = problems.length;
  return `${file}: ${what} (${n} problem${n === 1 ? '' : 's'})\n${problems.map((p) => `  - ${p}`).join('\n')}`;
}

/** Warnings: printed to stderr, never change the exit code. */
export function warningReport(file: string, warnings: readonly string[]): string {
  const n = warnings.length;
  return `${file}: ${n} warning${n === 1 ? '' : 's'}\n${warnings.map((w) => `  - ${w}`).join('\n')}`;
}

/** Loads, validates and resolves a spec (the example when no file is given); exit 1 on any problem. */
export function load(file: string | undefined): Extract<LoadResult, { ok: true }> {
  const result = loadSpec(file ?? EXAMPLE_SPEC_PATH);
  if (result.warnings.length > 0) err(warningReport(result.file, result.warnings));
  if (!result.ok) throw new Exit(1, problemReport(result.file, result.problems));
  return result;
}

/** The one line a file that cannot be written gets, with the system's code (ENOENT, EACCES, ...). */
function cannotWrite(flag: string, file: string, error: unknown): Exit {
  return new Exit(1, `${flag} ${file}: cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
}

/**
 * Refuses an output file whose directory is missing or read-only, or that is a directory, before
 * the command does its work: a mistyped --out fails at once instead of after a synthesis.
 */
export function assertWritable(flag: string, file: string): void {
  try {
    fs.accessSync(path.dirname(path.resolve(file)), fs.constants.W_OK);
    if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
  } catch (error) {
    throw cannotWrite(flag, file, error);
  }
}

/** Writes an output file; exit 1 with one line if the system refuses. */
export function writeOutput(flag: string, file: string, text: string): void {
  try {
    fs.writeFileSync(file, text);
  } catch (error) {
    throw cannotWrite(flag, file, error);
  }
}

/** The --spec option every command takes. */
export const specOption = () =>
  new Option('--spec <file>', 'spec file (.yaml, .yml or .json)').default(undefined, 'the example spec');
