// The ceiling to compare with: a bare fastify route that only parses the same bodies and answers.
import Fastify from 'fastify'

const app = Fastify({ bodyLimit: 10 * 1024 * 1024 })
app.post('/v1/batch', async (req) => ({ success: true, n: (req.body as { batch: unknown[] }).batch.length }))
await app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' })
console.log(`listening ${(app.server.address() as { port: number }).port}`)
