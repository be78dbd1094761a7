#!/usr/bin/env node
/** Entry point of the `backprop` command. */
import { run } from './main.js';

// `backprop eval … | head` closes the pipe early: that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
process.exitCode = run(process.argv.slice(2));
