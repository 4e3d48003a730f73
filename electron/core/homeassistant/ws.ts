// Minimal client for HA's WebSocket API (home-assistant.md §1.3): the server
// says `auth_required`, we send `{"type":"auth","access_token":…}`, it answers
// `auth_ok` (with `ha_version`) or `auth_invalid` and hangs up. Commands carry
// increasing ids; results are `{id,type:"result",success,result|error}`.
// Every step has a deadline, frames are size-capped, redirects are not followed,
// and a pinned certificate is checked on the upgrade, before the token is sent (the handshake's
// steps: ws-handshake.ts).
import WebSocket from 'ws'
import { KeywardFailure } from '../../../shared/result.ts'
import { checkPin } from '../net/https.ts'
import type { HaBaseUrl } from './types.ts'
import { parseCommandResult } from './replies.ts'
import { WsHandshake } from './ws-handshake.ts'

export interface HaSocketOptions {
  base: HaBaseUrl
  token: string
  /** Deadline for connect + auth, and the default per command. */
  timeoutMs?: number
  /** Largest single message accepted (the device registry of a big HA is several MB). */
  maxBytes?: number
  tls?: { pin?: string; ca?: string }
}

/** A command HA answered with `success:false` (e.g. `unauthorized`, `unknown_command`). */
export class HaCommandError extends KeywardFailure {
  constructor(
    readonly command: string,
    readonly haCode: string,
    haMessage: string,
  ) {
    super(
      haCode === 'unauthorized' ? 'forbidden' : haCode === 'not_found' ? 'not-found' : 'refused',
      `Home Assistant refused "${command}": ${haMessage}`,
      haCode,
    )
    this.name = 'HaCommandError'
  }
}

interface Pending {
  command: string
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
  timer: NodeJS.Timeout
}

const DEFAULT_TIMEOUT_MS = 10_000
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024

export class HaSocket {
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private closedWith: KeywardFailure | null = null

  private constructor(
    private readonly ws: WebSocket,
    readonly haVersion: string | null,
    private readonly timeoutMs: number,
  ) {
    ws.on('message', (data) => this.onMessage(data))
    ws.on('close', () =>
      this.failAll(new KeywardFailure('unreachable', 'Home Assistant closed the WebSocket connection.')),
    )
    ws.on('error', (error) =>
      this.failAll(
        new KeywardFailure('unreachable', 'The WebSocket connection to Home Assistant failed.', error.message),
      ),
    )
  }

  /** Connects and authenticates. `auth_invalid` is a failed login in HA (§4): never retried. */
  static connect(options: HaSocketOptions): Promise<HaSocket> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const where = options.base.origin
    let pin: string | undefined
    try {
      pin = checkPin(options.tls?.pin, where) // an empty pin is refused, never "no pin" (issue 14 §8)
    } catch (error) {
      return Promise.reject(error as Error)
    }
    return new Promise<HaSocket>((resolve, reject) => {
      const ws = new WebSocket(options.base.websocketUrl, {
        maxPayload: options.maxBytes ?? DEFAULT_MAX_BYTES,
        handshakeTimeout: timeoutMs,
        followRedirects: false,
        perMessageDeflate: false,
        headers: { 'user-agent': 'Keyward' },
        ...(options.base.scheme === 'https'
          ? pin !== undefined
            ? { rejectUnauthorized: false }
            : { rejectUnauthorized: true, ...(options.tls?.ca ? { ca: options.tls.ca } : {}) }
          : {}),
      })
      new WsHandshake(ws, { where, token: options.token, pin, timeoutMs }, (error, haVersion) => {
        if (error) reject(error)
        else resolve(new HaSocket(ws, haVersion, timeoutMs))
      })
    })
  }

  /** Sends one command and waits for its result (or its error as an HaCommandError). */
  command<T = unknown>(type: string, payload: Record<string, unknown> = {}, timeoutMs = this.timeoutMs): Promise<T> {
    if (this.closedWith) return Promise.reject(this.closedWith)
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new KeywardFailure('timeout', `Home Assistant did not answer "${type}" within ${timeoutMs / 1000} s.`))
      }, timeoutMs)
      this.pending.set(id, { command: type, resolve: resolve as (v: unknown) => void, reject, timer })
      this.ws.send(JSON.stringify({ ...payload, id, type }), (error) => {
        if (!error) return
        clearTimeout(timer)
        this.pending.delete(id)
        reject(new KeywardFailure('unreachable', 'Sending to Home Assistant failed.', error.message))
      })
    })
  }

  /** False once HA closed the connection or `close()` was called. */
  get isOpen(): boolean {
    return this.closedWith === null && this.ws.readyState === WebSocket.OPEN
  }

  close(): void {
    this.closedWith ??= new KeywardFailure('unreachable', 'The WebSocket connection to Home Assistant is closed.')
    this.failAll(this.closedWith)
    this.ws.removeAllListeners('close')
    this.ws.on('error', () => {})
    this.ws.close()
    // Do not wait for a peer that never answers the close frame.
    setTimeout(() => this.ws.terminate(), 1000).unref()
  }

  private onMessage(data: WebSocket.RawData): void {
    let raw: unknown
    try {
      raw = JSON.parse(String(data))
    } catch {
      return
    }
    // Only command results are read (§1.3); events and anything unreadable are ignored.
    const message = parseCommandResult(raw)
    const pending = message ? this.pending.get(message.id) : undefined
    if (!message || !pending) return
    this.pending.delete(message.id)
    clearTimeout(pending.timer)
    if (message.success === true) pending.resolve(message.result ?? null)
    else pending.reject(new HaCommandError(pending.command, message.error.code, message.error.message))
  }

  private failAll(error: KeywardFailure): void {
    this.closedWith ??= error
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer)
      pending.reject(error)
      this.pending.delete(id)
    }
  }
}
