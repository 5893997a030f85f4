#!/usr/bin/env node
/*
 * The `blueprint` CLI (DESIGN.md "CLI contract"); each command lives in bin/commands/.
 *   blueprint synth    [--spec FILE] [--out DIR] [--cloud aws|gcp|azure]... [--no-checks]
 *   blueprint validate [--spec FILE]
 *   blueprint plan     [--spec FILE]
 *   blueprint diff     --from OLD [--spec NEW] [--cloud ...]... [--format text|json|markdown]
 *   blueprint schema
 *   blueprint --version
 * Exit codes: 0 success, 1 invalid spec / usage / synth failure, 2 internal error,
 * 3 (diff) a change needs attention. No command
 * prints a stack trace unless BLUEPRINT_DEBUG=1.
 */
// First: the process-wide V8 flags and the code cache cover every module loaded after it.
import './one-shot';
import { main } from './main';

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
