// Segment-format batches with unique message ids, for the delivery tests.
import { basicAuth, WRITE_KEY } from './test-pulse.ts'

export function segmentBatch(prefix: string, batchNo: number, size: number, sentAt = new Date()): { body: string; ids: string[] } {
  const ids: string[] = []
  const batch = Array.from({ length: size }, (_, i) => {
    const id = `${prefix}-${batchNo}-${i}`
    ids.push(id)
    return { type: 'track', messageId: id, userId: `${prefix}-user-${i % 17}`, event: 'Lesson Completed', properties: { n: i }, timestamp: new Date(sentAt.getTime() - 1000).toISOString() }
  })
  return { body: JSON.stringify({ batch, sentAt: sentAt.toISOString() }), ids }
}

export async function sendBatch(url: string, body: string): Promise<number> {
  try {
    const res = await fetch(url + '/v1/batch', { method: 'POST', headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY) }, body })
    await res.arrayBuffer()
    return res.status
  } catch {
    return 0 // connection refused / reset: not accepted
  }
}

export async function metricValue(url: string, name: string): Promise<number> {
  const text = await (await fetch(url + '/metrics')).text()
  const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'))
  return line ? Number(line.split(' ').pop()) : 0
}
