// Entry of the refit's worker thread: TypeScript through tsx, as in pulse.mjs.
import { register } from 'tsx/esm/api'

register()
await import('./ltv-fit-worker.ts')
