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

export function createBridgeTransport(token: string): Transport {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  let stream: AbortController | null = null

  const connect = async (attempt = 0): Promise<void> => {
    const controller = new AbortController()
    stream = controller
    try {
      const response = await fetch('/api/events', {
        headers: { 'x-keyward-token': token, accept: 'text/event-stream' },
        signal: controller.signal,
      })
      if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`)
      attempt = 0
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
      let buffer = ''
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        buffer += value
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          dispatch(buffer.slice(0, end))
          buffer = buffer.slice(end + 2)
        }
      }
    } catch {
      if (controller.signal.aborted) return
    }
    // The host restarted or the stream dropped: reconnect with a capped backoff.
    if (stream === controller && listeners.size > 0) {
      setTimeout(() => void connect(attempt + 1), Math.min(10_000, 250 * 2 ** attempt))
    }
  }

  const dispatch = (frame: string) => {
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
    for (const listener of listeners.get(name) ?? []) listener(payload)
  }

  return {
    async invoke(name, input) {
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
    },
    subscribe(name, listener) {
      const set = listeners.get(name) ?? new Set()
      listeners.set(name, set)
      set.add(listener)
      if (!stream) void connect()
      return () => {
        set.delete(listener)
        if (set.size === 0) listeners.delete(name)
        if (listeners.size === 0) {
          stream?.abort()
          stream = null
        }
      }
    },
  }
}
