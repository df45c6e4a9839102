// GET /dashboards/…: the pages `pulse dashboards` last wrote into the data folder, served read-only
// for teams that prefer a URL to a folder. A read or admin key is needed, as a Bearer token or as
// the user name of HTTP Basic authentication, so a browser asks for it (WWW-Authenticate).
import send from '@fastify/send'
import type { FastifyInstance } from 'fastify'
import { existsSync } from 'node:fs'
import { realpath } from 'node:fs/promises'
import path from 'node:path'
import { HttpError } from '../http-error.ts'
import type { ApiKeys } from './api-keys.ts'

export interface DashboardRouteDeps {
  /** The folder `pulse dashboards` writes by default (<data-dir>/dashboards). */
  folder: string
  keys: ApiKeys
}

export async function registerDashboardRoutes(app: FastifyInstance, deps: DashboardRouteDeps): Promise<void> {
  const root = path.resolve(deps.folder)
  /** A link inside the folder must not lead out of it (to the keys file, say). */
  const insideRoot = async (file: string) => {
    const [real, realRoot] = await Promise.all([realpath(file), realpath(root)])
    if (!real.startsWith(realRoot + path.sep)) throw new Error('outside the dashboards folder')
  }
  const refusal = (authorization: string | undefined): HttpError | null => {
    try {
      deps.keys.require(authorization, 'read')
    } catch (err) {
      if (!(err instanceof HttpError)) throw err
      return new HttpError(err.status, err.code, err.message, { 'www-authenticate': 'Basic realm="Pulse dashboards", charset="UTF-8"' })
    }
    // Checked per request: the folder appears once the first dashboards are written.
    if (existsSync(path.join(root, 'index.html'))) return null
    return new HttpError(404, 'no_dashboards', `no dashboards written yet: run "pulse dashboards" (or "npm run demo"), which writes them into ${root}`)
  }
  app.get('/dashboards', async (_req, reply) => reply.redirect('/dashboards/'))
  app.get('/dashboards/*', async (req, reply) => {
    const refused = refusal(req.headers.authorization)
    if (refused) return reply.code(refused.status).headers(refused.headers).send(refused.body())
    // Files only from the folder: @fastify/send refuses paths that leave it and dot files, and a
    // folder gets its index.html; no listing.
    // The path as sent (still URL-encoded): send decodes it once.
    const sentPath = req.url.split('?')[0].slice('/dashboards'.length)
    let found: Awaited<ReturnType<typeof send>>
    try {
      found = await send(req.raw, sentPath, { root, dotfiles: 'deny', index: ['index.html'], cacheControl: false, onFile: insideRoot })
    } catch {
      return reply.code(404).send(new HttpError(404, 'not_found', `no dashboard file ${req.url.split('?')[0]}`).body())
    }
    if (found.type !== 'file') {
      const status = found.type === 'directory' ? 404 : found.statusCode
      const error = new HttpError(status, status === 404 ? 'not_found' : 'refused', status === 404 ? `no dashboard file ${req.url.split('?')[0]}` : 'this path is not served')
      return reply.code(status).send(error.body())
    }
    return reply.code(found.statusCode).headers(found.headers).send(found.stream)
  })
}
