// The fake HA's test hook, on its own port (never HA's 8123, so nothing Keyward
// talks to can see it): lets a test in another lab namespace read what HA holds
// and count requests, as the in-process tests do through RunningHomeAssistant.
//   GET  /state    version, failed logins, every request, entries WITH their data, flows, issues
//   POST /reset    forget entries, flows, issues, devices, requests and failed logins
//   POST /refresh  re-run setup of every entry (HA's polling, a reload or a restart, §2.5)
//   POST /config   change run-time knobs of HaSimConfig (RUNTIME_KNOBS; the version needs a restart)
// No auth: it listens only on the lab host's address (or loopback).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RunningHomeAssistant } from './server.ts'
import type { HaSimConfig, RequestRecord, SimEntry } from './state.ts'

/** Knobs a running fake HA may change (the flow handlers are built from `version` at start). */
export const RUNTIME_KNOBS = [
  'unifiClassicSites',
  'revokedKeyInFullMode',
  'menuOptionsShape',
  'deviceEntryShape',
  'wwwAuthenticate',
  'upstreamTimeoutMs',
  'loginAttemptsThreshold',
] as const
export type RuntimeKnobs = Partial<Pick<HaSimConfig, (typeof RUNTIME_KNOBS)[number]>>

function applyKnobs(ha: RunningHomeAssistant, patch: unknown): string | null {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return 'the body must be a JSON object'
  const unknown = Object.keys(patch).filter((k) => !(RUNTIME_KNOBS as readonly string[]).includes(k))
  if (unknown.length > 0) return `not a run-time knob: ${unknown.join(', ')}`
  Object.assign(ha.state.config, patch)
  return null
}

export interface HaControlState {
  version: string
  haVersion: string
  failedLogins: number
  requests: RequestRecord[]
  entries: SimEntry[]
  flows: { flow_id: string; handler: string; step_id: string; source: string; entry_id: string | null }[]
  issues: { issue_id: string; domain: string; translation_key: string }[]
}

export function controlState(ha: RunningHomeAssistant): HaControlState {
  const s = ha.state
  return {
    version: s.config.version,
    haVersion: s.config.haVersion,
    failedLogins: s.failedLogins,
    requests: s.requests,
    entries: [...s.entries.values()],
    flows: [...s.flows.values()].map((f) => ({
      flow_id: f.flow_id,
      handler: f.handler,
      step_id: f.step_id,
      source: f.context.source,
      entry_id: f.context.entry_id ?? null,
    })),
    issues: [...s.issues.values()].map((i) => ({
      issue_id: i.issue_id,
      domain: i.domain,
      translation_key: i.translation_key,
    })),
  }
}

function reset(ha: RunningHomeAssistant): void {
  const s = ha.state
  for (const map of [s.entries, s.flows, s.issues, s.devices, s.failuresByAddress]) map.clear()
  s.banned.clear()
  s.requests.length = 0
  s.notifications.length = 0
  s.log.length = 0
  s.failedLogins = 0
}

export async function startControl(
  ha: RunningHomeAssistant,
  listen: { host: string; port: number },
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      const text = JSON.stringify(body)
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
      res.end(text)
    }
    const route = `${req.method} ${new URL(req.url ?? '/', 'http://control.invalid').pathname}`
    if (route === 'POST /config') {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        let body: unknown
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
        } catch {
          return reply(400, { error: 'invalid JSON' })
        }
        const problem = applyKnobs(ha, body)
        reply(problem ? 400 : 200, problem ? { error: problem } : { ok: true })
      })
      return
    }
    req.resume()
    if (route === 'GET /state') return reply(200, controlState(ha))
    if (route === 'POST /reset') {
      reset(ha)
      return reply(200, { ok: true })
    }
    if (route === 'POST /refresh') {
      ha.refresh().then(
        () => reply(200, { ok: true }),
        (error: Error) => reply(500, { error: error.message }),
      )
      return
    }
    reply(404, { error: 'unknown control route' })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(listen.port, listen.host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://${listen.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** The client side, for tests running in another namespace (plain fetch, 5 s deadline). */
export function haControl(url: string) {
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
      method,
      signal: AbortSignal.timeout(5000),
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    })
    if (!res.ok) throw new Error(`fake HA control ${method} ${path}: ${res.status} ${await res.text()}`)
    return (await res.json()) as T
  }
  return {
    state: () => call<HaControlState>('GET', '/state'),
    reset: () => call<{ ok: true }>('POST', '/reset').then(() => undefined),
    refresh: () => call<{ ok: true }>('POST', '/refresh').then(() => undefined),
    configure: (knobs: RuntimeKnobs) => call<{ ok: true }>('POST', '/config', knobs).then(() => undefined),
  }
}

export type HaControl = ReturnType<typeof haControl>
