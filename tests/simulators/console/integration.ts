// Public integration APIs reached with an `X-API-KEY` console key (unifi-os.md §4.2, §5.1,
// §5.2), and the private Protect API that refuses keys (§4.2 table).
import { createHash, randomUUID } from 'node:crypto'
import { authenticate } from './auth.ts'
import { headerValue, sendError, sendJson, type ExtraHeaders, type RequestContext, type Route } from './http.ts'
import type { ConsoleApp, ConsoleConfig } from './presets.ts'
import { rateLimitHeaders, type RateVerdict } from './rate-limit.ts'
import { hasAppPermission, type ApiKeyRecord, type SimulatorState } from './state.ts'

type IntegrationApp = Extract<ConsoleApp, 'protect' | 'network'>

/** Stable hex id derived from the console, like Protect's 24-hex object ids. */
function hexId(config: ConsoleConfig, ...parts: (string | number)[]): string {
  return createHash('sha256')
    .update([config.mac, ...parts].join(':'))
    .digest('hex')
    .slice(0, 24)
}

/** `protect.cameras` fake cameras in the integration API's shape (developer.ui.com Protect 6.2.83, abridged). */
export function fakeCameras(config: ConsoleConfig): Record<string, unknown>[] {
  return Array.from({ length: config.protect.cameras }, (_, i) => {
    const id = hexId(config, 'camera', i)
    return {
      id,
      modelKey: 'camera',
      state: 'CONNECTED',
      name: `Camera ${i + 1}`,
      mac: `F4E2C6${id.slice(0, 6).toUpperCase()}`,
      isMicEnabled: true,
      micVolume: 100,
      videoMode: 'default',
      hdrType: 'auto',
      featureFlags: {
        supportFullHdSnapshot: true,
        hasHdr: true,
        smartDetectTypes: ['person', 'vehicle'],
        smartDetectAudioTypes: [],
        videoModes: ['default'],
        hasMic: true,
        hasLedStatus: true,
        hasSpeaker: false,
      },
      smartDetectSettings: { objectTypes: [], audioTypes: [] },
    }
  })
}

/**
 * Error body for the integration paths. Protect (and Network with the 'gateway' knob) use the
 * gateway body `{"error":{"code","message"}}` (§5.1 [report]); Network's own schema follows
 * §5.2 [source]; which one a real console sends for a bad key is open (§9) [inferred].
 */
function integrationError(
  ctx: RequestContext,
  app: IntegrationApp,
  status: number,
  message: string,
  network: { statusName: string; code: string },
  headers: ExtraHeaders,
): void {
  const { res, state, url } = ctx
  if (app === 'protect' || state.config.integration.networkErrorBody === 'gateway') {
    return sendError(res, status, message, headers)
  }
  sendJson(
    res,
    status,
    {
      statusCode: status,
      statusName: network.statusName,
      code: network.code,
      message,
      timestamp: new Date(state.clock()).toISOString(),
      requestPath: url.pathname.replace(/^\/proxy\/network/, ''),
      requestId: randomUUID(),
    },
    headers,
  )
}

function findKey(state: SimulatorState, value: string): ApiKeyRecord | undefined {
  for (const key of state.apiKeys.values()) if (key.key === value) return key
  return undefined
}

function intParam(url: URL, name: string, fallback: number, max: number): number | undefined {
  const raw = url.searchParams.get(name)
  if (raw === null || raw === '') return fallback
  if (!/^\d+$/.test(raw)) return undefined
  const n = Number(raw)
  return n <= max ? n : undefined
}

/** Records the request in `state.integrationLog` (arrival order); its status once the reply is sent. */
function logRequest(
  ctx: RequestContext,
  app: IntegrationApp,
  path: string,
  principal: string,
  verdict: RateVerdict,
): void {
  const { res, state } = ctx
  const least = verdict.states.reduce((a, b) => (b.remaining < a.remaining ? b : a))
  const entry = {
    at: state.clock(),
    app,
    path,
    principal,
    status: 0,
    remaining: least.remaining,
    resetSeconds: least.resetSeconds,
  }
  state.integrationLog.push(entry)
  if (state.integrationLog.length > 10_000) state.integrationLog.shift()
  res.once('finish', () => {
    entry.status = res.statusCode
  })
}

/** `pk`: an opaque partition key per principal (§5.1: "pk=:<key>:", a byte sequence). */
const partitionKey = (principal: string): string =>
  createHash('sha256').update(principal).digest().subarray(0, 12).toString('base64')

function integration(ctx: RequestContext): void {
  const { req, res, state, url } = ctx
  const app = ctx.params[0] as IntegrationApp
  const rest = ctx.params[1] ?? ''
  const now = state.clock()
  if (!state.config.apps.includes(app)) return sendError(res, 404, 'Not Found')
  // §4.3: an app older than its public API (Protect < 5.3, Network < 9.0.108) is installed, yet has no
  // integration routes: the app answers 404 for every one, before any key check [inferred].
  const knobs = state.config.integration
  if (knobs.unavailable)
    return sendError(res, knobs.unavailable, knobs.unavailable === 502 ? 'Bad Gateway' : 'Service Unavailable')
  if ((app === 'network' ? knobs.networkApi : knobs.protectApi) === 'absent') return sendError(res, 404, 'Not Found')

  const sent = headerValue(req, 'x-api-key')?.trim() ?? ''
  const key = sent === '' ? undefined : findKey(state, sent)
  // §5.1: the limiter runs ahead of every route, keyed per user principal: every key of one user spends
  // one budget. Without a known key, per client address [inferred]; each app has its own limiter
  // [inferred: Protect and Network are separate servers behind the console's proxy].
  const principal = key ? key.userId : `anon:${req.socket.remoteAddress ?? ''}`
  const verdict = state.integrationLimiter.take(`${app}\n${principal}`, now)
  const headers = rateLimitHeaders(state.config.rateLimit.headers, verdict, partitionKey(principal))
  logRequest(ctx, app, rest, principal, verdict)
  if (!verdict.ok) {
    return integrationError(
      ctx,
      app,
      429,
      'Too Many Requests',
      { statusName: 'TOO_MANY_REQUESTS', code: 'api.rate-limit.exceeded' },
      state.config.rateLimit.retryAfter ? { ...headers, 'retry-after': String(verdict.retryAfterSeconds) } : headers,
    )
  }
  if (!key) {
    return integrationError(
      ctx,
      app,
      sent === '' ? 401 : knobs.badKeyStatus,
      sent === '' ? 'Missing credentials' : 'Unauthorized',
      sent === ''
        ? { statusName: 'UNAUTHORIZED', code: 'api.authentication.missing-credentials' }
        : { statusName: 'UNAUTHORIZED', code: 'api.authentication.invalid-credentials' },
      headers,
    )
  }
  // §4.2: a key carries its holder's rights; without `<app>.management` the app refuses it [inferred: 403].
  const holder = state.users.get(key.userId)
  if (!holder || !hasAppPermission(state, holder, app)) {
    return integrationError(
      ctx,
      app,
      knobs.noRightsStatus,
      'Forbidden',
      { statusName: 'FORBIDDEN', code: 'api.authorization.forbidden' },
      headers,
    )
  }
  key.lastUsedAt = now

  const notFound = (): void =>
    integrationError(ctx, app, 404, 'Not Found', { statusName: 'NOT_FOUND', code: 'api.request.not-found' }, headers)
  if (req.method !== 'GET') return notFound()
  const version = state.config.appVersions[app] ?? '0.0.0'

  if (app === 'protect') {
    const stream = /^v1\/cameras\/([^/]+)\/rtsps-stream$/.exec(rest)
    if (stream) return rtspsStream(ctx, stream[1]!, notFound, headers)
    switch (rest) {
      case 'v1/meta/info':
        return sendJson(res, 200, { applicationVersion: version }, headers) // §5.1 [source]
      case 'v1/cameras':
        return sendJson(res, 200, fakeCameras(state.config), headers)
      case 'v1/nvrs':
        return sendJson(res, 200, { id: hexId(state.config, 'nvr'), modelKey: 'nvr', name: state.config.name }, headers)
      default:
        return notFound()
    }
  }
  switch (rest) {
    case 'v1/info':
      if (knobs.networkApi === 'no-info') return notFound()
      return sendJson(res, 200, { applicationVersion: version }, headers) // §5.2 [report]
    case 'v1/sites': {
      // §5.2 [source]: offset/limit paging, limit 0–200 (default 25); site id is a UUID.
      const offset = intParam(url, 'offset', 0, Number.MAX_SAFE_INTEGER)
      const limit = intParam(url, 'limit', 25, 200)
      if (offset === undefined || limit === undefined) {
        return integrationError(
          ctx,
          app,
          400,
          'Invalid paging parameters',
          { statusName: 'BAD_REQUEST', code: 'api.request.argument-type-mismatch' },
          headers,
        )
      }
      const all =
        state.config.networkSites.length > 0
          ? state.config.networkSites
          : [{ id: state.defaultSiteId, internalReference: 'default', name: 'Default' }]
      const page = Math.min(limit, knobs.sitesPageMax)
      const data = all.slice(offset, offset + page)
      return sendJson(res, 200, { offset, limit: page, count: data.length, totalCount: all.length, data }, headers)
    }
    default:
      return notFound()
  }
}

/**
 * `GET /v1/cameras/{id}/rtsps-stream` (§5.1 [report]; developer.ui.com Protect 6.2.83: `{high, medium,
 * low, package}`, each string or null). Knob `protect.streams`.
 */
function rtspsStream(ctx: RequestContext, cameraId: string, notFound: () => void, headers: ExtraHeaders): void {
  const { res, state } = ctx
  const mode = state.config.protect.streams ?? 'active'
  if (mode === 'absent') return notFound()
  if (mode === 'forbidden') return sendError(res, 403, 'Forbidden', headers)
  if (!fakeCameras(state.config).some((c) => c.id === cameraId)) return notFound()
  if (mode === 'null') return sendJson(res, 200, null, headers)
  const url = (quality: string) =>
    mode === 'active'
      ? `rtsps://${ctx.req.headers.host ?? 'console'}:7441/${hexId(state.config, cameraId, quality)}?enableSrtp`
      : null
  return sendJson(res, 200, { high: url('high'), medium: url('medium'), low: url('low'), package: null }, headers)
}

/** Protect private API bootstrap (§1 item 2 [fixture: uiprotect sample_bootstrap.json], abridged). */
function bootstrap(ctx: RequestContext, authUserId: string): void {
  const c = ctx.state.config
  sendJson(ctx.res, 200, {
    authUserId,
    accessKey: '',
    nvr: {
      id: hexId(c, 'nvr'),
      mac: c.mac,
      host: ctx.req.socket.localAddress ?? '',
      name: c.name,
      type: c.model,
      marketName: c.name,
      hostShortname: c.model,
      hostType: 0,
      hardwareId: hexId(c, 'hw'),
      firmwareVersion: c.firmware,
      version: c.appVersions.protect ?? '',
      isSetup: true,
      isUCoreSetup: true,
      isNetworkInstalled: c.apps.includes('network'),
      isProtectUpdatable: false,
      isUcoreUpdatable: false,
    },
    cameras: fakeCameras(c),
    users: [],
  })
}

export function integrationRoutes(): Route[] {
  return [
    { method: '*', path: /^\/proxy\/(protect|network)\/integration\/(.*)$/, handler: integration },
    {
      // §4.2 [report]: `/proxy/protect/api/*` refuses X-API-KEY (401); cookie sessions work.
      method: '*',
      path: /^\/proxy\/protect\/api\/(.+)$/,
      handler: (ctx) => {
        if (!ctx.state.config.apps.includes('protect')) return sendError(ctx.res, 404, 'Not Found')
        const found = authenticate(ctx)
        if (!found) return
        if (ctx.req.method === 'GET' && ctx.params[0] === 'bootstrap') return bootstrap(ctx, found.user.id)
        sendError(ctx.res, 404, 'Not Found')
      },
    },
  ]
}
