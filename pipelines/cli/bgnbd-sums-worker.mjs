// Entry of the BG/NBD likelihood thread: TypeScript through tsx, as in pulse.mjs.
import { register } from 'tsx/esm/api'

register()
await import('./bgnbd-sums-worker.ts')
