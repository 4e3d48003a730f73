// A connection to one Home Assistant with a long-lived access token
// (home-assistant.md §5). `connect()` confirms the token with `GET /api/`
// (which requires auth), reads `GET /api/config` for the version, and asks an
// admin-only WebSocket command whether the token is an admin's (§1.3:
// non-admin → error code "unauthorized"; over REST a non-admin gets a 401,
// which HA counts as a failed login, so REST is never used to find out).
//
// A 401 stops everything at once: HA shows "Login attempt failed" for every
// rejected request and may ban the address (§4, §5), so after one 401 this
// client sends nothing more.
import { KeywardFailure } from '../../../shared/result.ts'
import { parseHostPort } from '../net/address.ts'
import { httpRequest, parseJsonReply, type HttpReply } from '../net/http.ts'
import { HomeAssistantFailure, type HaBaseUrl, type HaInstance } from './types.ts'
import { isApiRunning, parseConfig, parseOnboarding } from './replies.ts'
import { HaCommandError, HaSocket } from './ws.ts'
import { bracketHost } from '../../../shared/format.ts'

export const DEFAULT_HA_PORT = 8123

const bad = (message: string) => new KeywardFailure('invalid-input', message)

/** The port of a URL typed with a scheme and no port: that scheme's own default. */
const SCHEME_PORT = { http: 80, https: 443 } as const

/**
 * "homeassistant.local", "192.168.1.5:8123/lovelace/0", "https://ha.lan/" →
 * scheme (default http), host, port. A bare host (no scheme) gets HA's own default,
 * http on 8123 (home-assistant.md §5). A URL typed with a scheme and no port means what
 * it means in a browser, the scheme's default port (https → 443, http → 80): that is
 * what users of a reverse proxy type and what an announced `internal_url` without a
 * port says (discovery.md §6). HA terminating TLS itself is written with ":8123".
 */
export function normalizeBaseUrl(raw: string): HaBaseUrl {
  let text = raw.trim()
  if (text === '') throw bad('Enter the address of Home Assistant, for example homeassistant.local:8123.')
  if (text.length > 300) throw bad('That address is too long.')
  if (/\s/.test(text)) throw bad('An address cannot contain spaces.')
  let scheme: 'http' | 'https' = 'http'
  let defaultPort = DEFAULT_HA_PORT
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)
  if (m) {
    const s = m[1]!.toLowerCase()
    if (s !== 'http' && s !== 'https') throw bad(`Home Assistant is reached over http:// or https://, not "${s}://".`)
    scheme = s
    defaultPort = SCHEME_PORT[s]
    text = text.slice(m[0].length)
  }
  text = text.replace(/[/?#].*$/s, '')
  if (text.includes('@'))
    throw bad('Leave the user name and password out of the address; Keyward uses an access token.')
  if (text === '') throw bad('The address has no host name or IP address.')

  const { host, port } = parseHostPort(text, defaultPort, { underscore: true, emptyPortIsDefault: true })
  const hostPart = bracketHost(host)
  const origin = `${scheme}://${hostPart}:${port}`
  return {
    scheme,
    host,
    port,
    origin,
    websocketUrl: `${scheme === 'https' ? 'wss' : 'ws'}://${hostPart}:${port}/api/websocket`,
  }
}

export interface HaConnectOptions {
  url: string
  token: string
  /** Per request; flow steps that make HA call the console get `flowTimeoutMs`. */
  timeoutMs?: number
  /** Flow steps: HA logs in to the console and reads its bootstrap before answering. */
  flowTimeoutMs?: number
  maxBytes?: number
  /** HTTPS only: pin a self-signed HA certificate, or trust an extra CA. */
  tls?: { pin?: string; ca?: string }
}

export interface HaReply {
  status: number
  body: unknown
  /** Raw text for text/plain answers (`401: Unauthorized`, `Failed dependencies …`). */
  text: string
}

const TOKEN_SHAPE = /^[\x21-\x7e]{10,4096}$/

export const NOT_ADMIN_MESSAGE =
  'This access token belongs to a Home Assistant user who is not an administrator. Adding or changing integrations needs an admin: ' +
  'make the token while signed in as an administrator (your profile → Security → Long-lived access tokens), or make this user an administrator in Settings → People.'

export class HomeAssistantClient {
  readonly base: HaBaseUrl
  info: HaInstance | null = null
  /** Set by the first 401 (or `auth_invalid`): nothing more is sent. */
  private stopped: HomeAssistantFailure | null = null
  private tokenAccepted = false
  private socketPromise: Promise<HaSocket> | null = null
  /** Requests actually sent (tests and logs). */
  requestsSent = 0

  constructor(private readonly options: HaConnectOptions) {
    this.base = normalizeBaseUrl(options.url)
    if (!TOKEN_SHAPE.test(options.token.trim())) {
      throw new HomeAssistantFailure(
        'invalid-input',
        'token_rejected',
        'That does not look like a Home Assistant long-lived access token (a long string from your HA profile → Security).',
      )
    }
  }

  /** Connects, confirms the token and reads version and admin status. */
  static async connect(options: HaConnectOptions): Promise<HomeAssistantClient> {
    const client = new HomeAssistantClient(options)
    await client.refreshInfo()
    return client
  }

  get haVersion(): string | null {
    return this.info?.version ?? null
  }

  async refreshInfo(): Promise<HaInstance> {
    const status = await this.request('GET', '/api/')
    if (status.status !== 200) throw this.unexpected(status, 'GET /api/')
    if (!isApiRunning(status.body)) {
      throw new HomeAssistantFailure(
        'bad-reply',
        'not_home_assistant',
        `${this.base.origin} answered, but not like Home Assistant's API.`,
      )
    }
    const config = await this.request('GET', '/api/config')
    // HA's config is an object that always names its version (§5); anything else is not HA's API.
    const c = config.status === 200 ? parseConfig(config.body) : null
    if (!c) throw this.unexpected(config, 'GET /api/config')

    let isAdmin: boolean | null = null
    try {
      const socket = await this.socket()
      // Admin-only and read-only (§1.3); we need its answer for reauth flows anyway.
      await socket.command('config_entries/flow/progress')
      isAdmin = true
    } catch (error) {
      if (error instanceof HaCommandError && error.haCode === 'unauthorized') isAdmin = false
      else if (error instanceof HomeAssistantFailure && error.problem === 'token_rejected') throw error
      // Anything else: the WebSocket API is not reachable (a proxy without upgrade); decide later.
    }
    this.info = {
      base: this.base,
      version: c.version,
      locationName: c.location_name,
      components: c.components,
      isAdmin,
      adminProblem: isAdmin === false ? NOT_ADMIN_MESSAGE : null,
    }
    return this.info
  }

  /** Throws the non-admin explanation when the token is known not to be an admin's. */
  requireAdmin(): void {
    if (this.info?.isAdmin === false) throw new HomeAssistantFailure('forbidden', 'not_admin', NOT_ADMIN_MESSAGE)
  }

  /**
   * One REST request. 401 → stop for good (token rejected, or non-admin once the token
   * was accepted); 403 → banned address; 503 → HA starting/stopping. Other statuses
   * are returned for the caller to interpret.
   */
  async request(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    options: { timeoutMs?: number } = {},
  ): Promise<HaReply> {
    if (this.stopped) throw this.stopped
    this.requestsSent++
    let reply: HttpReply
    try {
      reply = await httpRequest({
        url: `${this.base.origin}${path}`,
        method,
        headers: {
          // Case-sensitive "Bearer" (§5).
          authorization: `Bearer ${this.options.token.trim()}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        timeoutMs: options.timeoutMs ?? this.options.timeoutMs ?? 8000,
        maxBytes: this.options.maxBytes ?? 2 * 1024 * 1024,
        ...(this.options.tls ? { tls: this.options.tls } : {}),
        redirects: 'same-host',
      })
    } catch (error) {
      if (error instanceof KeywardFailure && (error.code === 'unreachable' || error.code === 'timeout')) {
        throw new HomeAssistantFailure(
          error.code,
          'ha_unreachable',
          `Home Assistant at ${this.base.origin} did not answer: ${error.message}`,
          error.detail,
        )
      }
      throw error
    }
    const text = reply.body.toString('utf8')
    if (reply.status === 401) {
      this.stopped = this.tokenAccepted
        ? new HomeAssistantFailure('forbidden', 'not_admin', NOT_ADMIN_MESSAGE, `401 on ${method} ${path}`)
        : new HomeAssistantFailure(
            'invalid-credentials',
            'token_rejected',
            'Home Assistant refused the access token (it was deleted, mistyped or belongs to another Home Assistant). ' +
              'Keyward stopped after this one attempt: every refused attempt shows "Login attempt failed" in Home Assistant and can get this computer banned. Paste a new long-lived access token.',
            `401 on ${method} ${path}`,
          )
      this.closeSocket()
      throw this.stopped
    }
    this.tokenAccepted = true
    if (reply.status === 403 && !/json/.test(String(reply.headers['content-type'] ?? ''))) {
      throw new HomeAssistantFailure(
        'forbidden',
        'banned',
        `Home Assistant refuses this computer (403). Its address was probably banned after failed logins: remove it from ip_bans.yaml in the HA configuration folder and restart HA.`,
        `403 on ${method} ${path}`,
      )
    }
    if (reply.status === 503) {
      throw new HomeAssistantFailure(
        'unreachable',
        'ha_unavailable',
        'Home Assistant is starting or stopping. Try again in a minute.',
        `503 on ${method} ${path}`,
      )
    }
    let parsed: unknown = null
    const type = String(reply.headers['content-type'] ?? '')
    if (type.includes('json')) parsed = parseJsonReply(reply, `Home Assistant's answer to ${method} ${path}`)
    return { status: reply.status, body: parsed, text: text.slice(0, 2000) }
  }

  /** The shared WebSocket connection, opened on first use and reopened if HA closed it. */
  async socket(): Promise<HaSocket> {
    if (this.stopped) throw this.stopped
    if (this.socketPromise) {
      const current = await this.socketPromise.catch(() => null)
      if (current?.isOpen) return current
      this.socketPromise = null
    }
    if (this.stopped) throw this.stopped
    this.socketPromise ??= HaSocket.connect({
      base: this.base,
      token: this.options.token.trim(),
      timeoutMs: this.options.timeoutMs ?? 8000,
      ...(this.options.maxBytes ? { maxBytes: Math.max(this.options.maxBytes, 8 * 1024 * 1024) } : {}),
      ...(this.options.tls ? { tls: this.options.tls } : {}),
    }).catch((error: unknown) => {
      this.socketPromise = null
      if (error instanceof HomeAssistantFailure && error.problem === 'token_rejected') {
        this.stopped = error
      }
      throw error
    })
    return this.socketPromise
  }

  get flowTimeoutMs(): number {
    return this.options.flowTimeoutMs ?? 45_000
  }

  close(): void {
    this.closeSocket()
  }

  private closeSocket(): void {
    const pending = this.socketPromise
    this.socketPromise = null
    void pending?.then(
      (s) => s.close(),
      () => {},
    )
  }

  private unexpected(reply: HaReply, what: string): KeywardFailure {
    if (reply.status === 404) {
      return new HomeAssistantFailure(
        'bad-reply',
        'not_home_assistant',
        `${this.base.origin} has no Home Assistant API (${what} → 404). Check the address and port (usually 8123).`,
      )
    }
    if (reply.status === 200) {
      return new HomeAssistantFailure(
        'bad-reply',
        'not_home_assistant',
        `${this.base.origin} answered ${what}, but not like Home Assistant's API.`,
      )
    }
    return new HomeAssistantFailure(
      'bad-reply',
      'not_home_assistant',
      `${this.base.origin} answered ${what} with status ${reply.status}.`,
    )
  }
}

/** Convenience: `HomeAssistantClient.connect`. */
export function connectHomeAssistant(options: HaConnectOptions): Promise<HomeAssistantClient> {
  return HomeAssistantClient.connect(options)
}

/**
 * Onboarding state without a token (§5: `GET /api/onboarding`, no auth). A fresh HA
 * has no users and so no tokens: send the user to HA's own UI. Never counts as a login.
 */
export async function onboardingState(
  url: string,
  options: { timeoutMs?: number; tls?: { pin?: string; ca?: string } } = {},
): Promise<'done' | 'pending' | 'unknown'> {
  const base = normalizeBaseUrl(url)
  const reply = await httpRequest({
    url: `${base.origin}/api/onboarding`,
    timeoutMs: options.timeoutMs ?? 5000,
    maxBytes: 64 * 1024,
    ...(options.tls ? { tls: options.tls } : {}),
  })
  if (reply.status !== 200) return 'unknown'
  // `[{step, done}]` (§5): whether the `user` step is done (replies.ts).
  return parseOnboarding(parseJsonReply(reply, 'Home Assistant onboarding'))
}
