// The real client functions the hostile-reply corpus drives, each aimed at one
// path of the hostile server, and their results reduced to what a user would
// see: an error code (with HA's problem, or a key check's problem) and message.
import { probeConsole } from '../../electron/core/console/probe.ts'
import { HomeAssistantClient } from '../../electron/core/homeassistant/client.ts'
import { httpsRequest, jsonBody } from '../../electron/core/net/https.ts'
import { normalizeAddress } from '../../electron/core/net/address.ts'
import { fetchUispKey } from '../../electron/core/uisp/connection.ts'
import { fetchUispVersion, UispSession, UispTokenCaller } from '../../electron/core/uisp/session.ts'
import { verifyUispToken } from '../../electron/core/uisp/verify.ts'
import { listKeys, mintKey } from '../../electron/core/unifi/keys.ts'
import { ConsoleSession } from '../../electron/core/unifi/session.ts'
import { verifyKey } from '../../electron/core/unifi/verify.ts'
import { KeywardFailure } from '../../shared/result.ts'

export interface Peer {
  port: number
  httpPort: number
  pin: string
  timeoutMs: number
}

/** What the user ends up with: `code` (`code/problem` for HA, `check:problem` for key checks) and a message. */
export interface Seen {
  code: string
  message: string
}

export interface HostileClient {
  name: string
  /** The one path the server misbehaves on for this client. */
  path: string
  /** Requests in the flow, each with its own deadline (for the elapsed-time bound). */
  requests: number
  run(peer: Peer): Promise<unknown>
}

const target = (p: Peer) => ({ host: '127.0.0.1', port: p.port, pin: p.pin, label: 'Hostile (127.0.0.1)' })

async function signedIn(p: Peer): Promise<ConsoleSession> {
  const session = new ConsoleSession(target(p), { timeoutMs: p.timeoutMs })
  await session.login({ username: 'owner', password: 'pw' })
  return session
}

export const hostileClients: HostileClient[] = [
  {
    name: 'net/https.ts (JSON body)',
    path: '/raw',
    requests: 1,
    run: async (p) =>
      jsonBody(
        await httpsRequest({
          host: '127.0.0.1',
          port: p.port,
          path: '/raw',
          pin: p.pin,
          timeoutMs: p.timeoutMs,
          maxBytes: 256 * 1024,
        }),
        'The reply',
      ),
  },
  {
    name: 'console probe, GET /',
    path: '/',
    requests: 1,
    run: (p) => probeConsole(normalizeAddress(`127.0.0.1:${p.port}`), { timeoutMs: p.timeoutMs, pin: p.pin }),
  },
  {
    name: 'console probe, GET /api/system',
    path: '/api/system',
    requests: 2,
    run: (p) => probeConsole(normalizeAddress(`127.0.0.1:${p.port}`), { timeoutMs: p.timeoutMs, pin: p.pin }),
  },
  {
    name: 'console sign-in',
    path: '/api/auth/login',
    requests: 2,
    run: (p) => new ConsoleSession(target(p), { timeoutMs: p.timeoutMs }).login({ username: 'owner', password: 'pw' }),
  },
  {
    name: 'mint a console key',
    path: '/proxy/users/api/v2/user/self/keys',
    requests: 3,
    run: async (p) => mintKey(await signedIn(p), 'Keyward'),
  },
  {
    name: 'list console keys',
    path: '/proxy/users/api/v2/user/self/keys',
    requests: 3,
    run: async (p) => listKeys(await signedIn(p)),
  },
  {
    name: 'verify a Protect key',
    path: '/proxy/protect/integration/v1/meta/info',
    requests: 1,
    run: async (p) => {
      const check = await verifyKey({
        console: {
          key: `127.0.0.1:${p.port}`,
          host: '127.0.0.1',
          port: p.port,
          name: 'Hostile',
          pin: p.pin,
          apps: ['protect'],
        },
        app: 'protect',
        key: 'AbCdEfGh12345678ijkl',
        timeoutMs: p.timeoutMs,
      })
      if (check.status === 'ok') return check
      throw new KeywardFailure('bad-reply', check.message, `check:${check.problem}`)
    },
  },
  {
    name: 'UISP version',
    path: '/nms/api/v2.1/nms/version',
    requests: 1,
    run: (p) => fetchUispVersion(target(p), { timeoutMs: p.timeoutMs }),
  },
  {
    name: 'UISP sign-in',
    path: '/nms/api/v2.1/user/login',
    requests: 1,
    run: (p) => new UispSession(target(p), { timeoutMs: p.timeoutMs }).login({ username: 'admin', password: 'pw' }),
  },
  {
    name: 'UISP key from the server',
    path: '/nms/api/v2.1/nms/connection',
    requests: 1,
    run: (p) => fetchUispKey(new UispTokenCaller(target(p), 'uisp-token', { timeoutMs: p.timeoutMs })),
  },
  {
    name: 'verify a UISP token',
    path: '/nms/api/v2.1/user',
    requests: 2,
    run: async (p) => {
      const check = await verifyUispToken({
        target: target(p),
        token: 'uisp-token',
        purpose: 'monitor',
        timeoutMs: p.timeoutMs,
      })
      if (check.status === 'ok') return check
      throw new KeywardFailure('bad-reply', check.message, `check:${check.problem}`)
    },
  },
  {
    name: 'Home Assistant over HTTPS, GET /api/',
    path: '/api/',
    requests: 1,
    run: (p) => connectHa(`https://127.0.0.1:${p.port}`, p, { pin: p.pin }),
  },
  {
    name: 'Home Assistant over HTTPS, GET /api/config',
    path: '/api/config',
    requests: 2,
    run: (p) => connectHa(`https://127.0.0.1:${p.port}`, p, { pin: p.pin }),
  },
  {
    name: 'Home Assistant over HTTP, GET /api/',
    path: '/api/',
    requests: 1,
    run: (p) => connectHa(`http://127.0.0.1:${p.httpPort}`, p),
  },
]

async function connectHa(url: string, p: Peer, tls?: { pin: string }) {
  const client = new HomeAssistantClient({
    url,
    token: 'a-long-lived-token-0123456789',
    timeoutMs: p.timeoutMs,
    ...(tls ? { tls } : {}),
  })
  try {
    return await client.refreshInfo()
  } finally {
    client.close()
  }
}

/** Runs a client and reduces the result to what the user sees. */
export async function seen(client: HostileClient, peer: Peer): Promise<Seen | { code: 'ok'; message: string }> {
  try {
    const value = await client.run(peer)
    let text: string
    try {
      text = JSON.stringify(value)?.slice(0, 200) ?? ''
    } catch {
      text = `${typeof value} (too deep to show)`
    }
    return { code: 'ok', message: text }
  } catch (error) {
    if (!(error instanceof KeywardFailure))
      return { code: `THROWN ${(error as Error)?.name}`, message: String((error as Error)?.message ?? error) }
    const problem = (error as { problem?: string }).problem
    const check = error.detail?.startsWith('check:') ? error.detail : null
    return { code: check ?? (problem ? `${error.code}/${problem}` : error.code), message: error.message }
  }
}
