// Re-check keys when the network changes (a laptop moves to the home LAN, a VPN
// comes up). Node has no change event, so the addresses are compared once a
// minute: one cheap timer, within the "no wake-ups more than once a minute" budget.
import { networkInterfaces } from 'node:os'

export type AddressSource = () => ReturnType<typeof networkInterfaces>

/** The external addresses, sorted: equal strings mean the same network attachment. */
export function networkSignature(source: AddressSource = networkInterfaces): string {
  const found: string[] = []
  for (const [name, list] of Object.entries(source())) {
    for (const a of list ?? []) if (!a.internal) found.push(`${name}/${a.address}`)
  }
  return found.sort().join(',')
}

export function watchNetwork(
  onChange: () => void,
  options: { intervalMs?: number; source?: AddressSource } = {},
): () => void {
  let last = networkSignature(options.source)
  const timer = setInterval(() => {
    const now = networkSignature(options.source)
    if (now !== last) {
      last = now
      onChange()
    }
  }, options.intervalMs ?? 60_000)
  timer.unref()
  return () => clearInterval(timer)
}
