// The browser host's transport (renderer/src/bridge.ts) over a stubbed fetch: events from the
// Server-Sent Events stream reach the page's listeners (unknown events and broken frames are
// dropped), the stream closes when the last listener leaves, and a host that does not answer a
// request is a plain-words error value, not a crash.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { BridgeEvents, createBridgeTransport } from '../../renderer/src/bridge.ts'
import { until } from '../support/until.ts'

/** An `/api/events` reply whose frames the test writes; `aborted` tells whether the page hung up. */
function eventStream() {
  let push!: (text: string) => void
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      push = (text) => controller.enqueue(new TextEncoder().encode(text))
    },
  })
  const state = { aborted: false, requests: 0 }
  const fetch = vi.fn((url: string, init?: RequestInit) => {
    state.requests += 1
    expect(url).toBe('/api/events')
    expect((init?.headers as Record<string, string>)['x-keyward-token']).toBe('tok')
    init?.signal?.addEventListener('abort', () => (state.aborted = true))
    return Promise.resolve(new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }))
  })
  return { fetch, push: (text: string) => push(text), state }
}

afterEach(() => vi.unstubAllGlobals())

describe('the bridge event stream', () => {
  it('hands known events to their listeners and drops unknown names and broken JSON', async () => {
    const stream = eventStream()
    vi.stubGlobal('fetch', stream.fetch)
    const events = new BridgeEvents('tok')
    const seen: unknown[] = []
    events.subscribe('console.changed', (payload) => seen.push(payload))
    await until('the stream is open', () => stream.state.requests === 1)
    stream.push('event: no.such.event\ndata: {"x":1}\n\n')
    stream.push('event: console.changed\ndata: {not json\n\n')
    // One frame split across two chunks still arrives whole.
    stream.push('event: console.changed\nda')
    stream.push('ta: [{"key":"10.0.0.2:443"}]\n\n')
    await until('the event arrives', () => seen.length === 1)
    expect(seen).toEqual([[{ key: '10.0.0.2:443' }]])
  })

  it('opens one stream for many listeners and closes it when the last one leaves', async () => {
    const stream = eventStream()
    vi.stubGlobal('fetch', stream.fetch)
    const events = new BridgeEvents('tok')
    const stopA = events.subscribe('console.changed', () => {})
    const stopB = events.subscribe('inventory.changed', () => {})
    await until('the stream is open', () => stream.state.requests === 1)
    stopA()
    expect(stream.state.aborted).toBe(false)
    stopB()
    expect(stream.state.aborted).toBe(true)
    expect(stream.state.requests).toBe(1)
  })
})

describe('bridge requests', () => {
  it('a host that does not answer is an "unreachable" error in plain words', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('fetch failed')))
    const outcome = await createBridgeTransport('tok').invoke('console.list', {})
    expect(outcome).toEqual({
      ok: false,
      error: {
        code: 'unreachable',
        message: 'Keyward’s background service is not answering. Is the browser host still running?',
      },
    })
  })

  it("posts the request with the run's token and returns the host's answer", async () => {
    const fetch = vi.fn((_url: string, _init?: RequestInit) =>
      Promise.resolve(new Response(JSON.stringify({ ok: true, value: [] }))),
    )
    vi.stubGlobal('fetch', fetch)
    const outcome = await createBridgeTransport('tok').invoke('console.list', {})
    expect(outcome).toEqual({ ok: true, value: [] })
    const [url, init] = fetch.mock.calls[0]!
    expect(url).toBe('/api/invoke/console.list')
    expect(init?.method).toBe('POST')
    expect((init?.headers as Record<string, string>)['x-keyward-token']).toBe('tok')
  })
})
