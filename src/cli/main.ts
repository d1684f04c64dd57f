#!/usr/bin/env node
// The `mtls-pop` executable (bin/mtls-pop.js imports the compiled copy of this file).
import 'reflect-metadata';
import { main } from './run.js';

process.exitCode = await main(process.argv.slice(2));
