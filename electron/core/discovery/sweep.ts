// Optional TCP sweep of a chosen subnet for HTTPS listeners. A UISP server
// announces itself in no way (uisp.md §3, discovery.md §1.6), so the only
// automatic way to find one is to try each address; retired airControl did
// the same ("TCP IP-range scan", uisp.md §5). Off by default; bounded
// concurrency and a short connect deadline; subnets above /22 are refused.
import net from 'node:net'
import type { DiscoveryInterface } from '../../../shared/inventory.ts'
import { subnetHosts } from './interfaces.ts'

export const SWEEP_MAX_HOSTS = 1022

export interface SweepOptions {
  port: number
  /** More ports to try on each address after `port` (the UISP search: 8443, uisp.md §3); one "tried" per address. */
  extraPorts?: readonly number[]
  concurrency: number
  connectTimeoutMs: number
  skip: (address: string) => boolean
  /** Checked before each new connection: stop early. */
  cancelled: () => boolean
  /** Called as soon as an address answers on a port, so its fingerprint need not wait for the whole sweep. */
  onOpen?: (address: string, port: number) => void
  /** Called after each address was tried (open or not): the search's progress. */
  onTried?: () => void
}

function canConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port })
    const done = (open: boolean): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(open)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/** The addresses a sweep of `iface`'s subnet tries, or null when the subnet is too large. */
export function sweepTargets(iface: DiscoveryInterface, skip: (address: string) => boolean): string[] | null {
  const hosts = subnetHosts(iface.address, iface.prefixLength, SWEEP_MAX_HOSTS)
  return hosts ? hosts.filter((h) => h !== iface.address && !skip(h)) : null
}

/** Addresses in `iface`'s subnet with `port` open, or null when the subnet is too large. */
export async function sweepSubnet(iface: DiscoveryInterface, options: SweepOptions): Promise<string[] | null> {
  const todo = sweepTargets(iface, options.skip)
  if (!todo) return null
  const open: string[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < todo.length && !options.cancelled()) {
      const host = todo[next++]!
      for (const port of [options.port, ...(options.extraPorts ?? [])]) {
        if (!(await canConnect(host, port, options.connectTimeoutMs))) continue
        if (!open.includes(host)) open.push(host)
        if (!options.cancelled()) options.onOpen?.(host, port)
      }
      options.onTried?.()
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker))
  return open
}
