import { fstatSync, writeSync } from 'node:fs';
import { errnoText, InitWeightsError } from '../errors.js';
import type { CliIO } from './io.js';

/*
 * The bin's process streams, made cheap for `--help` and `--version`: node creates process.stdin,
 * stdout and stderr on first use, and for a pipe that loads net and its streams (5-15 ms each, a
 * tenth of node's own start-up). Help text goes to fd 1 directly; the streams exist only once a
 * command uses them.
 */

/** The process's streams, each created on first use; `onStdout` runs once, when stdout is. */
export function lazyProcessIO(onStdout: (stdout: NodeJS.WriteStream) => void): CliIO {
  let stdout: NodeJS.WriteStream | undefined;
  return {
    get stdout() {
      if (stdout === undefined) onStdout((stdout = process.stdout));
      return stdout;
    },
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    env: process.env,
  };
}

/**
 * Write help or version text to fd 1 synchronously, without creating process.stdout. A reader that
 * is gone (EPIPE) gets nothing more, quietly; a non-blocking pipe that is full (EAGAIN) gets the
 * rest through the stream, which queues it; any other fault is thrown as stdoutError.
 */
export function writeStdoutSync(text: string, io: CliIO): void {
  const bytes = Buffer.from(text);
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(1, bytes, done);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN') io.stdout.write(bytes.subarray(done));
    else if (code !== 'EPIPE') throw stdoutError(err);
  }
}

/** Writing to stdout failed (a full disk, a file size limit): an I/O fault, exit 1. */
export function stdoutError(err: unknown): InitWeightsError {
  return new InitWeightsError('E_IO', `cannot write to stdout: ${errnoText(err)}`, { cause: err });
}

/** Whether fd is a character device: a terminal is one, so no other fd needs its stream created to ask. */
export function maybeTerminal(fd: number): boolean {
  try {
    return fstatSync(fd).isCharacterDevice();
  } catch {
    return false;
  }
}

/**
 * Help is wrapped at the terminal's width, but never wider than this (and at this width off a
 * terminal): lines past 80 columns read poorly, and one width everywhere lets `--help` be printed
 * from text rendered at build time (quick.ts).
 */
export const HELP_WIDTH = 80;

/** The width help is wrapped at, for a terminal of `columns` (undefined: not a terminal). */
export function helpWidth(columns: number | undefined): number {
  return columns === undefined || columns <= 0 ? HELP_WIDTH : Math.min(columns, HELP_WIDTH);
}
