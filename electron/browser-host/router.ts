// Request routing of the browser host:
//   POST /api/invoke/<request>  JSON body → Outcome (errors are values, status 200)
//   GET  /api/events            Server-Sent Events (event-streams.ts)
//   GET  anything else          the built renderer (static-files.ts)
// Every request runs inside its own catch: an error answers 500 and is logged, never thrown
// out of the server (issue 14 §8).
import type http from 'node:http'
import { fail } from '../../shared/result.ts'
import type { Core } from '../core/index.ts'
import type { Logger } from '../core/log.ts'
import type { EventStreams } from './event-streams.ts'
import type { ApiGuard } from './guard.ts'
import { plain, readBody, requestPath, safeDecode, send } from './http.ts'
import { serveFile } from './static-files.ts'

export interface Routes {
  core: Pick<Core, 'invoke'>
  guard: ApiGuard
  streams: EventStreams
  rendererDir: string
  maxBody: number
  log: Logger
  /** Test mode: sees every response body (the e2e secret-leak scan reads them). */
  record?: ((entry: { kind: 'response'; request: string; body: string }) => void) | undefined
}

type Req = http.IncomingMessage
type Res = http.ServerResponse

async function invoke(routes: Routes, rawName: string, req: Req, res: Res): Promise<void> {
  if (req.method !== 'POST') return send(res, 405, fail('invalid-input', 'Use POST for requests.'))
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
    return send(res, 415, fail('invalid-input', 'Requests must be JSON.'))
  }
  const name = safeDecode(rawName)
  if (name === null) return send(res, 400, fail('invalid-input', 'The request name is not valid percent-encoding.'))
  const text = await readBody(req, routes.maxBody)
  if (text === null) {
    res.setHeader('connection', 'close')
    return send(res, 413, fail('too-large', `The request is larger than ${routes.maxBody} bytes.`))
  }
  let input: unknown
  try {
    input = text === '' ? {} : JSON.parse(text)
  } catch {
    return send(res, 400, fail('invalid-input', 'The request body is not valid JSON.'))
  }
  const outcome = await routes.core.invoke(name, input)
  routes.record?.({ kind: 'response', request: name.slice(0, 64), body: JSON.stringify(outcome) })
  send(res, 200, outcome)
}

export async function route(routes: Routes, req: Req, res: Res): Promise<void> {
  const path = requestPath(req.url)
  if (path === null) return plain(res, 400, 'Bad request')
  if (path.startsWith('/api/')) {
    const refusal = routes.guard.check(req.headers)
    if (refusal) return send(res, refusal.status, refusal.body)
    if (path.startsWith('/api/invoke/')) return invoke(routes, path.slice('/api/invoke/'.length), req, res)
    if (path === '/api/events' && req.method === 'GET') return routes.streams.open(req, res)
    return send(res, 404, fail('unknown-request', 'No such endpoint.'))
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end()
  if (!routes.guard.ownHost(req.headers)) return plain(res, 421, 'Wrong Host header')
  return serveFile(routes.rendererDir, path, res)
}

/** Runs one request; whatever it throws is logged and answered, never thrown out of the server. */
export function handle(routes: Routes, req: Req, res: Res): void {
  const failed = (error: unknown) => {
    try {
      routes.log.error('browser host request failed', {
        method: req.method,
        path: String(req.url).slice(0, 200),
        error,
      })
    } catch {
      // a broken logger must not take the host down either
    }
    try {
      if (res.headersSent) res.destroy()
      else send(res, 500, fail('internal', 'The browser host could not answer this request.'))
    } catch {
      res.destroy()
    }
  }
  try {
    route(routes, req, res).catch(failed)
  } catch (error) {
    failed(error)
  }
}
