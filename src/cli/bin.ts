#!/usr/bin/env node
/** Entry point of the `backprop` command. */
import { run } from './main.js';

process.exitCode = run(process.argv.slice(2));
