// One discovery UDP endpoint (udp.ts), on loopback only: a taken port falls back
// to another one and says why in plain words (the notice the user reads), a
// hostile packet that makes the handler throw cannot break discovery, and a
// closed endpoint sends nothing more.
import dgram from 'node:dgram'
import { afterEach, describe, expect, it } from 'vitest'
import { bindPreferred, openUdpEndpoint, UdpOpenError } from '../../electron/core/discovery/udp.ts'

const open: dgram.Socket[] = []
afterEach(() => {
  for (const s of open.splice(0)) s.close()
})

/** A port held by another program (no SO_REUSEADDR, so ours cannot share it). */
async function heldPort(): Promise<number> {
  const holder = dgram.createSocket('udp4')
  open.push(holder)
  await new Promise<void>((resolve) => holder.bind(0, '0.0.0.0', () => resolve()))
  return holder.address().port
}

describe('UDP endpoint', () => {
  it('falls back to another port when the preferred one is taken, saying why', async () => {
    const port = await heldPort()
    const bound = await bindPreferred(port, true)
    open.push(bound.socket)
    expect(bound.fellBack).toBe(true)
    expect(bound.socket.address().port).not.toBe(port)
    expect(bound.bindError).toBe(
      `UDP port ${port} is in use by another program (a local UniFi Network Application, perhaps)`,
    )
  })

  it('without fallback, a taken port is an error naming the port', async () => {
    const port = await heldPort()
    const error = await bindPreferred(port, false).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UdpOpenError)
    expect(error).toMatchObject({ code: 'EADDRINUSE', message: expect.stringContaining(`UDP port ${port}`) })
  })

  it('delivers datagrams in order, survives a throwing handler, and sends nothing once closed', async () => {
    const received: string[] = []
    let arrived: () => void = () => {}
    const allArrived = new Promise<void>((resolve) => (arrived = resolve))
    const endpoint = await openUdpEndpoint({
      port: 0,
      fallbackToEphemeral: false,
      interfaces: [],
      onMessage(message) {
        received.push(message.toString())
        if (received.length === 3) arrived()
        if (message.toString() === 'hostile') throw new Error('a handler bug on a crafted packet')
      },
    })
    const sent = await Promise.all(
      ['one', 'hostile', 'three'].map((text) => endpoint.send(Buffer.from(text), '127.0.0.1', endpoint.port)),
    )
    expect(sent).toEqual([true, true, true])
    await allArrived
    expect(received).toEqual(['one', 'hostile', 'three'])
    expect(endpoint.stats).toMatchObject({ received: 3, handlerErrors: 1 })
    await endpoint.close()
    expect(await endpoint.send(Buffer.from('late'), '127.0.0.1', endpoint.port)).toBe(false)
  })
})
