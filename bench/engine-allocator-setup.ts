// Imported first by the benches that open the embedded engine themselves, so they measure it with
// the allocator options `pulse` runs it with (pipelines/config.ts, useEngineAllocatorDefaults).
import { useEngineAllocatorDefaults } from '../pipelines/config.ts'

useEngineAllocatorDefaults()
