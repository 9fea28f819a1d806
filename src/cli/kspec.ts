#!/usr/bin/env node
/** Entry point of the kspec command (see main.ts). */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
