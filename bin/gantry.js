#!/usr/bin/env node
// The `gantry` CLI. The sources are TypeScript, run through tsx's CommonJS loader.
require('tsx/cjs');
require('../cli/main.ts').main();
