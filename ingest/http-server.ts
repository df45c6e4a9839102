// The fastify instance: body handling shared by all routes (raw bytes, decoded per route),
// permissive CORS for browser SDKs, errors in one JSON shape.
import cors from '@fastify/cors'
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import type { FastifyBaseLogger } from 'fastify'
import { HttpError } from './http-error.ts'

export async function createHttpServer(logger: FastifyBaseLogger, maxRawBodyBytes: number): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: logger, logController: new LogController({ disableRequestLogging: true }), bodyLimit: maxRawBodyBytes, trustProxy: true })
  await app.register(cors, { origin: true, credentials: true, methods: ['GET', 'POST', 'OPTIONS'], maxAge: 86400 })
  // Every body arrives as bytes: content types lie (RudderStack sends gzip JSON as form-urlencoded).
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body))
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send(new HttpError(413, 'body_too_large', `the body is over the ${maxRawBodyBytes}-byte limit: send smaller batches`).body())
    }
    if (err.statusCode && err.statusCode < 500) {
      return reply.code(err.statusCode).send(new HttpError(err.statusCode, 'bad_request', err.message).body())
    }
    req.log.error({ err }, 'request failed')
    return reply.code(500).send(new HttpError(500, 'internal', 'internal error; the request was not stored, retry').body())
  })
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(new HttpError(404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`).body()),
  )
  return app
}
