import { createRequire } from 'node:module';

/*
 * commander, loaded through require: its ESM entry is a wrapper over the same CommonJS files, and
 * importing it from ESM took about twice as long (~15 ms more of every run) as requiring them. The
 * classes are the same objects either way (one module cache).
 */
const commander = createRequire(import.meta.url)('commander') as typeof import('commander');

export const { Command, CommanderError, InvalidArgumentError, Option } = commander;
export type Command = import('commander').Command;
export type Option = import('commander').Option;
