import { afterEach, describe, expect, it, vi } from 'vitest'
import { networkSignature, watchNetwork, type AddressSource } from '../../electron/core/keys/network-watch.ts'

const iface = (address: string, internal = false) =>
  ({ address, internal, family: 'IPv4', netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: null }) as never

describe('network change re-check', () => {
  afterEach(() => vi.useRealTimers())

  it('ignores loopback and notices a new, lost or changed address once per minute at most', () => {
    vi.useFakeTimers()
    let current: ReturnType<AddressSource> = { lo: [iface('127.0.0.1', true)], eth0: [iface('192.0.2.10')] }
    const source: AddressSource = () => current
    expect(networkSignature(source)).toBe('eth0/192.0.2.10')
    const onChange = vi.fn()
    const stop = watchNetwork(onChange, { source })
    vi.advanceTimersByTime(60_000)
    expect(onChange).not.toHaveBeenCalled()
    current = { ...current, wg0: [iface('10.8.0.2')] } // a VPN came up
    vi.advanceTimersByTime(59_000)
    expect(onChange).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1_000)
    expect(onChange).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(120_000)
    expect(onChange).toHaveBeenCalledTimes(1)
    stop()
    current = {}
    vi.advanceTimersByTime(120_000)
    expect(onChange).toHaveBeenCalledTimes(1)
  })
})
