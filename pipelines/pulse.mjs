#!/usr/bin/env node
// The `pulse` command: runs the TypeScript CLI through tsx, so a checkout needs no build step.
import { register } from 'tsx/esm/api'

register()
// Before anything loads the embedded engine: its allocator reads its options once (config.ts).
const { useEngineAllocatorDefaults } = await import('./config.ts')
useEngineAllocatorDefaults()
await import('./cli/cli.ts')
