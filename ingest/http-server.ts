// The fastify instance: body handling shared by all routes (raw bytes, decoded per route), CORS
// for browser SDKs on the capture paths only, errors in one JSON shape, and time limits on slow
// clients.
import cors from '@fastify/cors'
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import type { FastifyBaseLogger, FastifyReply } from 'fastify'
import { HttpError } from './http-error.ts'

export interface HttpServerOptions {
  maxRawBodyBytes: number
  /** Paths that answer cross-origin requests (the capture routes). */
  corsPaths: ReadonlySet<string>
  /** Proxies (addresses or CIDRs) whose X-Forwarded-For gives the client address; none by default. */
  trustProxy: string[]
  /** Longest a client may take to send a whole request (headers and body). */
  requestTimeoutMs: number
}

export async function createHttpServer(logger: FastifyBaseLogger, options: HttpServerOptions): Promise<FastifyInstance> {
  const { maxRawBodyBytes, corsPaths } = options
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: maxRawBodyBytes,
    // Path parameters carry customer ids (up to 200 characters, 3 bytes each percent-encoded) and
    // tags: fastify's default of 100 would answer 414 to ids Pulse stores.
    routerOptions: { maxParamLength: 2048 },
    trustProxy: options.trustProxy.length ? options.trustProxy : false,
    // A client that trickles its request (slowloris) or goes silent before it is complete loses
    // its socket; Node checks every connectionsCheckingInterval. The time to answer is not bounded
    // here: queries and refits have their own limits.
    requestTimeout: options.requestTimeoutMs,
    http: { headersTimeout: options.requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, options.requestTimeoutMs) },
    // The router's own refusals, in Pulse's error shape like every other answer.
    frameworkErrors: (err, _req, reply) => {
      const refusal =
        err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new HttpError(414, 'path_too_long', 'a part of the path is over 2048 characters: ids and tags are far shorter; check the URL')
          : err.code === 'FST_ERR_BAD_URL'
            ? new HttpError(400, 'bad_url', 'the path is not valid percent-encoding: encode ids with encodeURIComponent')
            : new HttpError(500, 'internal', 'the request could not be routed')
      void (reply as FastifyReply).code(refusal.status).send(refusal.body())
    },
  })
  // Browser SDKs send events from any site without cookies; the API routes are for servers and
  // scripts, so browsers get no CORS there at all.
  await app.register(cors, {
    delegator: (req, cb) => {
      const capture = corsPaths.has((req.url ?? '').split('?')[0])
      cb(null, capture ? { origin: true, credentials: false, methods: ['POST', 'OPTIONS'], maxAge: 86400 } : { origin: false })
    },
  })
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
