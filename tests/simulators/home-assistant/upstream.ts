// What the fake HA's integrations do on the wire to a console, as the real ones
// do (home-assistant.md §2.3, §3; unifi-os.md §2, §5.1, §5.3):
//   unifiprotect full mode: POST /api/auth/login → cookie → GET /proxy/protect/api/bootstrap,
//     then GET /proxy/protect/integration/v1/meta/info with X-API-KEY;
//   API-key-only: meta/info with the key, then the NVR MAC;
//   unifi_access: GET https://host:12445/api/v1/developer/doors with a Bearer token,
//     and (core) the Protect meta/info probe with the same token on failure.
// Loopback only in tests; `resolve` maps the names/ports HA is given to real listeners.
import https from 'node:https'
import type { HaSimState } from './state.ts'
import { versionAtLeast } from './state.ts'

export interface UpstreamReply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: unknown
}

/** A connection-level failure: aiohttp ClientError in HA terms. */
export class UpstreamError extends Error {
  constructor(
    readonly kind: 'connect' | 'tls' | 'timeout',
    message: string,
  ) {
    super(message)
  }
}

export function resolveTarget(state: HaSimState, host: string, port: number): { host: string; port: number } {
  const mapped = state.config.resolve[`${host}:${port}`] ?? state.config.resolve[host]
  if (!mapped) return { host, port }
  const colon = mapped.lastIndexOf(':')
  if (colon < 0) return { host: mapped, port }
  return { host: mapped.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(mapped.slice(colon + 1)) }
}

/**
 * One call to a console. Like uiprotect (unifi-os.md §5.1: retries 429 honouring
 * Retry-After), a 429 is retried up to three times after the advertised wait (capped at 2 s).
 */
export async function upstream(
  state: HaSimState,
  target: { host: string; port: number; verifySsl: boolean },
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<UpstreamReply> {
  for (let attempt = 0; ; attempt++) {
    const reply = await upstreamOnce(state, target, method, path, headers, body)
    if (reply.status !== 429 || attempt >= 3) return reply
    const wait = Math.min(2, Number(reply.headers['retry-after'] ?? 1) || 1)
    await new Promise((r) => setTimeout(r, wait * 1000))
  }
}

export function upstreamOnce(
  state: HaSimState,
  target: { host: string; port: number; verifySsl: boolean },
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<UpstreamReply> {
  const { host, port } = resolveTarget(state, target.host, target.port)
  const payload = body === undefined ? undefined : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host,
        port,
        method,
        path,
        agent: false,
        // verify_ssl (§2.2): off accepts the console's self-signed certificate.
        rejectUnauthorized: target.verifySsl,
        servername: /^[\d.]+$|:/.test(target.host) ? undefined : target.host,
        headers: {
          accept: 'application/json',
          ...(payload !== undefined
            ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }
            : {}),
          ...headers,
        },
        timeout: state.config.upstreamTimeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (c: Buffer) => {
          size += c.length
          if (size > 4 << 20) req.destroy(new Error('reply too large'))
          else chunks.push(c)
        })
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let parsed: unknown = text
          try {
            parsed = JSON.parse(text)
          } catch {
            /* keep text */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed })
        })
        res.on('error', (e) => reject(new UpstreamError('connect', e.message)))
      },
    )
    req.on('timeout', () => req.destroy(new UpstreamError('timeout', 'timed out')))
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e instanceof UpstreamError) return reject(e)
      const tls =
        /certificate|self.signed|SSL|TLS/i.test(e.message) ||
        (e.code ?? '').startsWith('ERR_TLS') ||
        (e.code ?? '').includes('CERT')
      reject(new UpstreamError(tls ? 'tls' : 'connect', e.message))
    })
    req.end(payload)
  })
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export type FormErrors = Record<string, string>

export interface NvrData {
  mac: string
  name: string
  version: string
}

export type Validation = { ok: true; nvr: NvrData } | { ok: false; errors: FormErrors }

interface FullInput {
  host: string
  port: number
  verifySsl: boolean
  username: string
  password: string
  apiKey: string
}

/**
 * `_async_get_nvr_data` (§2.3): bootstrap with username/password first (password
 * invalid_auth / cannot_connect / protect_version / cloud_user), then meta/info with the key
 * (api_key invalid_auth). `checkKey: false` is the setup path of §2.5 (key not checked).
 */
export async function validateProtectFull(
  state: HaSimState,
  input: FullInput,
  minVersion: string,
  options: { checkKey?: boolean } = {},
): Promise<Validation> {
  const target = { host: input.host, port: input.port, verifySsl: input.verifySsl }
  let login: UpstreamReply
  try {
    login = await upstream(
      state,
      target,
      'POST',
      '/api/auth/login',
      {},
      { username: input.username, password: input.password, token: '', rememberMe: false },
    )
  } catch {
    return { ok: false, errors: { base: 'cannot_connect' } }
  }
  // 401/403 → NotAuthorized; a 2FA challenge (499) cannot be answered by HA either [inferred].
  if (login.status === 401 || login.status === 403 || login.status === 499)
    return { ok: false, errors: { password: 'invalid_auth' } }
  if (login.status !== 200) return { ok: false, errors: { base: 'cannot_connect' } }
  const setCookie = login.headers['set-cookie']
  const cookie = (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [])
    .map((c) => c.split(';')[0])
    .join('; ')

  let boot: UpstreamReply
  try {
    boot = await upstream(state, target, 'GET', '/proxy/protect/api/bootstrap', { cookie })
  } catch {
    return { ok: false, errors: { base: 'cannot_connect' } }
  }
  if (boot.status === 401 || boot.status === 403) return { ok: false, errors: { password: 'invalid_auth' } }
  if (boot.status !== 200 || !isObject(boot.body) || !isObject(boot.body.nvr))
    return { ok: false, errors: { base: 'cannot_connect' } }
  const nvr = boot.body.nvr
  const data: NvrData = {
    mac: String(nvr.mac ?? ''),
    name: String(nvr.name ?? input.host),
    version: String(nvr.version ?? '0'),
  }
  if (!versionAtLeast(data.version, minVersion)) return { ok: false, errors: { base: 'protect_version' } }

  // Real HA reads bootstrap `users[authUserId].cloudAccount`; the console simulator's bootstrap
  // lists no users, so ask who we are instead [inferred stand-in].
  try {
    const self = await upstream(state, target, 'GET', '/api/users/self', { cookie })
    if (isObject(self.body) && (self.body.only_ui_account === true || self.body.local_account_exist === false)) {
      return { ok: false, errors: { base: 'cloud_user' } }
    }
  } catch {
    return { ok: false, errors: { base: 'cannot_connect' } }
  }

  if (options.checkKey !== false) {
    const key = await protectMetaInfo(
      state,
      { host: input.host, port: input.port, verifySsl: input.verifySsl },
      input.apiKey,
    )
    if (key === 'unauthorized') return { ok: false, errors: { api_key: 'invalid_auth' } }
    if (key === 'error') return { ok: false, errors: { base: 'cannot_connect' } }
  }
  return { ok: true, nvr: data }
}

/** `get_meta_info()` (§2.3): version on 200; 401/403 NotAuthorized; anything else a ClientError. */
export async function protectMetaInfo(
  state: HaSimState,
  target: { host: string; port: number; verifySsl: boolean },
  apiKey: string,
): Promise<{ version: string } | 'unauthorized' | 'error'> {
  try {
    const reply = await upstream(state, target, 'GET', '/proxy/protect/integration/v1/meta/info', {
      'x-api-key': apiKey,
    })
    if (reply.status === 401 || reply.status === 403) return 'unauthorized'
    if (reply.status !== 200 || !isObject(reply.body)) return 'error'
    return { version: String(reply.body.applicationVersion ?? '0') }
  } catch {
    return 'error'
  }
}

/**
 * API-key-only validation (§2.3 [fixture]): meta/info → api_key invalid_auth / cannot_connect /
 * protect_version; then `resolve_nvr_mac()` — here the console's unauthenticated /api/system
 * (how uiprotect resolves it is not in the reference [inferred]). Port 443, verify_ssl false.
 */
export async function validateProtectApiKey(
  state: HaSimState,
  host: string,
  apiKey: string,
  minVersion: string,
): Promise<Validation> {
  const target = { host, port: 443, verifySsl: false }
  const info = await protectMetaInfo(state, target, apiKey)
  if (info === 'unauthorized') return { ok: false, errors: { api_key: 'invalid_auth' } }
  if (info === 'error') return { ok: false, errors: { base: 'cannot_connect' } }
  if (!versionAtLeast(info.version, minVersion)) return { ok: false, errors: { base: 'protect_version' } }
  let mac = ''
  let name = host
  try {
    const system = await upstream(state, target, 'GET', '/api/system')
    if (isObject(system.body) && typeof system.body.mac === 'string') mac = system.body.mac
    const nvrs = await upstream(state, target, 'GET', '/proxy/protect/integration/v1/nvrs', { 'x-api-key': apiKey })
    if (nvrs.status === 200 && isObject(nvrs.body) && typeof nvrs.body.name === 'string') name = nvrs.body.name
  } catch {
    return { ok: false, errors: { base: 'cannot_connect' } }
  }
  if (!mac) return { ok: false, errors: { base: 'cannot_connect' } }
  return { ok: true, nvr: { mac, name, version: info.version } }
}

export type AccessCheck = 'ok' | 'unauthorized' | 'protect_key' | 'tls' | 'connect' | 'unknown'

/** Access developer API on :12445 with a Bearer token (§3, unifi-os.md §5.3). */
export async function checkAccessToken(
  state: HaSimState,
  host: string,
  token: string,
  verifySsl: boolean,
  probeProtect: boolean,
): Promise<AccessCheck> {
  let reply: UpstreamReply
  try {
    reply = await upstream(state, { host, port: 12445, verifySsl }, 'GET', '/api/v1/developer/doors', {
      authorization: `Bearer ${token}`,
    })
  } catch (error) {
    return error instanceof UpstreamError && error.kind === 'tls' ? 'tls' : 'connect'
  }
  if (reply.status === 200) return 'ok'
  if (reply.status === 401 || reply.status === 403) {
    // Core `_validate_input()`: on ApiAuthError probe Protect meta/info with the same key (§3).
    if (probeProtect) {
      const protect = await protectMetaInfo(state, { host, port: 443, verifySsl: false }, token)
      if (typeof protect === 'object') return 'protect_key'
    }
    return 'unauthorized'
  }
  return 'unknown'
}
