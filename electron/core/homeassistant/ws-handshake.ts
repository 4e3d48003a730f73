// The HA WebSocket handshake (home-assistant.md §1.3) as explicit steps: the upgrade (a pinned
// certificate is checked here, before the token is sent), a refused upgrade (redirect, 403 ban, other
// status), then the messages: `auth_required` → send `{"type":"auth","access_token":…}`; `auth_ok` (with
// `ha_version`) → done; `auth_invalid` → the token was refused (a failed login in HA, §4: never retried);
// anything else → a bad reply. One deadline covers it all; the first outcome wins.
import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import type WebSocket from 'ws'
import { z } from 'zod'
import { KeywardFailure } from '../../../shared/result.ts'
import { HomeAssistantFailure } from './types.ts'

/** What one handshake message asks of the client. */
export type HandshakeStep =
  | { kind: 'send-auth' }
  | { kind: 'authenticated'; haVersion: string | null }
  | { kind: 'failed'; error: KeywardFailure }

// §1.3: `{"type":"auth_required"}`, `{"type":"auth_ok","ha_version":"…"}`, `{"type":"auth_invalid","message":"…"}`.
// Unknown keys are ignored; a wrong-typed `ha_version` or `message` is treated as absent.
const handshakeMessage = z.object({
  type: z.unknown().optional(),
  ha_version: z.string().nullable().catch(null),
  message: z.string().nullable().catch(null),
})

/** One step of the handshake from the raw message HA sent. */
export function readHandshake(data: string, where: string): HandshakeStep {
  let raw: unknown
  try {
    raw = JSON.parse(data)
  } catch {
    return {
      kind: 'failed',
      error: new KeywardFailure('bad-reply', `Home Assistant at ${where} sent a WebSocket message that is not JSON.`),
    }
  }
  const message = handshakeMessage.safeParse(raw)
  const type = message.success ? message.data.type : undefined
  if (type === 'auth_required') return { kind: 'send-auth' }
  if (type === 'auth_ok') return { kind: 'authenticated', haVersion: message.data!.ha_version }
  if (type === 'auth_invalid') {
    const reason = message.data!.message
    return {
      kind: 'failed',
      error: new HomeAssistantFailure(
        'invalid-credentials',
        'token_rejected',
        'Home Assistant refused the access token on its WebSocket API.',
        reason !== null ? reason.slice(0, 200) : undefined,
      ),
    }
  }
  return {
    kind: 'failed',
    error: new KeywardFailure(
      'bad-reply',
      `Home Assistant at ${where} answered the WebSocket handshake with an unexpected message.`,
    ),
  }
}

/** The failure for an upgrade HA (or whatever answers) refused with this HTTP status. */
export function refusedUpgrade(status: number, where: string): KeywardFailure {
  if (status >= 300 && status < 400)
    return new KeywardFailure(
      'redirect-refused',
      `${where} redirected the WebSocket connection; Keyward does not follow it.`,
    )
  if (status === 403)
    return new HomeAssistantFailure(
      'forbidden',
      'banned',
      `Home Assistant at ${where} refuses this computer (403): its address may be banned after failed logins.`,
    )
  return new KeywardFailure(
    'bad-reply',
    `${where} did not accept a WebSocket connection on /api/websocket (status ${status}).`,
  )
}

/** The pinned certificate against the one the upgrade came over; null when it matches. */
export function pinMismatch(seen: string | undefined, pin: string, where: string): KeywardFailure | null {
  if (seen?.toUpperCase() === pin) return null
  return new KeywardFailure(
    'certificate-changed',
    `The certificate of ${where} is not the one you trusted. Nothing was sent.`,
    `expected ${pin}, got ${seen ?? 'none'}`,
  )
}

export interface HandshakeOptions {
  where: string
  token: string
  /** The certificate's SHA-256 the upgrade must come over (https with a confirmed pin). */
  pin: string | undefined
  timeoutMs: number
}

/** Runs the handshake on a fresh socket; `finish` is called once, with the failure or HA's version. */
export class WsHandshake {
  #settled = false
  readonly #deadline: NodeJS.Timeout
  readonly #onMessage = (data: WebSocket.RawData) => this.#message(String(data))
  readonly #onEarlyClose = () =>
    this.#done(
      new KeywardFailure(
        'unreachable',
        `Home Assistant at ${this.options.where} closed the WebSocket connection before authenticating.`,
      ),
    )

  constructor(
    private readonly ws: WebSocket,
    private readonly options: HandshakeOptions,
    private readonly finish: (error: KeywardFailure | null, haVersion: string | null) => void,
  ) {
    const { where, timeoutMs } = options
    this.#deadline = setTimeout(
      () =>
        this.#done(
          new KeywardFailure(
            'timeout',
            `Home Assistant's WebSocket API at ${where} did not answer within ${timeoutMs / 1000} s.`,
          ),
        ),
      timeoutMs,
    )
    ws.on('upgrade', (res) => this.#upgrade(res))
    ws.on('unexpected-response', (_req, res) => {
      res.resume()
      this.#done(refusedUpgrade(res.statusCode ?? 0, where))
    })
    ws.on('error', (error) =>
      this.#done(
        new KeywardFailure(
          'unreachable',
          `Home Assistant's WebSocket API at ${where} could not be reached.`,
          error.message,
        ),
      ),
    )
    ws.on('close', this.#onEarlyClose)
    ws.on('message', this.#onMessage)
  }

  #upgrade(res: IncomingMessage): void {
    const { pin, where } = this.options
    if (pin === undefined) return
    const seen = (res.socket as TLSSocket).getPeerX509Certificate?.()?.fingerprint256
    const failure = pinMismatch(seen, pin, where)
    if (failure) this.#done(failure)
  }

  #message(data: string): void {
    const step = readHandshake(data, this.options.where)
    if (step.kind === 'send-auth') this.ws.send(JSON.stringify({ type: 'auth', access_token: this.options.token }))
    else if (step.kind === 'authenticated') this.#done(null, step.haVersion)
    else this.#done(step.error)
  }

  #done(error: KeywardFailure | null, haVersion: string | null = null): void {
    if (this.#settled) return
    this.#settled = true
    clearTimeout(this.#deadline)
    this.ws.off('message', this.#onMessage)
    this.ws.off('close', this.#onEarlyClose)
    if (error) {
      this.ws.on('error', () => {})
      this.ws.terminate()
    }
    this.finish(error, haVersion)
  }
}
