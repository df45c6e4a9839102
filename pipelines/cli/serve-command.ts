// `pulse serve`: runs until SIGINT/SIGTERM, then shuts down gracefully (stop accepting, flush,
// ack, close) within --shutdown-timeout-ms; past it the process exits 1 regardless, and its
// embedded nats-server never outlives it.
import type { PulseConfig } from '../config.ts'
import { startPulse } from '../pulse-app.ts'
import { userError } from './user-error.ts'

/** What a person can get wrong in the listen options, said in terms of the flags. */
function listenError(err: unknown, config: PulseConfig): unknown {
  const e = err as NodeJS.ErrnoException
  if (e.code === 'EADDRINUSE') return userError(`port ${config.port} is in use: pick another with --port (or stop what listens there)`)
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' || e.code === 'EADDRNOTAVAIL') return userError(`--host ${config.host} is not an address of this machine (${e.code}): pass one of its addresses, or 0.0.0.0 for all`)
  // fastify's proxy-addr throws this TypeError for an entry it cannot read.
  if (e instanceof TypeError && /^invalid IP address/.test(e.message)) return userError(`--trust-proxy: ${e.message}: pass IP addresses or CIDR ranges, like 10.0.0.0/8`)
  return err
}

export async function runServe(config: PulseConfig): Promise<void> {
  const pulse = await startPulse(config).catch((err: unknown) => {
    throw listenError(err, config)
  })
  const lines = [
    `Pulse is listening on ${pulse.url}`,
    `  data folder   ${config.dataDir}`,
    `  NATS          ${pulse.natsUrl}${config.natsUrl ? '' : ' (embedded nats-server)'}`,
    `  ClickHouse    ${config.clickhouseUrl ?? 'embedded engine (chdb) in the data folder'}`,
  ]
  if (pulse.devKeysCreated || (!config.writeKeys.length && !config.readKeys.length && !config.adminKeys.length)) {
    lines.push(`  write key     ${pulse.writeKeys[0].key}  (development keys, kept in ${config.dataDir}/dev-keys.json)`)
    lines.push(`  read key      ${pulse.readKeys[0]}`)
    lines.push(`  admin key     ${pulse.adminKeys[0]}`)
  }
  console.log(lines.join('\n'))
  let signals = 0
  const onSignal = (sig: string) => {
    signals++
    if (signals > 1) process.exit(130)
    pulse.log.info({ signal: sig }, 'shutting down')
    // A shutdown past --shutdown-timeout-ms rejects (nats-server already stopped): exit 1, and the
    // unacked messages are redelivered to the next processor.
    pulse.stop().then(
      () => process.exit(0),
      (err: Error) => {
        pulse.log.error({ err: err.message }, 'shutdown incomplete')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => onSignal('SIGINT'))
  process.on('SIGTERM', () => onSignal('SIGTERM'))
}
