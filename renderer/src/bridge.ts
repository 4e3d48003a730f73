// Transport for the browser host: the same contract over loopback HTTP
// (requests) and Server-Sent Events (events), authenticated by the per-run
// token that the host put in the URL fragment. Fragments are never sent to a
// server, and we move the token out of the address bar at once.
import { isEventName, type EventName, type Transport } from '../../shared/contract.ts'
import type { Outcome } from '../../shared/result.ts'

const TOKEN_KEY = 'keyward.bridge-token'

export function takeToken(): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash)
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, match[1]!)
    // Keep a route that came with the token (`#/keys&token=…`); drop the token itself.
    const rest = window.location.hash
      .replace(/^#/, '')
      .split('&')
      .filter((part) => part !== '' && !part.startsWith('token='))
      .join('&')
    history.replaceState(null, '', window.location.pathname + window.location.search + (rest ? `#${rest}` : ''))
  }
  return sessionStorage.getItem(TOKEN_KEY)
}

const transportFailure = (message: string): Outcome<never> => ({
  ok: false,
  error: { code: 'unreachable', message },
})

/**
 * The event half: one Server-Sent Events stream (`/api/events`) while anyone listens, reconnected
 * with a capped backoff when the host restarts or the stream drops, closed when the last listener goes.
 */
export class BridgeEvents {
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  private stream: AbortController | null = null

  constructor(private readonly token: string) {}

  subscribe(name: EventName, listener: (payload: unknown) => void): () => void {
    const set = this.listeners.get(name) ?? new Set()
    this.listeners.set(name, set)
    set.add(listener)
    if (!this.stream) void this.connect()
    return () => {
      set.delete(listener)
      if (set.size === 0) this.listeners.delete(name)
      if (this.listeners.size === 0) {
        this.stream?.abort()
        this.stream = null
      }
    }
  }

  private async connect(attempt = 0): Promise<void> {
    const controller = new AbortController()
    this.stream = controller
    try {
      const response = await fetch('/api/events', {
        headers: { 'x-keyward-token': this.token, accept: 'text/event-stream' },
        signal: controller.signal,
      })
      if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`)
      attempt = 0
      await this.read(response.body)
    } catch {
      if (controller.signal.aborted) return
    }
    // The host restarted or the stream dropped: reconnect with a capped backoff.
    if (this.stream === controller && this.listeners.size > 0) {
      setTimeout(() => void this.connect(attempt + 1), Math.min(10_000, 250 * 2 ** attempt))
    }
  }

  private async read(body: NonNullable<Response['body']>): Promise<void> {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      buffer += value
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        this.dispatch(buffer.slice(0, end))
        buffer = buffer.slice(end + 2)
      }
    }
  }

  /** One SSE frame (`event:` and `data:` lines) to the listeners of a known event; anything else is dropped. */
  private dispatch(frame: string): void {
    let name = ''
    let data = ''
    for (const line of frame.split('\n')) {
      if (line.startsWith('event: ')) name = line.slice(7)
      else if (line.startsWith('data: ')) data += line.slice(6)
    }
    if (!isEventName(name)) return
    let payload: unknown
    try {
      payload = JSON.parse(data)
    } catch {
      return
    }
    for (const listener of this.listeners.get(name) ?? []) listener(payload)
  }
}

/** The request half: one POST per request to `/api/invoke/<name>`; a host that does not answer is an error value. */
async function invokeOverHttp(token: string, name: string, input: unknown): Promise<Outcome<unknown>> {
  try {
    const response = await fetch(`/api/invoke/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-keyward-token': token },
      body: JSON.stringify(input ?? {}),
    })
    return (await response.json()) as Outcome<unknown>
  } catch {
    return transportFailure('Keyward’s background service is not answering. Is the browser host still running?')
  }
}

export function createBridgeTransport(token: string): Transport {
  const events = new BridgeEvents(token)
  return {
    invoke: (name, input) => invokeOverHttp(token, name, input),
    subscribe: (name, listener) => events.subscribe(name, listener),
  }
}
