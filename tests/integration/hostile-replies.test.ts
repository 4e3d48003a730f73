// Hostile-input corpus, part 1: every hostile reply (huge, slow, truncated,
// garbled, redirecting, mistyped, misshapen) and every hostile connection,
// against every real client that talks to a console, a UISP server or Home
// Assistant. One row per (client × hostile reply): each ends in a specific
// error (code and message), and the huge replies leave memory bounded.
// No wall-clock bound: a reply that never ends must end in `timeout` (the
// deadline fired, nothing hung); every other row gets a deadline long enough
// that a loaded machine still reaches the real failure (too large, bad reply)
// before it. Speed belongs in `npm run bench`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closedPort, startHostileServer, startSilentTcp, type HostileServer } from '../support/hostile-server.ts'
import { hostileClients, seen, type HostileClient, type Peer } from '../support/hostile-clients.ts'

/** For replies that never finish: the deadline must fire. */
const TIMEOUT_MS = 500
/** For every other row: far longer than any of those replies takes, even on a busy machine. */
const GENEROUS_MS = 20_000

type Expect = [code: string, message: RegExp]

// ---- what every client shares: the transport (net/https.ts, net/http.ts) ----------------------
const TRANSPORT: Record<string, Expect> = {
  'declared huge (Content-Length 64 MB)': ['too-large', /sent a reply larger than \d+ bytes/],
  'streamed huge (chunked, no length)': ['too-large', /sent a reply larger than \d+ bytes/],
  'huge HTML error page': ['too-large', /sent a reply larger than \d+ bytes/],
  'silent (never answers)': ['timeout', /did not answer within 0\.5 s/],
  'headers trickle past the deadline': ['timeout', /did not answer within 0\.5 s/],
  'body trickles past the deadline': ['timeout', /did not answer within 0\.5 s/],
  'status line then silence': ['timeout', /did not answer within 0\.5 s/],
  'truncated body (Content-Length larger than sent)': ['bad-reply', /cut its reply short/],
  'truncated chunked body': ['bad-reply', /cut its reply short/],
  'dropped in the middle of the body': ['bad-reply', /cut its reply short/],
  'connection closed before a reply': ['unreachable', /closed the connection/],
  'connection dropped before a reply': ['unreachable', /closed the connection/],
  'garbage instead of HTTP': ['bad-reply', /did not answer with valid HTTP/],
  'invalid Content-Length header': ['bad-reply', /did not answer with valid HTTP/],
  'two different Content-Length headers': ['bad-reply', /did not answer with valid HTTP/],
  'NUL in a header': ['bad-reply', /did not answer with valid HTTP/],
}

// ---- what each client makes of a reply that arrived whole ---------------------------------------
const notJson = (what: string): Expect => ['bad-reply', new RegExp(`${what} was not valid JSON`)]
const REDIRECTS = [
  '302 to another host',
  '301 to another host',
  '307 to another host',
  '308 protocol-relative to another host',
  '302 to a non-web scheme',
  '302 with an unparsable Location',
]
const SHAPES = [
  'JSON null',
  'JSON array',
  'JSON number',
  'JSON string',
  'every field the wrong type',
  'deeply nested JSON',
  'prototype keys',
]
const NOT_JSON = [
  'broken JSON declared as JSON',
  'JSON cut in the middle',
  'binary body as octet-stream',
  'UTF-16 JSON',
  'XML with 200',
]
const each = (names: string[], e: Expect | 'ok') => Object.fromEntries(names.map((n) => [n, e]))
const statusReplies = (e: (status: string) => Expect) =>
  Object.fromEntries(
    [
      ['500 with a JSON error', '500'],
      ['502 empty', '502'],
      ['503 with Retry-After', '503'],
      ['418 teapot', '418'],
      ['204 no content', '204'],
      ['429 with a day-long Retry-After', '429'],
    ].map(([n, s]) => [n, e(s!)]),
  )

const probeRootNot = (why: RegExp): Expect => ['not-unifi-os', new RegExp(`is not a UniFi OS console \\(${why.source}`)]
const consoleRefused =
  (what: string) =>
  (s: string): Expect => [
    'refused',
    new RegExp(`refused to ${what}${s === '503' ? ': "starting"' : s === '429' ? ': "slow down"' : '\\.'}`),
  ]
const haNot = (what: string): Expect => ['bad-reply/not_home_assistant', new RegExp(what)]

const REPLIES: Record<string, Record<string, Expect | 'ok'>> = {
  'net/https.ts (JSON body)': {
    ...each(REDIRECTS, notJson('The reply')),
    'HTML page with 200': ['bad-reply', /not valid JSON \(it sent a web page/],
    ...each(NOT_JSON, notJson('The reply')),
    'empty body with 200': notJson('The reply'),
    'strings far over their limits': ['too-large', /larger than 262144 bytes/],
    '502 empty': notJson('The reply'),
    '418 teapot': notJson('The reply'),
    '204 no content': notJson('The reply'),
    // The transport returns any JSON; meaning is the callers' job (rows below).
    ...each(SHAPES, 'ok'),
    '500 with a JSON error': 'ok',
    '503 with Retry-After': 'ok',
    '429 with a day-long Retry-After': 'ok',
  },
  'console probe, GET /': {
    ...each(REDIRECTS, probeRootNot(/it redirects to/)),
    ...each(
      ['HTML page with 200', ...NOT_JSON, 'empty body with 200', ...SHAPES],
      probeRootNot(/GET \/ answered 200 without a CSRF token/),
    ),
    'strings far over their limits': ['too-large', /larger than 262144 bytes/],
    ...statusReplies((s) => probeRootNot(new RegExp(`GET / answered ${s}`))),
  },
  'console probe, GET /api/system': {
    ...each(REDIRECTS, [
      'bad-reply',
      /looks like UniFi OS but \/api\/system answered 30\d; the console may be starting up/,
    ]),
    'HTML page with 200': [
      'bad-reply',
      /\/api\/system reply was not valid JSON \(it sent a web page; the console may still be starting up\)/,
    ],
    ...each([...NOT_JSON, 'empty body with 200'], notJson("The console's /api/system reply")),
    ...each(
      ['JSON null', 'JSON array', 'JSON number', 'JSON string', 'every field the wrong type', 'deeply nested JSON'],
      ['bad-reply', /\/api\/system reply has an unexpected shape/],
    ),
    // Prototype keys are just unknown fields: nothing is polluted, nothing identified.
    'prototype keys': 'ok',
    'strings far over their limits': ['too-large', /larger than 262144 bytes/],
    ...statusReplies((s) => ['bad-reply', new RegExp(`/api/system answered ${s}; the console may be starting up`)]),
  },
  'console sign-in': {
    ...each(REDIRECTS, ['bad-reply', /answered the sign-in with 30\d: no explanation/]),
    'HTML page with 200': ['bad-reply', /is still starting up \(it answered the sign-in with a web page\)/],
    ...each(NOT_JSON, notJson('The sign-in reply')),
    ...each(
      ['empty body with 200', ...SHAPES, 'strings far over their limits'],
      ['bad-reply', /accepted the sign-in but set no session cookie/],
    ),
    '500 with a JSON error': ['bad-reply', /answered the sign-in with 500: no explanation/],
    '502 empty': ['bad-reply', /answered the sign-in with 502: no explanation/],
    '503 with Retry-After': ['bad-reply', /answered the sign-in with 503: starting/],
    '418 teapot': notJson('The sign-in reply'),
    '204 no content': ['bad-reply', /answered the sign-in with 204: no explanation/],
    // Retry-After is clamped to an hour: a console cannot park the wizard for a day.
    '429 with a day-long Retry-After': [
      'locked-out',
      /has paused sign-ins after too many attempts\. Try again after .* \(in 3600 s\)/,
    ],
  },
  'mint a console key': {
    ...each(REDIRECTS, ['refused', /refused to create an API key\./]),
    'HTML page with 200': ['bad-reply', /the console answered with a web page; it may still be starting up/],
    ...each(NOT_JSON, notJson('POST /proxy/users/api/v2/user/self/keys')),
    ...each(['empty body with 200', ...SHAPES], ['bad-reply', /created a key but did not send it back/]),
    'strings far over their limits': ['bad-reply', /sent a key in an unexpected format/],
    ...statusReplies(consoleRefused('create an API key')),
    '418 teapot': notJson('POST /proxy/users/api/v2/user/self/keys'),
  },
  'list console keys': {
    ...each(REDIRECTS, ['refused', /refused to list API keys\./]),
    'HTML page with 200': ['bad-reply', /the console answered with a web page; it may still be starting up/],
    ...each(NOT_JSON, notJson('GET /proxy/users/api/v2/user/self/keys')),
    ...each(
      [
        'empty body with 200',
        'JSON null',
        'JSON number',
        'JSON string',
        'every field the wrong type',
        'prototype keys',
        'strings far over their limits',
      ],
      ['bad-reply', /sent an unexpected key list/],
    ),
    // A list without key objects is an empty list (nothing to revoke), not an error.
    'JSON array': 'ok',
    'deeply nested JSON': 'ok',
    ...statusReplies(consoleRefused('list API keys')),
    '418 teapot': notJson('GET /proxy/users/api/v2/user/self/keys'),
  },
  'verify a Protect key': {
    ...each(REDIRECTS, [
      'check:unreachable',
      /UniFi Protect on Hostile \(127\.0\.0\.1\) answered 30\d; it may be starting or updating/,
    ]),
    // It answered, so it is not said to be silent (a booting console's page, §2 Failures).
    'HTML page with 200': [
      'check:unreachable',
      /^UniFi Protect on Hostile \(127\.0\.0\.1\): .*answered with a web page/,
    ],
    ...each(NOT_JSON, ['check:unreachable', /^UniFi Protect on Hostile \(127\.0\.0\.1\) was not valid JSON/]),
    ...each(
      ['empty body with 200', 'JSON null', 'JSON array', 'JSON number', 'JSON string', 'deeply nested JSON'],
      ['check:unreachable', /answered, but not with its API, so the key could not be checked/],
    ),
    // An object without applicationVersion: the check passes, the version is unknown.
    'every field the wrong type': 'ok',
    'prototype keys': 'ok',
    'strings far over their limits': 'ok',
    ...statusReplies((s) => ['check:unreachable', new RegExp(`answered ${s}; it may be starting or updating`)]),
    '429 with a day-long Retry-After': ['check:rate_limited', /is rate-limiting API calls right now/],
  },
  'UISP version': {
    ...each(
      [...REDIRECTS, 'HTML page with 200', ...NOT_JSON, 'empty body with 200', ...SHAPES],
      ['bad-reply', /answered HTTPS, but not as a UISP server \(no version at \/nms\/api\/v2\.1\/nms\/version\)/],
    ),
    // The version is cut to 64 characters: shown, never stored in full.
    'strings far over their limits': 'ok',
    ...statusReplies(() => ['bad-reply', /not as a UISP server/]),
  },
  'UISP sign-in': {
    ...each(REDIRECTS, ['bad-reply', /answered the sign-in with 30\d: no explanation/]),
    ...each(['broken JSON declared as JSON', 'JSON cut in the middle', 'UTF-16 JSON'], notJson('The sign-in reply')),
    ...each(
      [
        'HTML page with 200',
        'binary body as octet-stream',
        'XML with 200',
        'empty body with 200',
        ...SHAPES,
        'strings far over their limits',
      ],
      ['bad-reply', /accepted the sign-in but sent no x-auth-token/],
    ),
    '500 with a JSON error': ['bad-reply', /answered the sign-in with 500: boom/],
    '502 empty': ['bad-reply', /answered the sign-in with 502: no explanation/],
    '503 with Retry-After': ['bad-reply', /answered the sign-in with 503: starting/],
    '418 teapot': ['bad-reply', /answered the sign-in with 418: no explanation/],
    '204 no content': ['bad-reply', /answered the sign-in with 204: no explanation/],
    '429 with a day-long Retry-After': [
      'locked-out',
      /has paused sign-ins after too many attempts\. Try again after .* \(in 3600 s\)/,
    ],
  },
  'UISP key from the server': {
    ...each(REDIRECTS, ['bad-reply', /did not send its UISP key \(30\d\)/]),
    'HTML page with 200': ['bad-reply', /answered with a web page, not the UISP API/],
    ...each(['broken JSON declared as JSON', 'JSON cut in the middle', 'UTF-16 JSON'], notJson('GET /nms/connection')),
    'binary body as octet-stream': [
      'bad-reply',
      /The UISP key that Hostile \(127\.0\.0\.1\) sent is not valid: The address part/,
    ],
    'XML with 200': ['bad-reply', /The UISP key that Hostile \(127\.0\.0\.1\) sent is not valid: The address part/],
    'JSON string': [
      'bad-reply',
      /The UISP key that Hostile \(127\.0\.0\.1\) sent is not valid: The key must start with wss:\/\//,
    ],
    ...each(
      [
        'empty body with 200',
        'JSON null',
        'JSON array',
        'JSON number',
        'every field the wrong type',
        'deeply nested JSON',
        'prototype keys',
        'strings far over their limits',
      ],
      ['bad-reply', /answered \/nms\/connection without a key/],
    ),
    ...statusReplies((s) => ['bad-reply', new RegExp(`did not send its UISP key \\(${s}\\)`)]),
  },
  'verify a UISP token': {
    ...each(REDIRECTS, ['check:unreachable', /answered 30\d; it may be starting or updating/]),
    ...each(
      [
        'HTML page with 200',
        ...NOT_JSON,
        'empty body with 200',
        'JSON null',
        'JSON array',
        'JSON number',
        'JSON string',
        'deeply nested JSON',
      ],
      [
        'check:not_uisp',
        /answered \/nms\/api\/v2\.1\/user, but not as the UISP API, so the token could not be checked/,
      ],
    ),
    'every field the wrong type': 'ok',
    'prototype keys': 'ok',
    // The check reads at most 256 KiB: a user object is far smaller.
    'strings far over their limits': ['check:unreachable', /did not answer: .*sent a reply larger than 262144 bytes/],
    ...statusReplies((s) => ['check:unreachable', new RegExp(`answered ${s}; it may be starting or updating`)]),
    '429 with a day-long Retry-After': ['check:rate_limited', /is rate-limiting API calls right now/],
  },
}

const haReplies = (path: string, alsoFirst: boolean): Record<string, Expect | 'ok'> => ({
  '302 to another host': [
    'redirect-refused',
    /redirected to evil\.example; Keyward does not follow redirects to another host/,
  ],
  '301 to another host': ['redirect-refused', /redirected to evil\.example; Keyward does not follow/],
  '307 to another host': ['redirect-refused', /redirected to 10\.9\.9\.9:8443; Keyward does not follow/],
  '308 protocol-relative to another host': ['redirect-refused', /redirected to evil\.example; Keyward does not follow/],
  '302 to a non-web scheme': ['redirect-refused', /redirected to a file: address; Keyward does not follow/],
  '302 with an unparsable Location': ['bad-reply', /redirected to an invalid address/],
  ...each(
    ['broken JSON declared as JSON', 'JSON cut in the middle', 'UTF-16 JSON'],
    notJson(`Home Assistant's answer to GET ${path}`),
  ),
  ...each(
    [
      'HTML page with 200',
      'binary body as octet-stream',
      'XML with 200',
      'empty body with 200',
      'JSON null',
      'JSON array',
      'JSON number',
      'JSON string',
      'every field the wrong type',
      'deeply nested JSON',
      'prototype keys',
    ],
    haNot(
      alsoFirst
        ? `answered, but not like Home Assistant's API`
        : `answered GET ${path.replace(/\//g, '\\/')}, but not like Home Assistant's API`,
    ),
  ),
  // `/api/` says {"message": …}; a long message is still HA's answer. /api/config with a long version is cut to 40.
  'strings far over their limits': 'ok',
  ...statusReplies((s) =>
    s === '503'
      ? ['unreachable/ha_unavailable', /Home Assistant is starting or stopping/]
      : haNot(`answered GET ${path.replace(/\//g, '\\/')} with status ${s}`),
  ),
})
REPLIES['Home Assistant over HTTPS, GET /api/'] = haReplies('/api/', true)
REPLIES['Home Assistant over HTTPS, GET /api/config'] = haReplies('/api/config', false)
REPLIES['Home Assistant over HTTP, GET /api/'] = haReplies('/api/', true)

/** The transport's error as each client reports it. */
function viaClient(client: HostileClient, [code, message]: Expect): Expect {
  if (client.name.startsWith('verify'))
    return [
      code === 'certificate-changed' ? 'check:tls_pin_mismatch' : 'check:unreachable',
      code === 'certificate-changed'
        ? /presents a different certificate than the one you trusted, so Keyward sent nothing/
        : new RegExp(`did not answer: .*${message.source}`),
    ]
  if (client.name.startsWith('Home Assistant') && (code === 'timeout' || code === 'unreachable'))
    return [
      `${code}/ha_unreachable`,
      new RegExp(`Home Assistant at https?://127\\.0\\.0\\.1:\\d+ did not answer: .*${message.source}`),
    ]
  return [code, message]
}

// ---- hostile connections (below HTTP) ----------------------------------------------------------
const CONNECTIONS: [name: string, expect: Expect, plainHttp?: Expect][] = [
  ['nothing listens', ['unreachable', /Nothing answers (HTTPS )?at 127\.0\.0\.1:\d+/]],
  ['TCP accepted, never a TLS handshake or a reply', ['timeout', /did not answer within 0\.5 s/]],
  [
    'plain HTTP where HTTPS is expected',
    ['tls', /closed the connection during the TLS handshake; is this an HTTPS port\?/],
    ['unreachable', /closed the connection/],
  ],
  [
    'a different certificate than the pinned one',
    ['certificate-changed', /is not the one you trusted\. Nothing was sent\./],
  ],
]

let server: HostileServer
let silent: Awaited<ReturnType<typeof startSilentTcp>>
let closed: number
beforeAll(async () => {
  server = await startHostileServer()
  silent = await startSilentTcp()
  closed = await closedPort()
})
afterAll(async () => {
  await server.close()
  await silent.close()
})

const peer = (over: Partial<Peer> = {}): Peer => ({
  port: server.port,
  httpPort: server.httpPort,
  pin: server.sha256,
  timeoutMs: TIMEOUT_MS,
  ...over,
})

/** The deadline a row runs with: short only where the deadline is what the row is about. */
const deadlineFor = (expected: Expect | 'ok') =>
  expected !== 'ok' && /did not answer within/.test(expected[1].source) ? TIMEOUT_MS : GENEROUS_MS

async function expectSeen(client: HostileClient, p: Peer, expected: Expect | 'ok'): Promise<void> {
  const result = await seen(client, { ...p, timeoutMs: deadlineFor(expected) })
  if (expected === 'ok') expect(result.code, result.message).toBe('ok')
  else {
    expect(result.code, result.message).toBe(expected[0])
    expect(result.message).toMatch(expected[1])
  }
  // Messages are for people: bounded, never a dump of what the peer sent.
  expect(result.message.length).toBeLessThan(700)
}

const replyRows = hostileClients.flatMap((client) =>
  Object.keys(TRANSPORT)
    .concat(Object.keys(REPLIES[client.name] ?? {}))
    .map((behaviour) => ({ client, behaviour })),
)
const connectionRows = hostileClients.flatMap((client) =>
  CONNECTIONS.filter(
    ([name]) => !(name.startsWith('a different certificate') && client.name.includes('over HTTP,')),
  ).map(([name, e, plain]) => ({ client, name, e, plain })),
)
export const HOSTILE_REPLY_CASES = replyRows.length + connectionRows.length

describe('hostile replies to real clients', () => {
  it('every client meets every hostile reply the server knows (the table is complete)', () => {
    for (const client of hostileClients) {
      const covered = new Set([...Object.keys(TRANSPORT), ...Object.keys(REPLIES[client.name] ?? {})])
      expect(
        server.names.filter((n) => !covered.has(n)),
        client.name,
      ).toEqual([])
    }
  })

  it.each(replyRows.map((r) => [r.client.name, r.behaviour, r.client, r.behaviour] as const))(
    '%s ← %s',
    async (_c, _b, client, behaviour) => {
      server.set({ path: client.path, name: behaviour })
      try {
        const expected = TRANSPORT[behaviour]
          ? viaClient(client, TRANSPORT[behaviour])
          : REPLIES[client.name]![behaviour]!
        await expectSeen(client, peer(), expected)
      } finally {
        server.set(null)
      }
    },
  )

  it.each(connectionRows.map((r) => [r.client.name, r.name, r] as const))('%s ← %s', async (_c, name, row) => {
    const p =
      name === 'nothing listens'
        ? peer({ port: closed, httpPort: closed })
        : name.startsWith('TCP accepted')
          ? peer({ port: silent.port, httpPort: silent.port })
          : name.startsWith('plain HTTP')
            ? peer({ port: server.httpPort, httpPort: server.port })
            : peer({ pin: `00:${server.sha256.slice(3)}` })
    const plainClient = row.client.name.includes('over HTTP,')
    await expectSeen(row.client, p, viaClient(row.client, plainClient && row.plain ? row.plain : row.e))
  })

  it('memory stays bounded after every client met every huge reply', async () => {
    const before = process.memoryUsage().rss
    const huge = ['declared huge (Content-Length 64 MB)', 'streamed huge (chunked, no length)', 'huge HTML error page']
    for (let round = 0; round < 2; round++) {
      for (const client of hostileClients) {
        for (const name of huge) {
          server.set({ path: client.path, name })
          const result = await seen(client, peer({ timeoutMs: GENEROUS_MS }))
          expect(result.message).toMatch(/larger than \d+ bytes/)
        }
      }
    }
    server.set(null)
    // 84 replies of 64 MB each: buffering even one would show; the cap keeps each under 2 MB.
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 1024 * 1024)
  })
})
