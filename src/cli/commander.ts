import * as commander from 'commander';

/*
 * commander, one place for the CLI to take it from. The bin runs the CLI bundled
 * (scripts/bundle-cli.mjs), commander included; as plain modules (dist/cli/), this imports its ESM
 * wrapper over the CommonJS files.
 */
export const { Command, CommanderError, InvalidArgumentError, Option } = commander;
export type Command = import('commander').Command;
export type Option = import('commander').Option;
