// `pulse replay`: makes the durable consumer start again from the first stored message. Rows
// already in ClickHouse are not duplicated: events are keyed on (source, message_id).
import path from 'node:path'
import type { PulseConfig } from '../config.ts'
import { startNatsServer } from '../runtime/embedded-nats.ts'
import { replayFromStart } from '../stream/jetstream-setup.ts'
import { connectNats } from '../pulse-app.ts'
import { runningServer } from '../runtime/server-file.ts'
import { userError } from './user-error.ts'

export async function runReplay(config: PulseConfig): Promise<void> {
  if (!config.natsUrl && runningServer(config.dataDir)) {
    throw userError(`a Pulse is serving ${config.dataDir}: stop it first, replay, then start it again`)
  }
  const embedded = config.natsUrl ? undefined : await startNatsServer(path.join(config.dataDir, 'nats'))
  const nc = await connectNats(config.natsUrl ?? embedded!.url, 'pulse-replay')
  try {
    await replayFromStart(nc, config.stream, config.consumer, config.ackWaitMs)
    console.log(`consumer ${config.consumer} on stream ${config.stream} now starts from the first message; the next processor start reprocesses the stream`)
  } finally {
    await nc.drain()
    await embedded?.stop()
  }
}
