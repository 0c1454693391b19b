#!/usr/bin/env node
import { main } from '../cli/index.js';

// The only place that sets the exit code.
const code = await main(process.argv.slice(2));
process.exitCode = code;
