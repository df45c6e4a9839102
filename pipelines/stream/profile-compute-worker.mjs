// Entry of the profile compute thread: TypeScript through tsx, as in pulse.mjs.
import { register } from 'tsx/esm/api'

register()
await import('./profile-compute-worker.ts')
