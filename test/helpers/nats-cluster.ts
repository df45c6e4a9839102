// A 3-node NATS JetStream cluster on loopback for the tests: one config file, store folder, client
// port and cluster port per node, each routing to the other two.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { freePort } from '../../pipelines/runtime/free-port.ts'
import { findNatsServer } from '../../pipelines/runtime/embedded-nats.ts'
import { tempDir, waitFor } from './test-pulse.ts'

export interface ClusterNode {
  name: string
  url: string
  process: ChildProcess | undefined
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>
  /** Starts the node again on the same config and store. */
  start(): Promise<void>
}

export interface NatsCluster {
  nodes: ClusterNode[]
  /** All client URLs, comma separated (the form of --nats-url). */
  urls: string
  stop(): Promise<void>
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1')
    s.once('connect', () => (s.destroy(), resolve(true)))
    s.once('error', () => (s.destroy(), resolve(false)))
  })

export async function startCluster(size = 3): Promise<NatsCluster> {
  const dir = tempDir('nats-cluster')
  const ports = await Promise.all(Array.from({ length: size }, async () => ({ client: await freePort(), cluster: await freePort() })))
  const nodes = ports.map(({ client, cluster }, i): ClusterNode => {
    const name = `n${i + 1}`
    const store = path.join(dir, name)
    mkdirSync(store)
    const routes = ports.filter((_, j) => j !== i).map((p) => `nats-route://127.0.0.1:${p.cluster}`)
    const configFile = path.join(dir, `${name}.conf`)
    writeFileSync(configFile, [
      `server_name: ${name}`,
      `listen: 127.0.0.1:${client}`,
      `jetstream { store_dir: "${store}" }`,
      `cluster { name: pulse-test, listen: 127.0.0.1:${cluster}, routes: [${routes.join(', ')}] }`,
    ].join('\n') + '\n')
    const node: ClusterNode = {
      name,
      url: `nats://127.0.0.1:${client}`,
      process: undefined,
      async kill() {
        const p = node.process
        if (!p || p.exitCode !== null || p.signalCode !== null) return
        const exited = new Promise((r) => p.once('exit', r))
        p.kill('SIGKILL')
        await exited
      },
      async start() {
        node.process = spawn(findNatsServer(), ['-c', configFile], { stdio: 'ignore' })
        if (!(await waitFor(() => listening(client), (up) => up, 15_000))) throw new Error(`cluster node ${name} did not listen on ${client}`)
      },
    }
    return node
  })
  await Promise.all(nodes.map((n) => n.start()))
  await waitForJetStream(nodes.map((n) => n.url))
  return {
    nodes,
    urls: nodes.map((n) => n.url).join(','),
    async stop() {
      await Promise.all(nodes.map((n) => n.kill()))
    },
  }
}

/** Until the nodes have elected a JetStream meta leader, stream requests fail. */
async function waitForJetStream(servers: string[]): Promise<void> {
  const nc = await connect({ servers })
  try {
    const jsm = await jetstreamManager(nc, { timeout: 2000, checkAPI: false })
    const ready = await waitFor(() => jsm.getAccountInfo().then(() => true, () => false), (ok) => ok, 30_000)
    if (!ready) throw new Error('the NATS cluster elected no JetStream leader within 30 s')
  } finally {
    await nc.close()
  }
}
