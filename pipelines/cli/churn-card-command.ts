// `pulse churn card [--version V] [--json] [--url U]`: the churn model's quality card of a running
// Pulse (GET /api/models/churn), the latest or one version, as text or as the API's JSON.
import type { ChurnCard } from '../../models/churn/churn-card.ts'
import type { FlagValues, PulseConfig } from '../config.ts'
import { printChurnCard } from './churn-fit-command.ts'
import { getFromPulse } from './pulse-request.ts'
import { readApiTarget } from './read-api-target.ts'
import { userError } from './user-error.ts'

export interface ChurnModelAnswer {
  churn_model: {
    version: string
    fitted_at: string
    as_of: string
    quality: { basis: string; auc: number | null; pr_auc: number | null; brier: number | null; rows: number }
    card: ChurnCard
  }
}

export async function fetchChurnCard(flags: FlagValues, config: PulseConfig): Promise<ChurnModelAnswer> {
  const target = readApiTarget(typeof flags.url === 'string' ? flags.url : undefined, config)
  const route = `/api/models/churn${typeof flags.version === 'string' ? `?version=${encodeURIComponent(flags.version)}` : ''}`
  const { status, body } = await getFromPulse<Partial<ChurnModelAnswer>>(target.url, route, target.readKey)
  if (status !== 200 || !body.churn_model) throw userError(body.error?.message ?? `HTTP ${status} from ${target.url}${route}`)
  return { churn_model: body.churn_model }
}

export async function runChurnCard(flags: FlagValues, config: PulseConfig): Promise<void> {
  const answer = await fetchChurnCard(flags, config)
  if (flags.json) {
    console.log(JSON.stringify(answer))
    return
  }
  const m = answer.churn_model
  console.log(`churn model ${m.version}, fitted ${m.fitted_at} on the events up to ${m.as_of}`)
  printChurnCard(m.card)
}
