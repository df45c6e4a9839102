// Entry of the processing worker thread: TypeScript through tsx, as in pulse.mjs.
import { register } from 'tsx/esm/api'

register()
await import('./processing-worker.ts')
